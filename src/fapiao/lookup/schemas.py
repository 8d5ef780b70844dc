"""Request and response schemas of /api/v1/lookup."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from fapiao.invoices.presenters import InvoiceDetail
from fapiao.invoices.schemas import Date, InvoiceQuery, Money
from fapiao.invoices.selectors import InvoiceFilter
from fapiao.lookup.diagnosis import LookupQuery

_QUERY_ONLY = ("issue_date", "amount", "qr", "invoice_number", "invoice_code")


class LookupParams(InvoiceQuery):
    """The invoice being looked for, plus the user's list filters (which may exclude it)."""

    issue_date: Date = Field(None, description="开票日期 YYYY-MM-DD（用于判断同步延迟与相近发票）")
    amount: Money = Field(None, description="价税合计")
    qr: str | None = Field(None, max_length=500, description="发票二维码内容（用于比对票面）")

    def to_query(self) -> LookupQuery:
        return LookupQuery(
            invoice_number=self.invoice_number or "",
            invoice_code=self.invoice_code or "",
            issue_date=self.issue_date,
            amount=self.amount,
            qr_text=self.qr or "",
        )

    def to_filter(self) -> InvoiceFilter:
        data = self.model_dump(exclude=set(_QUERY_ONLY))
        return InvoiceFilter(**data)


class CauseOut(Schema):
    cause: str = Field(..., description="原因代码，如 near_match、not_synced_yet")
    confidence: float = Field(..., ge=0, le=1)
    message: str
    evidence: dict[str, Any]
    suggestion: str


class LookupOut(Schema):
    found: bool
    invoice: InvoiceDetail | None = Field(None, description="找到的发票（被排除时也给出）")
    diagnosis: list[CauseOut] = Field([], description="可能的原因，最可能的在前")
    invoice_code: str = Field("", description="规范化后实际查询的发票代码")
    invoice_number: str = Field("", description="规范化后实际查询的发票号码")


class VerifyOut(Schema):
    platform_code: str
    cause: str
    message: str
    tax_status: str
    retry_at: str | None
    from_cache: bool
