"""{% review_panel %}: the review panel on the invoice page (status, actions, history)."""

from __future__ import annotations

from typing import Any

from django import template

from fapiao.invoices.scope import visible_invoices
from fapiao.review.views.panel import panel_context

register = template.Library()


@register.inclusion_tag("review/_panel.html", takes_context=True)
def review_panel(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    shown = context.get("invoice") or {}
    invoice_id = shown.get("id") if isinstance(shown, dict) else None
    invoice = None
    if isinstance(invoice_id, int):
        invoice = visible_invoices(request.user).filter(pk=invoice_id).first()
    if invoice is None:  # the page itself checked visibility; nothing to add otherwise
        return {"hidden": True}
    return {
        **panel_context(request.user, invoice),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
