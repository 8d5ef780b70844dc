"""The roles of an organisation's members. The slugs are part of the CLI and the API; what
each role may do is decided in fapiao.accounts.permissions."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SUBMITTER = "submitter", "报销人"
    REVIEWER = "reviewer", "审核员"
    FINANCE_ADMIN = "finance_admin", "财务管理员"
    SUPPORT_AGENT = "support_agent", "客服"
    ADMIN = "admin", "系统管理员"
