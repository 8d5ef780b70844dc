"""Runtime settings of fapiao.feedback (FAPIAO_* variables documented in config.py) and the
service targets per priority."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fapiao.config import env, env_int, env_path
from fapiao.feedback.models.tickets import Priority

# (first reply, resolution) targets in working hours. An 8-hour working day: a normal
# ticket gets a first answer the same half-day and is solved within two working days.
SLA_HOURS: dict[str, tuple[int, int]] = {
    Priority.URGENT: (1, 4),
    Priority.HIGH: (2, 8),
    Priority.NORMAL: (4, 16),
    Priority.LOW: (8, 40),
}


def reopen_window() -> dt.timedelta:
    return dt.timedelta(days=env_int("FAPIAO_FEEDBACK_REOPEN_DAYS", minimum=0))


def max_attachment_bytes() -> int:
    return env_int("FAPIAO_FEEDBACK_MAX_ATTACHMENT_MB", minimum=1) * 1024 * 1024


def warn_fraction() -> float:
    return env_int("FAPIAO_FEEDBACK_SLA_WARN_PERCENT", minimum=1, maximum=99) / 100


def work_hours() -> str:
    return env("FAPIAO_WORK_HOURS")


def support_address() -> str:
    return env("FAPIAO_FEEDBACK_SUPPORT_ADDRESS")


def maildir() -> Path | None:
    """The support Maildir the worker imports, or None when it is not configured."""
    return env_path("FAPIAO_FEEDBACK_MAILDIR")
