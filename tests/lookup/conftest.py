"""Fixtures for the lookup tests: invoices with chosen numbers, and a running simulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.core.invoice import InvoiceData
from fapiao.invoices.models import Invoice
from fapiao.lookup.maintenance import clear_cache
from fapiao.lookup.simulator import TaxPlatformSimulator
from fapiao.lookup.upstream import forget_state
from tests.conftest import record

# A Beijing 数电 number of 2025 and a Beijing 10-digit code with an 8-digit number.
BJ_NUMBER = "25112000000012345678"
BJ_CODE, BJ_CODE_NUMBER = "1100251130", "04512345"


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    """Each process caches upstream state for seconds; a rolled-back test must not leak."""
    forget_state()
    clear_cache()
    yield
    forget_state()
    clear_cache()


def make_data(number: str, code: str = "", **fields: Any) -> InvoiceData:
    fields.setdefault("issue_date", dt.date(2025, 6, 18))
    fields.setdefault("total_amount", Decimal("106.00"))
    fields.setdefault("amount", Decimal("100.00"))
    fields.setdefault("tax_amount", Decimal("6.00"))
    fields.setdefault("invoice_type", "04" if code else "32")
    fields.setdefault("seller_name", "北京好味餐饮有限公司")
    fields.setdefault("seller_tax_id", "91110105MA00AAAA1X")
    fields.setdefault("buyer_name", "北京示例科技有限公司")
    fields.setdefault("buyer_tax_id", "91110108MA01ABCD1E")
    return InvoiceData(invoice_code=code or None, invoice_number=number, **fields)


@pytest.fixture
def put() -> Callable[..., Invoice]:
    """Record one invoice with the given number (and code) for `submitter`."""

    def make(number: str, code: str = "", *, submitter: User, **fields: Any) -> Invoice:
        return record(make_data(number, code, **fields), submitter=submitter)

    return make


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def simulator() -> Iterator[TaxPlatformSimulator]:
    sim = TaxPlatformSimulator().start()
    yield sim
    sim.stop()


@pytest.fixture
def platform(
    simulator: TaxPlatformSimulator, monkeypatch: pytest.MonkeyPatch
) -> TaxPlatformSimulator:
    """The simulator configured as the provider, with quick timeouts and no long backoff."""
    monkeypatch.setenv("FAPIAO_TAX_PLATFORM_URL", simulator.url)
    monkeypatch.setenv("FAPIAO_TAX_PLATFORM_TIMEOUT", "0.5")
    monkeypatch.setenv("FAPIAO_TAX_PLATFORM_RETRIES", "1")
    return simulator


def causes_of(answer: dict[str, Any]) -> list[str]:
    return [c["cause"] for c in answer["diagnosis"]]


Lookup = Callable[..., dict[str, Any]]
