"""Real Chromium for the page tests (Debian's chromium, driven by Playwright): one way to
launch it, and signing in as a person does."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A running browser; each test opens its contexts (one per person signed in)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM
    # calls from "async" code. The test's own queries are ordinary blocking ones.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield browser
            finally:
                browser.close()


def new_page(browser: Any, *, timeout_ms: int = 15_000, **context: Any) -> Any:
    """A page in a context of its own (its own cookies), in Chinese.

    Playwright's wait_for_function evaluates its predicate as a string inside the page,
    which the site's Content-Security-Policy refuses (no eval): the tests' pages bypass the
    policy unless they ask otherwise; tests/web/test_csp_browser.py keeps to it."""
    context.setdefault("bypass_csp", True)
    page = browser.new_context(locale="zh-CN", **context).new_page()
    page.set_default_timeout(timeout_ms)
    return page


def sign_in(page: Any, base: str, username: str, *, at: str = "/login/", lands: str = "") -> None:
    """Open `at` (the sign-in page, or a page that sends there), sign in, and wait until
    the browser is at `lands` (the invoice list by default, or back at `at`)."""
    page.goto(f"{base}{at}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands or ('/invoices/' if at == '/login/' else at)}")
