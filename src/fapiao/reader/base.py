"""The types every reader shares: limits, errors, and the raw and resolved results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from fapiao.core.findings import Finding
from fapiao.core.invoice import InvoiceData

# "excel": a tax-platform export; the schema has no value for it (see to_schema_dict).
Source = Literal["xml", "ofd_data", "ofd_text", "pdf_text", "qr", "ocr", "derived", "excel"]
Status = Literal["ok", "partial", "failed"]

# The key fields: a wrong one must never come out unflagged (issue 3).
KEY_FIELDS = (
    "invoice_code", "invoice_number", "issue_date", "buyer_tax_id", "seller_tax_id",
    "amount", "tax_amount", "total_amount",
)  # fmt: skip


@dataclass(frozen=True)
class Limits:
    """Defensive limits for untrusted files; the Django side fills them from settings."""

    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 50
    # Zip containers (OFD, XLSX): total uncompressed size, entry count and ratio caps.
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_entries: int = 10_000
    max_zip_ratio: int = 200
    max_image_pixels: int = 60_000_000


class ReadError(Exception):
    """A file that cannot be read, with a stable code and a Chinese message saying what
    to do. Codes: unsupported_format, empty_file, too_large, corrupt_file, encrypted_pdf,
    too_many_pages, unsafe_file (bombs, entity attacks), no_invoice_found."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class RawInvoice:
    """What one reader found for one invoice, before resolution: values plus, per field,
    where each came from and how sure the reader is (fields absent from `sources` were
    not found)."""

    data: InvoiceData
    sources: dict[str, Source] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    qr_text: str | None = None  # a QR payload seen on the page, for cross-checking
    page: int | None = None  # 1-based page where the invoice starts
    # Facts a reader found that InvoiceData has no field for, e.g. the Excel export's
    # risk_level (发票风险等级) and status (发票状态 as written).
    extras: dict[str, str] = field(default_factory=dict)


@dataclass
class ExtractedInvoice:
    """One invoice after resolution: values, confidence, sources, needs_review, findings."""

    data: InvoiceData
    confidence: dict[str, float]
    sources: dict[str, Source]
    needs_review: list[str]
    findings: list[Finding]

    def to_schema_dict(self) -> dict[str, Any]:
        out = self.data.to_schema_dict()
        out["confidence"] = dict(self.confidence)
        # The schema's source enum predates the Excel import; a platform export is the
        # platform's own structured data, so it is reported as "xml".
        out["sources"] = {k: ("xml" if v == "excel" else v) for k, v in self.sources.items()}
        out["needs_review"] = list(self.needs_review)
        out["findings"] = [f.to_dict() for f in self.findings]
        return out


@dataclass
class ExtractionResult:
    """The contract of `fapiao extract --json` (shared/extract-output.schema.json)."""

    file: str
    status: Status
    invoices: list[ExtractedInvoice]
    error: ReadError | None
    elapsed_ms: float

    def to_schema_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "status": self.status,
            "error": (
                {"code": self.error.code, "message": self.error.message} if self.error else None
            ),
            "elapsed_ms": round(self.elapsed_ms, 2),
            "invoices": [inv.to_schema_dict() for inv in self.invoices],
        }
