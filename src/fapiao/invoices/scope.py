"""Who may see which invoices. Every read of invoices goes through visible_invoices(); the
rule itself is fapiao.accounts.permissions.invoice_q."""

from __future__ import annotations

from django.db.models import QuerySet

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice


def visible_invoices(user: User) -> QuerySet[Invoice]:
    """Invoices `user` may see: never another organisation's."""
    return Invoice.objects.filter(permissions.invoice_q(user))


def sees_all_invoices_of_organisation(user: User) -> bool:
    """True when visible_invoices(user) is the whole of their organisation's invoices."""
    return permissions.sees_all_invoices_of_organisation(user)


def can_see_sensitive_fields(user: User) -> bool:
    return permissions.may_see_sensitive_fields(user)
