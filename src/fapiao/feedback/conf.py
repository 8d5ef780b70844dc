"""Runtime settings of fapiao.feedback (FAPIAO_* variables documented in config.py) and the
service targets per priority."""

from __future__ import annotations

import datetime as dt

from fapiao.config import env
from fapiao.feedback.models.tickets import Priority

# (first reply, resolution) targets in working hours. An 8-hour working day: a normal
# ticket gets a first answer the same half-day and is solved within two working days.
SLA_HOURS: dict[str, tuple[int, int]] = {
    Priority.URGENT: (1, 4),
    Priority.HIGH: (2, 8),
    Priority.NORMAL: (4, 16),
    Priority.LOW: (8, 40),
}


def _int(name: str, minimum: int) -> int:
    try:
        return max(minimum, int(env(name)))
    except ValueError:
        return max(minimum, int(float(env(name))))


def reopen_window() -> dt.timedelta:
    return dt.timedelta(days=_int("FAPIAO_FEEDBACK_REOPEN_DAYS", 0))


def max_attachment_bytes() -> int:
    return _int("FAPIAO_FEEDBACK_MAX_ATTACHMENT_MB", 1) * 1024 * 1024


def warn_fraction() -> float:
    return min(_int("FAPIAO_FEEDBACK_SLA_WARN_PERCENT", 1), 99) / 100


def work_hours() -> str:
    return env("FAPIAO_WORK_HOURS")


def support_address() -> str:
    return env("FAPIAO_FEEDBACK_SUPPORT_ADDRESS")
