"""One database's run of bench/analytics.py: migrate, load (bench/query.py's loader), give
the invoices statuses and categories, then time the dashboard's data beside raw SQL."""

from __future__ import annotations

import argparse
import os
import time
from decimal import Decimal
from typing import Any

import django

from bench.analytics import TARGET_MS, TAX_NAMES, TODAY, YEAR, percentiles, timed

# What the raw SQL reads: the same rows as fapiao.analytics.counting, written by hand.
BLUE = """
SELECT {month} AS m, i.category, i.department_id,
       CASE WHEN i.invoice_type IN ('01','02','08','31') THEN 1 ELSE 0 END AS s,
       CASE WHEN i.status = 'pending_review' THEN 1 ELSE 0 END AS p,
       SUM({cents_total}), SUM({cents_amount}), SUM({cents_tax}), COUNT(*)
FROM invoices_invoice i
WHERE i.organisation_id = %s AND i.issue_date >= %s AND i.issue_date <= %s
  AND NOT i.is_red AND i.status IN ('approved', 'reimbursed')
  AND i.tax_status <> 'voided'{extra}
GROUP BY 1, 2, 3, 4, 5
"""
RED = """
SELECT {month} AS m, o.category, o.department_id,
       CASE WHEN o.invoice_type IN ('01','02','08','31') THEN 1 ELSE 0 END AS s,
       CASE WHEN o.status = 'pending_review' THEN 1 ELSE 0 END AS p,
       SUM({cents_total}), SUM({cents_amount}), SUM({cents_tax}), COUNT(*)
FROM invoices_invoice i JOIN invoices_invoice o ON o.id = i.original_invoice_id
WHERE i.organisation_id = %s AND i.is_red AND i.tax_status <> 'voided'
  AND o.issue_date >= %s AND o.issue_date <= %s AND NOT o.is_red
  AND o.status IN ('approved', 'reimbursed') AND o.tax_status <> 'voided'{extra}
GROUP BY 1, 2, 3, 4, 5
"""
SELLERS_BLUE = """
SELECT i.seller_name, SUM({cents_total}), COUNT(*) FROM invoices_invoice i
WHERE i.organisation_id = %s AND i.issue_date >= %s AND i.issue_date <= %s
  AND NOT i.is_red AND i.status IN ('approved', 'reimbursed') AND i.tax_status <> 'voided'
GROUP BY 1
"""
SELLERS_RED = """
SELECT o.seller_name, SUM({cents_total}), COUNT(*)
FROM invoices_invoice i JOIN invoices_invoice o ON o.id = i.original_invoice_id
WHERE i.organisation_id = %s AND i.is_red AND i.tax_status <> 'voided'
  AND o.issue_date >= %s AND o.issue_date <= %s AND NOT o.is_red
  AND o.status IN ('approved', 'reimbursed') AND o.tax_status <> 'voided'
GROUP BY 1
"""


def _sql(template: str, vendor: str, extra: str = "") -> str:
    if vendor == "postgresql":
        month = "to_char({t}.issue_date, 'YYYY-MM')"
        cents = "CAST(i.{c} * 100 AS BIGINT)"
    else:
        month = "substr({t}.issue_date, 1, 7)"
        cents = "CAST(ROUND(i.{c} * 100) AS INTEGER)"
    table = "o" if "JOIN" in template and template.lstrip().startswith("SELECT {month}") else "i"
    return template.format(
        month=month.format(t=table),
        cents_total=cents.format(c="total_amount"),
        cents_amount=cents.format(c="amount"),
        cents_tax=cents.format(c="tax_amount"),
        extra=extra.replace("i.", "o.") if table == "o" else extra,
    )


def run(db: str, args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fapiao.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.query_child import _load, _people, _version
    from bench.query_measure import Figures
    from fapiao.invoices.models import Invoice

    call_command("migrate", interactive=False, verbosity=0)
    org, admin, submitters = _people()
    stored = Invoice.objects.filter(organisation=org).count()
    figures = Figures(db=db, count=args.count, vendor_version=_version(connection))
    if args.skip_load:
        print(f"[{db}] --skip-load: reusing {stored:,} stored invoices", flush=True)
    else:
        if stored:
            raise SystemExit(f"[{db}] the bench database is not empty ({stored:,} invoices)")
        _load(figures, org, submitters, args.count)
        print(
            f"[{db}] loaded {figures.created:,} invoices in {figures.load_wall:.0f} s", flush=True
        )
    _prepare(org)  # idempotent: statuses and categories as described in the docstring
    budgets = _budgets(org)
    if args.covering_index:
        _covering_index(connection)
    return _measure(db, args, org, admin, budgets, figures.vendor_version, connection)


def _prepare(org: Any) -> None:
    from django.db import connection

    from fapiao.invoices.bulk import refresh_statistics

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoice SET status = CASE "
            "WHEN id %% 20 < 15 THEN 'approved' WHEN id %% 20 < 17 THEN 'reimbursed' "
            "WHEN id %% 20 < 19 THEN 'pending_review' ELSE 'returned' END "
            "WHERE organisation_id = %s",
            [org.pk],
        )
        for k, name in enumerate(TAX_NAMES):
            cursor.execute(
                "UPDATE invoices_invoice SET category = %s "
                "WHERE organisation_id = %s AND category = '' AND id %% %s = %s",
                [name, org.pk, len(TAX_NAMES), k],
            )
    refresh_statistics()


# The index this bench suggests for fapiao.invoices (not part of its migrations): every
# column the spending queries read, after the organisation and date they range over, so
# that a year is read from the index alone.
SPEND_COLUMNS = (
    "status, is_red, tax_status, category, department_id, invoice_type, "
    "total_amount, amount, tax_amount"
)


def _covering_index(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS inv_org_spend ON invoices_invoice "
                f"(organisation_id, issue_date) INCLUDE ({SPEND_COLUMNS})"
            )
            cursor.execute("VACUUM ANALYZE invoices_invoice")  # index-only scans need it
        else:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS inv_org_spend ON invoices_invoice "
                f"(organisation_id, issue_date, {SPEND_COLUMNS})"
            )
            cursor.execute("ANALYZE")
    print("  (with the suggested covering index inv_org_spend)", flush=True)


def _budgets(org: Any) -> list[Any]:
    from fapiao.analytics.models import Budget

    Budget.objects.filter(organisation=org).delete()
    dep = org.departments.order_by("id").first()
    return [
        Budget.objects.create(organisation=org, name="全公司月度", amount=Decimal(2_000_000)),
        Budget.objects.create(
            organisation=org, name="部门季度", department=dep, period="quarter",
            amount=Decimal(5_000_000),
        ),
        Budget.objects.create(
            organisation=org, name="餐饮年度", category="餐饮", period="year",
            amount=Decimal(10_000_000),
        ),
    ]  # fmt: skip


def _measure(
    db: str, args: argparse.Namespace, org: Any, admin: Any, budgets: list[Any], version: str,
    connection: Any,
) -> int:  # fmt: skip
    from fapiao.analytics.dashboard import dashboard
    from fapiao.analytics.periods import Range
    from fapiao.analytics.summaries import Query

    q = Query(user=admin, rng=Range(*YEAR))
    data = dashboard(q, today=TODAY)
    vendor = connection.vendor
    span = (dt_minus_year(YEAR[0]), YEAR[1])

    jan, dec = TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31)

    def raw() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for sql, params in (
                (_sql(BLUE, vendor), [org.pk, *span]),
                (_sql(RED, vendor), [org.pk, *span]),
                (_sql(SELLERS_BLUE, vendor), [org.pk, *YEAR]),
                (_sql(SELLERS_RED, vendor), [org.pk, *YEAR]),
                # every budget's current period (month, quarter, year of TODAY) in one read
                (_sql(BLUE, vendor), [org.pk, jan, dec]),
                (_sql(RED, vendor), [org.pk, jan, dec]),
            ):
                cursor.execute(sql, params)
                rows += len(cursor.fetchall())
        return rows

    from fapiao.analytics import rollups

    # The roll-ups as the worker leaves them: a load marks every month dirty, and the first
    # refresh after it rebuilds them all.
    started = time.perf_counter()
    rebuilt = rollups.refresh()
    build_s = time.perf_counter() - started
    service_ms = timed(lambda: dashboard(q, today=TODAY), args.repeats)
    raw_ms = timed(raw, args.repeats)
    # One invoice of March corrected and the worker not yet round: March counted live.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoice SET total_amount = total_amount + 1 WHERE id = "
            "(SELECT MIN(id) FROM invoices_invoice WHERE organisation_id = %s "
            "AND issue_date >= %s AND issue_date <= %s)",
            [org.pk, "2025-03-01", "2025-03-31"],
        )
    dirty_ms = timed(lambda: dashboard(q, today=TODAY), args.repeats)
    rollups.refresh()
    # Nothing rolled up (every month counted from the invoices), as before roll-ups existed.
    plan = rollups._rollup_org
    rollups._rollup_org = lambda scope, f: None  # type: ignore[assignment]
    try:
        live_ms = timed(lambda: dashboard(q, today=TODAY), max(3, args.repeats // 6))
    finally:
        rollups._rollup_org = plan  # type: ignore[assignment]
    year_rows = admin.organisation.invoices.filter(issue_date__range=YEAR).count()
    s50, s95 = percentiles(service_ms, 50, 95)
    r50, r95 = percentiles(raw_ms, 50, 95)
    target = TARGET_MS[db]
    verdict = "PASS" if s95 <= target else "MISS"
    stored = admin.organisation.invoices.count()
    print(f"\n== analytics bench: {db} ({version}), {stored:,} invoices, {year_rows:,} in 2025 ==")
    d50, d95 = percentiles(dirty_ms, 50, 95)
    l50, l95 = percentiles(live_ms, 50, 95)
    print(f"  roll-ups built after the load      {build_s:8.1f} s ({rebuilt} months)")
    print(f"  dashboard data for 2025 (service)  p50 {s50:8.1f} ms  p95 {s95:8.1f} ms")
    print(f"  same as raw SQL GROUP BY           p50 {r50:8.1f} ms  p95 {r95:8.1f} ms")
    print(f"  ratio service / raw (p50)          {s50 / r50:6.2f}x")
    print(f"  one month changed, not refreshed   p50 {d50:8.1f} ms  p95 {d95:8.1f} ms")
    print(f"  without roll-ups (all live)        p50 {l50:8.1f} ms  p95 {l95:8.1f} ms")
    print(f"  target p95 <= {target:.0f} ms at 1,000,000 invoices: {verdict} (at {stored:,})")
    print(f"  year total {data['totals']['total']} yuan, {data['totals']['count']:,} invoices, "
          f"{len(data['categories'])} categories, {len(data['budgets'])} budgets")  # fmt: skip
    return 0


def dt_minus_year(day: Any) -> Any:
    return day.replace(year=day.year - 1)
