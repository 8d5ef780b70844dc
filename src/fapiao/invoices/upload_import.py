"""A tax-platform Excel export uploaded like any invoice file (POST /api/v1/documents, the
scan page): it holds the organisation's whole invoice list with statuses, so it goes
through the platform import (new invoices stored, known ones updated, bad rows listed)
instead of being read as single invoices. ingest.read_document() calls this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fapiao.invoices.models import Document, DocumentState
from fapiao.reader.base import ReadError
from fapiao.reader.sniff import sniff

# The rows the document keeps to show; the import summary counts them all.
MAX_LISTED_ROWS = 50


@dataclass
class ImportOutcome:
    state: str
    extraction: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    message: str = ""


def is_platform_export(blob: bytes, filename: str) -> bool:
    try:
        return sniff(blob, filename) == "xlsx"
    except ReadError:
        return False  # the reader says what is wrong with it


def import_document(doc: Document, blob: bytes) -> ImportOutcome:
    # openpyxl is loaded only by a worker that meets an export.
    from fapiao.invoices.platform_import import ImportFailed, import_export_file

    try:
        report = import_export_file(
            organisation=doc.organisation,
            blob=blob,
            filename=doc.original_name,
            submitter=doc.uploaded_by,
        )
    except ImportFailed as exc:
        return ImportOutcome(
            DocumentState.FAILED,
            {"file": doc.original_name, "status": "failed", "invoices": []},
            code=exc.code,
            message=exc.detail,
        )
    summary = {
        "invoices": report.invoices,
        "created": report.created,
        "existing": report.duplicates,
        "updated": report.status_updates + report.risk_updates,
        "status_updates": report.status_updates,
        "risk_updates": report.risk_updates,
        "red_linked": report.red_linked,
        "rejected": len(report.failed_rows),
        "rejected_rows": [
            {"row": row, "reason": reason} for row, reason in report.failed_rows[:MAX_LISTED_ROWS]
        ],
        "summary": report.summary(),
    }
    extraction = {"file": doc.original_name, "status": "ok", "invoices": [], "import": summary}
    if report.invoices == 0:
        return ImportOutcome(
            DocumentState.FAILED,
            extraction,
            code="import_empty",
            message="Excel 文件中没有读到任何发票：请确认导出时选择了正确的日期范围，"
            "并上传电子税务局“发票查询统计”导出的原始文件。",
        )
    return ImportOutcome(DocumentState.DONE, extraction)
