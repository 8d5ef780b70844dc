"""One database's run of bench/query.py, in a process whose environment already names the
database and data folder: migrate, load, then measure and print the table."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from collections.abc import Iterator
from typing import Any

import django

from bench.query_measure import Figures, http_lookups, list_pages, print_report

TODAY = dt.date(2026, 11, 28)
START, END = dt.date(2021, 1, 1), dt.date(2026, 10, 31)
GEN_CHUNK = 10_000  # invoices per generator call; every ITEMS_EVERY-th call has line items
ITEMS_EVERY = 10
PER_CALL = 50_000  # invoices per bulk_record call; the submitter changes between calls
# Larger than bulk_record's default: fewer commits, so SQLite writes each index page to its
# WAL fewer times (about 40% faster at 400,000 rows); holds SQLite's write lock ~1 s.
BATCH_SIZE = 10_000
DEPARTMENTS = ("销售部", "研发部", "行政部", "财务部")
SUBMITTERS_PER_DEPARTMENT = 2


def run(db: str, args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fapiao.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    figures = Figures(db=db, count=args.count, vendor_version=_version(connection))
    figures.load_before = os.getloadavg()[0]
    org, admin, submitters = _people()
    from fapiao.invoices.models import Invoice

    stored = Invoice.objects.filter(organisation=org).count()
    if args.skip_load:
        print(f"[{db}] --skip-load: reusing {stored:,} stored invoices", flush=True)
        figures.count = stored
        from fapiao.invoices.bulk import refresh_statistics

        refresh_statistics()  # migrations may have added indexes since the load
    else:
        if stored:
            raise SystemExit(f"[{db}] the bench database is not empty ({stored:,} invoices)")
        _load(figures, org, submitters, args.count)
    figures.plans = _plans(org, admin)
    figures.lookup_ms = _service_lookups(org, admin, args.lookups)
    figures.http_ms = http_lookups(admin, _numbers(org, args.lookups, seed=2))
    figures.lists = list_pages(admin, _quarters(), _department_ids(org))
    figures.load_after = os.getloadavg()[0]
    print_report(figures)
    return 0


def _version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]} (file, WAL, production PRAGMAs)"


def _people() -> tuple[Any, Any, list[Any]]:
    from fapiao.accounts.models import Department, Organisation, User
    from fapiao.accounts.roles import Role

    org, _ = Organisation.objects.get_or_create(
        name="北京示例科技有限公司", defaults={"tax_id": "91110108MA01ABCD1E"}
    )
    departments = [
        Department.objects.get_or_create(organisation=org, name=name)[0] for name in DEPARTMENTS
    ]
    admin, _ = User.objects.get_or_create(
        username="bench-finance",
        defaults={"organisation": org, "department": departments[-1], "role": Role.FINANCE_ADMIN},
    )
    submitters = [
        User.objects.get_or_create(
            username=f"bench-submitter-{d}-{k}",
            defaults={"organisation": org, "department": dep, "role": Role.SUBMITTER},
        )[0]
        for d, dep in enumerate(departments)
        for k in range(SUBMITTERS_PER_DEPARTMENT)
    ]
    return org, admin, submitters


def _generator_rate() -> tuple[float, float]:
    """Invoices per second of the corpus generator, header-only and with line items."""
    from fapiao.demo.corpus.generator import CorpusGenerator

    rates = []
    for with_items, n in ((False, 20_000), (True, 5_000)):
        gen = CorpusGenerator(seed=99, today=TODAY)
        started = time.perf_counter()
        for _ in gen.invoices(n, start=START, end=END, with_items=with_items):
            pass
        rates.append(n / (time.perf_counter() - started))
    return rates[0], rates[1]


def _load(figures: Figures, org: Any, submitters: list[Any], count: int) -> None:
    from fapiao.demo.corpus.generator import CorpusGenerator, Party
    from fapiao.invoices.bulk import bulk_record, refresh_statistics
    from fapiao.invoices.models import LineItem, Source

    figures.gen_rate, figures.gen_items_rate = _generator_rate()
    gen = CorpusGenerator(seed=2026, today=TODAY, buyer=Party(name=org.name, tax_id=org.tax_id))
    waited = [0.0]  # seconds spent inside the generator, not the loader
    calls = [0]

    def stream(n: int) -> Iterator[Any]:
        for start in range(0, n, GEN_CHUNK):
            with_items = calls[0] % ITEMS_EVERY == 0
            calls[0] += 1
            it = gen.invoices(
                min(GEN_CHUNK, n - start), start=START, end=END, with_items=with_items
            )
            while True:
                t = time.perf_counter()
                inv = next(it, None)
                waited[0] += time.perf_counter() - t
                if inv is None:
                    break
                yield inv

    print(f"[{figures.db}] loading {count:,} invoices…", flush=True)
    started = time.perf_counter()
    created = duplicates = linked = 0
    per_call = max(1_000, min(PER_CALL, count // len(submitters)))
    for k, offset in enumerate(range(0, count, per_call)):
        result = bulk_record(
            organisation=org,
            invoices=stream(min(per_call, count - offset)),
            submitter=submitters[k % len(submitters)],
            source=Source.IMPORT,
            batch_size=BATCH_SIZE,
        )
        created, duplicates = created + result.created, duplicates + result.duplicates
        linked += result.red_linked
        wall = time.perf_counter() - started
        if (k + 1) % 4 == 0 or offset + per_call >= count:
            print(
                f"[{figures.db}]   {offset + result.processed:>10,} rows  {wall:7.1f} s wall  "
                f"{wall - waited[0]:7.1f} s loader",
                flush=True,
            )
    refresh_statistics()  # bulk_record does so after large calls; make sure after small ones
    figures.load_wall = time.perf_counter() - started
    figures.load_seconds = figures.load_wall - waited[0]
    figures.created, figures.duplicates, figures.red_linked = created, duplicates, linked
    figures.items = LineItem.objects.filter(invoice__organisation=org).count()
    figures.items_share = 1 / ITEMS_EVERY


def _plans(org: Any, admin: Any) -> list[tuple[str, str]]:
    from fapiao.invoices import selectors
    from fapiao.invoices.selectors import InvoiceFilter

    number = _numbers(org, 1, seed=3)[0]
    lookup = selectors.list_invoices(admin, InvoiceFilter(invoice_number=number))
    quarter = InvoiceFilter(
        date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 6, 30), invoice_type=["32"]
    )
    listing = selectors.list_invoices(admin, quarter).order_by("-issue_date", "-id")[:51]
    by_total = selectors.list_invoices(admin, quarter).order_by("total_amount", "id")[:51]
    return [
        ("number lookup", lookup.explain()),
        ("quarter + type, -issue_date", listing.explain()),
        ("quarter + type, total_amount", by_total.explain()),
    ]


def _numbers(org: Any, n: int, *, seed: int) -> list[str]:
    """`n` invoice numbers of stored invoices, picked at random by id."""
    from django.db.models import Max, Min

    from fapiao.invoices.models import Invoice

    rows = Invoice.objects.filter(organisation=org)
    bounds = rows.aggregate(lo=Min("id"), hi=Max("id"))
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < n:
        ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(min(500, 2 * n))]
        found += rows.filter(id__in=ids).values_list("invoice_number", flat=True)
    rng.shuffle(found)
    return found[:n]


def _service_lookups(org: Any, admin: Any, n: int) -> list[float]:
    from fapiao.invoices import selectors
    from fapiao.invoices.selectors import InvoiceFilter

    numbers = _numbers(org, n, seed=1)
    for number in numbers[:50]:  # warm the connection and the caches
        list(selectors.list_invoices(admin, InvoiceFilter(invoice_number=number)))
    times = []
    for number in numbers:
        started = time.perf_counter_ns()
        rows = list(selectors.list_invoices(admin, InvoiceFilter(invoice_number=number)))
        times.append((time.perf_counter_ns() - started) / 1e6)
        if not rows:
            raise SystemExit(f"lookup of a stored number {number} found nothing")
    return times


def _quarters() -> list[tuple[dt.date, dt.date]]:
    quarters = []
    for year in range(START.year, END.year + 1):
        for month in (1, 4, 7, 10):
            first = dt.date(year, month, 1)
            following = dt.date(year + 1, 1, 1) if month == 10 else dt.date(year, month + 3, 1)
            last = following - dt.timedelta(days=1)
            if first >= START and last <= END:
                quarters.append((first, last))
    return quarters


def _department_ids(org: Any) -> list[int]:
    return list(org.departments.values_list("id", flat=True))
