"""The HTTP verification provider against the simulator running as a real HTTP server on
127.0.0.1: answers, the daily limit, caching, retries, the circuit breaker, timeouts,
maintenance and rate limiting."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.core.codes import identity_key
from fapiao.invoices.models import Invoice
from fapiao.lookup.models import ProviderState
from fapiao.lookup.provider import HttpTaxPlatformProvider, VerificationRequest
from fapiao.lookup.simulator import SimInvoice, TaxPlatformSimulator
from fapiao.lookup.upstream import system_state
from fapiao.lookup.verification import checks_today, request_for, verify, verify_invoice
from tests.lookup.conftest import BJ_NUMBER

pytestmark = pytest.mark.django_db

Put = Callable[..., Invoice]


def on_platform(sim: TaxPlatformSimulator, invoice: Invoice, status: str = "0") -> None:
    sim.add(
        SimInvoice(
            code=invoice.invoice_code,
            number=invoice.invoice_number,
            issue_date=invoice.issue_date.strftime("%Y%m%d") if invoice.issue_date else "",
            amount=str(invoice.amount),
            total=str(invoice.total_amount),
            status=status,
        )
    )


def provider(sim: TaxPlatformSimulator, **kw: object) -> HttpTaxPlatformProvider:
    options: dict[str, object] = {"timeout": 0.5, "retries": 2, "backoff": 0.01}
    options.update(kw)
    return HttpTaxPlatformProvider(sim.url, **options)  # type: ignore[arg-type]


def test_a_genuine_invoice_verifies_and_the_answer_is_cached(
    users: dict[str, User], put: Put, platform: TaxPlatformSimulator
) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"])
    on_platform(platform, invoice, status="2")
    first = verify_invoice(invoice=invoice)
    assert (first.platform_code, first.cause, first.tax_status) == ("001", "ok", "voided")
    again = verify_invoice(invoice=invoice)
    assert again.from_cache and again.tax_status == "voided"
    assert platform.calls == 1


def test_unknown_invoice_and_wrong_amount_get_the_platform_codes(
    users: dict[str, User], put: Put, platform: TaxPlatformSimulator
) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"])
    assert verify_invoice(invoice=invoice).platform_code == "009"
    on_platform(platform, invoice)
    wrong = request_for(invoice)
    wrong = VerificationRequest(wrong.invoice_code, wrong.invoice_number, wrong.issue_date, "1.00")
    outcome = verify(organisation=invoice.organisation, request=wrong, use_cache=False)
    assert (outcome.platform_code, outcome.cause) == ("006", "mismatch")


def test_invoice_issued_today_is_not_checkable_until_tomorrow(
    users: dict[str, User], put: Put, platform: TaxPlatformSimulator, today: dt.date
) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"], issue_date=today)
    outcome = verify_invoice(invoice=invoice)
    assert (outcome.platform_code, outcome.cause) == ("rqerr", "not_synced_yet")
    assert outcome.retry_at is not None and timezone.localtime(outcome.retry_at).date() > today


def test_five_checks_per_invoice_per_day_are_kept_locally(
    users: dict[str, User], put: Put, platform: TaxPlatformSimulator
) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"])
    codes = [verify_invoice(invoice=invoice, use_cache=False).platform_code for _ in range(6)]
    assert codes == ["009"] * 5 + ["local_limit"]
    assert platform.calls == 5  # the sixth never reached the platform
    assert "rate_limited" in [c.cause for c in [verify_invoice(invoice=invoice, use_cache=False)]]


def test_another_organisations_checks_never_use_up_our_daily_limit(
    users: dict[str, User], outsider: User, put: Put, platform: TaxPlatformSimulator
) -> None:
    """The same invoice number in two organisations: each counts its own five checks."""
    ours = put(BJ_NUMBER, submitter=users["submitter"])
    theirs = put(BJ_NUMBER, submitter=outsider)
    assert verify_invoice(invoice=ours, use_cache=False).platform_code == "009"
    codes = [verify_invoice(invoice=theirs, use_cache=False).platform_code for _ in range(3)]
    assert codes == ["009"] * 3
    key = identity_key(ours.invoice_code, ours.invoice_number)
    assert checks_today(ours.organisation_id, key) == 1
    assert checks_today(theirs.organisation_id, key) == 3


def test_the_platforms_own_limit_answer_is_rate_limited(
    platform: TaxPlatformSimulator, db: None
) -> None:
    p = provider(platform)
    req = VerificationRequest("", BJ_NUMBER, dt.date(2025, 6, 18), "106.00")
    codes = [p.verify(req).platform_code for _ in range(6)]
    assert codes[-1] == "002"
    limited = p.verify(req)
    assert limited.cause == "rate_limited" and limited.retry_at is not None


def test_rate_limiting_mode_marks_the_provider_rate_limited(
    platform: TaxPlatformSimulator, db: None
) -> None:
    platform.set_mode("rate_limit")
    outcome = provider(platform).verify(VerificationRequest("", BJ_NUMBER, None))
    assert (outcome.platform_code, outcome.cause) == ("003", "rate_limited")
    assert system_state().rate_limited_until is not None


def test_transient_500s_are_retried_with_backoff(platform: TaxPlatformSimulator, db: None) -> None:
    platform.fail_next = 2
    outcome = provider(platform, retries=2).verify(VerificationRequest("", BJ_NUMBER, None))
    assert outcome.platform_code == "009"
    assert platform.calls == 3


def test_breaker_opens_after_failures_and_half_opens_after_its_period(
    platform: TaxPlatformSimulator, db: None
) -> None:
    platform.set_mode("down")
    p = provider(platform, retries=0, breaker_failures=3, breaker_seconds=1)
    req = VerificationRequest("", BJ_NUMBER, None)
    assert [p.verify(req).platform_code for _ in range(3)] == ["unavailable"] * 3
    calls = platform.calls
    blocked = p.verify(req)
    assert (blocked.platform_code, blocked.cause) == ("breaker_open", "upstream_unavailable")
    assert platform.calls == calls  # an open breaker does not call
    platform.set_mode("normal")
    ProviderState.objects.filter(name=p.name).update(
        open_until=timezone.now() - dt.timedelta(seconds=1)
    )  # the open period has passed: one trial call goes through and closes it
    assert p.verify(req).platform_code == "009"
    assert ProviderState.objects.get(name=p.name).consecutive_failures == 0


def test_a_slow_platform_times_out_as_unavailable(platform: TaxPlatformSimulator, db: None) -> None:
    platform.set_mode("slow", delay=1.0)
    started = time.monotonic()
    outcome = provider(platform, timeout=0.2, retries=1).verify(
        VerificationRequest("", BJ_NUMBER, None)
    )
    assert outcome.cause == "upstream_unavailable" and "连接失败" in outcome.message
    assert time.monotonic() - started < 1.0


def test_maintenance_answers_with_retry_after(platform: TaxPlatformSimulator, db: None) -> None:
    platform.set_mode("maintenance")
    platform.retry_after = 900
    outcome = provider(platform).verify(VerificationRequest("", BJ_NUMBER, None))
    assert (outcome.platform_code, outcome.cause) == ("maintenance", "maintenance")
    assert outcome.retry_at is not None
    assert 800 < (outcome.retry_at - timezone.now()).total_seconds() <= 900
    assert system_state().provider_maintenance_until is not None


def test_verification_is_off_without_a_configured_gateway(users: dict[str, User], put: Put) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"], total_amount=Decimal("106.00"))
    assert verify_invoice(invoice=invoice).platform_code == "disabled"


def test_verify_endpoint_updates_the_status_and_hides_other_organisations(
    users: dict[str, User],
    outsider: User,
    put: Put,
    platform: TaxPlatformSimulator,
    api_as: Callable[[User], object],
) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"])
    on_platform(platform, invoice, status="7")
    url = f"/api/v1/lookup/verify/{invoice.pk}"
    assert api_as(outsider).post(url).status_code == 404  # type: ignore[attr-defined]
    assert platform.calls == 0
    answer = api_as(users["submitter"]).post(url).json()  # type: ignore[attr-defined]
    assert (answer["platform_code"], answer["tax_status"]) == ("001", "red_full")
    invoice.refresh_from_db()
    assert invoice.tax_status == "red_full"
