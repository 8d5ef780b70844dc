"""The app config that replaces django.contrib.admin in INSTALLED_APPS, so that admin.site
is fapiao.accounts.admin_site.OperatorAdminSite (the installation's operator only). Kept
apart from accounts/apps.py: Django picks an app's config from its apps module."""

from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    default_site = "fapiao.accounts.admin_site.OperatorAdminSite"
