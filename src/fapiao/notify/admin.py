"""Admin: failed deliveries (dead letters) are visible and can be sent again; the email/SMS
wording is edited as MessageTemplate rows."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from fapiao.notify.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    MessageTemplate,
    Notification,
    NotificationSettings,
)
from fapiao.notify.preferences import mask_mobile


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("title", "event", "recipient", "organisation", "created_at", "read_at")
    list_filter = ("event", "organisation")
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient", "invoice")
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("id", "channel", "masked_address", "status", "attempts", "next_attempt_at",
                    "sent_at", "last_error")  # fmt: skip
    list_filter = ("status", "channel")
    readonly_fields = ("notification", "channel", "address", "attempts", "sent_at", "created_at")
    actions = ["send_again"]

    @admin.display(description="地址")
    def masked_address(self, obj: Delivery) -> str:
        if obj.channel == Channel.SMS:
            return mask_mobile(obj.address)
        return obj.address

    @admin.action(description="重新发送所选记录（从第 1 次尝试开始）")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        from fapiao.notify.services import enqueue_deliveries

        ids = list(queryset.exclude(status=DeliveryStatus.SENT).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        enqueue_deliveries(ids)
        self.message_user(request, f"已重新排队 {len(ids)} 条发送记录。", messages.SUCCESS)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    list_display = ("channel", "event", "subject", "updated_at")
    list_filter = ("channel",)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin[NotificationSettings]):
    list_display = ("user", "updated_at")
    raw_id_fields = ("user",)
