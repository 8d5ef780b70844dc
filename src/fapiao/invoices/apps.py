from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "fapiao.invoices"
    verbose_name = "发票"
