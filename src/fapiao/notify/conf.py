"""Runtime settings of fapiao.notify, read from FAPIAO_* variables (documented in config.py)."""

from __future__ import annotations

import datetime as dt

from fapiao.config import env, env_int


def max_attempts() -> int:
    return env_int("FAPIAO_NOTIFY_MAX_ATTEMPTS", minimum=1)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2x, 4x, ... capped at 1 hour."""
    base = env_int("FAPIAO_NOTIFY_RETRY_SECONDS", minimum=0)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def sweep_seconds() -> int:
    return env_int("FAPIAO_NOTIFY_SWEEP_SECONDS", minimum=1)


def site_url() -> str:
    return env("FAPIAO_SITE_URL").rstrip("/")


def absolute(link: str) -> str:
    """Links in email and SMS must work outside the browser session."""
    if not link or link.startswith(("http://", "https://")):
        return link
    return f"{site_url()}/{link.lstrip('/')}"
