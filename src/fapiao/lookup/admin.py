"""Admin pages: upstream sources, maintenance windows (an admin announces one here) and the
verification provider's state."""

from django.contrib import admin

from fapiao.lookup.models import MaintenanceWindow, ProviderState, SyncSource


@admin.register(SyncSource)
class SyncSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "region", "status", "last_success_at", "retry_at")
    list_filter = ("status",)


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "ends_at", "organisation", "message", "created_by")
    list_filter = ("organisation",)
    exclude = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProviderState)
class ProviderStateAdmin(admin.ModelAdmin):
    list_display = ("name", "consecutive_failures", "open_until", "rate_limited_until",
                    "maintenance_until", "last_success_at")  # fmt: skip
