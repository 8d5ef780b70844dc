"""发票查询 in real Chromium: a mistyped number leads, through "您是否要找…", to the invoice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice
from tests.browser import sign_in
from tests.lookup.conftest import BJ_NUMBER

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_mistyped_number_leads_to_the_invoice(
    live_server: Any,
    users: dict[str, User],
    put: Callable[..., Invoice],
    browser_page: Any,
) -> None:
    user = users["submitter"]
    invoice = put(BJ_NUMBER, submitter=user)
    page = browser_page
    base = live_server.url
    sign_in(page, base, user.username, at="/lookup/")
    assert page.locator('nav a[aria-current="page"]').inner_text() == "发票查询"

    page.fill("#id_invoice_number", BJ_NUMBER[:-2] + BJ_NUMBER[-1] + BJ_NUMBER[-2])
    page.click(".lookup-form button[type=submit]")
    first = page.locator(".diagnosis .cause").first
    assert first.get_attribute("data-cause") == "near_match"
    assert "两位数字顺序颠倒" in first.inner_text()
    first.locator(".near-list a").first.click()
    page.wait_for_url(f"{base}/invoices/{invoice.pk}/")
    assert BJ_NUMBER in page.locator("h1").inner_text()
