"""InvoiceData: the plain invoice record the reader, rules and Django apps pass around."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from fapiao.core._text import strip_spaces, to_halfwidth
from fapiao.core.categories import tax_category
from fapiao.core.kinds import TaxStatus
from fapiao.core.money import MoneyFormatError, format_money, parse_money

TAX_FREE = "免税"
NOT_TAXED = "不征税"


def parse_tax_rate(text: str | int | Decimal | None) -> str | None:
    """Normalise a printed rate to the schema form: "0.13", "0", "免税", "不征税".

    A bare number of 1 or more is a percentage (13 -> 0.13); masks such as *** are printed
    where the rate is exempt. Unreadable text gives None.
    """
    if text is None or isinstance(text, bool):
        return None
    raw = str(text) if isinstance(text, int | Decimal) else strip_spaces(to_halfwidth(text))
    if not raw:
        return None
    if "免" in raw or re.fullmatch(r"\*+", raw):
        return TAX_FREE
    if "不征" in raw:
        return NOT_TAXED
    if raw in ("零税率", "零"):
        return "0"
    percent = raw.endswith("%")
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)%?", raw)
    if not match:
        return None
    try:
        value = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        return None
    if percent or value >= 1:
        value /= 100
    if value >= 1:
        return None
    text_value = f"{value.normalize():f}"
    return text_value if text_value != "0.0" else "0"


def parse_date(value: object) -> datetime.date | None:
    """2025-03-07, 20250307, 2025年03月07日, 2025/3/7 or a date/datetime."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = strip_spaces(to_halfwidth(str(value)))
    if not raw:
        return None
    match = re.fullmatch(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?(?:T?[0-9].*)?", raw)
    match = match or re.fullmatch(r"([0-9]{4})([0-9]{2})([0-9]{2})", raw)
    if not match:
        raise ValueError(f"日期「{value}」无法识别：应为 YYYY-MM-DD。")
    year, month, day = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"日期「{value}」不存在：请核对。") from exc


_ORIGINAL_20 = re.compile(r"(?:蓝字|原|正数|对应)[^0-9]{0,20}?([0-9]{20})(?![0-9])")
_ORIGINAL_OLD = re.compile(
    r"代码[:：]?\s*([0-9]{10}|[0-9]{12})\D{0,8}号码[:：]?\s*([0-9]{8})(?![0-9])"
)


def find_original_invoice(remarks: str | None) -> tuple[str | None, str | None] | None:
    """(code, number) of the blue invoice a red invoice's 备注 names, if it names one.

    Red invoices say e.g. 被红冲蓝字数电发票号码：25442000000127444519 or
    对应正数发票代码:011001600111号码:12345678.
    """
    text = to_halfwidth(remarks or "")
    if match := _ORIGINAL_OLD.search(text):
        return match.group(1), match.group(2)
    if match := _ORIGINAL_20.search(text):
        return None, match.group(1)
    return None


@dataclass
class LineItemData:
    name: str
    tax_category: str | None = None
    spec: str | None = None
    unit: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    amount: Decimal | None = None
    tax_rate: str | None = None
    tax_amount: Decimal | None = None

    def to_schema_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tax_category": self.tax_category,
            "spec": self.spec,
            "unit": self.unit,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "amount": format_money(self.amount),
            "tax_rate": self.tax_rate,
            "tax_amount": format_money(self.tax_amount),
        }

    @classmethod
    def from_schema_dict(cls, d: Mapping[str, Any]) -> LineItemData:
        name = _text(d.get("name")) or ""
        return cls(
            name=name,
            tax_category=_text(d.get("tax_category")) or tax_category(name),
            spec=_text(d.get("spec")),
            unit=_text(d.get("unit")),
            quantity=_text(d.get("quantity")),
            unit_price=_text(d.get("unit_price")),
            amount=_money(d, "amount"),
            tax_rate=parse_tax_rate(d.get("tax_rate")),
            tax_amount=_money(d, "tax_amount"),
        )


# The schema's header fields, by kind of value; the Django side copies them by these lists.
TEXT_FIELDS = (
    "invoice_type",
    "invoice_type_name",
    "invoice_code",
    "invoice_number",
    "check_code",
    "region",
    "buyer_name",
    "buyer_tax_id",
    "seller_name",
    "seller_tax_id",
    "total_amount_cn",
    "remarks",
    "issuer",
)
MONEY_FIELDS = ("amount", "tax_amount", "total_amount")
RED_LINK_FIELDS = ("original_invoice_code", "original_invoice_number")


@dataclass
class InvoiceData:
    invoice_type: str | None = None
    invoice_type_name: str | None = None
    invoice_code: str | None = None
    invoice_number: str | None = None
    issue_date: datetime.date | None = None
    check_code: str | None = None
    region: str | None = None
    buyer_name: str | None = None
    buyer_tax_id: str | None = None
    seller_name: str | None = None
    seller_tax_id: str | None = None
    amount: Decimal | None = None
    tax_amount: Decimal | None = None
    total_amount: Decimal | None = None
    total_amount_cn: str | None = None
    remarks: str | None = None
    issuer: str | None = None
    items: list[LineItemData] = field(default_factory=list)
    tax_status: str = "normal"
    # Set explicitly from a platform's 是否正数发票, or derived from negative amounts.
    is_red: bool = False
    original_invoice_number: str | None = None  # the blue invoice a red one reverses
    original_invoice_code: str | None = None

    def __post_init__(self) -> None:
        self.is_red = self.is_red or self.has_negative_amounts

    @property
    def has_negative_amounts(self) -> bool:
        return any(v is not None and v < 0 for v in (self.amount, self.total_amount))

    @property
    def is_red_invoice(self) -> bool:
        """Red (负数) invoice; recomputed, since amounts may be set after construction."""
        return self.is_red or self.has_negative_amounts

    def to_schema_dict(self, *, extra: bool = False) -> dict[str, Any]:
        """The invoice fields of extract-output.schema.json; `extra` adds status and links."""
        out: dict[str, Any] = {name: getattr(self, name) for name in TEXT_FIELDS}
        out.update({name: format_money(getattr(self, name)) for name in MONEY_FIELDS})
        out["issue_date"] = self.issue_date.isoformat() if self.issue_date else None
        out["items"] = [item.to_schema_dict() for item in self.items]
        if extra:
            out["tax_status"] = self.tax_status
            out["is_red"] = self.is_red_invoice
            out["original_invoice_code"] = self.original_invoice_code
            out["original_invoice_number"] = self.original_invoice_number
        return out

    @classmethod
    def from_schema_dict(cls, d: Mapping[str, Any]) -> InvoiceData:
        """Build from a schema-shaped mapping; absent keys, "" and None all mean unknown."""
        items = [LineItemData.from_schema_dict(item) for item in d.get("items") or []]
        return cls(
            invoice_type=_text(d.get("invoice_type")),
            invoice_type_name=_text(d.get("invoice_type_name")),
            invoice_code=_text(d.get("invoice_code")),
            invoice_number=_text(d.get("invoice_number")),
            check_code=_text(d.get("check_code")),
            region=_text(d.get("region")),
            buyer_name=_text(d.get("buyer_name")),
            buyer_tax_id=_text(d.get("buyer_tax_id")),
            seller_name=_text(d.get("seller_name")),
            seller_tax_id=_text(d.get("seller_tax_id")),
            amount=_money(d, "amount"),
            tax_amount=_money(d, "tax_amount"),
            total_amount=_money(d, "total_amount"),
            total_amount_cn=_text(d.get("total_amount_cn")),
            remarks=_text(d.get("remarks")),
            issuer=_text(d.get("issuer")),
            issue_date=parse_date(d.get("issue_date")),
            items=items,
            tax_status=_tax_status(d.get("tax_status")),
            is_red=bool(d.get("is_red", False)),
            original_invoice_code=_text(d.get("original_invoice_code")),
            original_invoice_number=_text(d.get("original_invoice_number")),
        )


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _tax_status(value: object) -> str:
    """A TaxStatus value; unknown text (e.g. a risk flag such as 失控) is kept as written."""
    raw = _text(value)
    if raw is None:
        return TaxStatus.NORMAL.value
    status = TaxStatus.from_label(raw)
    return status.value if status else raw


def _money(d: Mapping[str, Any], name: str) -> Decimal | None:
    value = d.get(name)
    if isinstance(value, float):
        value = repr(value)  # JSON numbers arrive as floats; repr keeps the shortest form
    try:
        return parse_money(value)
    except MoneyFormatError as exc:
        raise MoneyFormatError(f"字段 {name}：{exc}") from exc
