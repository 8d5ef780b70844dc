from django.apps import AppConfig


class OrgAdminConfig(AppConfig):
    """系统设置: an organisation's admin manages its own people, departments, routing rules,
    message templates and maintenance notices. No models of its own: it edits the rows of
    accounts, feedback, notify and lookup, always those of the admin's organisation."""

    name = "fapiao.orgadmin"
    verbose_name = "系统设置"
