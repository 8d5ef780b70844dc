"""站内信 in real Chromium: the badge counts unread, marking one read updates the item and
the badge in place (htmx, no reload)."""

from __future__ import annotations

from typing import Any

import pytest

from fapiao.accounts.models import User
from fapiao.notify.services import notify
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_badge_and_mark_read_in_place(
    live_server: Any,
    users: dict[str, User],
    browser_page: Any,
) -> None:
    me = users["submitter"]
    for n in range(3):
        notify(
            event="invoice_returned",
            recipients=[me],
            title=f"发票 No.0000{n} 被退回",
            body="退回原因：缺少行程单。",
            link="/invoices/",
        )
    page = browser_page
    base = live_server.url
    sign_in(page, base, me.username)
    badge = page.locator("#inbox-badge .unread-count")
    assert badge.inner_text() == "3"
    page.click("#inbox-badge")
    page.wait_for_url(f"{base}/notifications/")
    page.evaluate("window.__notReloaded = true")
    first = page.locator("li.inbox-item").first
    assert "发票 No.00002 被退回" in first.inner_text()
    first.get_by_role("button", name="标为已读").click()
    page.wait_for_selector("li.inbox-item.is-read")
    page.wait_for_function(
        "document.querySelector('#inbox-badge .unread-count').textContent === '2'"
    )
    assert page.locator("#inbox-unread").inner_text() == "2"
    assert page.evaluate("window.__notReloaded") is True
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_selector("text=已将 2 条通知标为已读。")
    assert page.locator("#inbox-badge .unread-count").count() == 0
