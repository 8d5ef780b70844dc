"""扫描上传 pages: each file's state as a person reads it, the form beside the original that
highlights what needs a check, 提交审核, duplicates, Excel imports, Chinese failures, and
who may open which upload and original."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices import ingest
from fapiao.invoices.models import Document, FieldCorrection, Invoice, ReviewStatus
from tests.conftest import ClientAs
from tests.corpus.render_pdf import render_pdf
from tests.corpus.render_xlsx import render_xlsx
from tests.corpus.render_xml import render_xml
from tests.invoices.test_ingest import sample

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def upload(django_capture_on_commit_callbacks: Any) -> Callable[..., Document]:
    """Upload one file through POST /api/v1/documents as a signed-in person; the test
    settings read it at once (ImmediateBackend)."""

    def send(client: Client, name: str, blob: bytes) -> Document:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/documents", {"files": [SimpleUploadedFile(name, blob)]})
        assert response.status_code == 202, response.content.decode()
        [entry] = json.loads(response.content)["documents"]
        return Document.objects.get(pk=entry["id"])

    return send


def html(response: Any) -> str:
    return str(response.content.decode())


def only_invoice(doc: Document) -> Invoice:
    doc.refresh_from_db()
    [entry] = doc.extraction["outcome"]
    return Invoice.objects.get(pk=entry["invoice_id"])


def test_scan_page_offers_camera_and_files(users: dict[str, User], client_as: ClientAs) -> None:
    page = html(client_as(users["submitter"]).get("/scan/"))
    assert 'capture="environment"' in page
    assert 'multiple accept="image/*,.pdf,.ofd,.xml,.xlsx"' in page
    assert 'aria-current="page">扫描上传<' in page
    assert "还没有上传过文件" in page
    assert 'data-max-mb="20"' in page


def test_an_upload_waits_for_its_uploader_then_is_submitted(
    users: dict[str, User],
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    me = client_as(users["submitter"])
    [inv] = sample(corpus)
    doc = upload(me, "fapiao.xml", render_xml(inv))
    invoice = only_invoice(doc)
    # Nobody reviews a reading its uploader has not checked.
    assert invoice.status == ReviewStatus.PROCESSING
    row = html(me.get(f"/scan/documents/{doc.pk}/row/"))
    assert "完成" in row and "hx-trigger" not in row  # finished: the row stops polling
    assert f"核对并提交 {inv.invoice_number}" in row
    assert "识别完成：请核对识别结果后提交审核。" in row

    opened = me.get(f"/scan/documents/{doc.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/scan/invoices/{invoice.pk}/"
    form = html(me.get(opened["Location"]))
    assert "提交审核" in form and str(inv.invoice_number) in form
    assert "数据直接取自文件，没有图片预览" in form  # XML has no picture
    assert f'href="/scan/documents/{doc.pk}/original"' in form

    # Found again later through the list, its detail page leads back to the form.
    detail = html(me.get(f"/invoices/{invoice.pk}/"))
    assert f'href="/scan/invoices/{invoice.pk}/"' in detail and "还没有提交审核" in detail
    reviewer_view = html(client_as(users["reviewer"]).get(f"/invoices/{invoice.pk}/"))
    assert "还没有提交审核" not in reviewer_view

    fields = _form_values(invoice)
    fields["seller_name"] = "北京改正后的名称有限公司"
    response = me.post(f"/scan/invoices/{invoice.pk}/", fields)
    assert response.status_code == 302 and response["Location"] == "/invoices/"
    invoice.refresh_from_db()
    assert invoice.status == ReviewStatus.PENDING_REVIEW
    assert invoice.seller_name == "北京改正后的名称有限公司"
    [fix] = FieldCorrection.objects.filter(invoice=invoice)
    assert (fix.field, fix.user_id) == ("seller_name", users["submitter"].pk)
    listed = html(me.get("/invoices/"))
    assert "已提交审核" in listed and "待审核" in listed
    # Submitted: the form is gone, the detail page says where it stands.
    assert "还没有提交审核" not in html(me.get(f"/invoices/{invoice.pk}/"))
    again = me.get(f"/scan/invoices/{invoice.pk}/")
    assert again.status_code == 302 and again["Location"] == f"/invoices/{invoice.pk}/"


def _form_values(invoice: Invoice) -> dict[str, str]:
    names = [
        "invoice_code",
        "invoice_number",
        "check_code",
        "buyer_name",
        "buyer_tax_id",
        "seller_name",
        "seller_tax_id",
        "remarks",
    ]
    values = {name: getattr(invoice, name) or "" for name in names}
    values["issue_date"] = invoice.issue_date.isoformat() if invoice.issue_date else ""
    for name in ("amount", "tax_amount", "total_amount"):
        value = getattr(invoice, name)
        values[name] = "" if value is None else str(value)
    return values


def test_a_doubtful_field_is_highlighted_beside_the_rendered_pdf(
    users: dict[str, User],
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    me = client_as(users["submitter"])
    [inv] = sample(corpus)
    bad = corpus.broken(inv, "bad_tax_id")
    blob = render_pdf(bad)
    doc = upload(me, "scan.pdf", blob)
    invoice = only_invoice(doc)
    page = html(me.get(f"/scan/invoices/{invoice.pk}/"))
    block = re.search(r'<div class="field doubtful">\s*<label for="id_seller_tax_id">', page)
    assert block, "the seller tax id should be highlighted"
    assert 'id="doubt-seller_tax_id"' in page
    assert 'class="finding sev-error"' in page
    assert f'src="/scan/documents/{doc.pk}/preview?page=1"' in page
    preview = me.get(f"/scan/documents/{doc.pk}/preview?page=1")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    assert preview.content.startswith(b"\x89PNG")
    original = me.get(f"/scan/documents/{doc.pk}/original")
    assert original.content == blob
    assert original["Content-Disposition"].startswith("attachment")
    assert original["Content-Type"] == "application/octet-stream"

    # The person types the id as printed on the original: the finding goes away.
    fields = _form_values(invoice)
    fields["seller_tax_id"] = inv.seller_tax_id or ""
    assert me.post(f"/scan/invoices/{invoice.pk}/", fields).status_code == 302
    invoice.refresh_from_db()
    assert invoice.seller_tax_id == inv.seller_tax_id
    assert not [f for f in invoice.findings if f["severity"] == "error"]
    assert invoice.status == ReviewStatus.PENDING_REVIEW


def test_a_wrong_correction_is_refused_beside_the_field(
    users: dict[str, User],
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    me = client_as(users["submitter"])
    [inv] = sample(corpus)
    invoice = only_invoice(upload(me, "a.xml", render_xml(inv)))
    fields = _form_values(invoice) | {"invoice_number": "", "total_amount": "12,3.4.5"}
    response = me.post(f"/scan/invoices/{invoice.pk}/", fields)
    assert response.status_code == 422
    page = html(response)
    assert re.search(r'id="err-invoice_number">请填写发票号码', page)
    assert re.search(r'id="err-total_amount">应为金额', page)
    invoice.refresh_from_db()
    assert invoice.status == ReviewStatus.PROCESSING
    assert not FieldCorrection.objects.exists()


def test_a_duplicate_upload_says_so_and_shows_the_existing_invoice(
    users: dict[str, User],
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    [inv] = sample(corpus)
    first = only_invoice(upload(client_as(users["submitter"]), "a.xml", render_xml(inv)))
    finance = client_as(users["finance_admin"])
    doc = upload(finance, "same.pdf", render_pdf(inv))
    row = html(finance.get(f"/scan/documents/{doc.pk}/row/"))
    assert "重复：这张发票已经提交过" in row and "请勿重复报销" in row
    assert f'href="/invoices/{first.pk}/"' in row
    assert "核对并提交" not in row
    assert Invoice.objects.count() == 1
    # The other submitter learns it is a duplicate without seeing someone else's invoice.
    other = client_as(users["submitter2"])
    doc2 = upload(other, "photo.xml", render_xml(inv, namespace=None) + b"\n")
    row2 = html(other.get(f"/scan/documents/{doc2.pk}/row/"))
    assert "重复：这张发票已经提交过" in row2
    assert f"/invoices/{first.pk}/" not in row2


def test_an_excel_export_is_imported_not_read(
    users: dict[str, User],
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    invoices = list(
        corpus.invoices(6, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30), red_share=0)
    )
    me = client_as(users["finance_admin"])
    doc = upload(me, "导出.xlsx", render_xlsx(invoices))
    assert doc.state == "done", doc.error_message
    assert doc.extraction["import"]["created"] == 6
    row = html(me.get(f"/scan/documents/{doc.pk}/row/"))
    assert "平台导出文件已导入：共 6 张发票，新增 6 张" in row
    # The platform says one is void now: the next export updates it, adds nothing.
    voided = invoices[0].invoice_number or ""
    doc2 = upload(me, "导出2.xlsx", render_xlsx(invoices, status={voided: "作废"}))
    assert doc2.extraction["import"]["existing"] == 6
    assert doc2.extraction["import"]["updated"] == 1
    assert Invoice.objects.get(invoice_number=voided).tax_status == "voided"
    assert Invoice.objects.count() == 6


@pytest.mark.parametrize(
    ("name", "blob", "says"),
    [
        ("empty.jpg", b"", "文件是空的"),
        ("notes.txt", "只是一段文字".encode(), "无法识别的文件类型"),
        ("half.pdf", b"%PDF-1.7\n1 0 obj <<", "文件已损坏或不完整"),
    ],
)
def test_failures_say_what_to_do_in_chinese(
    users: dict[str, User],
    client_as: ClientAs,
    upload: Callable[..., Document],
    name: str,
    blob: bytes,
    says: str,
) -> None:
    me = client_as(users["submitter"])
    doc = upload(me, name, blob)
    row = html(me.get(f"/scan/documents/{doc.pk}/row/"))
    assert "失败" in row and says in row and "：" in row
    assert "phase-failed" in html(me.get("/scan/"))


def test_encrypted_and_too_large_files_fail_with_their_reason(
    users: dict[str, User],
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    me = client_as(users["submitter"])
    [inv] = sample(corpus)
    locked = upload(me, "locked.pdf", render_pdf(inv, user_password="secret"))
    assert "加密" in html(me.get(f"/scan/documents/{locked.pk}/row/"))
    # What the reader could not open is not drawn in the web process either: download only.
    preview = me.get(f"/scan/documents/{locked.pk}/preview")
    assert preview.status_code == 404 and "请下载原件查看" in html(preview)
    assert me.get(f"/scan/documents/{locked.pk}/original").status_code == 200
    with override_settings(MAX_UPLOAD_BYTES=1000):
        big = upload(me, "big.xml", render_xml(inv))
        assert "文件过大" in html(me.get(f"/scan/documents/{big.pk}/row/"))


def _uploaded(
    users: dict[str, User], client_as: ClientAs, inv: InvoiceData, upload: Callable[..., Document]
) -> tuple[Document, Invoice]:
    doc = upload(client_as(users["submitter"]), "mine.pdf", render_pdf(inv))
    return doc, only_invoice(doc)


def test_another_organisation_sees_nothing(
    users: dict[str, User],
    outsider: User,
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    [inv] = sample(corpus)
    doc, invoice = _uploaded(users, client_as, inv, upload)
    them = client_as(outsider)  # a finance admin, of another organisation
    for url in _urls(doc, invoice):
        response = them.get(url)
        assert response.status_code == 404, url
        assert str(inv.invoice_number) not in html(response)
    assert them.post(f"/scan/invoices/{invoice.pk}/", _form_values(invoice)).status_code == 404
    invoice.refresh_from_db()
    assert invoice.status == ReviewStatus.PROCESSING


def _urls(doc: Document, invoice: Invoice) -> list[str]:
    return [
        f"/scan/documents/{doc.pk}/",
        f"/scan/documents/{doc.pk}/row/",
        f"/scan/documents/{doc.pk}/original",
        f"/scan/documents/{doc.pk}/preview",
        f"/scan/invoices/{invoice.pk}/",
    ]


def test_a_submitter_cannot_open_another_persons_upload(
    users: dict[str, User],
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    [inv] = sample(corpus)
    doc, invoice = _uploaded(users, client_as, inv, upload)
    colleague = client_as(users["submitter2"])
    for url in _urls(doc, invoice):
        assert colleague.get(url).status_code == 404, url
    assert "mine.pdf" not in html(colleague.get("/scan/"))
    # Finance sees the upload and its original but cannot submit it for the uploader.
    finance = client_as(users["finance_admin"])
    assert finance.get(f"/scan/documents/{doc.pk}/original").status_code == 200
    response = finance.post(f"/scan/invoices/{invoice.pk}/", _form_values(invoice))
    assert response.status_code == 302 and response["Location"] == f"/invoices/{invoice.pk}/"
    invoice.refresh_from_db()
    assert invoice.status == ReviewStatus.PROCESSING
    # A reviewer opens the original of an invoice they review, not the upload's page.
    reviewer = client_as(users["reviewer"])
    assert reviewer.get(f"/scan/documents/{doc.pk}/preview").status_code == 200
    assert reviewer.get(f"/scan/documents/{doc.pk}/row/").status_code == 404


def test_anonymous_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/scan/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_pdf_of_two_invoices_offers_each_with_its_own_page(
    users: dict[str, User],
    client_as: ClientAs,
    corpus: CorpusGenerator,
    upload: Callable[..., Document],
) -> None:
    me = client_as(users["submitter"])
    first, second = sample(corpus, 2)
    doc = upload(me, "two.pdf", render_pdf([first, second]))
    row = html(me.get(f"/scan/documents/{doc.pk}/row/"))
    assert f"核对并提交 {first.invoice_number}" in row
    assert f"核对并提交 {second.invoice_number}" in row
    page = me.get(f"/scan/documents/{doc.pk}/")
    assert page.status_code == 200  # two invoices: the person picks one
    doc.refresh_from_db()
    second_id = doc.extraction["outcome"][1]["invoice_id"]
    form = html(me.get(f"/scan/invoices/{second_id}/"))
    assert f'src="/scan/documents/{doc.pk}/preview?page=2"' in form
    assert "第 2 / " in form
    # The same bytes again: the earlier result, said to be one.
    again = html(me.get(f"/scan/documents/{doc.pk}/row/?existing=1"))
    assert "这个文件以前上传过" in again


def test_a_file_waiting_long_says_the_worker_may_be_down(
    users: dict[str, User], client_as: ClientAs, corpus: CorpusGenerator
) -> None:
    user = users["submitter"]
    assert user.organisation is not None
    [inv] = sample(corpus)
    stored = ingest.store_upload(
        organisation=user.organisation, user=user, name="a.xml", stream=io.BytesIO(render_xml(inv))
    ).document  # no queue: as if no worker were running
    me = client_as(user)
    row = html(me.get(f"/scan/documents/{stored.pk}/row/"))
    assert "识别中" in row and 'hx-trigger="load delay:1s"' in row
    assert "后台识别进程可能没有运行" not in row
    Document.objects.filter(pk=stored.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    row = html(me.get(f"/scan/documents/{stored.pk}/row/"))
    assert "后台识别进程可能没有运行" in row and "不需要重新上传" in row
