from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "fapiao.lookup"
    verbose_name = "发票查询"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from fapiao.lookup.maintenance import clear_cache
        from fapiao.lookup.models import MaintenanceWindow, ProviderState, SyncSource
        from fapiao.lookup.upstream import forget_state

        # Cached state follows every change made through the ORM in this process.
        for model in (SyncSource, ProviderState):
            post_save.connect(forget_state, sender=model, dispatch_uid=f"lookup-{model.__name__}")
            post_delete.connect(
                forget_state, sender=model, dispatch_uid=f"lookup-d-{model.__name__}"
            )
        post_save.connect(clear_cache, sender=MaintenanceWindow, dispatch_uid="lookup-maint")
        post_delete.connect(clear_cache, sender=MaintenanceWindow, dispatch_uid="lookup-maint-d")
