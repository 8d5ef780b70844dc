"""Analytics speed at scale: the 数据分析 page's data for one year over N invoices (p50/p95),
timed beside the same figures as hand-written SQL GROUP BY, on SQLite and PostgreSQL.

    .venv/bin/python bench/analytics.py [--count N] [--db sqlite|postgres|both]
                                        [--repeats R] [--keep] [--skip-load]

The invoices are loaded exactly as bench/query.py loads them (its loader is imported), then
given review statuses (75% approved, 10% reimbursed, 10% pending, 5% returned) and, where
they have no line items, a 税收分类 so that categories are spread as in real data. Each
database runs in its own process. A script, not a test: it prints figures with targets.
Targets at 1,000,000 invoices: p95 <= 300 ms on PostgreSQL, <= 1 s on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.query import PG_SERVER, _pg  # noqa: E402

PG_DB = "fapiao_bench_analytics"
KEPT_DIR = ROOT / "var" / "bench-analytics"
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
TODAY = dt.date(2026, 11, 28)
TARGET_MS = {"postgres": 300.0, "sqlite": 1000.0}
TAX_NAMES = (
    "餐饮服务", "住宿服务", "运输服务", "办公用品", "电信服务", "信息技术服务", "会议服务",
    "咨询服务", "建筑服务", "经营租赁", "培训服务", "焙烤食品",
)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--count", type=int, default=1_000_000, help="invoices to load")
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--repeats", type=int, default=30, help="timed runs of each variant")
    p.add_argument(
        "--covering-index",
        action="store_true",
        help="first add the covering index this bench suggests (inv_org_spend)",
    )
    p.add_argument("--keep", action="store_true", help=f"keep the data ({KEPT_DIR}, {PG_DB})")
    p.add_argument("--skip-load", action="store_true", help="reuse data kept by --keep")
    p.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.skip_load and not args.keep:
        p.error("--skip-load needs --keep")
    return args


def run_database(db: str, args: argparse.Namespace) -> int:
    if args.keep:
        data_dir = KEPT_DIR / db
        if not args.skip_load and data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix=f"fapiao-bench-analytics-{db}-"))
    env = dict(os.environ, FAPIAO_DATA_DIR=str(data_dir), FAPIAO_LOG_LEVEL="WARNING")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    if db == "postgres":
        env["FAPIAO_DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
        if not args.skip_load:
            _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            _pg(f"CREATE DATABASE {PG_DB}")
    else:
        env.pop("FAPIAO_DATABASE_URL", None)
    passed = ["--count", str(args.count), "--repeats", str(args.repeats)]
    passed += ["--keep"] if args.keep else []
    passed += ["--skip-load"] if args.skip_load else []
    passed += ["--covering-index"] if args.covering_index else []
    child = [sys.executable, str(Path(__file__).resolve()), "--child", db, *passed]
    try:
        return subprocess.run(child, env=env, cwd=ROOT, check=False).returncode
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            if db == "postgres":
                _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        from bench.analytics_child import run

        return run(args.child, args)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    return max(run_database(db, args) for db in dbs)


def percentiles(values: list[float], *qs: int) -> list[float]:
    ordered = sorted(values)
    return [ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] for q in qs]


def timed(fn: Any, repeats: int) -> list[float]:
    fn()  # warm the connection and the caches
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
