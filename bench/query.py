"""Query speed at scale: load N invoices into one organisation, then time the number lookup
(service layer and HTTP) and filtered, sorted list pages, on SQLite and PostgreSQL.

    .venv/bin/python bench/query.py [--count N] [--db sqlite|postgres|both] [--keep]
                                    [--skip-load]

Each database runs in its own process (Django is set up after FAPIAO_DATABASE_URL and
FAPIAO_DATA_DIR are set). A script, not a test: it prints figures with targets and
PASS/MISS, and asserts nothing about time. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DB = "fapiao_bench"
KEPT_DIR = ROOT / "var" / "bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--count", type=int, default=1_000_000, help="invoices to load")
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--keep", action="store_true", help=f"keep the data ({KEPT_DIR}, {PG_DB})")
    p.add_argument("--skip-load", action="store_true", help="reuse data kept by --keep")
    p.add_argument("--lookups", type=int, default=1000, help="number lookups per measure")
    p.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.skip_load and not args.keep:
        p.error("--skip-load needs --keep (otherwise there is no data to reuse)")
    return args


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def run_database(db: str, args: argparse.Namespace) -> int:
    """Run one database's bench in a child process; create and clean up its storage."""
    if args.keep:
        data_dir = KEPT_DIR / db
        if not args.skip_load and data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix=f"fapiao-bench-{db}-"))
    env = dict(os.environ, FAPIAO_DATA_DIR=str(data_dir), FAPIAO_LOG_LEVEL="WARNING")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    if db == "postgres":
        env["FAPIAO_DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
        if not args.skip_load:
            _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            _pg(f"CREATE DATABASE {PG_DB}")
    else:
        env.pop("FAPIAO_DATABASE_URL", None)  # the default: a SQLite file in the data dir
    child = [sys.executable, str(Path(__file__).resolve()), "--child", db, *_passed(args)]
    try:
        return subprocess.run(child, env=env, cwd=ROOT, check=False).returncode
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            if db == "postgres":
                _pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def _passed(args: argparse.Namespace) -> list[str]:
    out = ["--count", str(args.count), "--lookups", str(args.lookups)]
    return out + (["--keep"] if args.keep else []) + (["--skip-load"] if args.skip_load else [])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        sys.path[:0] = [str(ROOT), str(ROOT / "src")]
        from bench.query_child import run

        return run(args.child, args)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    codes = [run_database(db, args) for db in dbs]
    return max(codes)


if __name__ == "__main__":
    raise SystemExit(main())
