"""Live status in real Chromium: a submitter's 我的发票 and invoice page are open, a
reviewer approves through the API, and both show 已审核 within two seconds, no reload."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from fapiao.accounts.models import ApiToken, User
from fapiao.invoices.models import Invoice
from tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def approve_over_http(base: str, reviewer: User, invoice: Invoice) -> dict[str, Any]:
    _, token = ApiToken.issue(user=reviewer, name="browser test")
    request = urllib.request.Request(
        f"{base}/api/v1/invoices/{invoice.pk}/transitions",
        data=json.dumps({"action": "approve", "comment": "没问题"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.load(response))


def test_status_change_shows_within_two_seconds(
    live_server: Any,
    users: dict[str, User],
    pending: Invoice,
    browser_page: Any,
) -> None:
    page = browser_page
    base = live_server.url
    sign_in(page, base, users["submitter"].username)

    page.goto(f"{base}/mine/")
    badge = page.locator(f"#mine-{pending.pk} .badge[data-status]")
    assert badge.inner_text() == "待审核"
    detail = page.context.new_page()
    detail.goto(f"{base}/invoices/{pending.pk}/")
    assert detail.locator("#review-status").inner_text() == "待审核"
    page.evaluate("window.__notReloaded = true")
    time.sleep(1.2)  # let a few polls run unchanged first (204s)

    assert approve_over_http(base, users["reviewer"], pending)["status"] == "approved"
    approved_at = time.monotonic()
    page.wait_for_selector(f'#mine-{pending.pk} .badge[data-status="approved"]', timeout=2000)
    detail.wait_for_selector('#review-status[data-status="approved"]', timeout=2000)
    elapsed = time.monotonic() - approved_at
    assert elapsed < 2.0
    assert badge.inner_text() == "已审核"
    assert detail.locator("#invoice-status-badge").inner_text() == "已审核"
    assert "没问题" in detail.locator("#review-panel").inner_text()
    assert page.evaluate("window.__notReloaded") is True


def test_queue_keyboard_j_k_a_and_return_with_reason(
    live_server: Any,
    users: dict[str, User],
    make_invoices: Any,
    browser_page: Any,
) -> None:
    first, second, third = make_invoices(3, submitter=users["submitter"])
    Invoice.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(findings=[])
    page = browser_page
    base = live_server.url
    sign_in(page, base, users["reviewer"].username)
    page.goto(f"{base}/review/")
    page.wait_for_selector(f'#pane[data-invoice="{first.pk}"]')
    # A swapped-in pane is in the page before htmx wires it (it settles ~20 ms later); a slow
    # device widens that window. Widen it here so a key pressed inside it is always tested.
    page.evaluate("htmx.config.defaultSettleDelay = 400")

    page.keyboard.press("j")  # the second invoice
    page.wait_for_selector(f'#pane[data-invoice="{second.pk}"]')
    expect(page.locator(f"#q-{second.pk}")).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("k")
    page.wait_for_selector(f'#pane[data-invoice="{first.pk}"]')
    page.keyboard.press("j")
    page.wait_for_selector(f'#pane[data-invoice="{second.pk}"]')
    page.keyboard.press("a")  # approve the second; the pane moves on, its row goes
    page.wait_for_selector(f"#q-{second.pk}", state="detached")
    assert "已审核通过" in page.locator("#pane").inner_text()
    assert Invoice.objects.get(pk=second.pk).status == "approved"

    current = page.locator("#pane").get_attribute("data-invoice")
    page.keyboard.press("r")  # without a reason: the box takes the focus
    assert page.evaluate("document.activeElement.id") == "decide-comment"
    page.keyboard.type("缺少报销单")
    page.click('#decide-form button[value="return"]')
    page.wait_for_selector(f"#q-{current}", state="detached")
    returned = Invoice.objects.get(pk=int(current or 0))
    assert returned.status == "returned"
