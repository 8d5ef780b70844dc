"""Uploaded documents as the API shows them: response schemas and the functions that fill
them. The extraction is the reader's output (the extract schema) with personal data masked
for roles that may not see it, as on invoices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from fapiao.accounts.models import User
from fapiao.invoices.models import Document, DocumentState
from fapiao.invoices.presenters import Masker

URL = "/api/v1/documents/{id}"


class UploadedOut(Schema):
    id: int | None
    name: str
    state: str
    url: str | None
    existing: bool = False
    error_code: str = ""
    error_message: str = ""


class UploadOut(Schema):
    documents: list[UploadedOut]


class DocumentSummary(Schema):
    id: int
    name: str
    state: str
    state_label: str
    url: str
    size: int
    mime_type: str
    error_code: str
    error_message: str
    invoice_ids: list[int]
    created_at: dt.datetime
    finished_at: dt.datetime | None


class DocumentDetail(DocumentSummary):
    sha256: str
    attempts: int
    started_at: dt.datetime | None
    duplicate_of: list[int]
    note: str
    extraction: dict[str, Any]


class DocumentPage(Schema):
    items: list[DocumentSummary]
    next_before: int | None


def uploaded(doc: Document, *, existing: bool) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "name": doc.original_name,
        "state": doc.state,
        "url": URL.format(id=doc.pk),
        "existing": existing,
        "error_code": doc.error_code,
        "error_message": doc.error_message,
    }


ALREADY_UPLOADED = (
    "这个文件已经由本组织的其他人上传过，无需重复上传：如需报销其中的发票，请联系上传人或财务。"
)


def already_uploaded(name: str) -> dict[str, Any]:
    """The same bytes were uploaded by someone whose uploads this person does not see:
    say so without that person's file name or the state of their document."""
    return {
        "id": None,
        "name": name,
        "state": DocumentState.DONE,
        "url": None,
        "existing": True,
        "error_code": "already_uploaded",
        "error_message": ALREADY_UPLOADED,
    }


def not_stored(name: str) -> dict[str, Any]:
    return {
        "id": None,
        "name": name,
        "state": DocumentState.FAILED,
        "url": None,
        "error_code": "storage_error",
        "error_message": "文件保存失败，未能上传："
        "请稍后重新上传这个文件；如果问题持续，请联系管理员。",
    }


def _outcome(doc: Document) -> list[dict[str, Any]]:
    return [o for o in (doc.extraction or {}).get("outcome") or [] if o.get("invoice_id")]


def summary(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "name": doc.original_name,
        "state": doc.state,
        "state_label": DocumentState(doc.state).label,
        "url": URL.format(id=doc.pk),
        "size": doc.size,
        "mime_type": doc.mime_type,
        "error_code": doc.error_code,
        "error_message": doc.error_message,
        "invoice_ids": [o["invoice_id"] for o in _outcome(doc)],
        "created_at": doc.created_at,
        "finished_at": doc.finished_at,
    }


def _masked_extraction(extraction: dict[str, Any], masker: Masker) -> dict[str, Any]:
    if not masker.active or not extraction.get("invoices"):
        return extraction
    invoices = []
    for inv in extraction["invoices"]:
        buyer = inv.get("buyer_tax_id") or ""
        invoices.append(
            {
                **inv,
                "buyer_tax_id": masker.buyer_tax_id(buyer) if buyer else inv.get("buyer_tax_id"),
                "remarks": masker.text(inv.get("remarks") or "", buyer_tax_id=buyer),
                "findings": masker.findings(inv.get("findings") or [], buyer_tax_id=buyer),
            }
        )
    return {**extraction, "invoices": invoices}


def detail(doc: Document, viewer: User) -> dict[str, Any]:
    duplicates = [o["invoice_id"] for o in _outcome(doc) if o.get("duplicate")]
    note = ""
    if duplicates:
        ids = "、".join(str(i) for i in duplicates)
        note = f"文件中的发票已经提交过（发票编号 {ids}）：本次上传已记为重复提交，请勿重复报销。"
    return {
        **summary(doc),
        "sha256": doc.sha256,
        "attempts": doc.attempts,
        "started_at": doc.started_at,
        "duplicate_of": duplicates,
        "note": note,
        "extraction": _masked_extraction(doc.extraction or {}, Masker(viewer)),
    }
