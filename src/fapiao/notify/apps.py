from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "fapiao.notify"
    verbose_name = "通知"
