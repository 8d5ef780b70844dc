from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "fapiao.analytics"
    verbose_name = "数据分析"

    def ready(self) -> None:
        from fapiao.analytics import signals

        signals.connect()
