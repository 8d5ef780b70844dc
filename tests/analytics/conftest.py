"""A mixed ledger for the analytics tests, and the direct computation every figure is
compared with: plain Python over the stored invoices, applying the counting rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from fapiao.accounts.models import User
from fapiao.core import taxonomy
from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.errors import DuplicateInvoice
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from tests.conftest import record

COUNTED = {ReviewStatus.APPROVED, ReviewStatus.REIMBURSED}
START, END = dt.date(2025, 1, 1), dt.date(2026, 10, 31)


def red_of(blue: InvoiceData, number: str, share: Decimal = Decimal(1)) -> InvoiceData:
    """A red invoice reversing `share` of `blue`."""

    def neg(v: Decimal | None) -> Decimal | None:
        return None if v is None else (-v * share).quantize(Decimal("0.01"))

    return dataclasses.replace(
        blue,
        invoice_code=None,
        invoice_number=number,
        issue_date=blue.issue_date,
        amount=neg(blue.amount),
        tax_amount=neg(blue.tax_amount),
        total_amount=neg(blue.total_amount),
        items=[
            dataclasses.replace(i, amount=neg(i.amount), tax_amount=neg(i.tax_amount))
            for i in blue.items
        ],
        tax_status="normal",
        is_red=True,
        original_invoice_number=blue.invoice_number,
        original_invoice_code=blue.invoice_code,
    )


@pytest.fixture
def ledger(users: dict[str, User], outsider: User, corpus: CorpusGenerator) -> dict[str, Any]:
    """~70 invoices over two years in two departments: every review status, voided ones,
    red ones (full, partial, voided, of a pending blue), duplicates and another org's."""
    made: list[Invoice] = []
    datas: list[InvoiceData] = []
    statuses = [
        ReviewStatus.APPROVED,
        ReviewStatus.REIMBURSED,
        ReviewStatus.APPROVED,
        ReviewStatus.PENDING_REVIEW,
        ReviewStatus.RETURNED,
        ReviewStatus.WITHDRAWN,
    ]
    people = [users["submitter"], users["submitter2"], users["reviewer"]]
    for k, data in enumerate(corpus.invoices(66, start=START, end=END, voided_share=0.08)):
        inv = record(data, submitter=people[k % 3])
        Invoice.objects.filter(pk=inv.pk).update(status=statuses[k % len(statuses)])
        made.append(inv)
        datas.append(data)
    blues = [
        (d, i)
        for d, i in zip(datas, made, strict=True)
        if not i.is_red and i.original_invoice_id is None and i.tax_status == TaxStatus.NORMAL
    ]
    approved = [(d, i) for d, i in blues if i.pk and _status(i) in COUNTED]
    pending = [(d, i) for d, i in blues if _status(i) == ReviewStatus.PENDING_REVIEW]
    reds = [
        (approved[0], Decimal(1), ReviewStatus.PENDING_REVIEW, "normal"),
        (approved[1], Decimal("0.4"), ReviewStatus.APPROVED, "normal"),
        (approved[2], Decimal(1), ReviewStatus.APPROVED, "voided"),
        (pending[0], Decimal(1), ReviewStatus.APPROVED, "normal"),
    ]
    for n, ((data, blue), share, status, tax) in enumerate(reds):
        red = record(red_of(data, f"2611200000000000{n:04d}", share), submitter=users["submitter"])
        Invoice.objects.filter(pk=red.pk).update(status=status, tax_status=tax)
        assert Invoice.objects.get(pk=red.pk).original_invoice_id == blue.pk
    # Second submissions of counted invoices are refused and linked, never stored again.
    for data, _ in approved[3:5]:
        with pytest.raises(DuplicateInvoice):
            record(dataclasses.replace(data), submitter=users["submitter2"])
    # Another organisation with the same kind of spending.
    other = CorpusGenerator(seed=99, today=dt.date(2026, 11, 28))
    for data in other.invoices(10, start=START, end=END):
        inv = record(data, submitter=outsider)
        Invoice.objects.filter(pk=inv.pk).update(status=ReviewStatus.APPROVED)
    return {"org": users["finance_admin"].organisation, "users": users}


def _status(inv: Invoice) -> str:
    return Invoice.objects.values_list("status", flat=True).get(pk=inv.pk)


def expected(
    org_id: int,
    key: Callable[[Invoice], Any],
    *,
    start: dt.date,
    end: dt.date,
    statuses: set[str] | None = None,
    where: Callable[[Invoice], bool] = lambda i: True,
) -> dict[Any, dict[str, Any]]:
    """{key: {total, amount, tax, count}} computed by hand from every stored invoice."""
    statuses = statuses or COUNTED
    out: dict[Any, dict[str, Any]] = {}
    every = {i.pk: i for i in Invoice.objects.filter(organisation_id=org_id)}

    def counts(inv: Invoice) -> bool:
        return (
            not inv.is_red
            and inv.status in statuses
            and inv.tax_status != TaxStatus.VOIDED
            and inv.issue_date is not None
            and start <= inv.issue_date <= end
            and where(inv)
        )

    for inv in every.values():
        blue = every.get(inv.original_invoice_id) if inv.is_red else inv
        if blue is None or not counts(blue):
            continue
        if inv.is_red and inv.tax_status == TaxStatus.VOIDED:
            continue
        row = out.setdefault(
            key(blue), {"total": Decimal(0), "amount": Decimal(0), "tax": Decimal(0), "count": 0}
        )
        row["total"] += inv.total_amount or 0
        row["amount"] += inv.amount or 0
        row["tax"] += inv.tax_amount or 0
        row["count"] += 0 if inv.is_red else 1
    return out


def category_of(inv: Invoice) -> str:
    return taxonomy.normalise(inv.category)
