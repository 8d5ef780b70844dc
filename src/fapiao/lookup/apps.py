from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "fapiao.lookup"
    verbose_name = "发票查询"
