"""The review panel of the invoice page: live status, the actions this person may take,
the last reason, and the merged audit trail. Polled every second by htmx; answers 204
while the invoice is unchanged, so an open page costs one primary-key read a second."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from fapiao.accounts.models import User
from fapiao.errors import FapiaoError, InvoiceNotFound
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.invoices.scope import visible_invoices
from fapiao.review import services
from fapiao.review.history import invoice_history
from fapiao.review.machine import RULES, Action, Actor, actions_from, status_label
from fapiao.review.rules import FINANCE_ROLES, blocking_reasons, may_review
from fapiao.review.selectors import last_words
from fapiao.review.web import htmx_login_required

MAX_ID = 2**63 - 1


def invoice_version(invoice: Invoice) -> str:
    return f"{invoice.updated_at.timestamp():.6f}"


def _load(user: User, invoice_id: int) -> Invoice:
    invoice = None
    if invoice_id <= MAX_ID:
        invoice = visible_invoices(user).filter(pk=invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


def possible_actions(user: User, invoice: Invoice) -> list[dict[str, str]]:
    """The buttons this person sees: actions allowed now that they may take."""
    shown = []
    for action in actions_from(invoice.status):
        rule = RULES[action]
        if rule.actor is Actor.SUBMITTER:
            allowed = invoice.submitter_id == user.pk
        elif rule.actor is Actor.FINANCE:
            allowed = user.role in FINANCE_ROLES and invoice.submitter_id != user.pk
        else:
            allowed = may_review(user, invoice)
        if allowed:
            shown.append({"action": action.value, "label": rule.label})
    return shown


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
    user = cast(User, request.user)
    invoice = _load(user, invoice_id)
    if request.GET.get("v") == invoice_version(invoice):
        return HttpResponse(status=204)
    return render(request, "review/_panel.html", panel_context(user, invoice, oob=True))


@htmx_login_required
@require_POST
def act(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = cast(User, request.user)
    invoice = _load(user, invoice_id)
    action = request.POST.get("action", "")
    try:
        services.apply_transition(
            invoice=invoice,
            actor=user,
            action=action,
            comment=request.POST.get("comment", ""),
            override_reason=request.POST.get("override_reason", ""),
        )
    except FapiaoError as exc:
        # Shown in the panel, next to the form, with what was typed kept.
        fresh = _load(user, invoice_id)
        context = panel_context(
            user,
            fresh,
            oob=True,
            error=exc.detail,
            typed={k: request.POST.get(k, "") for k in ("comment", "override_reason")},
            failed_action=action,
        )
        return render(request, "review/_panel.html", context)
    done = f"已{RULES[Action(action)].label}。"
    return render(request, "review/_panel.html", panel_context(user, invoice, oob=True, done=done))
