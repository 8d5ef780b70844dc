"""Filters the pages use to show money, tax rates and findings the way finance staff read
them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist

from fapiao.invoices.models import Invoice

register = template.Library()

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ICONS = {"error": "✖", "warning": "▲", "info": "ℹ"}


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


def _severity(finding: dict[str, Any]) -> str:
    severity = str(finding.get("severity", "info"))
    return severity if severity in SEVERITY_ORDER else "info"


@register.filter
def severity(finding: dict[str, Any]) -> str:
    return _severity(finding)


@register.filter
def severity_label(finding: dict[str, Any]) -> str:
    return SEVERITY_LABELS[_severity(finding)]


@register.filter
def severity_icon(finding: dict[str, Any]) -> str:
    return SEVERITY_ICONS[_severity(finding)]


@register.filter
def worst_finding(findings: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The most severe finding, which decides the icon shown in the list."""
    if not findings:
        return None
    return min(findings, key=lambda f: SEVERITY_ORDER[_severity(f)])


@register.filter
def finding_messages(findings: list[dict[str, Any]] | None) -> str:
    return "\n".join(str(f.get("message", "")) for f in findings or [])


@register.filter
def field_label(name: str) -> str:
    """An invoice field's Chinese name, for correction history."""
    try:
        field = Invoice._meta.get_field(name)
    except FieldDoesNotExist:  # an unknown name is shown as it is
        return name
    return str(getattr(field, "verbose_name", name))


@register.filter
def filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
