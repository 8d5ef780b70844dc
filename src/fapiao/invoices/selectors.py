"""Reads of invoices: filters, sorting and keyset pagination over a user's scope.

Pages are cut by key set ((sort value, id) of the last row), not by offset, so the
millionth row costs what the first does. Both databases use their native NULL order so the
(organisation, sort key, id) indexes serve the ORDER BY; the cursor predicate follows it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from fapiao.accounts.models import User
from fapiao.errors import InvalidInvoiceData, InvoiceNotFound
from fapiao.invoices.models import Invoice
from fapiao.invoices.scope import visible_invoices
from fapiao.web.http import MAX_ID

SORT_FIELDS = {"issue_date": "开票日期", "total_amount": "价税合计", "created_at": "创建时间"}
DEFAULT_SORT = "-issue_date"


@dataclass
class InvoiceFilter:
    invoice_number: str | None = None
    invoice_code: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    invoice_type: list[str] = field(default_factory=list)
    buyer: str | None = None  # name (contains) or tax id (exact)
    seller: str | None = None
    amount_min: Decimal | None = None  # on 价税合计
    amount_max: Decimal | None = None
    tax_status: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    department: int | None = None
    category: str | None = None
    submitter: int | None = None
    region: str | None = None
    is_beijing: bool | None = None
    has_duplicates: bool | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, "", []) for f in fields(self))


def _party_q(prefix: str, text: str) -> Q:
    text = text.strip()
    candidate = text.replace(" ", "").upper()
    if len(candidate) in (15, 17, 18, 20) and candidate.isalnum():
        return Q(**{f"{prefix}_tax_id": candidate}) | Q(**{f"{prefix}_name__icontains": text})
    return Q(**{f"{prefix}_name__icontains": text})


class _Broad(ExpressionWrapper):
    """A condition most rows meet, said so to SQLite's planner (likelihood(…, 0.5)).

    SQLite (built without STAT4, as Debian's is) guesses that any two-sided range keeps
    1/64 of the rows, so for "amount 1000-5000, newest first" it reads the whole range
    through the amount index (a quarter of a million rows) and sorts it, instead of
    walking the created_at index and stopping after one page: 150 ms instead of 1 ms.
    PostgreSQL has real statistics and is told nothing.
    """

    def as_sqlite(
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = self.as_sql(compiler, connection)
        return f"likelihood({sql}, 0.5)", list(params)


def _amount_q(f: InvoiceFilter) -> list[Q | ExpressionWrapper]:
    """The 价税合计 bounds; a range spanning a factor of two or more (or open on one side)
    holds a large share of invoices, a narrow one (looking for one amount) does not."""
    low, high = f.amount_min, f.amount_max
    bounds = []
    if low is not None:
        bounds.append(Q(total_amount__gte=low))
    if high is not None:
        bounds.append(Q(total_amount__lte=high))
    broad = low is None or high is None or low <= 0 or high >= 2 * low
    if not broad:
        return list(bounds)
    return [_Broad(bound, output_field=BooleanField()) for bound in bounds]


def apply_filter(qs: QuerySet[Invoice], f: InvoiceFilter) -> QuerySet[Invoice]:
    if f.invoice_number:
        qs = qs.filter(invoice_number=f.invoice_number.strip())
    if f.invoice_code:
        qs = qs.filter(invoice_code=f.invoice_code.strip())
    if f.date_from:
        qs = qs.filter(issue_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(issue_date__lte=f.date_to)
    if f.invoice_type:
        qs = qs.filter(invoice_type__in=f.invoice_type)
    if f.buyer:
        qs = qs.filter(_party_q("buyer", f.buyer))
    if f.seller:
        qs = qs.filter(_party_q("seller", f.seller))
    for bound in _amount_q(f):
        qs = qs.filter(bound)
    if f.tax_status:
        qs = qs.filter(tax_status__in=f.tax_status)
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.department:
        qs = qs.filter(department_id=f.department)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.submitter:
        qs = qs.filter(submitter_id=f.submitter)
    if f.region:
        qs = qs.filter(region=f.region)
    if f.is_beijing is not None:
        qs = qs.filter(is_beijing=f.is_beijing)
    if f.has_duplicates is not None:
        qs = qs.filter(has_duplicates=f.has_duplicates)
    return qs


@dataclass
class Page:
    items: list[Invoice]
    next_cursor: str | None
    sort: str


def _encode_cursor(value: Any, pk: int) -> str:
    if isinstance(value, dt.datetime):
        raw: Any = ["dt", value.isoformat()]
    elif isinstance(value, dt.date):
        raw = ["d", value.isoformat()]
    elif isinstance(value, Decimal):
        raw = ["n", str(value)]
    else:
        raw = ["x", None]
    return base64.urlsafe_b64encode(json.dumps([raw, pk]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        (kind, text), pk = json.loads(base64.urlsafe_b64decode(padded))
        value: Any = None
        if kind == "dt":
            value = dt.datetime.fromisoformat(text)
        elif kind == "d":
            value = dt.date.fromisoformat(text)
        elif kind == "n":
            value = Decimal(text)
            if not value.is_finite() or abs(value) >= 10**16:  # DecimalField(18, 2)
                raise ValueError(text)
        elif kind != "x":
            raise ValueError(kind)
        if not 0 < int(pk) <= MAX_ID:  # a forged cursor must not reach the database
            raise ValueError(pk)
        return value, int(pk)
    except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
        raise InvalidInvoiceData(
            [{"field": "cursor", "message": "翻页标记无效"}],
            detail="翻页标记无效或已过期：请从第一页重新开始浏览。",
        ) from exc


def parse_sort(sort: str | None) -> tuple[str, bool]:
    sort = sort or DEFAULT_SORT
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name not in SORT_FIELDS:
        allowed = "、".join(SORT_FIELDS)
        raise InvalidInvoiceData(
            [{"field": "sort", "message": f"不支持按 {name} 排序"}],
            detail=f"不支持按 {name} 排序：可用的排序字段是 {allowed}（前加 - 表示倒序）。",
        )
    return name, descending


def _after_cursor(name: str, descending: bool, value: Any, pk: int) -> list[Q]:
    """The rows after the cursor as consecutive runs in sort order, each one index range.

    A single OR of the runs would select the same rows, but no database bounds an index
    scan by an OR: every page would walk the index from the first row (a second per deep
    page at a million rows). NULLs sort as the largest value on PostgreSQL and the
    smallest on SQLite, so they form a run before or after the non-NULL values.
    """
    nulls_largest = connection.vendor == "postgresql"
    nulls_come_later = nulls_largest != descending
    id_after = Q(id__lt=pk) if descending else Q(id__gt=pk)
    isnull = Q(**{f"{name}__isnull": True})
    if value is None:
        rest_of_nulls = isnull & id_after
        return [rest_of_nulls] if nulls_come_later else [rest_of_nulls, ~isnull]
    op = "lt" if descending else "gt"
    # The bound repeats what the OR implies, in a form an index scan can start from.
    bound = Q(**{f"{name}__{op}e": value})
    after = bound & (Q(**{f"{name}__{op}": value}) | (Q(**{name: value}) & id_after))
    return [after, isnull] if nulls_come_later else [after]


def page_invoices(
    qs: QuerySet[Invoice],
    *,
    sort: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
    few: bool = False,
) -> Page:
    """One page of `qs`; `few`: the filter matches a handful of rows (an invoice number)."""
    name, descending = parse_sort(sort)
    runs = _after_cursor(name, descending, *_decode_cursor(cursor)) if cursor else [Q()]
    order = [f"-{name}", "-id"] if descending else [name, "id"]
    rows: list[Invoice] = []
    if few:
        # Nothing to sort worth the name: whole rows at once, one query fewer.
        for run in runs:
            wanted = limit + 1 - len(rows)
            rows += (
                qs.filter(run).select_related("department", "submitter").order_by(*order)[:wanted]
            )
            if len(rows) > limit:
                break
    else:
        # Sort and cut the ids first, then fetch whole rows for the page only: the database
        # sorts narrow (key, id) records (from an index alone where one covers the filter)
        # instead of every wide matching row with its JSON.
        ids: list[int] = []
        for run in runs:
            wanted = limit + 1 - len(ids)
            ids += qs.filter(run).order_by(*order).values_list("id", flat=True)[:wanted]
            if len(ids) > limit:
                break
        by_id = Invoice.objects.select_related("department", "submitter").in_bulk(ids)
        rows = [by_id[pk] for pk in ids]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = _encode_cursor(getattr(last, name), last.pk)
    return Page(items=rows, next_cursor=next_cursor, sort=f"{'-' if descending else ''}{name}")


COUNT_CAP = 10_000


def count_capped(qs: QuerySet[Invoice], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows match, counting at most `cap` so a count never scans a million rows."""
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


def page_total(qs: QuerySet[Invoice], page: Page, *, first_page: bool) -> tuple[int, bool]:
    """count_capped(qs) for a page of it: when the first page holds every match (a number
    lookup, a narrow filter), its length is the count and the database is not asked again."""
    if first_page and page.next_cursor is None and len(page.items) <= COUNT_CAP:
        return len(page.items), False
    return count_capped(qs)


def get_invoice(user: User, invoice_id: int) -> Invoice:
    """One invoice the user may see; another organisation's is simply not found."""
    invoice = (
        visible_invoices(user)
        .select_related("department", "submitter", "original_invoice")
        .prefetch_related("items")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


def list_invoices(user: User, f: InvoiceFilter) -> QuerySet[Invoice]:
    return apply_filter(visible_invoices(user), f)
