"""The 发票 list in real Chromium: sign in, filter with htmx (no full reload), open an
invoice, download the export."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice
from tests.browser import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_filter_open_and_export(
    live_server: Any,
    users: dict[str, User],
    make_invoices: Callable[..., list[Invoice]],
    browser_page: Any,
) -> None:
    admin = users["finance_admin"]
    make_invoices(12, submitter=users["submitter"], voided_share=0.3)
    make_invoices(8, submitter=users["submitter2"])
    org = Invoice.objects.filter(organisation_id=admin.organisation_id)
    department = users["submitter2"].department
    assert department is not None
    expected_numbers = sorted(
        org.filter(department=department).values_list("invoice_number", flat=True)
    )
    page = browser_page
    base = live_server.url

    page.goto(f"{base}/invoices/")
    assert "/login/" in page.url
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/invoices/")
    assert page.locator(".results-bar .count").inner_text() == "共 20 张"
    assert page.locator("table.invoices tbody tr").count() == 20
    assert "财务管理员" in page.locator(".topbar").inner_text()

    # A full reload would forget this marker; htmx swaps only the results.
    page.evaluate("window.__sameDocument = true")
    with page.expect_response(lambda r: "department=" in r.url) as answer:
        page.select_option("#id_department", str(department.pk))
    assert answer.value.request.headers.get("hx-request") == "true"
    page.wait_for_function(
        "document.querySelector('.results-bar .count').textContent.trim() === '共 8 张'"
    )
    assert page.evaluate("window.__sameDocument") is True
    assert f"department={department.pk}" in page.url  # the address can be shared
    shown = sorted(page.locator("a.inv-number").all_inner_texts())
    assert shown == expected_numbers

    # Sorting by amount through the column header, still without a reload.
    page.click("th a.sort:has-text('价税合计')")
    page.wait_for_url("**sort=-total_amount**")
    assert page.evaluate("window.__sameDocument") is True
    assert page.input_value("#id_sort") == "-total_amount"

    first = page.locator("a.inv-number").first
    number = first.inner_text()
    first.click()
    page.wait_for_url("**/invoices/*/")
    assert number in page.locator("h1").inner_text()
    assert page.locator("table.items tbody tr").count() >= 1

    page.go_back()
    page.wait_for_selector("a.inv-number")
    with page.expect_download() as download_info:
        page.click("text=导出 Excel")
    download = download_info.value
    assert download.suggested_filename.startswith("发票列表-")
    assert download.suggested_filename.endswith(".xlsx")
    path = download.path()
    assert path is not None
    with open(path, "rb") as fh:
        sheet = load_workbook(io.BytesIO(fh.read())).active
    assert sheet is not None
    numbers = sorted(str(r[1]) for r in sheet.iter_rows(min_row=2, values_only=True))
    assert numbers == expected_numbers


def test_bad_date_shows_error_beside_field_without_reload(
    live_server: Any, users: dict[str, User], browser_page: Any
) -> None:
    page = browser_page
    base = live_server.url
    sign_in(page, base, "reviewer")
    page.evaluate("window.__sameDocument = true")
    page.fill("#id_amount_min", "abc")
    page.press("#id_amount_min", "Enter")
    page.wait_for_selector("#err-amount_min:has-text('应为金额')")
    assert page.evaluate("window.__sameDocument") is True
    page.fill("#id_amount_min", "10")
    page.press("#id_amount_min", "Enter")
    page.wait_for_selector("#err-amount_min:empty", state="attached")
