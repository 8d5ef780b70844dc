"""Who may take which review action on which invoice (the checks before a transition)."""

from __future__ import annotations

from typing import Any

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.errors import InvoiceNotFound, PermissionDenied
from fapiao.invoices.models import Invoice
from fapiao.review.machine import RULES, Actor, Rule, actions_from


def check_actor(user: User, invoice: Invoice, rule: Rule) -> None:
    """Raise PermissionDenied (or InvoiceNotFound for another organisation's invoice)."""
    if not user.is_authenticated or user.organisation_id != invoice.organisation_id:
        raise InvoiceNotFound()
    if rule.actor is Actor.SUBMITTER:
        if invoice.submitter_id != user.pk:
            raise PermissionDenied(f"只有提交人本人可以{rule.label}这张发票。")
        return
    if invoice.submitter_id == user.pk:
        raise PermissionDenied(
            f"不能{rule.label}自己提交的发票：请由本组织的其他审核员或财务人员处理。"
        )
    if rule.actor is Actor.FINANCE:
        if not permissions.may_reimburse(user, invoice):
            raise PermissionDenied("只有财务管理员或系统管理员可以把发票标记为已报销。")
        return
    if not permissions.is_review_desk(user):
        raise PermissionDenied("只有审核员、财务管理员或系统管理员可以审核发票。")
    if not permissions.may_review(user, invoice):
        raise PermissionDenied(
            "这张发票不属于您负责审核的部门：请由该部门的审核员处理，或请管理员调整您的审核范围。"
        )


def blocking_reasons(invoice: Invoice) -> list[str]:
    """Why approving needs an explicit override: error findings or a duplicate flag."""
    reasons = []
    findings: list[Any] = invoice.findings or []
    errors = [f for f in findings if isinstance(f, dict) and f.get("severity") == "error"]
    if errors:
        reasons.append(f"有 {len(errors)} 项错误级别的检查结果")
    if invoice.has_duplicates:
        reasons.append("被重复提交过")
    return reasons


def possible_actions(user: User, invoice: Invoice) -> list[dict[str, str]]:
    """The actions allowed now that this person may take (the buttons they see)."""
    shown = []
    for action in actions_from(invoice.status):
        rule = RULES[action]
        if rule.actor is Actor.SUBMITTER:
            allowed = invoice.submitter_id == user.pk
        elif rule.actor is Actor.FINANCE:
            allowed = permissions.may_reimburse(user, invoice)
        else:
            allowed = permissions.may_review(user, invoice)
        if allowed:
            shown.append({"action": action.value, "label": rule.label})
    return shown
