"""The invoice QR code: `version,type,code,number,amount,date,check code,tail` or a URL."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlsplit

from fapiao.core._text import to_halfwidth
from fapiao.core.kinds import SHUDIAN_TYPES
from fapiao.core.money import parse_money


@dataclass(frozen=True)
class QrPayload:
    version: str
    invoice_type: str | None
    invoice_code: str | None
    invoice_number: str | None
    amount: Decimal | None
    issue_date: datetime.date | None
    check_code: str | None
    tail: str | None
    url: str | None = None
    # [?] 数电 QRs carry 价税合计 where old ones carry the amount before tax; no spec says
    # so, but every parser seen treats them that way.
    amount_is_total: bool = False


_VERSION = re.compile(r"^[0-9]{1,2}\Z")
_TYPE = re.compile(r"^[0-9]{2}\Z")
_CODE = re.compile(r"^([0-9]{10}|[0-9]{12})\Z")
_NUMBER = re.compile(r"^([0-9]{8}|[0-9]{20})\Z")
_AMOUNT = re.compile(r"^-?[0-9]+(\.[0-9]+)?\Z")

# Query keys seen in verification URLs; pinyin initials are the tax platform's own names.
_URL_KEYS: dict[str, tuple[str, ...]] = {
    "invoice_type": ("fplx", "fpzl", "invoicetype", "type"),
    "invoice_code": ("fpdm", "invoicecode", "code"),
    "invoice_number": ("fphm", "invoiceno", "invoicenumber", "number", "qdfphm", "sdfphm"),
    "issue_date": ("kprq", "invoicedate", "issuedate", "date"),
    "amount": ("je", "jshj", "hjje", "bhsje", "amount", "totalamount"),
    "check_code": ("jym", "checkcode"),
}
_TOTAL_KEYS = frozenset({"jshj", "totalamount"})


def _parse_date(text: str) -> datetime.date | None:
    digits = re.sub(r"[-/.年月日]", "", text)
    if not re.fullmatch(r"[0-9]{8}", digits):
        return None
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def _parse_amount(text: str) -> Decimal | None:
    if not _AMOUNT.match(text):
        return None
    try:
        return parse_money(text)
    except (ValueError, InvalidOperation):
        return None


def _parse_comma_form(text: str) -> QrPayload | None:
    fields = [f.strip() for f in text.split(",")]
    while len(fields) > 8 and fields[-1] == "":
        fields.pop()
    if not 6 <= len(fields) <= 8:
        return None
    fields += [""] * (8 - len(fields))
    version, kind, code, number, amount_text, date_text, check, tail = fields
    if not _VERSION.match(version) or (kind and not _TYPE.match(kind)):
        return None
    if (code and not _CODE.match(code)) or not _NUMBER.match(number):
        return None
    amount = _parse_amount(amount_text) if amount_text else None
    issue_date = _parse_date(date_text) if date_text else None
    if (amount_text and amount is None) or (date_text and issue_date is None):
        return None
    if check and not re.fullmatch(r"[0-9A-Za-z]+", check):
        return None
    return QrPayload(
        version=version,
        invoice_type=kind or None,
        invoice_code=code or None,
        invoice_number=number,
        amount=amount,
        issue_date=issue_date,
        check_code=check or None,
        tail=tail or None,
        amount_is_total=kind in SHUDIAN_TYPES,
    )


def _parse_url(text: str) -> QrPayload | None:
    parts = urlsplit(text)
    query = parse_qsl(parts.query, keep_blank_values=False) + parse_qsl(parts.fragment)
    values = {key.lower().replace("_", ""): value.strip() for key, value in query}
    found: dict[str, str] = {}
    total_key = False
    for field, keys in _URL_KEYS.items():
        for key in keys:
            if values.get(key):
                found[field] = values[key]
                total_key = total_key or (field == "amount" and key in _TOTAL_KEYS)
                break
    number = found.get("invoice_number", "")
    if not _NUMBER.match(number):
        return None
    code = found.get("invoice_code", "")
    kind = found.get("invoice_type", "")
    kind = kind if _TYPE.match(kind) else ""
    return QrPayload(
        version="",
        invoice_type=kind or None,
        invoice_code=code if _CODE.match(code) else None,
        invoice_number=number,
        amount=_parse_amount(found.get("amount", "")),
        issue_date=_parse_date(found.get("issue_date", "")),
        check_code=found.get("check_code") or None,
        tail=None,
        url=text,
        amount_is_total=total_key or kind in SHUDIAN_TYPES or (not code and len(number) == 20),
    )


def parse_qr(text: str) -> QrPayload | None:
    """The invoice fields in a QR text; None when the text is not an invoice QR."""
    if not text:
        return None
    cleaned = to_halfwidth(text).strip().lstrip("\ufeff")
    if re.match(r"^https?://", cleaned, re.IGNORECASE):
        return _parse_url(cleaned)
    cleaned = re.sub(r"\s+", "", cleaned)
    return _parse_comma_form(cleaned)


def _format_amount(amount: Decimal) -> str:
    # Issuers drop trailing zeros: 64.90 is written 64.9 and 100.00 as 100.
    text = f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_qr(payload: QrPayload) -> str:
    """The canonical comma form (always eight fields)."""
    fields = [
        payload.version or "01",
        payload.invoice_type or "",
        payload.invoice_code or "",
        payload.invoice_number or "",
        _format_amount(payload.amount) if payload.amount is not None else "",
        payload.issue_date.strftime("%Y%m%d") if payload.issue_date else "",
        payload.check_code or "",
        payload.tail or "",
    ]
    return ",".join(fields)
