"""Named locks across processes: one holder at a time, the others skip instead of waiting.

For work that must not run twice at once (a periodic job declared `exclusive`, the
analytics roll-up refresh), whether it is started by a worker, cron or a person.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Iterator

from django.db import connection

from fapiao.config import data_dir


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def advisory_lock(name: str) -> Iterator[bool]:
    """PostgreSQL: hold the session advisory lock called `name` if no other session does
    (every machine sharing the database sees it); yields whether it got it."""
    key = _key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        got = bool(cursor.fetchone()[0])
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Hold the lock called `name` if no other process does; yields whether it got it.
    PostgreSQL: an advisory lock. SQLite (one machine): a file lock in the data folder,
    seen by every process there."""
    if connection.vendor == "postgresql":
        with advisory_lock(name) as got:
            yield got
        return
    folder = data_dir() / "locks"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def serialise(name: str) -> None:
    """Inside a transaction: wait until no other transaction holds `name`, and hold it until
    this one ends. PostgreSQL: an advisory transaction lock. SQLite needs none: its
    transactions are IMMEDIATE (settings.py), so one writer at a time holds the database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_key(name)])
