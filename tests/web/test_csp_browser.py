"""Every page works under the strict Content-Security-Policy in real Chromium: the browser
reports no blocked script, style, image or connection on any of them, including the charts'
tooltips, the feedback dialog, the chat, the API docs and the operator's admin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice, ReviewStatus
from tests.browser import chromium, new_page, sign_in
from tests.factories import PASSWORD
from tests.web.test_security_headers import directives

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Init scripts run before the page's own and are not subject to its policy.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  e.effectiveDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') +
  ':' + e.lineNumber));
"""


@pytest.fixture
def strict_page() -> Iterator[Any]:
    """A Chromium page that keeps to the site's policy, reporting what it blocks."""
    with chromium() as browser:
        page = new_page(browser, bypass_csp=False)
        page.context.add_init_script(LISTEN)
        yield page


def violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__violations"))


def visit(page: Any, url: str, seen: dict[str, list[str]], then: Callable[[], Any] | None = None):
    response = page.goto(url)
    # the page is under the strict policy (without one, nothing would ever be blocked)
    policy = directives(response.headers.get("content-security-policy", ""))
    assert policy.get("script-src") == ["'self'"], url
    page.wait_for_load_state("networkidle")
    if then:
        then()
    seen[url] = violations(page)


def hover_charts(page: Any) -> None:
    page.wait_for_selector("#an-filters[data-loaded]")
    for chart in ("#chart-pie", "#chart-line", "#chart-bar"):
        box = page.locator(chart).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(400)  # the tooltip is drawn after ECharts' show delay


def test_no_page_breaks_the_content_security_policy(
    live_server: Any,
    users: dict[str, User],
    make_invoices: Callable[..., list[Invoice]],
    strict_page: Any,
) -> None:
    finance = users["finance_admin"]
    invoices = make_invoices(6, submitter=users["submitter"])
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(status=ReviewStatus.APPROVED)
    page = strict_page
    base = live_server.url
    seen: dict[str, list[str]] = {}

    visit(page, f"{base}/login/", seen)
    sign_in(page, base, finance.username)
    for path in (
        "/invoices/",
        f"/invoices/{invoices[0].pk}/",
        "/scan/",
        "/review/",
        "/notifications/",
        "/lookup/",
        "/status",
        "/help/",
        "/feedback/",
        "/chat/",
        "/account/tokens/",
    ):
        visit(page, base + path, seen)
    visit(page, f"{base}/api/v1/docs", seen, lambda: page.wait_for_selector(".opblock"))
    visit(page, f"{base}/analytics/", seen, lambda: hover_charts(page))

    def open_feedback() -> None:
        page.click("#fb-open")
        page.fill("#fb-body", "上传 PDF")
        page.wait_for_timeout(600)

    visit(page, f"{base}/invoices/", seen, open_feedback)
    assert {url: v for url, v in seen.items() if v} == {}
    assert len(seen) == 14


def test_the_operators_admin_keeps_to_the_policy(live_server: Any, db: None, strict_page: Any):
    User.objects.create_superuser("operator", "op@example.com", PASSWORD)
    page = strict_page
    base = live_server.url
    seen: dict[str, list[str]] = {}
    visit(page, f"{base}/admin/login/?next=/admin/", seen)
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    for path in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
        visit(page, base + path, seen)
    assert {url: v for url, v in seen.items() if v} == {}
