from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "fapiao.review"
    verbose_name = "审核"

    def ready(self) -> None:
        from fapiao.review import alerts

        alerts.connect()
