"""The main navigation: one list for every page, so each app adds its page by name.

An entry whose URL name is not (yet) routed is left out, and each entry says which roles
see it; the context processor hands the visible entries to base.html as `nav_items`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from fapiao.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    key: str  # what a view passes as `nav` to mark the current page
    label: str
    url_name: str
    roles: frozenset[str] | None = None  # None: everyone signed in


REVIEWERS = frozenset({Role.REVIEWER, Role.FINANCE_ADMIN, Role.ADMIN})
FINANCE = frozenset({Role.FINANCE_ADMIN, Role.ADMIN})
SUPPORT = frozenset({Role.SUPPORT_AGENT, Role.ADMIN})

ITEMS: tuple[NavItem, ...] = (
    NavItem("invoices", "发票", "invoice-list"),
    NavItem("scan", "扫描上传", "scan-upload"),
    NavItem("mine", "我的发票", "my-invoices"),
    NavItem("review", "审核队列", "review-queue", REVIEWERS),
    NavItem("lookup", "发票查询", "lookup"),
    NavItem("analytics", "数据分析", "analytics-dashboard", FINANCE),
    NavItem("support", "客服工作台", "feedback-desk", SUPPORT),
    NavItem("help", "帮助与反馈", "help-centre"),
)


def visible_items(user: Any) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    role = getattr(user, "role", None)
    items = []
    for item in ITEMS:
        if item.roles is not None and role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"key": item.key, "label": item.label, "url": url})
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": visible_items(getattr(request, "user", None))}
