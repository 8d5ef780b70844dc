"""The audit trail of one invoice, or of an organisation over a time range: transitions,
tax status changes and field corrections merged in time order, as a person reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from fapiao.accounts.models import User
from fapiao.invoices.models import FieldCorrection, Invoice, TaxStatus
from fapiao.invoices.presenters import Masker, choice_label, field_label
from fapiao.review.machine import RULES, parse_action, status_label
from fapiao.review.models import TaxStatusChange, Transition

KIND_LABELS = {"transition": "审核", "correction": "更正", "tax_status": "发票状态"}


@dataclass
class Entry:
    kind: str  # transition | correction | tax_status
    kind_label: str
    created_at: dt.datetime
    invoice_id: int
    invoice_number: str
    actor: str | None
    action: str
    action_label: str
    before: str  # status / field value / tax status before, as a person reads it
    after: str
    before_value: str  # the same as stored: a status slug, a field's raw (masked) value
    after_value: str
    field: str
    field_label: str
    comment: str  # the reviewer's comment / the return reason / the correction reason
    override_reason: str
    flagged: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _tax_label(value: str) -> str:
    return choice_label(TaxStatus, value)


def _from_transition(t: Transition, number: str) -> Entry:
    action = parse_action(t.action)
    return Entry(
        kind="transition",
        kind_label=KIND_LABELS["transition"],
        created_at=t.created_at,
        invoice_id=t.invoice_id,
        invoice_number=number,
        actor=t.actor_name or None,
        action=t.action,
        action_label=RULES[action].label if action else t.action,
        before=status_label(t.from_status),
        after=status_label(t.to_status),
        before_value=t.from_status,
        after_value=t.to_status,
        field="status",
        field_label="审核状态",
        comment=t.comment,
        override_reason=t.override_reason,
        flagged=False,
    )


def _from_tax(c: TaxStatusChange, number: str) -> Entry:
    return Entry(
        kind="tax_status",
        kind_label=KIND_LABELS["tax_status"],
        created_at=c.created_at,
        invoice_id=c.invoice_id,
        invoice_number=number,
        actor=c.actor_name or None,
        action="tax_status_changed",
        action_label="发票状态变化" + ("（已提醒）" if c.flagged else ""),
        before=_tax_label(c.before),
        after=_tax_label(c.after),
        before_value=c.before,
        after_value=c.after,
        field="tax_status",
        field_label="发票状态",
        comment=c.source,
        override_reason="",
        flagged=c.flagged,
    )


def _from_correction(c: FieldCorrection, number: str, masker: Masker, buyer: str) -> Entry:
    def raw(value: str) -> str:
        if c.field == "buyer_tax_id":
            return masker.buyer_tax_id(value)
        return masker.text(value, buyer_tax_id=buyer)

    def shown(value: str) -> str:
        return _tax_label(value) if c.field == "tax_status" else raw(value)

    return Entry(
        kind="correction",
        kind_label=KIND_LABELS["correction"],
        created_at=c.created_at,
        invoice_id=c.invoice_id,
        invoice_number=number,
        actor=None if c.user is None else str(c.user),
        action="correct",
        action_label="更正字段",
        before=shown(c.before),
        after=shown(c.after),
        before_value=raw(c.before),
        after_value=raw(c.after),
        field=c.field,
        field_label=field_label(c.field),
        comment=c.reason,
        override_reason="",
        flagged=False,
    )


def _corrections(
    corrections: Iterable[FieldCorrection], taxes: list[TaxStatusChange]
) -> list[FieldCorrection]:
    """Corrections, less those of the tax status that a TaxStatusChange already tells
    (with its source and whether the reviewer was told): one change, one line."""
    told = {(c.invoice_id, c.before, c.after) for c in taxes}
    return [
        c
        for c in corrections
        if not (c.field == "tax_status" and (c.invoice_id, c.before, c.after) in told)
    ]


def invoice_history(invoice: Invoice, viewer: User) -> list[Entry]:
    """Everything that happened to one invoice the viewer may see, oldest first."""
    masker = Masker(viewer)
    number = invoice.invoice_number
    entries = [_from_transition(t, number) for t in Transition.objects.filter(invoice=invoice)]
    taxes = list(TaxStatusChange.objects.filter(invoice=invoice))
    entries += [_from_tax(c, number) for c in taxes]
    entries += [
        _from_correction(c, number, masker, invoice.buyer_tax_id)
        for c in _corrections(
            FieldCorrection.objects.filter(invoice=invoice).select_related("user"), taxes
        )
    ]
    # A status change caused by a correction is recorded after it, within the same instant.
    order = {"correction": 0, "tax_status": 1, "transition": 2}
    entries.sort(key=lambda e: (e.created_at, order[e.kind]))
    return entries


def organisation_history(
    viewer: User, *, start: dt.datetime, end: dt.datetime, limit: int = 100_000
) -> list[Entry]:
    """The audit trail of the viewer's organisation in [start, end), oldest first."""
    masker = Masker(viewer)
    org = viewer.organisation_id
    if org is None:
        return []
    window = {"created_at__gte": start, "created_at__lt": end}
    transitions = (
        Transition.objects.filter(organisation_id=org, **window)
        .select_related("invoice")
        .order_by("created_at", "id")[:limit]
    )
    taxes = (
        TaxStatusChange.objects.filter(organisation_id=org, **window)
        .select_related("invoice")
        .order_by("created_at", "id")[:limit]
    )
    corrections = (
        FieldCorrection.objects.filter(invoice__organisation_id=org, **window)
        .select_related("invoice", "user")
        .order_by("created_at", "id")[:limit]
    )
    entries = [_from_transition(t, t.invoice.invoice_number) for t in transitions]
    tax_list = list(taxes)
    entries += [_from_tax(c, c.invoice.invoice_number) for c in tax_list]
    entries += [
        _from_correction(c, c.invoice.invoice_number, masker, c.invoice.buyer_tax_id)
        for c in _corrections(corrections, tax_list)
    ]
    entries.sort(key=lambda e: (e.created_at, e.invoice_id))
    return entries[:limit]
