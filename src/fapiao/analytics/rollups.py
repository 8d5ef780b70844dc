"""Roll-ups: counted spending per organisation and month, kept beside the invoices so a
year of a million invoices is summed from a few thousand rows.

Exactly right, not eventually right:
- Database triggers (migration 0003) mark a month dirty in the same transaction as any
  change that can move its figures: a new invoice, a correction, a transition, a red
  invoice (which marks the month of the blue one it reverses), a deletion.
- A read takes the dirty months first, then the roll-ups of the clean ones, and counts the
  dirty months (and the part months at the ends of a range) from the invoices themselves.
  So a figure is always what counting.live_cells() would say, whether or not the roll-ups
  have caught up; reads never write.
- refresh() rebuilds dirty months from the invoices. A month stays dirty when it changed
  again during its rebuild (its `gen` moved), so the next refresh takes it again. The
  worker refreshes every few seconds (the `analytics.rollups` job, analytics/jobs.py);
  `fapiao manage refresh_rollups` does it by hand.

Roll-ups serve whole-organisation scopes (finance, admins, unrestricted reviewers, the
system's own budget checks) without a seller or submitter filter; anything else - a
submitter's own spending, a department reviewer's, a seller search - is counted live.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from fapiao.accounts.models import User
from fapiao.analytics import periods
from fapiao.analytics.counting import (
    COUNTED,
    Cell,
    Money,
    Scope,
    SpendFilter,
    counted_statuses,
    live_cells,
    live_grouped,
    month_key,
    pending_key,
    sums,
)
from fapiao.analytics.models import RollupDirty, SellerRollup, SpendRollup
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.invoices.scope import sees_all_invoices_of_organisation
from fapiao.locks import advisory_lock

# Roll-ups hold pending invoices too (flagged), so the include-pending setting needs no
# rebuild.
ALL_COUNTABLE = (*COUNTED, ReviewStatus.PENDING_REVIEW)


# -- reading ---------------------------------------------------------------------------


def _rollup_org(scope: Scope, f: SpendFilter) -> int | None:
    """The organisation whose roll-ups answer this question, or None to count live."""
    if f.seller or f.submitter or f.date_from is None or f.date_to is None:
        return None
    if isinstance(scope, int):
        return scope
    if isinstance(scope, User) and sees_all_invoices_of_organisation(scope):
        return scope.organisation_id
    return None


def _whole_months(start: dt.date, end: dt.date) -> tuple[list[str], list[tuple[dt.date, dt.date]]]:
    """The whole months inside [start, end] and the part-month ranges at its ends."""
    months: list[str] = []
    edges: list[tuple[dt.date, dt.date]] = []
    first = start if start.day == 1 else periods.add_months(start.replace(day=1), 1)
    if first > end:
        return [], [(start, end)]
    if first > start:
        edges.append((start, first - dt.timedelta(days=1)))
    day = first
    while periods.add_months(day, 1) - dt.timedelta(days=1) <= end:
        months.append(f"{day:%Y-%m}")
        day = periods.add_months(day, 1)
    if day <= end:
        edges.append((day, end))
    return months, edges


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date(int(month[:4]), int(month[5:7]), 1)
    return first, periods.add_months(first, 1) - dt.timedelta(days=1)


def _runs(months: list[str]) -> list[tuple[dt.date, dt.date]]:
    """Date ranges covering `months` (sorted), consecutive months joined into one range."""
    out: list[tuple[dt.date, dt.date]] = []
    for month in months:
        start, end = _month_bounds(month)
        if out and out[-1][1] + dt.timedelta(days=1) == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _plan(org: int, f: SpendFilter) -> tuple[list[str], list[tuple[dt.date, dt.date]]]:
    """Months to read from the roll-ups, and date ranges to count from the invoices."""
    assert f.date_from is not None and f.date_to is not None
    months, edges = _whole_months(f.date_from, f.date_to)
    # Dirty months first: a refresh landing between the two reads then only makes a month
    # counted live that needed not be, never a stale roll-up read as clean.
    dirty = set(
        RollupDirty.objects.filter(organisation_id=org, month__in=months).values_list(
            "month", flat=True
        )
    )
    clean = [m for m in months if m not in dirty]
    return clean, edges + _runs([m for m in months if m in dirty])


def _with_pending() -> bool:
    return ReviewStatus.PENDING_REVIEW in counted_statuses()


def cells(scope: Scope, f: SpendFilter) -> list[Cell]:
    org = _rollup_org(scope, f)
    if org is None:
        return live_cells(scope, f)
    clean, live = _plan(org, f)
    out: list[Cell] = []
    if clean:
        rows = SpendRollup.objects.filter(organisation_id=org, month__in=clean)
        if not _with_pending():
            rows = rows.filter(pending=False)
        if f.department:
            rows = rows.filter(department_id=f.department)
        if f.raw_categories is not None:
            rows = rows.filter(category__in=f.raw_categories)
        for r in rows.values_list(
            "month", "category", "department_id", "special", "pending",
            "total_c", "amount_c", "tax_c", "count",
        ):  # fmt: skip
            out.append(Cell(*r[:5], money=Money(*r[5:])))
    for start, end in live:
        out.extend(live_cells(scope, replace(f, date_from=start, date_to=end)))
    return out


def grouped(scope: Scope, f: SpendFilter, column: str) -> dict[object, Money]:
    org = _rollup_org(scope, f)
    if column != "seller_name" or org is None or f.department or f.raw_categories is not None:
        return live_grouped(scope, f, column)
    clean, live = _plan(org, f)
    out: dict[object, Money] = {}
    if clean:
        rows = SellerRollup.objects.filter(organisation_id=org, month__in=clean)
        if not _with_pending():
            rows = rows.filter(pending=False)
        for seller, *fen in rows.values_list(
            "seller_name", "total_c", "amount_c", "tax_c", "count"
        ):
            out.setdefault(seller, Money()).add(Money(*fen))
    for start, end in live:
        part = live_grouped(scope, replace(f, date_from=start, date_to=end), column)
        for key, money in part.items():
            out.setdefault(key, Money()).add(money)
    return out


# -- refreshing ------------------------------------------------------------------------


def _seller_keys(prefix: str) -> dict[str, Any]:
    return {"m": month_key(prefix), "k": F(f"{prefix}seller_name"), "p": pending_key(prefix)}


def rebuild_month(org: int, month: str, *, dirty: tuple[int, int] | None = None) -> bool:
    """Replace the roll-ups of one month by what the invoices say now; with `dirty` (the
    id and gen of its RollupDirty row, read before counting) also mark it clean, unless it
    changed meanwhile. Returns whether it is clean now."""
    start, end = _month_bounds(month)
    f = SpendFilter(date_from=start, date_to=end)
    spend = [
        SpendRollup(
            organisation_id=org, month=c.month, category=c.category,
            department_id=c.department_id, special=c.special, pending=c.pending,
            total_c=c.money.total_c, amount_c=c.money.amount_c, tax_c=c.money.tax_c,
            count=c.money.count,
        )
        for c in live_cells(org, f, ALL_COUNTABLE)
    ]  # fmt: skip
    by_seller: dict[tuple[str, bool], Money] = {}
    for (m, name, pending), money in sums(org, f, _seller_keys, ALL_COUNTABLE):
        if m is not None:
            by_seller.setdefault((name or "", bool(pending)), Money()).add(money)
    sellers = [
        SellerRollup(
            organisation_id=org, month=month, seller_name=name, pending=pending,
            total_c=m.total_c, amount_c=m.amount_c, tax_c=m.tax_c, count=m.count,
        )
        for (name, pending), m in by_seller.items()
    ]  # fmt: skip
    with transaction.atomic():
        SpendRollup.objects.filter(organisation_id=org, month=month).delete()
        SellerRollup.objects.filter(organisation_id=org, month=month).delete()
        SpendRollup.objects.bulk_create(spend, batch_size=500)
        SellerRollup.objects.bulk_create(sellers, batch_size=500)
        if dirty is None:
            return False
        pk, gen = dirty
        return bool(RollupDirty.objects.filter(pk=pk, gen=gen).delete()[0])


@contextlib.contextmanager
def _refresh_lock() -> Iterator[bool]:
    """One refresher at a time across workers (PostgreSQL): two rebuilding the same month at
    once could each delete before the other inserts. SQLite writers are serial already."""
    if connection.vendor != "postgresql":
        yield True
        return
    with advisory_lock("analytics.rollups") as got:
        yield got


def refresh(organisation_id: int | None = None, *, limit: int | None = None) -> int:
    """Rebuild dirty months (of one organisation, or all); returns how many were rebuilt."""
    with _refresh_lock() as got:
        if not got:
            return 0
        dirty = RollupDirty.objects.order_by("organisation_id", "month")
        if organisation_id is not None:
            dirty = dirty.filter(organisation_id=organisation_id)
        todo = list(dirty.values_list("id", "organisation_id", "month", "gen")[:limit])
        done = 0
        for pk, org, month, gen in todo:
            # `gen` was read before counting: a change committed after that bumps it, so
            # the month stays dirty and the next refresh takes it again.
            done += rebuild_month(org, month, dirty=(pk, gen))
        return done


def mark_all_dirty(organisation_id: int | None = None) -> int:
    """Mark every month that has invoices dirty (a full rebuild at the next refresh)."""
    invoices = Invoice.objects.filter(issue_date__isnull=False)
    if organisation_id is not None:
        invoices = invoices.filter(organisation_id=organisation_id)
    keys = set(
        invoices.order_by().annotate(m=month_key("")).values_list("organisation_id", "m").distinct()
    )
    with transaction.atomic():
        for org, month in sorted(keys):
            # update() first: bumping gen keeps a refresh running now from marking it clean.
            bumped = RollupDirty.objects.filter(organisation_id=org, month=month).update(
                gen=F("gen") + 1
            )
            if not bumped:
                RollupDirty.objects.create(organisation_id=org, month=month)
    return len(keys)
