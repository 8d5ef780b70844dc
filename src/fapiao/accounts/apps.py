from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fapiao.accounts"
    verbose_name = "账户与组织"
