from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "fapiao.review"
    verbose_name = "审核"
