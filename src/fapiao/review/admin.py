"""The audit trail in the admin: readable and searchable, never editable."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fapiao.review.models import TaxStatusChange, Transition


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Transition)
class TransitionAdmin(ReadOnly):
    list_display = ("created_at", "invoice", "action", "from_status", "to_status", "actor_name")
    list_filter = ("action", "to_status", "organisation")
    search_fields = ("invoice__invoice_number", "actor_name", "comment")
    date_hierarchy = "created_at"
    list_select_related = ("invoice",)


@admin.register(TaxStatusChange)
class TaxStatusChangeAdmin(ReadOnly):
    list_display = ("created_at", "invoice", "before", "after", "review_status", "flagged")
    list_filter = ("after", "flagged", "organisation")
    search_fields = ("invoice__invoice_number", "source")
    date_hierarchy = "created_at"
    list_select_related = ("invoice",)
