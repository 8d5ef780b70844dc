"""Writes of fapiao.analytics: category rules, manual categories, budgets, and the
suggestions learned from people's past choices."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count

from fapiao.accounts import permissions
from fapiao.accounts.models import Department, User
from fapiao.analytics import categorise
from fapiao.analytics.errors import BudgetNotFound, CategoryRuleNotFound, InvalidAnalyticsInput
from fapiao.analytics.models import (
    Budget,
    BudgetPeriod,
    CategoryOverride,
    CategoryRule,
    RuleKind,
)
from fapiao.core import taxonomy
from fapiao.errors import PermissionDenied
from fapiao.invoices.models import Invoice

MAX_CATEGORY = 20
# Manual choices for one seller, all alike, from which a rule is proposed.
RULE_SUGGESTION_MIN = 3


def org_id(user: User) -> int:
    """The user's organisation; a user without one has nothing to analyse."""
    if user.organisation_id is None:
        raise PermissionDenied("您的账号不属于任何组织：请联系系统管理员。")
    return user.organisation_id


def require_finance(user: User) -> int:
    """Refuse anyone but finance admins and admins; their organisation's id."""
    if not permissions.may_manage_spending(user):
        raise PermissionDenied("只有财务管理员或系统管理员可以修改分类规则、手工分类和预算。")
    return org_id(user)


def clean_category(value: str) -> str:
    name = (value or "").strip()
    if not name or len(name) > MAX_CATEGORY:
        raise InvalidAnalyticsInput(
            "category",
            "类别名称为空或过长",
            f"类别名称不能为空，最长 {MAX_CATEGORY} 个字：例如 "
            f"{'、'.join(taxonomy.DEFAULT_CATEGORIES[:4])}。",
        )
    return name


def seller_key(invoice: Invoice) -> str:
    return (invoice.seller_tax_id or invoice.seller_name or "").strip()[:200]


# --- rules ---------------------------------------------------------------------------


def save_rule(
    *,
    user: User,
    kind: str,
    pattern: str,
    category: str,
    priority: int = 100,
    is_active: bool = True,
    rule: CategoryRule | None = None,
) -> CategoryRule:
    org = require_finance(user)
    if kind not in RuleKind.values:
        raise InvalidAnalyticsInput(
            "kind",
            "规则类型不对",
            "规则类型只能是 seller（按销售方）或 keyword（按项目名称关键词）。",
        )
    pattern = (pattern or "").strip()
    if not pattern:
        raise InvalidAnalyticsInput(
            "pattern",
            "匹配内容为空",
            "请填写匹配内容：销售方名称（或其中一段）、纳税人识别号，或项目名称中的关键词。",
        )
    rule = rule or CategoryRule(organisation_id=org, created_by=user)
    rule.kind, rule.pattern, rule.category = kind, pattern[:200], clean_category(category)
    rule.priority, rule.is_active = int(priority), bool(is_active)
    rule.save()
    return rule


def get_rule(user: User, rule_id: int) -> CategoryRule:
    rule = CategoryRule.objects.filter(pk=rule_id, organisation_id=org_id(user)).first()
    if rule is None:
        raise CategoryRuleNotFound()
    return rule


def delete_rule(*, user: User, rule: CategoryRule) -> None:
    require_finance(user)
    rule.delete()


# --- manual choices ------------------------------------------------------------------


def set_category(
    *, user: User, invoice: Invoice, category: str | None, position: int | None = None
) -> str:
    """A person's category for the invoice (position None) or one line; None clears it.

    Returns the invoice's category after the change (applied at once, not by the worker).
    """
    require_finance(user)
    if position is not None and not invoice.items.filter(position=position).exists():
        raise InvalidAnalyticsInput(
            "position", "没有这一行", f"这张发票没有第 {position} 行明细：请检查行号。"
        )
    with transaction.atomic():
        existing = CategoryOverride.objects.filter(invoice=invoice, position=position)
        if category is None:
            existing.delete()
        else:
            CategoryOverride.objects.update_or_create(
                invoice=invoice,
                position=position,
                defaults={
                    "organisation_id": invoice.organisation_id,
                    "category": clean_category(category),
                    "seller_key": seller_key(invoice),
                    "user": user,
                },
            )
        categorise.recategorise(Invoice.objects.filter(pk=invoice.pk))
    return Invoice.objects.filter(pk=invoice.pk).values_list("category", flat=True).get()


def suggestions(invoice: Invoice) -> list[dict[str, Any]]:
    """Categories to offer for `invoice`, best first: what people chose for this seller
    before (most often first), then what the rules and the taxonomy say."""
    out: list[dict[str, Any]] = []
    key = seller_key(invoice)
    if key:
        chosen = (
            CategoryOverride.objects.filter(
                organisation_id=invoice.organisation_id, seller_key=key, position__isnull=True
            )
            .exclude(invoice=invoice)
            .values("category")
            .annotate(n=Count("id"))
            .order_by("-n", "category")
        )
        for row in chosen:
            out.append(
                {
                    "category": row["category"],
                    "source": "learned",
                    "reason": f"这家销售方的发票曾 {row['n']} 次被手工归为“{row['category']}”",
                }
            )
    category, why = categorise.invoice_category(invoice)
    reason = {"manual": "已手工指定", "rule": "按分类规则", "default": "按税收分类"}[why]
    if all(s["category"] != category for s in out):
        out.append({"category": category, "source": why, "reason": reason})
    return out


def rule_suggestions(organisation_id: int) -> list[dict[str, Any]]:
    """Sellers people keep putting in the same category by hand and no rule covers yet."""
    counts: Counter[tuple[str, str]] = Counter(
        CategoryOverride.objects.filter(
            organisation_id=organisation_id, position__isnull=True
        ).values_list("seller_key", "category")
    )
    covered = set(
        CategoryRule.objects.filter(
            organisation_id=organisation_id, kind=RuleKind.SELLER
        ).values_list("pattern", flat=True)
    )
    out = []
    for (key, category), n in counts.most_common():
        if key and n >= RULE_SUGGESTION_MIN and key not in covered:
            out.append({"kind": RuleKind.SELLER, "pattern": key, "category": category, "times": n})
    return out


# --- budgets -------------------------------------------------------------------------


def _thresholds(values: list[Any] | None) -> list[int]:
    try:
        cleaned = sorted({int(v) for v in (values or [80, 100])})
    except (TypeError, ValueError):
        cleaned = []
    if not cleaned or any(t <= 0 or t > 500 for t in cleaned):
        raise InvalidAnalyticsInput(
            "thresholds", "阈值不对", "提醒阈值是 1 到 500 之间的百分比整数，例如 [80, 100]。"
        )
    return cleaned


def save_budget(*, user: User, data: dict[str, Any], budget: Budget | None = None) -> Budget:
    org = require_finance(user)
    budget = budget or Budget(organisation_id=org)
    fields = dict(data)
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise InvalidAnalyticsInput(
                "name", "名称为空", "请给预算起个名称，例如“销售部餐饮月度预算”。"
            )
        budget.name = name[:100]
    if "amount" in fields:
        amount = Decimal(str(fields["amount"]))
        if amount <= 0:
            raise InvalidAnalyticsInput("amount", "金额须大于零", "预算金额须大于 0 元。")
        budget.amount = amount.quantize(Decimal("0.01"))
    if "period" in fields:
        if fields["period"] not in BudgetPeriod.values:
            raise InvalidAnalyticsInput(
                "period", "周期不对", "预算周期只能是 month（月）、quarter（季度）或 year（年）。"
            )
        budget.period = fields["period"]
    if "department_id" in fields:
        dep = fields["department_id"]
        if dep is not None and not Department.objects.filter(pk=dep, organisation_id=org).exists():
            raise InvalidAnalyticsInput(
                "department_id", "部门不存在", "没有这个部门：请从本组织的部门中选择。"
            )
        budget.department_id = dep
    if "category" in fields:
        budget.category = clean_category(fields["category"]) if fields["category"] else ""
    if "thresholds" in fields:
        budget.thresholds = _thresholds(fields["thresholds"])
    if "is_active" in fields:
        budget.is_active = bool(fields["is_active"])
    if not budget.name or budget.amount is None:
        raise InvalidAnalyticsInput(
            "name", "缺少名称或金额", "新建预算需要名称（name）和金额（amount）。"
        )
    budget.save()
    return budget


def get_budget(user: User, budget_id: int) -> Budget:
    from fapiao.analytics.budgets import visible_budgets

    budget = visible_budgets(user).filter(pk=budget_id).first()
    if budget is None:
        raise BudgetNotFound()
    return budget


def delete_budget(*, user: User, budget: Budget) -> None:
    require_finance(user)
    budget.delete()
