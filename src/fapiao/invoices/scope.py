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
        departments = list(user.review_departments.values_list("id", flat=True))
        if not departments:
            return qs
        return qs.filter(Q(department_id__in=departments) | Q(submitter_id=user.pk))
    return qs.filter(submitter_id=user.pk)


def can_see_sensitive_fields(user: User) -> bool:
    from fapiao.accounts.roles import SENSITIVE_FIELD_ROLES

    return user.role in SENSITIVE_FIELD_ROLES
