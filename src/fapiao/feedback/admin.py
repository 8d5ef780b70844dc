"""Admin: holidays (节假日), routing rules, help articles, tickets for inspection."""

from __future__ import annotations

from django.contrib import admin

from fapiao.feedback.models import (
    Article,
    Attachment,
    Holiday,
    Rating,
    RoutingRule,
    Survey,
    Ticket,
    TicketEvent,
    TicketMessage,
)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    list_display = ("date", "name", "kind")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ("name", "order", "category", "keywords", "department", "active")
    list_editable = ("order", "active")
    list_filter = ("organisation", "category", "active")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ("title", "slug", "organisation", "order", "published", "updated_at")
    search_fields = ("title", "body", "keywords")
    prepopulated_fields = {"slug": ("title",)}


class MessageInline(admin.TabularInline[TicketMessage, Ticket]):
    model = TicketMessage
    extra = 0
    fields = ("created_at", "author", "kind", "body")
    readonly_fields = ("created_at",)


class EventInline(admin.TabularInline[TicketEvent, Ticket]):
    model = TicketEvent
    extra = 0
    readonly_fields = ("created_at", "actor", "kind", "from_status", "to_status", "detail")


class AttachmentInline(admin.TabularInline[Attachment, Ticket]):
    model = Attachment
    extra = 0
    readonly_fields = ("name", "size", "content_type", "uploaded_by", "internal")
    exclude = ("file", "message")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ("number", "subject", "category", "priority", "status", "assignee")
    list_filter = ("organisation", "status", "category", "priority", "channel")
    search_fields = ("number", "subject", "body")
    raw_id_fields = ("requester", "assignee", "invoice")
    inlines = [MessageInline, AttachmentInline, EventInline]


admin.site.register(Rating)
admin.site.register(Survey)
