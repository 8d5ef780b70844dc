from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "fapiao.notify"
    verbose_name = "通知"

    def ready(self) -> None:
        from fapiao.notify import hooks

        hooks.connect()
