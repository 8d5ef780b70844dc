"""Every FAPIAO_* environment setting, documented in one place.

`settings.py` reads them through :func:`env`; a test checks that each one read here is
described in README.md, so that an operator never meets an undocumented knob.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting(
            "FAPIAO_DATA_DIR", "./var", "Folder for the SQLite database, stored originals and logs."
        ),
        Setting(
            "FAPIAO_DATABASE_URL",
            "sqlite:///<FAPIAO_DATA_DIR>/fapiao.sqlite3",
            "Database URL; postgresql://user@host:5432/name for PostgreSQL.",
        ),
        Setting(
            "FAPIAO_SECRET_KEY",
            "(generated once into <FAPIAO_DATA_DIR>/secret_key)",
            "Django secret key.",
        ),
        Setting("FAPIAO_DEBUG", "false", "Django debug mode; never in production."),
        Setting(
            "FAPIAO_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names served."
        ),
        Setting(
            "FAPIAO_CSRF_TRUSTED_ORIGINS",
            "",
            "Comma-separated origins (scheme://host) trusted for forms behind a proxy.",
        ),
        Setting("FAPIAO_MAX_UPLOAD_MB", "20", "Largest accepted upload, in megabytes."),
        Setting(
            "FAPIAO_LOGIN_MAX_FAILURES",
            "5",
            "Failed sign-ins per user and address before a lockout.",
        ),
        Setting(
            "FAPIAO_LOGIN_LOCKOUT_MINUTES", "15", "How long a locked-out sign-in stays locked."
        ),
        Setting("FAPIAO_PAGE_SIZE", "50", "Invoices per page in lists and the API (max 500)."),
        Setting("FAPIAO_LOG_LEVEL", "INFO", "Log level for the fapiao loggers."),
        Setting(
            "FAPIAO_TIME_ZONE",
            "Asia/Shanghai",
            "Time zone for dates shown to people (Beijing time).",
        ),
    ]
}


def env(name: str) -> str:
    """The value of a documented setting, or its default."""
    if name not in SETTINGS:
        raise KeyError(f"{name} is not a documented FAPIAO_* setting")
    return os.environ.get(name) or SETTINGS[name].default


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    path = Path(env("FAPIAO_DATA_DIR")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
