"""Which invoices count as spending, and the grouped sums every report is built from.

The rules (issue 6, DOMAIN.md):
- an invoice counts when it is approved or reimbursed (FAPIAO_ANALYTICS_INCLUDE_PENDING
  adds those pending review), and never when it is voided (作废);
- a red invoice (红字) nets off the blue one it reverses: its (negative) amounts count
  where, when and while the blue one counts - same month, category, department, seller
  and submitter - so a reversal corrects the figure it reverses. A red invoice whose blue
  one is not stored (or does not count) changes nothing;
- a second submission of an invoice is never stored as an invoice (it is a
  DuplicateSubmission), so duplicates cannot count twice.
Every query starts from fapiao.invoices.scope.visible_invoices: a person only ever sums
what they may see (a red invoice by whether they see the blue one it reverses), and never
another organisation's invoices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from fapiao.accounts.models import User
from fapiao.analytics.sql import CentsSum, MonthKey, from_cents
from fapiao.config import env_bool
from fapiao.core.kinds import SPECIAL_VAT_TYPES
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.invoices.scope import sees_all_invoices_of_organisation, visible_invoices

COUNTED = (ReviewStatus.APPROVED, ReviewStatus.REIMBURSED)


def counted_statuses() -> tuple[str, ...]:
    if env_bool("FAPIAO_ANALYTICS_INCLUDE_PENDING"):
        return (*COUNTED, ReviewStatus.PENDING_REVIEW)
    return COUNTED


@dataclass
class SpendFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    department: int | None = None
    # Stored Invoice.category values standing for the chosen category (see categories()).
    raw_categories: list[str] | None = None
    seller: str | None = None
    submitter: int | None = None


class Money:
    """Sums in whole fen (exact integers while adding up thousands of groups), read as
    Decimal yuan: total 价税合计, amount 金额, tax 税额; count of blue invoices (a red one
    nets money, not a count)."""

    __slots__ = ("amount_c", "count", "tax_c", "total_c")

    def __init__(self, total_c: int = 0, amount_c: int = 0, tax_c: int = 0, count: int = 0):
        self.total_c, self.amount_c, self.tax_c, self.count = total_c, amount_c, tax_c, count

    @property
    def total(self) -> Decimal:
        return from_cents(self.total_c)

    @property
    def amount(self) -> Decimal:
        return from_cents(self.amount_c)

    @property
    def tax(self) -> Decimal:
        return from_cents(self.tax_c)

    def add(self, other: Money) -> None:
        self.total_c += other.total_c
        self.amount_c += other.amount_c
        self.tax_c += other.tax_c
        self.count += other.count


@dataclass
class Cell:
    """Sums of one (month, stored category, department, 专票?, pending?) group."""

    month: str
    category: str
    department_id: int | None
    special: bool
    pending: bool
    money: Money = field(default_factory=Money)


def _where(prefix: str, f: SpendFilter) -> Q:
    q = Q()
    if f.date_from:
        q &= Q(**{f"{prefix}issue_date__gte": f.date_from})
    if f.date_to:
        q &= Q(**{f"{prefix}issue_date__lte": f.date_to})
    if f.department:
        q &= Q(**{f"{prefix}department_id": f.department})
    if f.raw_categories is not None:
        q &= Q(**{f"{prefix}category__in": f.raw_categories})
    if f.submitter:
        q &= Q(**{f"{prefix}submitter_id": f.submitter})
    if f.seller:
        text = f.seller.strip()
        q &= Q(**{f"{prefix}seller_tax_id": text.upper()}) | Q(
            **{f"{prefix}seller_name__icontains": text}
        )
    return q


Scope = User | int  # a person (their visible invoices) or an organisation id (all of its)


def base_invoices(scope: Scope) -> QuerySet[Invoice]:
    if isinstance(scope, int):  # the system's own view (budgets, worker tasks)
        return Invoice.objects.filter(organisation_id=scope)
    return visible_invoices(scope)


def org_of(scope: Scope) -> int | None:
    return scope if isinstance(scope, int) else scope.organisation_id


def blue_invoices(
    user: Scope, f: SpendFilter, statuses: tuple[str, ...] | None = None
) -> QuerySet[Invoice]:
    """Counted non-red invoices in `user`'s scope matching `f`."""
    return (
        base_invoices(user)
        .filter(_where("", f), is_red=False, status__in=statuses or counted_statuses())
        .exclude(tax_status=TaxStatus.VOIDED)
    )


def red_invoices(
    user: Scope, f: SpendFilter, statuses: tuple[str, ...] | None = None
) -> QuerySet[Invoice]:
    """Red invoices whose blue invoice counts, matches `f` (by its fields) and is in scope.

    The scope is the blue invoice's: a reversal counts wherever the purchase it reverses
    counts, whoever submitted the red invoice."""
    reds = Invoice.objects.filter(organisation_id=org_of(user) or 0)
    if isinstance(user, User) and not sees_all_invoices_of_organisation(user):
        reds = reds.filter(original_invoice__in=visible_invoices(user))
    return (
        reds.filter(
            _where("original_invoice__", f),
            is_red=True,
            original_invoice__is_red=False,
            original_invoice__status__in=statuses or counted_statuses(),
        )
        .exclude(tax_status=TaxStatus.VOIDED)
        .exclude(original_invoice__tax_status=TaxStatus.VOIDED)
    )


SUMS = {
    "total_c": CentsSum("total_amount"),
    "amount_c": CentsSum("amount"),
    "tax_c": CentsSum("tax_amount"),
    "n": Count("id"),
}


def _money(total_c: Any, amount_c: Any, tax_c: Any, n: int, is_blue: bool) -> Money:
    # A red invoice is not another purchase: it changes money, not the count.
    return Money(int(total_c or 0), int(amount_c or 0), int(tax_c or 0), n if is_blue else 0)


def month_key(prefix: str) -> MonthKey:
    return MonthKey(f"{prefix}issue_date")


def pending_key(prefix: str) -> Case:
    return Case(
        When(**{f"{prefix}status": ReviewStatus.PENDING_REVIEW}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _cell_keys(prefix: str) -> dict[str, Any]:
    return {
        "m": month_key(prefix),
        "c": F(f"{prefix}category"),
        "d": F(f"{prefix}department_id"),
        "s": Case(
            When(**{f"{prefix}invoice_type__in": SPECIAL_VAT_TYPES}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "p": pending_key(prefix),
    }


KeysOf = Callable[[str], dict[str, Any]]


def sums(
    user: Scope, f: SpendFilter, keys: KeysOf, statuses: tuple[str, ...] | None = None
) -> Iterator[tuple[tuple[Any, ...], Money]]:
    """Counted spending grouped by `keys(prefix)`: one query for blue invoices, one for red
    (keyed by the fields of the blue invoice each reverses, hence the prefix)."""
    for is_blue, qs, prefix in (
        (True, blue_invoices(user, f, statuses), ""),
        (False, red_invoices(user, f, statuses), "original_invoice__"),
    ):
        named = keys(prefix)
        names = list(named)
        # Any: the stubs cannot follow annotations given as **kwargs.
        plain: Any = qs.order_by()
        rows = plain.annotate(**named).values(*names).annotate(**SUMS).values_list(*names, *SUMS)
        width = len(names)
        for row in rows:
            total_c, amount_c, tax_c, n = row[width:]
            yield tuple(row[:width]), _money(total_c, amount_c, tax_c, n, is_blue)


def live_cells(user: Scope, f: SpendFilter, statuses: tuple[str, ...] | None = None) -> list[Cell]:
    """The grouped sums of counted spending, read from the invoices themselves."""
    out: dict[tuple[str, str, int | None, bool, bool], Cell] = {}
    for (m, c, d, special, pending), money in sums(user, f, _cell_keys, statuses):
        if m is None:  # no issue date: it cannot be placed in any period
            continue
        key = (m, c or "", d, bool(special), bool(pending))
        cell = out.get(key)
        if cell is None:
            cell = out[key] = Cell(*key)
        cell.money.add(money)
    return list(out.values())


def cells(user: Scope, f: SpendFilter) -> list[Cell]:
    """The grouped sums of counted spending: from the roll-ups where they serve (see
    fapiao.analytics.rollups), else from the invoices."""
    from fapiao.analytics import rollups

    return rollups.cells(user, f)


def live_grouped(user: Scope, f: SpendFilter, column: str) -> dict[object, Money]:
    out: dict[object, Money] = {}
    for (k,), money in sums(user, f, lambda prefix: {"k": F(f"{prefix}{column}")}):
        out.setdefault(k, Money()).add(money)
    return out


def grouped(user: Scope, f: SpendFilter, column: str) -> dict[object, Money]:
    """Counted spending by one invoice column (seller_name, submitter_id, …)."""
    from fapiao.analytics import rollups

    return rollups.grouped(user, f, column)
