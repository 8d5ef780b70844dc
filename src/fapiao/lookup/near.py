"""Invoices in a user's scope close to what they typed, found through indexes only.

Every invoice is indexed by (organisation, invoice_number, …). So instead of scanning the
table and measuring distances, the one-edit neighbourhood of the number (every substitution,
insertion, deletion and swap: ~400 strings for 20 digits) is looked up as index probes; the
code is compared in Python on the few rows that come back. Two edits are looked for among
small indexed candidate sets: the same number with another code, the same issue date, the
same total, and the numbers sorted next to the typed one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from fapiao.core.lookup_text import (
    count_bound,
    describe_difference,
    digit_counts,
    one_edit_variants,
)
from fapiao.invoices.models import Invoice

# Rows read from each two-edit candidate set: a bound, so a busy day costs the same.
CANDIDATE_ROWS = 300
NEIGHBOURS = 25
IN_CHUNK = 1000  # one query for a 20-digit number (~560 variants); SQLite allows 32,766
_RANK = {"swapped_fields": 0, "swapped_digits": 1, "wrong_year": 2, "one_edit": 3, "two_edits": 4}


@dataclass(frozen=True)
class NearMatch:
    invoice_id: int
    invoice_code: str
    invoice_number: str
    issue_date: dt.date | None
    total_amount: Decimal | None
    kind: str
    description: str
    same_date: bool
    same_amount: bool


def near_matches(
    scope: QuerySet[Invoice],
    *,
    organisation_id: int | None,
    code: str,
    number: str,
    issue_date: dt.date | None = None,
    amount: Decimal | None = None,
    limit: int = 5,
) -> list[NearMatch]:
    if organisation_id is None or not number.isdigit() or (code and not code.isdigit()):
        return []
    # Candidates are read as (id, code, number) strings only: no date or decimal
    # conversion for the hundreds of rows the counts reject.
    rows: dict[int, tuple[str, str]] = {}

    def take(qs: QuerySet[Invoice]) -> None:
        for pk, row_code, row_number in qs.values_list("id", "invoice_code", "invoice_number"):
            rows[pk] = (row_code, row_number)

    # One IN list covers the one-edit neighbourhood, the same number under another code
    # (a wrong digit in the code, e.g. its year) and code and number typed into each
    # other's boxes (the stored number is then the typed code).
    # Probed across the organisation and checked against the scope afterwards: with a
    # submitter's scope in the same query PostgreSQL prefers walking all of their invoices
    # (the submitter index) to 400 probes of the number index.
    wanted = one_edit_variants(number) | {number} | ({code} if code else set())
    variants = sorted(wanted)
    org_rows = Invoice.objects.filter(organisation_id=organisation_id)
    for start in range(0, len(variants), IN_CHUNK):
        chunk = variants[start : start + IN_CHUNK]
        take(org_rows.filter(invoice_number__in=chunk)[:CANDIDATE_ROWS])
    if not code and len(number) in (10, 12):
        # A code typed into the number box alone: its invoices share the code.
        take(scope.filter(invoice_code=number)[:CANDIDATE_ROWS])
    if issue_date is not None:
        take(scope.filter(issue_date=issue_date)[:CANDIDATE_ROWS])
    if amount is not None:
        take(scope.filter(total_amount=amount)[:CANDIDATE_ROWS])
    # The numbers sorted on either side: the usual slip is in the last (sequence) digits.
    take(scope.filter(invoice_number__gt=number).order_by("invoice_number")[:NEIGHBOURS])
    take(scope.filter(invoice_number__lt=number).order_by("-invoice_number")[:NEIGHBOURS])

    close: dict[int, tuple[str, str, str, str]] = {}
    typed_counts = digit_counts(code + number)
    for pk, (row_code, row_number) in rows.items():
        if (row_code, row_number) == (code, number):
            continue
        # Most rows of the date, amount and neighbour sets are far away: the digit counts
        # reject them without the quadratic distance.
        if count_bound(typed_counts, digit_counts(row_code + row_number)) > 2:
            continue
        difference = describe_difference(code, number, row_code, row_number)
        if difference is not None:
            close[pk] = (row_code, row_number, *difference)
    if not close:
        return []
    # The scope decides what may be offered: rows outside it were only compared.
    details = {
        pk: (date, total)
        for pk, date, total in scope.filter(pk__in=list(close)).values_list(
            "id", "issue_date", "total_amount"
        )
    }
    found = [
        NearMatch(
            pk,
            row_code,
            row_number,
            details[pk][0],
            details[pk][1],
            kind,
            description,
            same_date=issue_date is not None and details[pk][0] == issue_date,
            same_amount=amount is not None and details[pk][1] == amount,
        )
        for pk, (row_code, row_number, kind, description) in close.items()
        if pk in details
    ]
    # Closest first; an agreeing date or amount makes a candidate far more likely.
    found.sort(
        key=lambda m: (_RANK[m.kind] - m.same_date - m.same_amount, m.invoice_number, m.invoice_id)
    )
    return found[:limit]
