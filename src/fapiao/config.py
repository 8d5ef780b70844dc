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
        # fapiao.notify: email (SMTP), SMS gateway and the delivery outbox.
        Setting(
            "FAPIAO_SITE_URL",
            "http://127.0.0.1:8000",
            "Address people open the service at; links in email and SMS start with it.",
        ),
        Setting(
            "FAPIAO_SMTP_HOST", "", "SMTP server for email (empty: files in DATA_DIR/sent-mail)."
        ),
        Setting("FAPIAO_SMTP_PORT", "25", "SMTP port (587 with STARTTLS, 465 with SSL)."),
        Setting("FAPIAO_SMTP_USER", "", "SMTP user name (empty: no login)."),
        Setting("FAPIAO_SMTP_PASSWORD", "", "SMTP password or authorisation code."),
        Setting(
            "FAPIAO_SMTP_FROM", "发票管家 <noreply@localhost>", "Sender of notification email."
        ),
        Setting("FAPIAO_SMTP_TLS", "false", "true: STARTTLS; ssl: implicit TLS (port 465)."),
        Setting("FAPIAO_SMS_PROVIDER", "console", "console (log, masked number) or http_json."),
        Setting("FAPIAO_SMS_URL", "", "URL the http_json SMS provider POSTs each message to."),
        Setting("FAPIAO_SMS_KEY", "", "API key sent in the X-Api-Key header to the SMS gateway."),
        Setting("FAPIAO_SMS_TEMPLATE", "", "Template id the SMS gateway fills with params."),
        Setting("FAPIAO_SMS_TIMEOUT", "10", "Seconds to wait for the SMS gateway."),
        Setting("FAPIAO_NOTIFY_MAX_ATTEMPTS", "6", "Send attempts per email/SMS before failed."),
        Setting(
            "FAPIAO_NOTIFY_RETRY_SECONDS",
            "30",
            "Wait after the first failed send; doubles each attempt (capped at 1 hour).",
        ),
        Setting(
            "FAPIAO_NOTIFY_SWEEP_SECONDS",
            "30",
            "How often the worker re-enqueues due retries and sends a crash left behind.",
        ),
        # fapiao.lookup: verification (查验) provider and upstream sync.
        Setting(
            "FAPIAO_TAX_PLATFORM_URL",
            "",
            "Base URL of the tax-platform verification gateway (empty: verification off).",
        ),
        Setting("FAPIAO_TAX_PLATFORM_TIMEOUT", "5", "Seconds to wait for one verification call."),
        Setting("FAPIAO_TAX_PLATFORM_RETRIES", "2", "Retries (with backoff) after a failed call."),
        Setting(
            "FAPIAO_TAX_PLATFORM_BREAKER_FAILURES",
            "5",
            "Consecutive failures that open the circuit breaker.",
        ),
        Setting(
            "FAPIAO_TAX_PLATFORM_BREAKER_SECONDS",
            "60",
            "Seconds the breaker stays open before one trial call (half-open).",
        ),
        Setting("FAPIAO_VERIFY_DAILY_LIMIT", "5", "Verifications per invoice per day (platform)."),
        Setting("FAPIAO_VERIFY_CACHE_HOURS", "24", "How long a verification answer is reused."),
        Setting("FAPIAO_SYNC_INTERVAL_MINUTES", "60", "Expected minutes between upstream syncs."),
        Setting(
            "FAPIAO_SYNC_INBOX_DIR",
            "<FAPIAO_DATA_DIR>/sync-inbox",
            "Watched folder of platform Excel exports, one subfolder per organisation tax id.",
        ),
        # fapiao.analytics: what spending summaries and budgets count.
        Setting(
            "FAPIAO_ANALYTICS_INCLUDE_PENDING",
            "false",
            "true: spending figures and budgets also count invoices still pending review.",
        ),
        Setting(
            "FAPIAO_ROLLUP_REFRESH_SECONDS",
            "5",
            "How often the worker rebuilds the analytics roll-ups of changed months.",
        ),
        # fapiao.feedback: working hours for ticket deadlines (SLA) and ticket limits.
        Setting(
            "FAPIAO_WORK_HOURS",
            "09:00-12:00,13:00-18:00",
            "Working periods of a working day (Beijing time) that ticket deadlines count.",
        ),
        Setting(
            "FAPIAO_FEEDBACK_REOPEN_DAYS", "7", "Days after resolution a requester may reopen."
        ),
        Setting(
            "FAPIAO_FEEDBACK_MAX_ATTACHMENT_MB", "10", "Largest ticket attachment, in megabytes."
        ),
        Setting(
            "FAPIAO_FEEDBACK_SLA_WARN_PERCENT",
            "80",
            "Share of a deadline's working time after which agents are warned.",
        ),
        Setting(
            "FAPIAO_FEEDBACK_SUPPORT_ADDRESS",
            "support@localhost",
            "Support mailbox address shown to users and used for email tickets.",
        ),
        Setting(
            "FAPIAO_FEEDBACK_MAILDIR",
            "",
            "Maildir the support mailbox is delivered to; the worker imports it every minute.",
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


def env_float(name: str, minimum: float = 0.0) -> float:
    """A numeric setting; a value that is not a number falls back to the default."""
    try:
        value = float(env(name))
    except ValueError:
        value = float(SETTINGS[name].default)
    return max(minimum, value)


def data_dir() -> Path:
    path = Path(env("FAPIAO_DATA_DIR")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
