"""Reading uploads: originals stored once by SHA-256, read into invoices, duplicates linked,
bad files failed with a code and a Chinese message, crashes contained, reprocessing."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.errors import DocumentNotFound
from fapiao.invoices import ingest, services
from fapiao.invoices.models import Document, DuplicateSubmission, Invoice, Source
from fapiao.invoices.reprocess import reprocess_document
from tests.corpus.render_ofd import render_ofd
from tests.corpus.render_pdf import render_pdf
from tests.corpus.render_xml import render_xml

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def sample(corpus: CorpusGenerator, n: int = 1) -> list[InvoiceData]:
    # Blue, normal 数电 invoices: nothing about red links or voiding in these tests.
    found = [
        inv
        for inv in corpus.invoices(40, start=dt.date(2025, 1, 1), end=dt.date(2026, 10, 31))
        if inv.invoice_type in ("31", "32") and inv.tax_status == "normal" and not inv.is_red
    ]
    return found[:n]


def upload(user: User, blob: bytes, name: str) -> Document:
    assert user.organisation is not None
    return ingest.store_upload(
        organisation=user.organisation, user=user, name=name, stream=io.BytesIO(blob)
    ).document


def read(user: User, blob: bytes, name: str) -> Document:
    doc = upload(user, blob, name)
    ingest.read_document(document_id=doc.pk)
    doc.refresh_from_db()
    return doc


def assert_failed(doc: Document, code: str, blob: bytes) -> None:
    assert doc.state == "failed"
    assert doc.error_code == code
    assert CHINESE.search(doc.error_message), doc.error_message
    assert "：" in doc.error_message  # what went wrong：what to do
    # The original is kept, byte for byte, for reprocessing.
    with default_storage.open(doc.file.name, "rb") as fh:
        assert fh.read() == blob


def test_same_bytes_are_one_document_stored_once(users: dict[str, User]) -> None:
    blob = b"<EInvoice/> one and the same"
    first = upload(users["submitter"], blob, "a.xml")
    again = upload(users["submitter2"], blob, "copy-of-a.xml")
    assert again.pk == first.pk
    assert Document.objects.count() == 1
    assert first.state == "queued"
    assert first.file.name.endswith(first.sha256)
    with default_storage.open(first.file.name, "rb") as fh:
        assert fh.read() == blob


def test_xml_becomes_an_invoice_and_reading_twice_changes_nothing(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    [inv] = sample(corpus)
    submitter = users["submitter"]
    doc = read(submitter, render_xml(inv), "invoice.xml")
    assert doc.state == "done", doc.error_message
    assert doc.attempts == 1 and doc.started_at and doc.finished_at
    invoice = Invoice.objects.get()
    assert invoice.invoice_number == inv.invoice_number
    assert invoice.total_amount == inv.total_amount
    assert invoice.seller_tax_id == inv.seller_tax_id
    assert invoice.source == Source.UPLOAD
    assert invoice.submitter == submitter
    assert invoice.sources and invoice.confidence  # the reader's evidence is kept
    assert doc.invoice == invoice
    assert doc.extraction["invoices"][0]["invoice_number"] == inv.invoice_number
    assert doc.extraction["outcome"] == [{"invoice_id": invoice.pk, "duplicate": False}]

    assert ingest.read_document(document_id=doc.pk) is None
    doc.refresh_from_db()
    assert doc.attempts == 1
    assert Invoice.objects.count() == 1
    assert not DuplicateSubmission.objects.exists()


def test_ofd_and_pdf_with_two_invoices(users: dict[str, User], corpus: CorpusGenerator) -> None:
    first, second, third = sample(corpus, 3)
    ofd = read(users["submitter"], render_ofd(first), "invoice.ofd")
    pdf = read(users["submitter"], render_pdf([second, third]), "two.pdf")
    assert ofd.state == "done" and pdf.state == "done"
    numbers = set(Invoice.objects.values_list("invoice_number", flat=True))
    assert numbers == {first.invoice_number, second.invoice_number, third.invoice_number}
    assert len(pdf.extraction["outcome"]) == 2


def test_pdf_of_an_invoice_already_read_from_xml_is_a_duplicate(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    [inv] = sample(corpus)
    xml = read(users["submitter"], render_xml(inv), "invoice.xml")
    pdf = read(users["submitter2"], render_pdf(inv), "invoice.pdf")
    invoice = Invoice.objects.get()
    assert xml.state == pdf.state == "done"
    assert invoice.has_duplicates
    assert any(f["code"] == "duplicate" for f in invoice.findings)
    assert pdf.invoice == invoice
    assert pdf.extraction["outcome"] == [{"invoice_id": invoice.pk, "duplicate": True}]
    dup = DuplicateSubmission.objects.get()
    assert (dup.invoice, dup.document, dup.submitted_by) == (invoice, pdf, users["submitter2"])


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "blob", "code"),
    [
        ("empty.pdf", b"", "empty_file"),
        ("notes.txt", b"just some text, not an invoice", "unsupported_format"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "corrupt_file"),
        (
            "bomb.ofd",
            _zip({"OFD.xml": b"<OFD/>", "Doc_0/b.xml": b"\0" * (30 << 20)}),
            "unsafe_file",
        ),
    ],
)
def test_bad_files_fail_with_a_code_and_the_original_kept(
    users: dict[str, User], name: str, blob: bytes, code: str
) -> None:
    doc = read(users["submitter"], blob, name)
    assert_failed(doc, code, blob)
    assert not Invoice.objects.exists()


def test_over_the_size_limit_fails_at_once_and_is_read_after_the_limit_is_raised(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    [inv] = sample(corpus)
    blob = render_xml(inv)
    with override_settings(MAX_UPLOAD_BYTES=100):
        doc = upload(users["submitter"], blob, "big.xml")
        assert_failed(doc, "too_large", blob)
        assert "上限" in doc.error_message
        assert ingest.read_document(document_id=doc.pk) is None  # failed stays failed
    doc = reprocess_document(doc.pk)
    assert doc.state == "done" and doc.error_code == "" and doc.attempts == 1
    assert Invoice.objects.get().invoice_number == inv.invoice_number


def test_a_crash_is_contained_logged_masked_and_reprocess_recovers(
    users: dict[str, User],
    corpus: CorpusGenerator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    [inv] = sample(corpus)
    blob = render_xml(inv)
    tax_id = inv.seller_tax_id or ""
    assert len(tax_id) == 18

    def crash(**kwargs: object) -> Invoice:
        raise RuntimeError(f"database fell over while saving seller {tax_id}")

    monkeypatch.setattr(services, "record_invoice", crash)
    with caplog.at_level(logging.ERROR, logger="fapiao.invoices.ingest"):
        doc = read(users["submitter"], blob, "invoice.xml")
    assert_failed(doc, "internal_error", blob)
    assert "database fell over" in caplog.text
    assert tax_id not in caplog.text
    assert not Invoice.objects.exists()

    monkeypatch.undo()
    doc = reprocess_document(doc.pk)
    assert doc.state == "done" and doc.attempts == 2
    assert Invoice.objects.get().invoice_number == inv.invoice_number


def test_reprocessing_a_done_document_does_not_record_its_invoice_twice(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    [inv] = sample(corpus)
    doc = read(users["submitter"], render_xml(inv), "invoice.xml")
    again = reprocess_document(doc.pk)
    assert again.state == "done" and again.attempts == 2
    invoice = Invoice.objects.get()
    assert again.extraction["outcome"] == [{"invoice_id": invoice.pk, "duplicate": False}]
    assert not invoice.has_duplicates
    assert not DuplicateSubmission.objects.exists()


def test_a_document_stuck_in_processing_is_taken_over_later(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    [inv] = sample(corpus)
    doc = upload(users["submitter"], render_xml(inv), "invoice.xml")
    Document.objects.filter(pk=doc.pk).update(state="processing", started_at=timezone.now())
    assert ingest.read_document(document_id=doc.pk) is None  # another worker is on it
    stale = timezone.now() - ingest.STALE_PROCESSING - dt.timedelta(minutes=1)
    Document.objects.filter(pk=doc.pk).update(started_at=stale)
    assert ingest.read_document(document_id=doc.pk) is not None
    doc.refresh_from_db()
    assert doc.state == "done"


def test_the_original_missing_from_storage_fails_and_says_so(users: dict[str, User]) -> None:
    blob = b"<EInvoice/> soon gone"
    doc = upload(users["submitter"], blob, "gone.xml")
    default_storage.delete(doc.file.name)
    ingest.read_document(document_id=doc.pk)
    doc.refresh_from_db()
    assert doc.state == "failed" and doc.error_code == "file_missing"
    assert CHINESE.search(doc.error_message)


def test_reprocess_of_an_unknown_document(db: None) -> None:
    with pytest.raises(DocumentNotFound):
        reprocess_document(987654)


def test_uploading_again_puts_back_an_original_lost_from_storage(users: dict[str, User]) -> None:
    blob = b"<EInvoice/> lost and found"
    doc = upload(users["submitter"], blob, "a.xml")
    default_storage.delete(doc.file.name)
    assert upload(users["submitter"], blob, "a.xml").pk == doc.pk
    with default_storage.open(doc.file.name, "rb") as fh:
        assert fh.read() == blob


def test_the_organisations_tax_id_tells_the_reader_which_party_is_the_buyer(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    from tests.corpus.alt_layout import AltStyle
    from tests.corpus.alt_pdf import render_alt_pdf

    [inv] = sample(corpus)
    assert inv.buyer_tax_id == users["submitter"].organisation.tax_id  # type: ignore[union-attr]
    # Nothing on the page names the parties: only the organisation's own id settles it.
    doc = read(users["submitter"], render_alt_pdf(inv, AltStyle(heading="none")), "a.pdf")
    [read_inv] = doc.extraction["invoices"]
    assert read_inv["buyer_tax_id"] == inv.buyer_tax_id
    assert "buyer_tax_id" not in read_inv["needs_review"]
