"""Uploads: store the original first (content-addressed, kept forever), then read it in the
background and turn what the reader found into invoices.

store_upload() runs in the request; read_document() runs in the worker (tasks.py) and is
safe to run twice: a document that is done or failed is left alone, and a document whose
reading crashed stays stored with state `failed` so that `fapiao reprocess ID` can retry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from fapiao.accounts.models import Organisation, User
from fapiao.core import codes
from fapiao.core.taxid import mask_tax_id
from fapiao.errors import DuplicateInvoice, InvalidInvoiceData
from fapiao.invoices import services
from fapiao.invoices.models import (
    Document,
    DocumentState,
    Invoice,
    ReviewStatus,
    Source,
    original_path,
)
from fapiao.invoices.upload_import import import_document, is_platform_export
from fapiao.reader.base import ExtractedInvoice, Limits
from fapiao.reader.pipeline import extract_bytes

log = logging.getLogger(__name__)

# A worker that died mid-read leaves the document "processing"; after this long another
# run of the task may take it over instead of leaving it stuck forever.
STALE_PROCESSING = dt.timedelta(minutes=15)
INTERNAL_ERROR_MESSAGE = (
    "识别时发生内部错误，原件已保存：请稍后在文件详情中重新识别，如果问题持续，请联系管理员。"
)
MISSING_FILE_MESSAGE = "原件在存储中找不到：请重新上传这个文件；如果问题持续，请联系管理员。"
NO_NUMBER_MESSAGE = "没有读出发票号码：请上传更清晰的原件，或手工录入这张发票。"
# Anything shaped like a tax id (15-20 letters/digits) is masked before it reaches a log.
_TAX_ID_LIKE = re.compile(r"\b[0-9A-Z]{15,20}\b")


def limits() -> Limits:
    return Limits(max_bytes=settings.MAX_UPLOAD_BYTES)


def too_large_message(size: int) -> str:
    mb = settings.MAX_UPLOAD_BYTES / (1024 * 1024)
    return (
        f"文件过大（{size / (1024 * 1024):.1f} MB，上限 {mb:.0f} MB）："
        "请上传发票原件，照片请压缩或裁剪后再上传。"
    )


@dataclass
class Upload:
    """What store_upload did with one file: the document, and whether it already existed."""

    document: Document
    existing: bool


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _store_original(sha256: str, stream: IO[bytes]) -> str:
    """Save the bytes under their hash once; the same bytes from anyone reuse the file."""
    path = original_path(Document(sha256=sha256), "")
    if not default_storage.exists(path):
        saved = default_storage.save(path, File(stream))
        if saved != path:  # a concurrent upload of the same bytes won the name
            default_storage.delete(saved)
    return path


def store_upload(
    *,
    organisation: Organisation,
    user: User | None,
    name: str,
    stream: IO[bytes],
    content_type: str = "",
    enqueue: Callable[[int], None] | None = None,
) -> Upload:
    """Store one uploaded file and create its Document (state queued), committed before
    `enqueue(document_id)` runs. The same bytes uploaded again by the organisation return
    the existing Document. A file over settings.MAX_UPLOAD_BYTES is kept but marked failed
    at once (`too_large`) and not queued."""
    sha256, size = _sha256(stream)
    existing = Document.objects.filter(organisation=organisation, sha256=sha256).first()
    if existing is not None:
        _store_original(sha256, stream)  # puts back an original lost from storage
        return Upload(existing, existing=True)
    path = _store_original(sha256, stream)
    name = (name or "未命名文件")[-255:]
    mime_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    document = Document(
        organisation=organisation,
        uploaded_by=user,
        sha256=sha256,
        mime_type=mime_type[:100],
        size=size,
        original_name=name,
    )
    document.file.name = path
    if size > settings.MAX_UPLOAD_BYTES:
        document.state = DocumentState.FAILED
        document.error_code = "too_large"
        document.error_message = too_large_message(size)
        document.finished_at = timezone.now()
    try:
        with transaction.atomic():
            document.save()
            if enqueue is not None and document.state == DocumentState.QUEUED:
                pk = document.pk
                transaction.on_commit(lambda: _enqueue_safely(enqueue, pk))
    except IntegrityError:
        # The same bytes arrived twice at once: the first one is the document.
        return Upload(Document.objects.get(organisation=organisation, sha256=sha256), True)
    log.info("document %s stored for org %s (%s bytes)", document.pk, organisation.pk, size)
    return Upload(document, existing=False)


def _enqueue_safely(enqueue: Callable[[int], None], document_id: int) -> None:
    # The upload is committed; a queue failure must not turn it into an error. The document
    # stays queued and `fapiao reprocess ID` reads it.
    try:
        enqueue(document_id)
    except Exception:
        log.exception("could not enqueue reading of document %s", document_id)


def _claim(document_id: int) -> Document | None:
    """Mark the document processing, or None when there is nothing to do."""
    with transaction.atomic():
        doc = Document.objects.select_for_update().filter(pk=document_id).first()
        if doc is None:
            log.warning("document %s vanished before it was read", document_id)
            return None
        now = timezone.now()
        stale = doc.started_at is None or now - doc.started_at > STALE_PROCESSING
        if doc.state == DocumentState.QUEUED or (doc.state == DocumentState.PROCESSING and stale):
            doc.state = DocumentState.PROCESSING
            doc.attempts += 1
            doc.started_at = now
            doc.finished_at = None
            doc.save(update_fields=["state", "attempts", "started_at", "finished_at"])
            return doc
    return None


def _finish(doc: Document, state: str, *, code: str = "", message: str = "") -> None:
    doc.state = state
    doc.error_code = code
    doc.error_message = message
    doc.finished_at = timezone.now()
    doc.save(update_fields=["state", "error_code", "error_message", "extraction", "finished_at"])


def _prior_invoice_ids(doc: Document) -> set[int]:
    outcome = (doc.extraction or {}).get("outcome") or []
    return {o["invoice_id"] for o in outcome if o.get("invoice_id") and not o.get("duplicate")}


def _record(doc: Document, inv: ExtractedInvoice, prior: set[int]) -> dict[str, Any]:
    """Record one extracted invoice; the outcome says which invoice it became."""
    data = inv.data
    number = (data.invoice_number or "").strip()
    if not number:
        return {"invoice_id": None, "duplicate": False, "error": NO_NUMBER_MESSAGE}
    key = codes.identity_key(data.invoice_code, number)
    # A re-read of this same document finds the invoice it made before: not a duplicate.
    mine = Invoice.objects.filter(
        organisation_id=doc.organisation_id, identity_key=key, pk__in=prior
    ).first()
    if mine is not None:
        return {"invoice_id": mine.pk, "duplicate": False}
    try:
        invoice = services.record_invoice(
            organisation=doc.organisation,
            data=data,
            submitter=doc.uploaded_by,
            source=Source.UPLOAD,
            document=doc,
            extraction={
                "confidence": inv.confidence,
                "sources": inv.sources,
                "needs_review": inv.needs_review,
            },
        )
    except DuplicateInvoice as exc:
        return {"invoice_id": exc.existing_id, "duplicate": True}
    except InvalidInvoiceData as exc:
        return {"invoice_id": None, "duplicate": False, "error": exc.detail}
    if doc.uploaded_by_id is not None:
        # A reading waits for its uploader to check it and press 提交审核 (the scan page;
        # review action "submit"): reviewers never see a reading nobody confirmed.
        Invoice.objects.filter(pk=invoice.pk).update(status=ReviewStatus.PROCESSING)
    return {"invoice_id": invoice.pk, "duplicate": False}


def _masked_traceback() -> str:
    return _TAX_ID_LIKE.sub(lambda m: mask_tax_id(m.group(0)), traceback.format_exc())


def read_document(*, document_id: int) -> Document | None:
    """Read a stored original and record its invoices. Safe to run twice."""
    doc = _claim(document_id)
    if doc is None:
        return None
    try:
        if doc.size > settings.MAX_UPLOAD_BYTES:
            _finish(
                doc, DocumentState.FAILED, code="too_large", message=too_large_message(doc.size)
            )
            return doc
        try:
            with default_storage.open(doc.file.name, "rb") as fh:
                blob = fh.read()
        except FileNotFoundError:
            log.error("original of document %s is missing from storage", doc.pk)
            _finish(doc, DocumentState.FAILED, code="file_missing", message=MISSING_FILE_MESSAGE)
            return doc
        if is_platform_export(blob, doc.original_name):
            # A platform export lists many invoices with their statuses: imported, not read.
            imported = import_document(doc, blob)
            doc.extraction = imported.extraction
            _finish(doc, imported.state, code=imported.code, message=imported.message)
            return doc
        result = extract_bytes(
            blob,
            filename=doc.original_name,
            limits=limits(),
            today=timezone.localdate(),
            buyer_tax_id=doc.organisation.tax_id or None,  # almost always the buyer's
        )
        extraction = result.to_schema_dict()
        if result.error is not None:
            log.info("document %s failed: %s", doc.pk, result.error.code)
            doc.extraction = extraction
            _finish(doc, DocumentState.FAILED, code=result.error.code, message=result.error.message)
            return doc
        prior = _prior_invoice_ids(doc)
        # One transaction: a crash half-way records nothing, so a retry cannot mistake the
        # invoices of its own earlier attempt for duplicates.
        with transaction.atomic():
            extraction["outcome"] = [_record(doc, inv, prior) for inv in result.invoices]
            doc.extraction = extraction
            recorded = [o for o in extraction["outcome"] if o["invoice_id"]]
            if recorded:
                _finish(doc, DocumentState.DONE)
            else:
                _finish(
                    doc, DocumentState.FAILED, code="no_invoice_number", message=NO_NUMBER_MESSAGE
                )
        log.info(
            "document %s read: %s invoice(s), %s duplicate(s)",
            doc.pk,
            len(recorded),
            sum(1 for o in recorded if o["duplicate"]),
        )
        return doc
    except Exception:
        log.error("reading document %s crashed:\n%s", document_id, _masked_traceback())
        # The original and any earlier extraction stay; reprocess reads it again.
        doc.refresh_from_db()
        _finish(doc, DocumentState.FAILED, code="internal_error", message=INTERNAL_ERROR_MESSAGE)
        return doc


def reset_document(*, document: Document) -> Document:
    """Put a document back in the queue (its extraction stays until the next read)."""
    document.state = DocumentState.QUEUED
    document.error_code = ""
    document.error_message = ""
    document.started_at = None
    document.finished_at = None
    document.save(
        update_fields=["state", "error_code", "error_message", "started_at", "finished_at"]
    )
    return document
