"""Filters every page may use: money, tax rates and file sizes the way finance staff read
them. Filters about invoices (findings, field names) are fapiao.invoices' invoice_tags."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value: Any) -> str:
    """1234.5 -> "1,234.50"; blank stays blank (never "None")."""
    amount = _decimal(value)
    if amount is None:
        return "" if value in (None, "") else str(value)
    return f"{amount.quantize(Decimal('0.01')):,}"


@register.filter
def is_negative(value: Any) -> bool:
    amount = _decimal(value)
    return amount is not None and amount < 0


@register.filter
def rate(value: Any) -> str:
    """The printed tax rate: "0.13" or "13" -> "13%", 免税/不征税 kept as written."""
    text = str(value or "").strip()
    if not text or text.endswith("%"):
        return text
    number = _decimal(text)
    if number is None:
        return text
    if number < 1:
        number *= 100
    return f"{number.normalize():f}%"


@register.filter
def filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
