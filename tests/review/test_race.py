"""Two reviewers act on the same invoice at the same moment, on separate database
connections: exactly one wins, the other is told the invoice was just changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice
from fapiao.review.models import Transition
from tests.review.racing import ROUNDS, describe, race

ROOT = Path(__file__).resolve().parents[2]


def check_round(outcomes: list[dict[str, Any]], final: str, transitions: int) -> None:
    won = [o for o in outcomes if o["won"]]
    lost = [o for o in outcomes if not o["won"]]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0]["code"] == "transition_not_allowed", lost
    assert "刚刚被其他人处理过" in lost[0]["detail"]
    assert final == won[0]["to"]
    assert transitions == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_wins(
    users: dict[str, User], make_invoices: Callable[..., list[Invoice]]
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database: see the file-based test below")
    invoices = make_invoices(ROUNDS, submitter=users["submitter"], voided_share=0, red_share=0)
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(findings=[])
    contenders = [(users["reviewer"], "approve", ""), (users["finance_admin"], "return", "抬头")]
    for invoice in invoices:
        outcomes = describe(race(invoice.pk, contenders))
        check_round(
            outcomes,
            Invoice.objects.get(pk=invoice.pk).status,
            Transition.objects.filter(invoice_id=invoice.pk).count(),
        )


@pytest.mark.slow
def test_two_reviewers_at_once_on_a_sqlite_file(tmp_path: Path) -> None:
    """The deployment's SQLite (a WAL file, IMMEDIATE transactions), in its own process."""
    if os.environ.get("FAPIAO_TEST_DATABASE_URL"):
        pytest.skip("the PostgreSQL run races in-process (test above)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.update(
        FAPIAO_DATA_DIR=str(tmp_path),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="tests.settings",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.review.racing"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rounds = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(rounds) == ROUNDS
    for r in rounds:
        check_round(r["outcomes"], r["final"], r["transitions"])
