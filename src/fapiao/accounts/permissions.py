"""Who may do what: the one place that decides. Every endpoint, page, export, download,
navigation entry and service asks here instead of comparing roles itself.

Two kinds of people use an installation:
- an organisation's members (submitter, reviewer, finance, support, admin), who act only
  inside their organisation: every object they reach is filtered by it;
- the installation's operator (Django admin, installation-wide maintenance), an account
  with no organisation that no organisation role grants.

Object scopes are returned as Q objects over field names, so this module (in the lowest
app, which every other imports) needs none of the other apps' models; each app applies
the Q to its own model (fapiao.invoices.scope, fapiao.feedback.access, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from fapiao.accounts.roles import Role
from fapiao.errors import PermissionDenied

if TYPE_CHECKING:
    from fapiao.accounts.models import User

# --- role sets ---------------------------------------------------------------------------

# See every invoice and upload of their organisation (support agents read them to help).
ORG_WIDE_INVOICE_ROLES = frozenset({Role.FINANCE_ADMIN, Role.ADMIN, Role.SUPPORT_AGENT})
# Review invoices (reviewers possibly limited to some departments); correct any they see.
REVIEW_ROLES = frozenset({Role.REVIEWER, Role.FINANCE_ADMIN, Role.ADMIN})
# Pay invoices, export the audit trail, keep category rules and budgets, the 数据分析 page.
FINANCE_ROLES = frozenset({Role.FINANCE_ADMIN, Role.ADMIN})
# Read spending figures through the API (reviewers: within their departments).
SPENDING_ROLES = frozenset({Role.FINANCE_ADMIN, Role.ADMIN, Role.REVIEWER})
# Work the support desk: every ticket of the organisation, internal notes, reports.
DESK_ROLES = frozenset({Role.SUPPORT_AGENT, Role.ADMIN})
# See buyer personal ids and bank accounts unmasked (PIPL: only the people who pay need
# them; reviewers and the organisation's admin see them masked).
SENSITIVE_FIELD_ROLES = frozenset({Role.FINANCE_ADMIN})
# Manage the organisation itself in 系统设置: users, departments, routing, notices.
ORGANISATION_ADMIN_ROLES = frozenset({Role.ADMIN})

# A filter that matches no row: what a person outside any organisation reaches.
NOTHING = Q(pk__in=[])


# --- who is who --------------------------------------------------------------------------


def is_member(user: Any) -> bool:
    """A signed-in, active member of an organisation."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "organisation_id", None) is not None
    )


def has_role(user: Any, roles: frozenset[str]) -> bool:
    return is_member(user) and user.role in roles


def is_operator(user: Any) -> bool:
    """The installation's operator: a superuser outside every organisation. An
    organisation's admin never is one (a migration took that away from the old ones)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_superuser
        and getattr(user, "organisation_id", None) is None
    )


def review_scope(user: User) -> frozenset[int] | None:
    """The departments a reviewer is limited to; None when they review every department
    (unlimited reviewers, finance, admins)."""
    if user.role != Role.REVIEWER:
        return None
    # .all() uses the rows of a prefetch_related("review_departments") when there is one.
    limited = frozenset(d.pk for d in user.review_departments.all())
    return limited or None


def sees_whole_organisation(user: Any) -> bool:
    """The role alone grants every invoice and upload of the organisation."""
    return has_role(user, ORG_WIDE_INVOICE_ROLES)


def sees_all_invoices_of_organisation(user: User) -> bool:
    """visible_invoices(user) is the whole organisation's (an unlimited reviewer too)."""
    if sees_whole_organisation(user):
        return True
    return has_role(user, frozenset({Role.REVIEWER})) and review_scope(user) is None


def reviews_department(user: User, department_id: int | None) -> bool:
    """`user` reviews invoices filed under this department."""
    if not has_role(user, REVIEW_ROLES):
        return False
    scope = review_scope(user)
    return scope is None or department_id in scope


# --- what each may do --------------------------------------------------------------------


def may_see_sensitive_fields(user: Any) -> bool:
    # By role alone: it only unmasks fields of invoices the person already sees (and the
    # command line's `fapiao query` reads as an unsaved admin).
    return getattr(user, "role", None) in SENSITIVE_FIELD_ROLES


def may_review(user: User, invoice: Any) -> bool:
    """Approve or return: a reviewer of its department in its organisation, never of
    their own invoice."""
    return (
        user.organisation_id == invoice.organisation_id
        and invoice.submitter_id != user.pk
        and reviews_department(user, invoice.department_id)
    )


def may_reimburse(user: Any, invoice: Any) -> bool:
    return (
        has_role(user, FINANCE_ROLES)
        and user.organisation_id == invoice.organisation_id
        and invoice.submitter_id != user.pk
    )


def may_file_under(user: User, department_id: int) -> bool:
    """A new invoice may be recorded under this department of the user's organisation:
    their own, any for org-wide roles, any they review for reviewers."""
    if sees_whole_organisation(user) or department_id == user.department_id:
        return True
    return user.role == Role.REVIEWER and reviews_department(user, department_id)


# ReviewStatus values: fapiao.invoices imports accounts, never the other way round.
SETTLED_STATUSES = frozenset({"approved", "reimbursed"})


def ensure_may_correct(user: User, invoice: Any) -> None:
    """Correct an invoice's fields (the caller has already found it in the user's scope):
    reviewers, finance and admins any they see; a submitter their own until approved."""
    if has_role(user, REVIEW_ROLES):
        return
    if invoice.submitter_id == user.pk:
        if invoice.status in SETTLED_STATUSES:
            raise PermissionDenied(
                "这张发票已审核通过或已报销，提交人不能再修改；如需更正，请联系审核员或财务。"
            )
        return
    raise PermissionDenied(
        "只有提交人、审核员、财务管理员和系统管理员可以更正发票；如需更正，请联系审核员。"
    )


def may_export_audit(user: Any) -> bool:
    return has_role(user, FINANCE_ROLES)


def ensure_may_export_audit(user: Any) -> None:
    if not may_export_audit(user):
        raise PermissionDenied("只有财务管理员和系统管理员可以导出审计记录。")


def may_manage_spending(user: Any) -> bool:
    """Category rules, manual categories, budgets and the 数据分析 page."""
    return has_role(user, FINANCE_ROLES)


def may_read_spending(user: Any) -> bool:
    return has_role(user, SPENDING_ROLES)


def is_review_desk(user: Any) -> bool:
    """Opens the 审核队列."""
    return has_role(user, REVIEW_ROLES)


def is_support_desk(user: Any) -> bool:
    """Works the 客服工作台."""
    return has_role(user, DESK_ROLES)


def may_manage_organisation(user: Any) -> bool:
    """The organisation's 系统设置 (its users, departments, routing, notices)."""
    return has_role(user, ORGANISATION_ADMIN_ROLES)


def ensure_may_manage_organisation(user: Any) -> int:
    """Refuse anyone but the organisation's admin; returns their organisation's id."""
    if not may_manage_organisation(user):
        raise PermissionDenied("系统设置只对本组织的系统管理员开放；如需调整，请联系系统管理员。")
    return int(user.organisation_id)


# --- object scopes (Q over each model's own field names) ---------------------------------


def organisation_q(user: Any, field: str = "organisation") -> Q:
    """Rows of the user's organisation; nothing for anyone outside one."""
    if not is_member(user):
        return NOTHING
    return Q(**{f"{field}_id": user.organisation_id})


def invoice_q(user: User) -> Q:
    """Invoices `user` may see: org-wide roles all of their organisation's; reviewers the
    departments they review (all when not limited) plus their own; others their own."""
    if not is_member(user):
        return NOTHING
    org = Q(organisation_id=user.organisation_id)
    if sees_whole_organisation(user):
        return org
    if user.role == Role.REVIEWER:
        scope = review_scope(user)
        if scope is None:
            return org
        return org & (Q(department_id__in=scope) | Q(submitter_id=user.pk))
    return org & Q(submitter_id=user.pk)


def document_q(user: User) -> Q:
    """Uploads whose reading `user` follows: their own; org-wide roles all."""
    if not is_member(user):
        return NOTHING
    org = Q(organisation_id=user.organisation_id)
    return org if sees_whole_organisation(user) else org & Q(uploaded_by_id=user.pk)


def ticket_q(user: User) -> Q:
    """Tickets: requesters their own; the desk every ticket of the organisation."""
    if not is_member(user):
        return NOTHING
    org = Q(organisation_id=user.organisation_id)
    return org if is_support_desk(user) else org & Q(requester_id=user.pk)


def budget_q(user: User) -> Q:
    """Budgets: finance all of the organisation's; reviewers their departments' (all when
    not limited); anyone else is refused."""
    if has_role(user, FINANCE_ROLES):
        return Q(organisation_id=user.organisation_id)
    if has_role(user, frozenset({Role.REVIEWER})):
        scope = review_scope(user)
        org = Q(organisation_id=user.organisation_id)
        return org if scope is None else org & Q(department_id__in=scope)
    raise PermissionDenied("只有财务管理员、系统管理员和审核员可以查看预算；如需查看，请联系财务。")
