"""The review panel of the invoice page: live status, the actions this person may take,
the last reason, and the merged audit trail. Polled every second by htmx; answers 204
while the invoice is unchanged, so an open page costs one primary-key read a second."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from fapiao.accounts.models import User
from fapiao.errors import FapiaoError, InvoiceNotFound
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.invoices.scope import visible_invoices
from fapiao.review import services
from fapiao.review.history import invoice_history
from fapiao.review.machine import RULES, Action, status_label
from fapiao.review.rules import blocking_reasons, possible_actions
from fapiao.review.selectors import last_words
from fapiao.web.http import htmx_login_required, user_of


def invoice_version(invoice: Invoice) -> str:
    return f"{invoice.updated_at.timestamp():.6f}"


def load(user: User, invoice_id: int) -> Invoice:
    """The invoice alone, without its related rows: the panel asks every second."""
    invoice = visible_invoices(user).filter(pk=invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


def typed(request: HttpRequest) -> dict[str, str]:
    """What the person typed beside the action buttons (kept when the action fails)."""
    return {name: request.POST.get(name, "") for name in ("comment", "override_reason")}


def apply_posted(request: HttpRequest, *, invoice: Invoice, user: User, action: str) -> None:
    """The transition a panel or queue form asks for, with its comment and reason."""
    services.apply_transition(invoice=invoice, actor=user, action=action, **typed(request))


def panel_context(user: User, invoice: Invoice, **extra: Any) -> dict[str, Any]:
    latest = last_words([invoice.pk]).get(invoice.pk)
    actions = possible_actions(user, invoice)
    return {
        "inv": invoice,
        "status_label": status_label(invoice.status),
        "version": invoice_version(invoice),
        "actions": actions,
        "can_decide": any(a["action"] == Action.APPROVE for a in actions),
        "blockers": blocking_reasons(invoice),
        "return_reason": latest.comment
        if latest is not None and invoice.status == ReviewStatus.RETURNED
        else "",
        "history": invoice_history(invoice, user),
        **extra,
    }


@htmx_login_required
@require_GET
def panel(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = user_of(request)
    invoice = load(user, invoice_id)
    if request.GET.get("v") == invoice_version(invoice):
        return HttpResponse(status=204)
    return render(request, "review/_panel.html", panel_context(user, invoice, oob=True))


@htmx_login_required
@require_POST
def act(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = user_of(request)
    invoice = load(user, invoice_id)
    action = request.POST.get("action", "")
    try:
        apply_posted(request, invoice=invoice, user=user, action=action)
    except FapiaoError as exc:
        # Shown in the panel, next to the form, with what was typed kept.
        context = panel_context(
            user,
            load(user, invoice_id),
            oob=True,
            error=exc.detail,
            typed=typed(request),
            failed_action=action,
        )
        return render(request, "review/_panel.html", context)
    done = f"已{RULES[Action(action)].label}。"
    return render(request, "review/_panel.html", panel_context(user, invoice, oob=True, done=done))
