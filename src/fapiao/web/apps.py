from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fapiao.web"
    verbose_name = "网页"
