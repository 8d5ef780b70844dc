from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "fapiao.feedback"
    verbose_name = "反馈与客服"
