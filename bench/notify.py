"""Notification throughput: N invoice status changes, each notified in-app and by email.

Each change is one transaction that updates an invoice's review status and calls
fapiao.notify.services.notify() (inbox row + email outbox row); after the commit the email
is enqueued and a real `fapiao worker` process sends it over SMTP to an aiosmtpd server on
127.0.0.1. Printed: producer rate, delivery throughput, and the delay from the status change
(commit) to the email being accepted by the SMTP server, p50 / p95 / max.

    .venv/bin/python bench/notify.py                  # 10,000 changes, SQLite, 1 worker
    .venv/bin/python bench/notify.py --count 2000 --rate 100 --workers 2
    .venv/bin/python bench/notify.py --db postgresql://postgres@127.0.0.1:5432/fapiao_bench_notify
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class Counter:
    """The SMTP server's side: how many messages arrived, and when the last one did."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="status changes (10,000)")
    parser.add_argument("--rate", type=float, default=0, help="changes per second (0: burst)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (1)")
    parser.add_argument("--db", default="", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    counter = Counter()
    smtp_port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    data_dir = tempfile.mkdtemp(prefix="fapiao-bench-notify-")
    os.environ.update(
        FAPIAO_DATA_DIR=data_dir,
        FAPIAO_SMTP_HOST="127.0.0.1",
        FAPIAO_SMTP_PORT=str(smtp_port),
        FAPIAO_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="fapiao.settings",
    )
    if args.db:
        os.environ["FAPIAO_DATABASE_URL"] = args.db
    else:
        os.environ.pop("FAPIAO_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import DurationField, ExpressionWrapper, F

    from fapiao.accounts.models import Organisation, User
    from fapiao.invoices.models import Invoice, ReviewStatus
    from fapiao.notify.models import Delivery, DeliveryStatus, Notification
    from fapiao.notify.services import notify

    call_command("migrate", verbosity=0)
    if args.db:  # a kept database: start from an empty outbox
        Delivery.objects.all().delete()
        Notification.objects.all().delete()
    org, _ = Organisation.objects.get_or_create(name="北京示例科技有限公司")
    people = []
    for i in range(50):
        user, _ = User.objects.get_or_create(
            username=f"bench{i}", defaults={"organisation": org, "email": f"bench{i}@example.com"}
        )
        people.append(user)
    invoices = []
    for i in range(200):
        invoice, _ = Invoice.objects.get_or_create(
            organisation=org,
            identity_key=f"bench-{i}",
            defaults={"invoice_number": f"{24110000000000000000 + i}", "submitter": people[i % 50]},
        )
        invoices.append(invoice)
    connection.close()

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "fapiao.cli", "worker", "--interval", "0.05"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    print(
        f"fapiao notify bench: {args.count} status changes, {args.workers} worker(s), "
        f"{'PostgreSQL' if args.db else 'SQLite'}, {os.cpu_count()} CPU(s), "
        f"load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    statuses = (ReviewStatus.APPROVED, ReviewStatus.RETURNED)
    started = time.perf_counter()
    try:
        for n in range(args.count):
            invoice = invoices[n % len(invoices)]
            status = statuses[n % 2]
            with transaction.atomic():
                Invoice.objects.filter(pk=invoice.pk).update(status=status)
                notify(
                    event="invoice_approved",
                    recipients=[people[n % len(people)]],
                    title=f"发票 {invoice.invoice_number} 已审核通过",
                    body="审核员已通过您的发票，接下来由财务安排报销。",
                    link=f"/invoices/{invoice.pk}/",
                    invoice=invoice,
                )
            if args.rate:
                time.sleep(max(0.0, started + (n + 1) / args.rate - time.perf_counter()))
        produced = time.perf_counter() - started
        print(f"producer: {args.count / produced:,.0f} changes/s ({produced:.1f} s)", flush=True)
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            open_ = Delivery.objects.exclude(status=DeliveryStatus.SENT).count()
            if not open_:
                break
            time.sleep(0.5)
        finished = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(20)
        controller.stop()

    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    delays = [
        d.total_seconds()
        for d in Delivery.objects.filter(status=DeliveryStatus.SENT)
        .annotate(
            delay=ExpressionWrapper(
                F("sent_at") - F("notification__created_at"), output_field=DurationField()
            )
        )
        .values_list("delay", flat=True)
    ]
    print(f"inbox rows: {Notification.objects.count():,}; emails sent: {sent:,}; "
          f"received by SMTP: {counter.count:,}; failed: "
          f"{Delivery.objects.filter(status=DeliveryStatus.FAILED).count()}")  # fmt: skip
    print(f"delivery throughput: {sent / finished:,.0f} emails/s ({finished:.1f} s in all)")
    if delays:
        print(
            f"delay change -> email sent: p50 {statistics.median(delays):.2f} s, "
            f"p95 {percentile(delays, 0.95):.2f} s, max {max(delays):.2f} s"
        )
    return 0 if sent == args.count == counter.count else 1


if __name__ == "__main__":
    sys.exit(main())
