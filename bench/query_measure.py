"""Measures of bench/query.py that need a loaded database: HTTP lookups against the real
server, list pages through the service layer; and the printed report."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
LIST_REPEATS = 15  # random quarters (or departments) per list combination and page
DEEP_OFFSET = 2_000  # the deep page starts after this many rows (page 41 of 50 rows)

TARGETS = {"load": 180.0, "lookup_p50": 2.0, "http_p99": 30.0, "list_p95": 50.0}


@dataclass
class Figures:
    db: str
    count: int
    vendor_version: str
    load_before: float = 0.0
    load_after: float = 0.0
    gen_rate: float | None = None
    gen_items_rate: float | None = None
    load_wall: float | None = None
    load_seconds: float | None = None
    created: int = 0
    duplicates: int = 0
    red_linked: int = 0
    items: int = 0
    items_share: float = 0.0
    plans: list[tuple[str, str]] = field(default_factory=list)
    lookup_ms: list[float] = field(default_factory=list)
    http_ms: list[float] = field(default_factory=list)
    lists: dict[str, list[float]] = field(default_factory=dict)


def percentiles(values: list[float], *qs: int) -> list[float]:
    ordered = sorted(values)
    return [ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] for q in qs]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(port: int) -> subprocess.Popen[bytes]:
    fapiao = Path(sys.executable).with_name("fapiao")
    command = [str(fapiao), "serve", "--no-worker", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=dict(os.environ))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"fapiao serve exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("fapiao serve did not start within 120 s")


def http_lookups(user: Any, numbers: list[str]) -> list[float]:
    """GET /api/v1/invoices?invoice_number=… one after another on one keep-alive connection."""
    from django.db import connections

    from fapiao.accounts.models import ApiToken

    _, token = ApiToken.issue(user=user, name="bench")
    connections.close_all()  # the server gets its own connections
    port = _free_port()
    server = _start_server(port)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    try:
        for i, number in enumerate([*numbers[:50], *numbers]):  # the first 50 warm up
            path = "/api/v1/invoices?" + urlencode({"invoice_number": number})
            started = time.perf_counter_ns()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter_ns() - started) / 1e6
            if response.status != 200 or b'"items": []' in body or b'"items":[]' in body:
                raise SystemExit(f"HTTP lookup of {number}: {response.status} {body[:200]!r}")
            if i >= 50:
                times.append(elapsed)
    finally:
        conn.close()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return times


def _combos(
    quarter: tuple[dt.date, dt.date], department: int
) -> list[tuple[str, dict[str, Any], str]]:
    first, last = quarter
    year = (dt.date(last.year, 1, 1), dt.date(last.year, 12, 31))
    q = {"date_from": first, "date_to": last}
    in_year = {"date_from": year[0], "date_to": year[1], "department": department}
    reversed_ = {**q, "tax_status": ["red_full", "red_partial"]}
    return [
        ("quarter + 数电普票, -issue_date", {**q, "invoice_type": ["32"]}, "-issue_date"),
        ("quarter + 专票 01/31, total_amount", {**q, "invoice_type": ["01", "31"]}, "total_amount"),
        ("quarter, -total_amount", q, "-total_amount"),
        ("quarter + 已红冲, -issue_date", reversed_, "-issue_date"),
        ("year + department, -issue_date", in_year, "-issue_date"),
        ("everything, -issue_date", {}, "-issue_date"),
        ("amount 1000-5000, -created_at", {"amount_min": 1000, "amount_max": 5000}, "-created_at"),
    ]


def _deep_cursor(qs: Any, sort: str) -> str | None:
    from fapiao.invoices import selectors

    name, descending = selectors.parse_sort(sort)
    order = [f"-{name}", "-id"] if descending else [name, "id"]
    row = qs.order_by(*order).values_list(name, "id")[DEEP_OFFSET : DEEP_OFFSET + 1].first()
    return selectors._encode_cursor(*row) if row else None


def list_pages(
    user: Any, quarters: list[tuple[dt.date, dt.date]], departments: list[int]
) -> dict[str, list[float]]:
    """page_invoices + page_total (as the list endpoint calls them), first and deep page."""
    from decimal import Decimal

    from fapiao.invoices import selectors
    from fapiao.invoices.selectors import InvoiceFilter

    rng = random.Random(5)
    out: dict[str, list[float]] = {}
    for rep in range(LIST_REPEATS + 1):  # the first round warms up
        combos = _combos(rng.choice(quarters), rng.choice(departments))
        for label, raw, sort in combos:
            values = {k: Decimal(v) if k.startswith("amount") else v for k, v in raw.items()}
            qs = selectors.list_invoices(user, InvoiceFilter(**values))
            for page, cursor in (("first", None), ("deep", _deep_cursor(qs, sort))):
                started = time.perf_counter_ns()
                result = selectors.page_invoices(qs, sort=sort, cursor=cursor, limit=50)
                selectors.page_total(qs, result, first_page=cursor is None)
                elapsed = (time.perf_counter_ns() - started) / 1e6
                if rep and (cursor or page == "first"):
                    out.setdefault(f"{label} [{page}]", []).append(elapsed)
                if page == "first" and not result.items and label.startswith("everything"):
                    raise SystemExit(f"list {label} found nothing")
    return out


def _yardstick() -> float:
    """Best of five: how fast this machine runs plain Python right now."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _verdict(measured: float | None, target: float) -> str:
    return "—" if measured is None else ("PASS" if measured <= target else "MISS")


def print_report(f: Figures) -> None:
    lookup = percentiles(f.lookup_ms, 50, 95, 99)
    http_ = percentiles(f.http_ms, 50, 95, 99)
    all_lists = [t for times in f.lists.values() for t in times]
    lists = percentiles(all_lists, 50, 95, 99)
    print(f"\n== {f.db}: {f.vendor_version}; {f.count:,} invoices in one organisation ==")
    print(f"machine: {os.cpu_count()} CPUs, load average {f.load_before:.1f} before / "
          f"{f.load_after:.1f} after; CPU yardstick sum(range(10**6)) = {_yardstick():.0f} ms "
          "(a current desktop core: ~10 ms)")  # fmt: skip
    if f.load_seconds is not None:
        print(
            f"corpus generator alone: {f.gen_rate:,.0f} invoices/s header-only, "
            f"{f.gen_items_rate:,.0f}/s with line items; load: {f.items_share:.0%} of invoices "
            f"with line items ({f.items:,} items), the rest header-only; {f.created:,} created, "
            f"{f.duplicates:,} duplicates, {f.red_linked:,} red invoices linked"
        )
    rows = []
    if f.load_seconds is not None and f.load_wall is not None:
        rate = f.created / f.load_seconds
        rows.append(
            (
                f"load {f.count:,} (bulk_record, generator time excluded)",
                "≤ 180 s",
                f"{f.load_seconds:.1f} s ({rate:,.0f}/s)",
                _verdict(f.load_seconds * 1_000_000 / max(f.count, 1), TARGETS["load"]),
            )
        )
        rows.append(("  same, wall clock incl. corpus generator", "", f"{f.load_wall:.1f} s", ""))
    rows.append(
        (
            "lookup by number, service layer  p50 / p95 / p99",
            "p50 ≤ 2 ms",
            " / ".join(f"{v:.2f}" for v in lookup) + " ms",
            _verdict(lookup[0], TARGETS["lookup_p50"]),
        )
    )
    rows.append(
        (
            "lookup by number, HTTP API       p50 / p95 / p99",
            "p99 ≤ 30 ms",
            " / ".join(f"{v:.2f}" for v in http_) + " ms",
            _verdict(http_[2], TARGETS["http_p99"]),
        )
    )
    rows.append(("list page (filter+sort+count)    p50 / p95 / p99", "p95 ≤ 50 ms",
                 " / ".join(f"{v:.1f}" for v in lists) + " ms",
                 _verdict(lists[1], TARGETS["list_p95"])))  # fmt: skip
    _table(("measure", "target", "measured", ""), rows)
    if f.load_seconds is not None and f.count != 1_000_000:
        print(f"(load verdict scaled to 1,000,000 rows: {f.load_seconds * 1e6 / f.count:.0f} s)")
    print("\nlist pages by combination (ms, p50 / p95 over random quarters or departments):")
    _table(("combination", "p50", "p95"), [(label, *(f"{v:.1f}" for v in percentiles(t, 50, 95)))
                                          for label, t in f.lists.items()])  # fmt: skip
    print("\nquery plans:")
    for label, plan in f.plans:
        print(f"  {label}:")
        for line in plan.splitlines():
            print(f"    {line}")
    print(flush=True)


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    from fapiao.cli.common import format_table

    print(format_table(headers, rows))
