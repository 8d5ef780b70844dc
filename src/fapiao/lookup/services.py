"""The lookup as every entry point (API, page, CLI) runs it, and what it answers."""

from __future__ import annotations

from typing import Any

from fapiao.accounts.models import User
from fapiao.errors import InvalidInvoiceData
from fapiao.invoices import presenters
from fapiao.invoices.selectors import InvoiceFilter
from fapiao.lookup.diagnosis import Diagnosis, LookupQuery, diagnose_failed_lookup


def run_lookup(*, user: User, query: LookupQuery, filters: InvoiceFilter | None) -> Diagnosis:
    if not (query.invoice_number or "").strip():
        raise InvalidInvoiceData(
            [{"field": "invoice_number", "message": "请填写发票号码"}],
            detail="请填写发票号码（数电票20位；旧版发票8位，并填写发票代码）。",
        )
    return diagnose_failed_lookup(user=user, query=query, filters=filters)


def lookup_answer(diagnosis: Diagnosis, user: User) -> dict[str, Any]:
    """The API's answer; the invoice (masked for the viewer) whenever it is in scope."""
    invoice = diagnosis.invoice
    return {
        "found": diagnosis.found,
        "invoice": presenters.detail(invoice, user) if invoice is not None else None,
        "diagnosis": diagnosis.ranked(),
        "invoice_code": diagnosis.invoice_code,
        "invoice_number": diagnosis.invoice_number,
    }
