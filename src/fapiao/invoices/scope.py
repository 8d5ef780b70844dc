"""Who may see which invoices. Every read of invoices goes through visible_invoices()."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fapiao.accounts.models import User
from fapiao.accounts.roles import Role
from fapiao.invoices.models import Invoice


def visible_invoices(user: User) -> QuerySet[Invoice]:
    """Invoices `user` may see: never another organisation's.

    finance admins, admins and support agents see their whole organisation; reviewers the
    departments they review (all when not limited) plus their own; submitters their own.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return Invoice.objects.none()
    qs = Invoice.objects.filter(organisation_id=user.organisation_id)
    if user.sees_whole_organisation:
        return qs
    if user.role == Role.REVIEWER:
        departments = _review_departments(user)
        if not departments:
            return qs
        return qs.filter(Q(department_id__in=departments) | Q(submitter_id=user.pk))
    return qs.filter(submitter_id=user.pk)


def sees_all_invoices_of_organisation(user: User) -> bool:
    """True when visible_invoices(user) is the whole of their organisation's invoices."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    if user.sees_whole_organisation:
        return True
    return user.role == Role.REVIEWER and not _review_departments(user)


def _review_departments(user: User) -> list[int]:
    return list(user.review_departments.values_list("id", flat=True))


def can_see_sensitive_fields(user: User) -> bool:
    from fapiao.accounts.roles import SENSITIVE_FIELD_ROLES

    return user.role in SENSITIVE_FIELD_ROLES
