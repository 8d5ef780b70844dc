"""Verification (查验) providers: the interface, and the HTTP provider for a tax-platform
gateway speaking JSON (the protocol fapiao.lookup.simulator implements).

Request: POST {base}/api/verify {"fpdm", "fphm", "kprq": YYYYMMDD, "je", "jym"}.
Answer: {"key1": platform code, "key2": {invoice data, "fpzt": status}}; maintenance is a 503
with Retry-After. The platform codes of DOMAIN.md map to diagnosis causes in PLATFORM_CODES.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils import timezone

from fapiao.lookup import conf, health

log = logging.getLogger(__name__)

# platform code -> (cause, Chinese meaning). "ok" and "not_found" are outcomes the caller
# interprets (a 009 is a sync delay for a fresh invoice and a forgery signal for an old one).
PLATFORM_CODES: dict[str, tuple[str, str]] = {
    "001": ("ok", "查验成功"),
    "002": ("rate_limited", "超过该张发票当日查验次数"),
    "003": ("rate_limited", "请求太频繁"),
    "004": ("rate_limited", "超过服务器最大请求数"),
    "005": ("format_error", "请求不合法"),
    "006": ("mismatch", "发票信息不一致"),
    "007": ("upstream_unavailable", "验证码失效"),
    "008": ("upstream_unavailable", "验证码错误"),
    "009": ("not_found", "查无此票"),
    "010": ("upstream_unavailable", "网络超时"),
    "020": ("rate_limited", "查验行为异常"),
    "rqerr": ("not_synced_yet", "当日开具发票可于次日进行查验"),
}
# The platform's 发票状态 (fpzt) -> fapiao TaxStatus values.
PLATFORM_STATUS = {"0": "normal", "2": "voided", "7": "red_full", "8": "red_partial"}
# Answers worth keeping: they say something about the invoice, not about the moment.
DEFINITIVE = frozenset({"001", "006", "009"})


@dataclass(frozen=True)
class VerificationRequest:
    invoice_code: str
    invoice_number: str
    issue_date: dt.date | None
    amount: str = ""  # before tax, or total for 数电 (the caller picks)
    check_code_tail: str = ""  # last 6 digits of 校验码 for 普票


@dataclass(frozen=True)
class VerificationOutcome:
    platform_code: str  # a key of PLATFORM_CODES, or local: "maintenance", "unavailable",
    # "breaker_open", "local_limit", "disabled"
    cause: str  # ok | not_found | mismatch | rate_limited | maintenance | upstream_unavailable …
    message: str
    tax_status: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    retry_at: dt.datetime | None = None
    from_cache: bool = False
    checked_at: dt.datetime | None = None


class VerificationProvider(Protocol):
    name: str

    def verify(self, request: VerificationRequest) -> VerificationOutcome: ...


def _tomorrow_start() -> dt.datetime:
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))


class _Transient(Exception):
    """A failure worth retrying (timeout, refused connection, 5xx, 010)."""


class HttpTaxPlatformProvider:
    name = "tax_platform"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
        breaker_failures: int = 5,
        breaker_seconds: int = 60,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.breaker_failures = breaker_failures
        self.breaker_seconds = breaker_seconds
        self.sleep = sleep

    @classmethod
    def from_settings(cls) -> HttpTaxPlatformProvider:
        return cls(
            conf.platform_url(),
            timeout=conf.platform_timeout(),
            retries=conf.platform_retries(),
            breaker_failures=conf.breaker_failures(),
            breaker_seconds=conf.breaker_seconds(),
        )

    def verify(self, request: VerificationRequest) -> VerificationOutcome:
        open_until = health.breaker_open_until(self.name)
        if open_until is not None:
            return VerificationOutcome(
                "breaker_open",
                "upstream_unavailable",
                "查验服务连续失败，暂停调用",
                retry_at=open_until,
            )
        body = json.dumps(
            {
                "fpdm": request.invoice_code,
                "fphm": request.invoice_number,
                "kprq": request.issue_date.strftime("%Y%m%d") if request.issue_date else "",
                "je": request.amount,
                "jym": request.check_code_tail,
            }
        ).encode()
        error = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return self._call(body)
            except _Transient as exc:
                error = str(exc)
                log.info("tax platform call %d failed: %s", attempt + 1, error)
        opened = health.record_failure(
            self.name, error, threshold=self.breaker_failures, open_seconds=self.breaker_seconds
        )
        retry_at = timezone.now() + dt.timedelta(seconds=self.breaker_seconds if opened else 60)
        return VerificationOutcome(
            "unavailable", "upstream_unavailable", f"查验服务无法访问（{error}）", retry_at=retry_at
        )

    def _call(self, body: bytes) -> VerificationOutcome:
        req = urllib.request.Request(
            f"{self.base_url}/api/verify",
            data=body,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code == 503:
                return self._maintenance(exc.headers.get("Retry-After"))
            if exc.code >= 500:
                raise _Transient(f"HTTP {exc.code}") from exc
            payload = _json(exc.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _Transient(f"连接失败：{type(reason).__name__}") from exc
        except ValueError as exc:
            raise _Transient("返回内容不是JSON") from exc
        return self._answer(payload)

    def _maintenance(self, retry_after: str | None) -> VerificationOutcome:
        seconds = int(retry_after) if retry_after and retry_after.isdigit() else 1800
        until = timezone.now() + dt.timedelta(seconds=seconds)
        health.mark_maintenance(self.name, until, "税务平台维护中")
        return VerificationOutcome("maintenance", "maintenance", "税务平台维护中", retry_at=until)

    def _answer(self, payload: dict[str, Any]) -> VerificationOutcome:
        code = str(payload.get("key1", ""))
        if code == "010":
            raise _Transient("平台网络超时(010)")
        if code not in PLATFORM_CODES:
            raise _Transient(f"未知返回代码 {code[:10]!r}")
        health.record_success(self.name)
        cause, meaning = PLATFORM_CODES[code]
        data = payload.get("key2") if isinstance(payload.get("key2"), dict) else {}
        retry_at = None
        if code in ("002", "020"):
            retry_at = _tomorrow_start()
        elif code in ("003", "004"):
            retry_at = timezone.now() + dt.timedelta(minutes=1)
            health.mark_rate_limited(self.name, retry_at, meaning)
        elif code == "rqerr":
            retry_at = _tomorrow_start()
        return VerificationOutcome(
            code,
            cause,
            meaning,
            tax_status=PLATFORM_STATUS.get(str((data or {}).get("fpzt", "")), ""),
            data=data or {},
            retry_at=retry_at,
            checked_at=timezone.now(),
        )


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError as exc:
        raise _Transient("返回内容不是JSON") from exc
    if not isinstance(value, dict):
        raise _Transient("返回内容格式不对")
    return value


def default_provider() -> VerificationProvider | None:
    """The configured provider; None when FAPIAO_TAX_PLATFORM_URL is empty."""
    return HttpTaxPlatformProvider.from_settings() if conf.platform_url() else None
