"""The main navigation: one list for every page, so each app adds its page by name.

An entry whose URL name is not (yet) routed is left out, and each entry names the question
of fapiao.accounts.permissions that decides who sees it; the context processor hands the
visible entries to base.html as `nav_items`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from fapiao.accounts import permissions


@dataclass(frozen=True)
class NavItem:
    key: str  # what a view passes as `nav` to mark the current page
    label: str
    url_name: str
    # Who sees it; by default every member of an organisation (not the operator).
    allowed: Callable[[Any], bool] = permissions.is_member


ITEMS: tuple[NavItem, ...] = (
    NavItem("invoices", "发票", "invoice-list"),
    NavItem("scan", "扫描上传", "scan-upload"),
    NavItem("mine", "我的发票", "my-invoices"),
    NavItem("review", "审核队列", "review-queue", permissions.is_review_desk),
    NavItem("lookup", "发票查询", "lookup"),
    NavItem("analytics", "数据分析", "analytics-dashboard", permissions.may_manage_spending),
    NavItem("support", "客服工作台", "feedback-desk", permissions.is_support_desk),
    NavItem("help", "帮助与反馈", "help-centre"),
    NavItem("settings", "系统设置", "orgadmin-home", permissions.may_manage_organisation),
    # The installation's operator (no organisation): the Django admin.
    NavItem("operator", "运维后台", "admin:index", permissions.is_operator),
)


def visible_items(user: Any) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for item in ITEMS:
        if not item.allowed(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"key": item.key, "label": item.label, "url": url})
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": visible_items(getattr(request, "user", None))}
