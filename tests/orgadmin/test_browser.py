"""系统设置 in real Chromium: the admin finds a colleague by typing (htmx, no reload), makes
them a reviewer of one department, and the colleague's next page shows the 审核队列."""

from __future__ import annotations

from typing import Any

import pytest

from fapiao.accounts.models import User
from tests.browser import chromium, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_admin_finds_a_colleague_and_makes_them_a_reviewer(
    live_server: Any, users: dict[str, User]
) -> None:
    base = live_server.url
    colleague = users["submitter2"]
    sales = colleague.department
    assert sales is not None
    with chromium() as browser:
        page = new_page(browser)
        sign_in(page, base, users["admin"].username)
        page.click("nav.nav >> text=系统设置")
        page.wait_for_url(f"{base}/settings/")
        page.click("nav.settings-tabs >> text=用户")
        page.evaluate("window.__notReloaded = true")
        page.fill("input[name=q]", "submitter2")
        page.wait_for_function("document.querySelectorAll('#members tbody tr').length === 1")
        assert page.evaluate("window.__notReloaded") is True  # the table alone was swapped
        page.click(f"#members >> text={colleague.username}")
        page.select_option("#id_role", "reviewer")
        page.check(f"input[name=review_departments][value='{sales.pk}']")
        page.click("button:has-text('保存')")
        page.wait_for_url(f"{base}/settings/users/")
        assert f"已保存 {colleague}" in page.inner_text(".messages")

        other = new_page(browser)
        sign_in(other, base, colleague.username)
        assert other.locator("nav.nav >> text=审核队列").count() == 1
    colleague.refresh_from_db()
    assert colleague.role == "reviewer"
    assert list(colleague.review_departments.all()) == [sales]
