"""The lookup app's FAPIAO_* settings, read when used so a test or an operator can change
them without restarting imports (documented in fapiao.config and README)."""

from __future__ import annotations

from pathlib import Path

from fapiao.config import data_dir, env, env_float, env_int, env_path


def platform_url() -> str:
    return env("FAPIAO_TAX_PLATFORM_URL").strip().rstrip("/")


def platform_timeout() -> float:
    return env_float("FAPIAO_TAX_PLATFORM_TIMEOUT")


def platform_retries() -> int:
    return env_int("FAPIAO_TAX_PLATFORM_RETRIES", minimum=0)


def breaker_failures() -> int:
    return env_int("FAPIAO_TAX_PLATFORM_BREAKER_FAILURES", minimum=1)


def breaker_seconds() -> int:
    return env_int("FAPIAO_TAX_PLATFORM_BREAKER_SECONDS", minimum=1)


def daily_limit() -> int:
    return env_int("FAPIAO_VERIFY_DAILY_LIMIT", minimum=1)


def cache_hours() -> int:
    return env_int("FAPIAO_VERIFY_CACHE_HOURS", minimum=0)


def sync_interval_minutes() -> int:
    return env_int("FAPIAO_SYNC_INTERVAL_MINUTES", minimum=1)


def sync_inbox_dir() -> Path:
    return env_path("FAPIAO_SYNC_INBOX_DIR") or data_dir() / "sync-inbox"
