"""我的 API 令牌 in real Chromium under the site's CSP: revoking asks first, and only goes
ahead when the person confirms."""

from __future__ import annotations

from typing import Any

import pytest

from fapiao.accounts.models import ApiToken, User
from tests.browser import chromium, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_revoking_asks_first(live_server: Any, users: dict[str, User]) -> None:
    with chromium() as browser:
        page = new_page(browser, bypass_csp=False)
        sign_in(page, live_server.url, "reviewer")
        page.goto(f"{live_server.url}/account/tokens/")
        page.fill("#token-name", "月报脚本")
        page.click("text=生成令牌")
        raw = page.input_value("#token-value")
        assert ApiToken.authenticate(raw) == users["reviewer"]

        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click("table button:has-text('撤销')")
        page.wait_for_timeout(300)
        assert ApiToken.authenticate(raw) == users["reviewer"]  # the person said no

        page.once("dialog", lambda dialog: dialog.accept())
        page.click("table button:has-text('撤销')")
        page.wait_for_selector("text=已撤销")
        assert ApiToken.authenticate(raw) is None
