"""Lookup speed at scale: load N invoices into one organisation (as bench/query.py does),
then time `diagnose_failed_lookup` for numbers that exist (found) and for mistyped and
unknown numbers (full diagnosis with near matches), as a finance admin (whole organisation)
and as a submitter (own invoices), on SQLite and PostgreSQL.

    .venv/bin/python bench/lookup.py [--count N] [--db sqlite|postgres|both] [--lookups N]

Targets (issue 5): found p95 <= 10 ms, full diagnosis p95 <= 50 ms at 1,000,000 invoices.
A script, not a test: it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DB = "fapiao_bench_lookup"
KEPT = ROOT / "var" / "bench-lookup"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--count", type=int, default=1_000_000, help="invoices to load")
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--lookups", type=int, default=300, help="lookups per measure")
    p.add_argument("--keep", action="store_true", help=f"keep the data in {KEPT} / {PG_DB}")
    p.add_argument("--profile", action="store_true", help="print where one diagnosis spends time")
    p.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    return p.parse_args(argv)


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def run_database(db: str, args: argparse.Namespace) -> int:
    if args.keep:
        data_dir = KEPT / db
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix=f"fapiao-bench-lookup-{db}-"))
    env = dict(os.environ, FAPIAO_DATA_DIR=str(data_dir), FAPIAO_LOG_LEVEL="WARNING")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    if db == "postgres" and not args.keep:
        _pg(f"DROP DATABASE IF EXISTS {PG_DB}")
    if db == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB])
            if exists.fetchone() is None:
                _pg(f"CREATE DATABASE {PG_DB}")
        env["FAPIAO_DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
    else:
        env.pop("FAPIAO_DATABASE_URL", None)
    child = [sys.executable, str(Path(__file__).resolve()), "--child", db,
             "--count", str(args.count), "--lookups", str(args.lookups),
             *(["--profile"] if args.profile else [])]  # fmt: skip
    try:
        return subprocess.run(child, env=env, cwd=ROOT, check=False).returncode
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        if db == "postgres" and not args.keep:
            _pg(f"DROP DATABASE IF EXISTS {PG_DB}")


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered):6.2f} ms  p95 {p95:6.2f} ms  max {ordered[-1]:6.2f} ms"


def _mistype(number: str, rng: random.Random) -> str:
    chars = list(number)
    i = rng.randrange(len(chars))
    if rng.random() < 0.5 and i < len(chars) - 1:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars[i] = str((int(chars[i]) + rng.randint(1, 9)) % 10)
    return "".join(chars)


def child(db: str, args: argparse.Namespace) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fapiao.settings")
    django.setup()
    from django.core.management import call_command

    from bench.query_child import _load, _people
    from fapiao.invoices.models import Invoice
    from fapiao.lookup.diagnosis import LookupQuery, diagnose_failed_lookup

    call_command("migrate", interactive=False, verbosity=0)
    org, admin, submitters = _people()
    stored = Invoice.objects.filter(organisation=org).count()
    if stored:
        print(f"[{db}] reusing {stored:,} stored invoices")
    else:
        started = time.perf_counter()
        _load(types.SimpleNamespace(db=db), org, submitters, args.count)
        print(f"[{db}] loaded {args.count:,} invoices in {time.perf_counter() - started:.0f} s")
    rng = random.Random(5)
    rows = list(
        Invoice.objects.filter(organisation=org)
        .order_by("?" if args.count <= 200_000 else "id")
        .values_list("invoice_code", "invoice_number", "issue_date", "submitter_id")[
            : args.lookups * 20
        ]
    )
    rng.shuffle(rows)
    rows = rows[: args.lookups]
    by_id = {u.pk: u for u in submitters}

    def measure(label: str, user_of: Any, queries: list[tuple[Any, LookupQuery]]) -> None:
        times, cpu, found, near = [], [], 0, 0
        for row, query in queries:
            user = user_of(row)
            t, c = time.perf_counter(), time.process_time()
            d = diagnose_failed_lookup(user=user, query=query)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            found += d.found
            near += any(c.cause == "near_match" for c in d.causes)
        # CPU time of this process (all of SQLite's work; only the client's for PostgreSQL)
        # is shown beside wall time because the machine is shared and often overloaded.
        print(f"[{db}] {label:<40} wall {_ms(times)}\n{'':<{len(db) + 43}}cpu  {_ms(cpu)}  "
              f"found {found}/{len(queries)}  near {near}/{len(queries)}")  # fmt: skip

    exact = [(r, LookupQuery(invoice_code=r[0], invoice_number=r[1])) for r in rows]
    typo = [
        (r, LookupQuery(invoice_code=r[0], invoice_number=_mistype(r[1], rng), issue_date=r[2]))
        for r in rows
    ]
    bare = [(r, LookupQuery(invoice_code=r[0], invoice_number=_mistype(r[1], rng))) for r in rows]
    unknown = [(r, LookupQuery(invoice_number=f"2611{rng.randrange(10**16):016d}")) for r in rows]
    if args.profile:
        _profile(diagnose_failed_lookup, by_id[typo[0][0][3]], typo[0][1])
    measure("found, finance admin", lambda r: admin, exact)
    measure("found, its submitter", lambda r: by_id[r[3]], exact)
    measure("diagnosis, one typo + date, finance admin", lambda r: admin, typo)
    measure("diagnosis, one typo, no date, finance", lambda r: admin, bare)
    measure("diagnosis, one typo + date, submitter", lambda r: by_id[r[3]], typo)
    measure("diagnosis, unknown number, finance admin", lambda r: admin, unknown)
    return 0


def _profile(diagnose: Any, user: Any, query: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    diagnose(user=user, query=query)
    with CaptureQueriesContext(connection) as ctx:
        diagnose(user=user, query=query)
    for q in ctx.captured_queries:
        sql = q["sql"]
        print(f"  {float(q['time']) * 1000:7.2f} ms  {sql[:90]} … {sql[-90:]}")
        if "invoices_invoice" in sql and sql.startswith("SELECT"):
            with connection.cursor() as cursor:
                explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
                cursor.execute(explain + sql)
                for row in cursor.fetchall():
                    print("           ", row[-1])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        code = child(args.child, args)
        print(f"[{args.child}] load average after: {os.getloadavg()[0]:.1f}")
        return code
    print(f"lookup bench: {args.count:,} invoices, {args.lookups} lookups per measure, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")  # fmt: skip
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    return max(run_database(db, args) for db in dbs)


if __name__ == "__main__":
    raise SystemExit(main())
