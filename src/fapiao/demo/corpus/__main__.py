"""``python -m fapiao.demo.corpus --count 5 --seed 1``: invoices as JSON lines, for people.

``--bench`` generates without printing and reports invoices per second on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta

from .generator import CorpusGenerator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fapiao.demo.corpus", description=__doc__)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--start", type=date.fromisoformat, help="default: two years ago")
    parser.add_argument("--end", type=date.fromisoformat, help="default: today")
    parser.add_argument("--beijing-share", type=float, default=0.75)
    parser.add_argument("--no-items", action="store_true", help="headers only (fast)")
    parser.add_argument("--bench", action="store_true", help="measure, print nothing else")
    args = parser.parse_args(argv)
    end = args.end or args.today
    start = args.start or end - timedelta(days=730)
    gen = CorpusGenerator(args.seed, today=args.today)
    invoices = gen.invoices(
        args.count,
        start=start,
        end=end,
        beijing_share=args.beijing_share,
        with_items=not args.no_items,
    )
    if args.bench:
        began, began_cpu = time.perf_counter(), time.process_time()
        count = sum(1 for _ in invoices)
        elapsed = time.perf_counter() - began
        cpu = time.process_time() - began_cpu
        mode = "headers only" if args.no_items else "with items"
        # CPU time too: on a shared machine wall time measures the neighbours as well.
        print(
            f"{count} invoices ({mode}) in {elapsed:.2f} s: {count / elapsed:,.0f} invoices/s "
            f"wall, {count / cpu:,.0f} invoices/s CPU",
            file=sys.stderr,
        )
        return 0
    out = sys.stdout
    for inv in invoices:
        # extra=True adds tax_status and the red/blue link, which a person wants to see.
        record = inv.to_schema_dict(extra=True)
        out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
