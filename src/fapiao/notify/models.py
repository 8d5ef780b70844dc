"""Notifications: the in-app inbox (站内信), the outbox of email/SMS deliveries, and each
user's choice of channels per event.

The inbox row and its deliveries are written in the caller's transaction (the status change
and its notification commit together); the worker sends the deliveries afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Event(models.TextChoices):
    INVOICE_RETURNED = "invoice_returned", "发票被退回"
    INVOICE_APPROVED = "invoice_approved", "发票已审核"
    INVOICE_REIMBURSED = "invoice_reimbursed", "发票已报销"
    TAX_STATUS_CHANGED = "tax_status_changed", "发票状态变化（作废/红冲）"
    READING_FAILED = "reading_failed", "上传的文件无法识别"
    REVIEW_FLAGGED = "review_flagged", "审核中的发票被作废或红冲"
    BUDGET_ALERT = "budget_alert", "预算提醒"
    TICKET_REPLY = "ticket_reply", "工单有新回复"
    TICKET_ASSIGNED = "ticket_assigned", "工单分派给我"
    TICKET_RESOLVED = "ticket_resolved", "工单已解决"
    SLA_WARNING = "sla_warning", "工单即将超时"
    SURVEY = "survey", "满意度调查"


class Channel(models.TextChoices):
    EMAIL = "email", "邮件"
    SMS = "sms", "短信"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    # Claimed by a worker; next_attempt_at is then the end of its lease, after which the
    # sweep hands the delivery to another worker (the first one probably died mid-send).
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="收件人",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="组织",
    )
    event = models.CharField("事件", max_length=32, choices=Event.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    invoice = models.ForeignKey(
        "invoices.Invoice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发票",
    )
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    dedupe_key = models.CharField("去重键", max_length=200, blank=True)

    class Meta:
        verbose_name = "站内信"
        verbose_name_plural = "站内信"
        # Newest first; ids grow with time and page the inbox without OFFSET.
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="uniq_notification_dedupe",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notif_inbox"),
            # The unread badge on every page counts this small partial index.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One email or SMS to send for a notification (the transactional outbox)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name="通知"
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    # The address at the time of the event: what was sent where stays on record.
    address = models.CharField("地址", max_length=254)
    status = models.CharField(
        "状态", max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次处理时间", default=timezone.now)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        indexes = [
            # The sweep looks only at open deliveries that are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk}"

    @property
    def idempotency_key(self) -> str:
        """Sent with every attempt, so a gateway can drop a repeat after a crash mid-send."""
        return f"fapiao-delivery-{self.pk}"


class NotificationSettings(models.Model):
    """A user's mobile number and channel choices; absent choices use the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name="用户",
    )
    mobile = models.CharField("手机号", max_length=20, blank=True)
    # {"invoice_returned": {"email": true, "sms": false}, ...}: only what the user changed.
    choices = models.JSONField("通知方式", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"

    def __str__(self) -> str:
        return str(self.user)


class MessageTemplate(models.Model):
    """Wording for email/SMS (Django template syntax): the installation's (no organisation;
    its operator's, in the Django admin) or one organisation's override (its admin's, in
    系统设置). The most specific row wins: the organisation's for the event, its own for
    every event (blank), the installation's likewise, else the built-in text."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="组织",
        help_text="留空：整个系统的默认模板",
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    event = models.CharField(
        "事件", max_length=32, choices=Event.choices, blank=True, help_text="留空表示所有事件"
    )
    subject = models.CharField(
        "邮件标题", max_length=200, blank=True, help_text="可用变量：{{ title }}"
    )
    body = models.TextField(
        "正文",
        help_text="可用变量：{{ title }} {{ body }} {{ link }} {{ name }} {{ event }}",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "通知模板"
        verbose_name_plural = "通知模板"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "event"],
                condition=Q(organisation__isnull=True),
                name="uniq_message_template",
            ),
            models.UniqueConstraint(
                fields=["organisation", "channel", "event"],
                condition=Q(organisation__isnull=False),
                name="uniq_org_message_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_event_display() or '所有事件'}"
