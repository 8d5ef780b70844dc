"""Roles and what each may do. The slugs are part of the CLI and the API."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SUBMITTER = "submitter", "报销人"
    REVIEWER = "reviewer", "审核员"
    FINANCE_ADMIN = "finance_admin", "财务管理员"
    SUPPORT_AGENT = "support_agent", "客服"
    ADMIN = "admin", "系统管理员"


# Roles that see every invoice of their organisation (support agents read them to help
# users); submitters see what they submitted
# (reviewers: also what their departments submitted, when they are limited to departments).
ORG_WIDE_INVOICE_ROLES = frozenset({Role.FINANCE_ADMIN, Role.ADMIN, Role.SUPPORT_AGENT})
# Roles that may see buyer personal ids and bank accounts unmasked (PIPL: only the people
# who pay need them; reviewers and the organisation's admin see them masked).
SENSITIVE_FIELD_ROLES = frozenset({Role.FINANCE_ADMIN})
