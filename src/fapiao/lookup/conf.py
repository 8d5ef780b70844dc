"""The lookup app's FAPIAO_* settings, read when used so a test or an operator can change
them without restarting imports (documented in fapiao.config and README)."""

from __future__ import annotations

from pathlib import Path

from fapiao.config import data_dir, env


def _int(name: str) -> int:
    try:
        return int(env(name))
    except ValueError:
        return int(float(env(name)))


def platform_url() -> str:
    return env("FAPIAO_TAX_PLATFORM_URL").strip().rstrip("/")


def platform_timeout() -> float:
    return float(env("FAPIAO_TAX_PLATFORM_TIMEOUT"))


def platform_retries() -> int:
    return max(0, _int("FAPIAO_TAX_PLATFORM_RETRIES"))


def breaker_failures() -> int:
    return max(1, _int("FAPIAO_TAX_PLATFORM_BREAKER_FAILURES"))


def breaker_seconds() -> int:
    return max(1, _int("FAPIAO_TAX_PLATFORM_BREAKER_SECONDS"))


def daily_limit() -> int:
    return max(1, _int("FAPIAO_VERIFY_DAILY_LIMIT"))


def cache_hours() -> int:
    return max(0, _int("FAPIAO_VERIFY_CACHE_HOURS"))


def sync_interval_minutes() -> int:
    return max(1, _int("FAPIAO_SYNC_INTERVAL_MINUTES"))


def sync_inbox_dir() -> Path:
    value = env("FAPIAO_SYNC_INBOX_DIR").strip()
    if not value or value.startswith("<"):
        return data_dir() / "sync-inbox"
    return Path(value).expanduser()
