"""From a phone photo to an invoice waiting for review, in real Chromium on a phone-sized
screen: choose the photo, watch 识别中 then 完成, open the form beside the original,
correct the highlighted field, 提交审核, and find the invoice listed as 待审核.

Honest about the worker: the test settings read uploads inside the request
(ImmediateBackend), which would skip 识别中 entirely. Here uploads go to the real database
queue and the real `db_worker` command reads them, run by the test only after the page
has shown each file waiting to be read; the page then finds out by polling, as it would
with `fapiao worker` running beside `fapiao serve`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from fapiao.accounts.models import User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices.models import Invoice, ReviewStatus
from tests.browser import chromium, new_page, sign_in
from tests.invoices.test_ingest import sample

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PHONE: Any = {"width": 390, "height": 844}  # playwright ViewportSize


@pytest.fixture
def phone_page() -> Iterator[Any]:
    with chromium() as browser:
        yield new_page(
            browser,
            timeout_ms=30_000,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
        )


def _photo(corpus: CorpusGenerator) -> tuple[str, str, bytes, str]:
    """(file name, MIME type, bytes, the seller tax id printed on the invoice) of a photo
    whose seller tax id comes out wrong, as a misread digit would."""
    [inv] = sample(corpus)
    right = inv.seller_tax_id or ""
    misread = corpus.broken(inv, "bad_tax_id")
    try:
        from tests.corpus.render_photo import PhotoStyle, render_photo
    except ImportError:  # the photo renderer is not there: the same invoice as a PDF
        from tests.corpus.render_pdf import render_pdf

        return "发票.pdf", "application/pdf", render_pdf(misread), right
    style = PhotoStyle(
        rotation=2.0, perspective=0.02, blur=0.4, lighting=0.2, noise=2.0, long_side=1600
    )
    return "IMG_0001.jpg", "image/jpeg", render_photo(misread, style), right


@contextmanager
def one_at_a_time(live_server: Any) -> Iterator[threading.Lock]:
    """The live server's requests one at a time; the test holds the lock it yields while
    it uses the database (the worker, its own checks).

    On SQLite the test database lives in memory, and the live server's threads share the
    test's one connection: the page's parallel uploads, its polls and the worker would
    otherwise interleave statements on it ("cannot open savepoint - SQL statements in
    progress"). A real deployment has a connection per process and per thread.
    """
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    lock = threading.Lock()

    def serialized(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with lock:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

    httpd.set_app(serialized)
    try:
        yield lock
    finally:
        httpd.set_app(app)


def test_phone_photo_to_invoice_waiting_for_review(
    live_server: Any, users: dict[str, User], corpus: CorpusGenerator, phone_page: Any
) -> None:
    name, mime, blob, right_tax_id = _photo(corpus)
    page = phone_page
    base = live_server.url
    with override_settings(TASKS=DB_TASKS), one_at_a_time(live_server) as db:
        sign_in(page, base, users["submitter"].username, at="/scan/")
        assert page.locator("#scan-camera").get_attribute("capture") == "environment"

        # Two files at once: the photo, and a note that is no invoice at all.
        note = {"name": "说明.txt", "mimeType": "text/plain", "buffer": "报销说明".encode()}
        photo = {"name": name, "mimeType": mime, "buffer": blob}
        page.set_input_files("#scan-files", files=[photo, note])
        row = page.locator(".scan-item", has=page.locator(".scan-name", has_text=name))
        other = page.locator(".scan-item", has=page.locator(".scan-name", has_text="说明.txt"))
        # Stored and queued: the page follows each while nobody has read it yet.
        row.locator(".scan-label", has_text="识别中").wait_for()
        page.locator(".scan-item[data-state=queued]").nth(1).wait_for()
        with db:
            assert not Invoice.objects.exists()
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        row.locator(".scan-label", has_text="完成").wait_for()
        other.locator(".scan-label", has_text="失败").wait_for()
        assert "无法识别的文件类型" in other.inner_text()
        with db:
            invoice = Invoice.objects.get()
        assert invoice.status == ReviewStatus.PROCESSING
        row.locator("text=核对并提交").click()
        page.wait_for_url(f"**/scan/invoices/{invoice.pk}/")

        # The original beside the form, drawn by the server; the misread id highlighted.
        page.wait_for_function(
            "document.querySelector('img.original-image').naturalWidth > 0", timeout=30_000
        )
        field = page.locator(".field.doubtful #id_seller_tax_id")
        assert field.is_visible()
        assert page.locator(".finding.sev-error").count() >= 1
        field.fill(right_tax_id)
        page.click("button:has-text('提交审核')")

        page.wait_for_url(f"{base}/invoices/")
        assert "已提交审核" in page.locator(".messages").inner_text()
        listed = page.locator("table.invoices tbody tr", has_text=invoice.invoice_number)
        assert "待审核" in listed.inner_text()
    invoice.refresh_from_db()
    assert invoice.status == ReviewStatus.PENDING_REVIEW
    assert invoice.seller_tax_id == right_tax_id
    assert invoice.corrections.filter(field="seller_tax_id").exists()
    # Left open, the connection this body used keeps PostgreSQL from dropping the test
    # database at the end of the run (a teardown warning); SQLite ignores the call.
    connections.close_all()
