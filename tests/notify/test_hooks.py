"""Notifications this app raises: a document that cannot be read, and an invoice whose tax
status changes (platform import, correction) - each told to the person who submitted it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from fapiao.accounts.models import Organisation, User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices import ingest
from fapiao.invoices.models import Invoice
from fapiao.invoices.platform_import import import_export_file
from fapiao.invoices.services import correct_invoice
from fapiao.invoices.tasks import read_document
from fapiao.notify.models import Notification
from tests.conftest import record
from tests.corpus.render_xlsx import render_xlsx


def test_a_failed_upload_tells_the_uploader_why_and_what_to_do(users: dict[str, User]) -> None:
    uploader = users["submitter"]
    assert uploader.organisation is not None
    doc = ingest.store_upload(
        organisation=uploader.organisation,
        user=uploader,
        name="出租车票.txt",
        stream=io.BytesIO(b"this is not an invoice at all"),
    ).document
    assert read_document.call(doc.pk) == "failed"
    doc.refresh_from_db()
    n = Notification.objects.get(recipient=uploader)
    assert n.event == "reading_failed"
    assert n.title == "“出租车票.txt”未能识别"
    assert doc.error_message in n.body and "重新上传" in n.body
    assert list(n.deliveries.values_list("channel", flat=True)) == ["email"]
    assert read_document.call(doc.pk) is None  # a second run: no second notice
    assert Notification.objects.count() == 1


def _blue(corpus: CorpusGenerator, submitter: User) -> tuple[Invoice, object]:
    data = next(
        d
        for d in corpus.invoices(30, start=dt.date(2026, 1, 1), end=dt.date(2026, 10, 31))
        if d.tax_status == "normal" and not d.is_red
    )
    return record(data, submitter=submitter), data


def test_platform_import_voiding_an_invoice_tells_its_submitter(
    org: Organisation, users: dict[str, User], corpus: CorpusGenerator
) -> None:
    invoice, data = _blue(corpus, users["submitter"])
    voided = dataclasses.replace(data, tax_status="voided")  # type: ignore[type-var]
    blob = render_xlsx([voided], form="detail")
    import_export_file(organisation=org, blob=blob, filename="导出.xlsx", submitter=users["admin"])
    invoice.refresh_from_db()
    assert invoice.tax_status == "voided"
    n = Notification.objects.get(recipient=users["submitter"], event="tax_status_changed")
    assert n.title == f"发票 {invoice.invoice_number} 变为“已作废”"
    assert "由“正常”变为“已作废”" in n.body and "不能报销" in n.body
    assert n.link == f"/invoices/{invoice.pk}/" and n.invoice_id == invoice.pk
    # Importing the same file again changes nothing and notifies nobody.
    import_export_file(organisation=org, blob=blob, filename="导出.xlsx", submitter=users["admin"])
    assert Notification.objects.filter(event="tax_status_changed").count() == 1


def test_a_correction_by_someone_else_notifies_but_ones_own_does_not(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    invoice, _ = _blue(corpus, users["submitter"])
    correct_invoice(invoice=invoice, user=users["submitter"], changes={"tax_status": "red_partial"})
    assert not Notification.objects.filter(event="tax_status_changed").exists()
    correct_invoice(
        invoice=invoice, user=users["reviewer"], changes={"tax_status": "voided"}, reason="已作废"
    )
    n = Notification.objects.get(event="tax_status_changed")
    assert n.recipient == users["submitter"]
    assert "由“已红冲-部分”变为“已作废”（来源：人工更正：已作废）" in n.body
