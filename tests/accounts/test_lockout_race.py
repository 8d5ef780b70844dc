"""Concurrent wrong passwords cannot get more passwords checked than the limit allows: each
try takes its place in the count before its password is checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from fapiao.accounts.models import User
from tests.accounts.login_race import LIMIT, TRIES, CountingHasher, race
from tests.sqlite_file import run_on_sqlite_file

ROOT = Path(__file__).resolve().parents[2]


def check(outcome: dict[str, int]) -> None:
    assert outcome["other"] == 0, outcome  # no crash, no sign-in
    assert outcome["refused"] == TRIES
    assert outcome["checked"] == LIMIT, outcome


@pytest.mark.django_db(transaction=True)
def test_concurrent_tries_check_no_more_passwords_than_the_limit(
    users: dict[str, User], settings
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database: see the file-based test below")
    settings.LOGIN_MAX_FAILURES = LIMIT
    CountingHasher.install()
    check(race("submitter"))


@pytest.mark.slow
def test_concurrent_tries_on_a_sqlite_file(tmp_path: Path) -> None:
    """The deployment's SQLite (a WAL file, IMMEDIATE transactions), in its own process."""
    check(run_on_sqlite_file("tests.accounts.login_race", tmp_path, timeout=180))
