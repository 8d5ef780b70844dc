"""Real processes: one dies between the commit and the enqueue, a worker is killed (SIGKILL)
in the middle of sending an SMS; the restarted worker's sweep delivers it, once per key."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.notify.conftest import Gateway

ROOT = Path(__file__).resolve().parents[2]

# Commits a notification for a user with a mobile number and no email, then dies inside
# the after-commit callback, before anything reaches the task queue.
CRASH_AFTER_COMMIT = textwrap.dedent(
    """
    import os
    import django
    django.setup()
    from django.db import transaction
    from fapiao.accounts.models import Organisation, User
    from fapiao.notify import services

    org = Organisation.objects.create(name="北京示例科技有限公司")
    user = User.objects.create(username="zhang", organisation=org, email="")
    services.save_preferences(user=user, mobile="13812345678")
    services.enqueue_deliveries = lambda ids: os._exit(9)
    with transaction.atomic():
        services.notify(event="invoice_returned", recipients=[user],
                        title="发票被退回", body="请补充行程单。", link="/invoices/1/")
    """
)


def _rows(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT status, attempts FROM notify_delivery"))


def _wait(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.skipif(
    bool(os.environ.get("FAPIAO_TEST_DATABASE_URL")),
    reason="runs its processes on their own SQLite file: once per CI run is enough",
)
def test_nothing_is_lost_when_processes_die(tmp_path: Path, sms_gateway: Gateway) -> None:
    env = {**os.environ, "FAPIAO_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    env.pop("FAPIAO_DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "fapiao.settings"
    db = tmp_path / "fapiao.sqlite3"

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip

    assert run("-m", "fapiao.cli", "migrate").returncode == 0
    crashed = run("-c", CRASH_AFTER_COMMIT)
    assert crashed.returncode == 9, crashed.stderr
    assert _rows(db) == [("pending", 0)]  # committed, never enqueued

    # The worker's start-up sweep finds it; the gateway holds the request and the worker
    # is killed while it waits for the answer.
    sms_gateway.hold = threading.Event()
    worker = subprocess.Popen(
        [sys.executable, "-m", "fapiao.cli", "worker", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        assert sms_gateway.arrived.wait(60), "the worker never sent the SMS"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    sms_gateway.hold.set()
    assert _rows(db) == [("sending", 1)]

    # Its lease runs out (here: moved into the past), and a new worker sends it again.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE notify_delivery SET next_attempt_at = '2000-01-01 00:00:00'")
    again = run("-m", "fapiao.cli", "worker", "--batch")
    assert again.returncode == 0, again.stderr
    assert _wait(lambda: _rows(db) == [("sent", 2)], 10), _rows(db)
    keys = [r["headers"]["Idempotency-Key"] for r in sms_gateway.requests]
    assert len(keys) == 2 and len(set(keys)) == 1  # the gateway can drop the repeat
    assert sms_gateway.requests[1]["json"]["mobile"] == "13812345678"
