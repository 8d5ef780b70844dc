"""Two reviewers act on the same invoice at the same moment, on separate database
connections: exactly one wins, the other is told the invoice was just changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice
from fapiao.review.models import Transition
from tests.review.racing import ROUNDS, describe, race
from tests.sqlite_file import run_on_sqlite_file

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
    rounds = run_on_sqlite_file("tests.review.racing", tmp_path)
    assert len(rounds) == ROUNDS
    for r in rounds:
        check_round(r["outcomes"], r["final"], r["transitions"])
