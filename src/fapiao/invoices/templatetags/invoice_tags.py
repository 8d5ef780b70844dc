"""Filters for showing invoices: findings by severity (icon, label, the worst one) and
invoice field names in Chinese."""

from __future__ import annotations

from typing import Any

from django import template

from fapiao.invoices import presenters

register = template.Library()

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ICONS = {"error": "✖", "warning": "▲", "info": "ℹ"}


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
    """An invoice field's Chinese name (corrections, fields to check)."""
    return presenters.field_label(name)
