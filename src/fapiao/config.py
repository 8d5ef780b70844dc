"""Every FAPIAO_* environment setting, documented in one place, and the only reader of them.

Code reads a setting through the typed helpers here (`env`, `env_int`, `env_float`,
`env_bool`, `env_list`, `env_path`, `data_dir`), at the moment it needs it, so that a test
or an operator's change is seen without re-importing anything; nothing else touches
`os.environ` for a FAPIAO_* name. `settings.py` reads Django's settings through them at
start-up; an app with several settings groups its accessors in `<app>/conf.py`.

A process may set a value for itself and for the processes it starts (`override`,
`child_environ`): `fapiao serve --demo` points the server and its worker at the local
tax-platform simulator that way.

A test checks that each setting read anywhere is declared here and described in README.md,
so that an operator never meets an undocumented knob.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    # The default shown is a description ("<FAPIAO_DATA_DIR>/…"): unset, `env` answers ""
    # and the reader works the value out.
    computed: bool = False


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
            computed=True,
        ),
        Setting(
            "FAPIAO_SECRET_KEY",
            "(generated once into <FAPIAO_DATA_DIR>/secret_key)",
            "Django secret key.",
            computed=True,
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
        Setting(
            "FAPIAO_HTTPS",
            "false",
            "true when people reach Fapiao over HTTPS: Secure cookies, HSTS, HTTP redirected.",
        ),
        Setting(
            "FAPIAO_HSTS_SECONDS",
            "31536000",
            "How long browsers keep to HTTPS after a visit (HSTS), with FAPIAO_HTTPS=true.",
        ),
        Setting("FAPIAO_MAX_UPLOAD_MB", "20", "Largest accepted upload, in megabytes."),
        Setting(
            "FAPIAO_LOGIN_MAX_FAILURES",
            "5",
            "Failed sign-ins of one user name from one address before that pair is locked.",
        ),
        Setting(
            "FAPIAO_LOGIN_ADDRESS_MAX_FAILURES",
            "50",
            "Failed sign-ins from one address, whatever the names, before the address is locked.",
        ),
        Setting(
            "FAPIAO_API_TOKEN_DAYS",
            "90",
            "Days a new API token is valid unless its creator chooses otherwise (1 to 365).",
        ),
        Setting(
            "FAPIAO_TRUSTED_PROXIES",
            "",
            "Comma-separated addresses or networks (10.0.0.0/8) of reverse proxies whose "
            "X-Forwarded-For and X-Forwarded-Proto are believed; empty: none.",
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
        Setting(
            "FAPIAO_SYNC_INTERVAL_MINUTES", "60", "Minutes between the worker's upstream syncs."
        ),
        Setting(
            "FAPIAO_SYNC_INBOX_DIR",
            "<FAPIAO_DATA_DIR>/sync-inbox",
            "Watched folder of platform Excel exports, one subfolder per organisation tax id.",
            computed=True,
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


# Values this process set for itself and its children (see `override`).
_overrides: dict[str, str] = {}
# (name, value) pairs already warned about, so that a setting read on every use warns once.
_warned: set[tuple[str, str]] = set()


def _declared(name: str) -> Setting:
    if name not in SETTINGS:
        raise KeyError(f"{name} is not a documented FAPIAO_* setting")
    return SETTINGS[name]


def env(name: str) -> str:
    """The value of a documented setting: set by this process, else the environment, else
    its default ("" for a computed default, which the reader works out)."""
    setting = _declared(name)
    value = _overrides.get(name) or os.environ.get(name)
    if value:
        return value
    return "" if setting.computed else setting.default


def _not_a_number(name: str, value: str) -> None:
    if (name, value) not in _warned:
        _warned.add((name, value))
        log.warning("%s 的值“%s”不是数字，已改用默认值 %s。", name, value, SETTINGS[name].default)


def env_int(name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole-number setting ("3.0" reads as 3), kept within [minimum, maximum]; a value
    that is not a number falls back to the default, with a warning in the log."""
    text = env(name).strip()
    try:
        value = int(text)
    except ValueError:
        try:
            value = int(float(text))
        except (ValueError, OverflowError):
            _not_a_number(name, text)
            value = int(SETTINGS[name].default)
    if minimum is not None:
        value = max(minimum, value)
    if maximum is not None:
        value = min(maximum, value)
    return value


def env_float(name: str, *, minimum: float = 0.0) -> float:
    """A numeric setting, at least `minimum`; a value that is not a number falls back to
    the default, with a warning in the log."""
    text = env(name).strip()
    try:
        value = float(text)
    except ValueError:
        _not_a_number(name, text)
        value = float(SETTINGS[name].default)
    return max(minimum, value)


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    """A comma-separated setting, without blanks."""
    return [item.strip() for item in env(name).split(",") if item.strip()]


def env_path(name: str) -> Path | None:
    """A folder or file setting; None when it is empty (or unset with a computed default)."""
    value = env(name).strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The data folder, created if need be; only its owner may enter it (it holds invoices,
    the database and the secret key)."""
    path = Path(env("FAPIAO_DATA_DIR")).expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = path.stat()
    if mode.st_mode & 0o077 and mode.st_uid == os.getuid():
        path.chmod(0o700)
    return path


def override(name: str, value: str | None) -> None:
    """Set a setting for this process and the processes it starts through `child_environ`
    (None removes the override). Used where a command decides a value at run time."""
    _declared(name)
    if value is None:
        _overrides.pop(name, None)
    else:
        _overrides[name] = value


def child_environ() -> dict[str, str]:
    """The environment for a child process: this one's, with this process's overrides."""
    return {**os.environ, **_overrides}
