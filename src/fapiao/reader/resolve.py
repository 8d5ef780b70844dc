"""Field resolution: derived fields, the QR cross-check, rules, and what needs review.

A wrong key field must never come out unflagged: every key field that is missing, below
REVIEW_BELOW confidence, contradicted by the QR, or named by an error finding goes into
needs_review.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fapiao.core import codes
from fapiao.core.categories import tax_category
from fapiao.core.findings import Finding, Severity
from fapiao.core.invoice import InvoiceData
from fapiao.core.kinds import kind_from_name, kind_name
from fapiao.core.qr import QrPayload, parse_qr
from fapiao.core.rules import check_invoice
from fapiao.reader.base import KEY_FIELDS, ExtractedInvoice, RawInvoice
from fapiao.reader.calibrate import Fields, doubted_by_rules, known_buyer, repair_findings

REVIEW_BELOW = 0.9
DERIVED_PENALTY = 0.1
QR_CONFIDENCE = 0.95  # a decoded QR is exact, but it may belong to another invoice
_ORDER = (
    "invoice_type", "invoice_type_name", "invoice_code", "invoice_number", "issue_date",
    "check_code", "region", "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id",
    "amount", "tax_amount", "total_amount", "total_amount_cn", "remarks", "issuer", "items",
)  # fmt: skip
_QR_LABELS = {
    "invoice_type": "发票种类",
    "invoice_code": "发票代码",
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "check_code": "校验码",
    "amount": "金额",
    "total_amount": "价税合计",
}
_ORG_HINTS = ("公司", "集团", "中心", "医院", "学校", "大学", "银行", "局", "厂", "店", "部", "所")


def _derive(f: Fields, today: dt.date) -> None:
    data = f.data
    info = codes.decode(data.invoice_code, data.invoice_number, today=today)
    if info is not None and info.region and not data.region:
        basis = "invoice_code" if data.invoice_code else "invoice_number"
        f.set("region", info.region, "derived", f.conf(basis))
    if not data.invoice_type:
        kind = kind_from_name(data.invoice_type_name or "") or (info.kind if info else None)
        if kind:
            f.set("invoice_type", kind, "derived", 0.9)
    if data.invoice_type and not data.invoice_type_name:
        f.set("invoice_type_name", kind_name(data.invoice_type), "derived", f.conf("invoice_type"))
    for item in data.items:
        item.tax_category = item.tax_category or tax_category(item.name)
    amount, tax, total = data.amount, data.tax_amount, data.total_amount
    if total is None and amount is not None and tax is not None:
        value, used = amount + tax, ("amount", "tax_amount")
        f.set("total_amount", value, "derived", f.conf(*used) - DERIVED_PENALTY)
    elif amount is None and tax is not None and total is not None:
        value, used = total - tax, ("total_amount", "tax_amount")
        f.set("amount", value, "derived", f.conf(*used) - DERIVED_PENALTY)
    elif tax is None and amount is not None and total is not None:
        value, used = total - amount, ("total_amount", "amount")
        f.set("tax_amount", value, "derived", f.conf(*used) - DERIVED_PENALTY)
    data.is_red = data.is_red_invoice


def _qr_values(qr: QrPayload) -> dict[str, object]:
    values: dict[str, object] = {
        "invoice_type": qr.invoice_type,
        "invoice_code": qr.invoice_code,
        "invoice_number": qr.invoice_number,
        "issue_date": qr.issue_date,
        "check_code": qr.check_code,
    }
    values["total_amount" if qr.amount_is_total else "amount"] = qr.amount
    return {k: v for k, v in values.items() if v not in (None, "")}


def _same(a: object, b: object) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return abs(a) == abs(b)  # some QRs drop the sign of red invoices
    return a == b


def _cross_check_qr(f: Fields, qr_text: str | None, review: set[str]) -> list[Finding]:
    qr = parse_qr(qr_text) if qr_text else None
    if qr is None:
        return []
    findings = []
    for name, value in _qr_values(qr).items():
        current = getattr(f.data, name)
        if current in (None, ""):
            f.set(name, value, "qr", QR_CONFIDENCE)
        elif _same(current, value):
            if f.sources.get(name) != "qr":
                f.confidence[name] = 1.0  # two independent sources agree
        else:
            review.add(name)
            f.confidence[name] = min(f.confidence.get(name, 0.0), 0.5)
            findings.append(
                Finding(
                    code="qr_ocr_mismatch",
                    severity=Severity.WARNING,
                    field=name,
                    message=(
                        f"二维码中的{_QR_LABELS.get(name, name)}「{_show(value)}」与票面识别的"
                        f"「{_show(current)}」不一致：请对照发票原件核对。"
                    ),
                )
            )
    return findings


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_person(name: str | None) -> bool:
    """A private buyer (个人, or a bare personal name) has no tax id to read."""
    if not name:
        return False
    name = name.strip()
    return name == "个人" or (len(name) <= 4 and not any(h in name for h in _ORG_HINTS))


def missing_key_fields(data: InvoiceData) -> list[str]:
    """Key fields that are absent where this kind of invoice has them."""
    missing = []
    for name in KEY_FIELDS:
        if getattr(data, name) not in (None, ""):
            continue
        if name == "invoice_code" and len(data.invoice_number or "") == 20:
            continue  # 数电 invoices have no 发票代码
        if name == "buyer_tax_id" and _is_person(data.buyer_name):
            continue
        missing.append(name)
    return missing


def resolve(
    raw: RawInvoice, *, today: dt.date, buyer_tax_id: str | None = None
) -> ExtractedInvoice:
    """`buyer_tax_id`: the tax id of the organisation the file was uploaded to, which is
    almost always the buyer's (a cue for which tax id is whose, and a known value that a
    misread one can be compared with)."""
    f = Fields(raw)
    review: set[str] = set()
    findings = known_buyer(f, buyer_tax_id, raw.extras) + repair_findings(raw)
    _derive(f, today)
    findings += _cross_check_qr(f, raw.qr_text, review)
    review.update(missing_key_fields(f.data))
    findings = check_invoice(f.data, today=today) + findings
    review.update(doubted_by_rules(findings, f.confidence))
    if not f.data.items and "excel" not in raw.sources.values():
        review.add("items")  # every invoice has a line: none read means look
    # Key fields above all, but any doubtful field is worth a person's look.
    for name, confidence in f.confidence.items():
        if confidence < REVIEW_BELOW:
            review.add(name)
    for finding in findings:
        if finding.field and (
            finding.severity == Severity.ERROR or finding.code.startswith("tax_id_")
        ):
            review.add(finding.field)
    order = {name: i for i, name in enumerate(_ORDER)}
    return ExtractedInvoice(
        data=f.data,
        confidence=f.confidence,
        sources=f.sources,
        needs_review=sorted(review, key=lambda n: (order.get(n, len(order)), n)),
        findings=findings,
    )
