"""Spending summaries: by category, department, seller, submitter or period, each with the
change against the period before (环比) and the same period a year earlier (同比).

Figures come from counting.cells()/grouped() (which decide what counts) and stay Decimal;
JSON carries them as strings ("1234.50") so no float ever touches money.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fapiao.accounts.models import Department, User
from fapiao.analytics import periods
from fapiao.analytics.categorise import custom_categories
from fapiao.analytics.counting import (
    Cell,
    Money,
    Scope,
    SpendFilter,
    base_invoices,
    cells,
    counted_statuses,
    grouped,
    org_of,
)
from fapiao.analytics.periods import Range
from fapiao.core import taxonomy
from fapiao.errors import InvalidInvoiceData

GROUPINGS = ("category", "department", "seller", "submitter", "month", "quarter", "year")
TIME_GROUPINGS = ("month", "quarter", "year")
TOP_SELLERS = 10
MAX_DISTINCT = 1000  # stored category values read for a category filter


@dataclass
class Query:
    user: Scope
    rng: Range
    department: int | None = None
    category: str | None = None
    seller: str | None = None
    submitter: int | None = None


def change(current: Decimal, before: Decimal) -> str | None:
    """Percentage change with one decimal, or None when there is nothing to compare with."""
    if not before:
        return None
    return str(((current - before) / abs(before) * 100).quantize(Decimal("0.1")))


def money_json(m: Money) -> dict[str, Any]:
    return {"total": str(m.total), "amount": str(m.amount), "tax": str(m.tax), "count": m.count}


def custom_names(q: Query) -> frozenset[str]:
    org = org_of(q.user)
    return custom_categories(org) if org else frozenset()


def raw_categories(q: Query, span: Range, custom: frozenset[str]) -> list[str] | None:
    """The stored Invoice.category values that stand for q.category.

    Read as a loose index scan over (organisation, category, …): one seek per distinct
    value, so a million invoices cost what a dozen do. Values of the whole organisation,
    a superset of those in `span` and in the person's scope, which the sums still apply.
    """
    if not q.category:
        return None
    stored = (
        base_invoices(org_of(q.user) or 0).order_by("category").values_list("category", flat=True)
    )
    found: list[str] = []
    nxt = stored.first()
    while nxt is not None and len(found) < MAX_DISTINCT:
        found.append(nxt)
        nxt = stored.filter(category__gt=nxt).first()
    return [raw for raw in found if taxonomy.normalise(raw, custom) == q.category]


def spend_filter(q: Query, span: Range, raw: list[str] | None) -> SpendFilter:
    return SpendFilter(
        date_from=span.start,
        date_to=span.end,
        department=q.department,
        raw_categories=raw,
        seller=q.seller,
        submitter=q.submitter,
    )


def cells_for(q: Query, ranges: list[Range], custom: frozenset[str]) -> list[list[Cell]]:
    """Cells of each range; whole-month ranges share one query over their span."""
    if all(r.month_aligned for r in ranges):
        span = Range(min(r.start for r in ranges), max(r.end for r in ranges))
        every = cells(q.user, spend_filter(q, span, raw_categories(q, span, custom)))
        month_sets = [set(r.months()) for r in ranges]
        return [[c for c in every if c.month in months] for months in month_sets]
    return [cells(q.user, spend_filter(q, r, raw_categories(q, r, custom))) for r in ranges]


def sum_cells(items: list[Cell], key: Callable[[Cell], Any]) -> dict[Any, Money]:
    out: dict[Any, Money] = {}
    for cell in items:
        out.setdefault(key(cell), Money()).add(cell.money)
    return out


def total_of(items: list[Cell]) -> Money:
    total = Money()
    for cell in items:
        total.add(cell.money)
    return total


def department_names(scope: Scope) -> dict[Any, str]:
    org = org_of(scope) or 0
    names: dict[Any, str] = {None: "未分配部门"}
    names.update(Department.objects.filter(organisation_id=org).values_list("id", "name"))
    return names


def submitter_names(scope: Scope) -> dict[Any, str]:
    names: dict[Any, str] = {None: "（无提交人）"}
    for u in User.objects.filter(organisation_id=org_of(scope) or 0):
        names[u.pk] = u.get_full_name() or u.username
    return names


def _label_from(names: dict[Any, str], missing: str) -> Callable[[Any], str]:
    return lambda key: names.get(key, missing)


def rows_json(
    parts: Sequence[dict[Any, Money]],
    labels: Callable[[Any], str],
    grand: Money,
    order: list[Any] | None = None,
) -> list[dict[str, Any]]:
    now, before, year_ago = parts
    keys = order if order is not None else sorted(now, key=lambda k: now[k].total_c, reverse=True)
    rows = []
    for key in keys:
        m = now.get(key, Money())
        prev, last = before.get(key, Money()), year_ago.get(key, Money())
        rows.append(
            {
                "key": "" if key is None else str(key),
                "label": labels(key),
                **money_json(m),
                "share": str((m.total / grand.total * 100).quantize(Decimal("0.1")))
                if grand.total
                else None,
                "previous_total": str(prev.total),
                "mom_change": change(m.total, prev.total),
                "last_year_total": str(last.total),
                "yoy_change": change(m.total, last.total),
            }
        )
    return rows


def header(q: Query, group_by: str, now: Money, prev: Money, last: Money) -> dict[str, Any]:
    return {
        "date_from": q.rng.start.isoformat(),
        "date_to": q.rng.end.isoformat(),
        "group_by": group_by,
        "counted_statuses": list(counted_statuses()),
        "totals": money_json(now),
        "previous_totals": money_json(prev),
        "last_year_totals": money_json(last),
        "mom_change": change(now.total, prev.total),
        "yoy_change": change(now.total, last.total),
    }


def _time_summary(q: Query, group_by: str, custom: frozenset[str]) -> dict[str, Any]:
    span = Range(periods.add_months(q.rng.start.replace(day=1), -12), q.rng.end)
    every = cells_for(q, [span], custom)[0]
    by_month = sum_cells(every, lambda c: c.month)

    def bucket_total(months: list[str], grouping: str) -> dict[str, Money]:
        out: dict[str, Money] = {}
        for month in months:
            out.setdefault(periods.bucket_of(month, grouping), Money()).add(
                by_month.get(month, Money())
            )
        return out

    buckets = bucket_total(span.months(), group_by)
    order = list(dict.fromkeys(periods.bucket_of(m, group_by) for m in q.rng.months()))
    step = {"month": 1, "quarter": 3, "year": 12}[group_by]
    before, year_ago = {}, {}
    for key in order:
        first = _first_month(key)
        before[key] = buckets.get(_bucket_at(first, -step, group_by), Money())
        year_ago[key] = buckets.get(_bucket_at(first, -12, group_by), Money())
    now = {key: buckets.get(key, Money()) for key in order}
    grand = Money()
    for m in now.values():
        grand.add(m)
    prev, last = Money(), Money()
    for m in before.values():
        prev.add(m)
    for m in year_ago.values():
        last.add(m)
    out = header(q, group_by, grand, prev, last)
    out["rows"] = rows_json([now, before, year_ago], str, grand, order)
    return out


def _first_month(bucket: str) -> str:
    if "-Q" in bucket:
        return f"{bucket[:4]}-{(int(bucket[-1]) - 1) * 3 + 1:02d}"
    return bucket if "-" in bucket else f"{bucket}-01"


def _bucket_at(month: str, shift: int, grouping: str) -> str:
    import datetime as dt

    day = periods.add_months(dt.date(int(month[:4]), int(month[5:7]), 1), shift)
    return periods.bucket_of(f"{day:%Y-%m}", grouping)


def summary(q: Query, group_by: str) -> dict[str, Any]:
    if group_by not in GROUPINGS:
        raise InvalidInvoiceData(
            [{"field": "group_by", "message": "不支持的分组方式"}],
            detail=f"不支持按“{group_by}”汇总：可用的分组是 {'、'.join(GROUPINGS)}。",
        )
    custom = custom_names(q)
    if group_by in TIME_GROUPINGS:
        return _time_summary(q, group_by, custom)
    ranges = [q.rng, periods.previous(q.rng), periods.year_before(q.rng)]
    if group_by in ("seller", "submitter"):
        column = "seller_name" if group_by == "seller" else "submitter_id"
        parts = [
            grouped(q.user, spend_filter(q, r, raw_categories(q, r, custom)), column)
            for r in ranges
        ]
        labels: Callable[[Any], str] = (
            (lambda k: k or "（未填销售方）")
            if group_by == "seller"
            else _label_from(submitter_names(q.user), "（已删除的用户）")
        )
    else:
        now_c, prev_c, last_c = cells_for(q, ranges, custom)
        if group_by == "category":

            def key(c: Cell) -> Any:
                return taxonomy.normalise(c.category, custom)

            labels = str
        else:

            def key(c: Cell) -> Any:
                return c.department_id

            names = department_names(q.user)
            labels = lambda k: names.get(k, "（已删除的部门）")  # noqa: E731
        parts = [sum_cells(part, key) for part in (now_c, prev_c, last_c)]
    totals = []
    for part in parts:
        t = Money()
        for m in part.values():
            t.add(m)
        totals.append(t)
    out = header(q, group_by, *totals)
    out["rows"] = rows_json(parts, labels, totals[0])
    out["previous_range"] = {
        "date_from": ranges[1].start.isoformat(),
        "date_to": ranges[1].end.isoformat(),
    }
    out["last_year_range"] = {
        "date_from": ranges[2].start.isoformat(),
        "date_to": ranges[2].end.isoformat(),
    }
    return out
