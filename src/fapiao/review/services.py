"""Writes of the review workflow. apply_transition() is the one way an invoice's review
status changes: checked against the machine and the rules, atomic, and race-safe by a
conditional UPDATE (the row changes only if it still has the status the actor saw)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.errors import InvoiceNotFound
from fapiao.invoices.models import Invoice
from fapiao.review import alerts
from fapiao.review.errors import OverrideRequired, ReasonRequired, TransitionNotAllowed
from fapiao.review.machine import (
    OVERRIDE_CHECKED,
    REASON_REQUIRED,
    RULES,
    Action,
    actions_from,
    parse_action,
    status_label,
    target_of,
)
from fapiao.review.models import Transition
from fapiao.review.rules import blocking_reasons, check_actor

log = logging.getLogger(__name__)
MAX_TEXT = 2000


def _not_allowed(action: Action, status: str) -> TransitionNotAllowed:
    rule = RULES[action]
    possible = "、".join(RULES[a].label for a in actions_from(status)) or "无"
    return TransitionNotAllowed(
        f"发票当前是“{status_label(status)}”，不能{rule.label}"
        f"（只有{'、'.join(status_label(s) for s in sorted(rule.sources))}的发票可以）。"
        f"当前可做的操作：{possible}。"
    )


def _lost_race(invoice_id: int) -> TransitionNotAllowed:
    now = Invoice.objects.filter(pk=invoice_id).values_list("status", flat=True).first()
    if now is None:
        raise InvoiceNotFound()
    return TransitionNotAllowed(
        f"这张发票刚刚被其他人处理过（现在是“{status_label(now)}”），您的操作没有生效："
        "请刷新页面查看最新状态后再决定。",
        current_status=now,
    )


def apply_transition(
    *,
    invoice: Invoice,
    actor: User,
    action: str,
    comment: str = "",
    override_reason: str = "",
) -> Transition:
    """Move `invoice` by `action` taken by `actor`; `invoice.status` is what the actor saw.

    Raises TransitionNotAllowed (409), PermissionDenied (403), ReasonRequired and
    OverrideRequired (422), InvoiceNotFound (404). Updates `invoice` in place on success.
    """
    parsed = parse_action(action)
    if parsed is None:
        allowed = "、".join(a.value for a in Action)
        raise TransitionNotAllowed(f"没有“{action}”这种操作：可用的操作是 {allowed}。")
    rule = RULES[parsed]
    check_actor(actor, invoice, rule)
    source = invoice.status
    target = target_of(parsed, source)
    if target is None:
        raise _not_allowed(parsed, source)
    comment = (comment or "").strip()[:MAX_TEXT]
    override_reason = (override_reason or "").strip()[:MAX_TEXT]
    if parsed in REASON_REQUIRED and not comment:
        raise ReasonRequired()
    if parsed in OVERRIDE_CHECKED:
        blockers = blocking_reasons(invoice)
        if blockers and not override_reason:
            raise OverrideRequired(
                f"这张发票{'、'.join(blockers)}，不能直接审核通过：请核对后填写放行理由，"
                "说明为何仍然通过，或将其退回。",
                blockers=blockers,
            )
        if not blockers:
            override_reason = ""
    link = alerts.prepare(invoice)
    now = timezone.now()
    with transaction.atomic():
        # The WHERE on the status is the lock: of two actors who saw the same status, the
        # database lets exactly one UPDATE match; the other sees 0 rows and is told so.
        changed = Invoice.objects.filter(pk=invoice.pk, status=source).update(
            status=target, updated_at=now
        )
        if not changed:
            raise _lost_race(invoice.pk)
        record = Transition.objects.create(
            invoice=invoice,
            organisation_id=invoice.organisation_id,
            actor=actor,
            actor_name=str(actor),
            action=parsed.value,
            from_status=source,
            to_status=target,
            comment=comment,
            override_reason=override_reason,
            created_at=now,
        )
        invoice.status = target
        invoice.updated_at = now
        alerts.after_transition(invoice=invoice, record=record, link=link)
    log.info("invoice %s: %s -> %s by user %s", invoice.pk, source, target, actor.pk)
    return record
