"""Tickets: every question, suggestion, complaint or enquiry, with its thread and history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fapiao.accounts.models import Department, Organisation


class Category(models.TextChoices):
    PROBLEM = "problem", "问题"
    SUGGESTION = "suggestion", "建议"
    COMPLAINT = "complaint", "投诉"
    ENQUIRY = "enquiry", "咨询"


class Priority(models.TextChoices):
    LOW = "low", "低"
    NORMAL = "normal", "普通"
    HIGH = "high", "高"
    URGENT = "urgent", "紧急"


class Status(models.TextChoices):
    NEW = "new", "新建"
    ASSIGNED = "assigned", "已分派"
    IN_PROGRESS = "in_progress", "处理中"
    WAITING_USER = "waiting_user", "待用户回复"
    RESOLVED = "resolved", "已解决"
    CLOSED = "closed", "已关闭"


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_USER)


class Channel(models.TextChoices):
    WEB = "web", "网页反馈"
    API = "api", "API"
    CHAT = "chat", "在线客服"
    EMAIL = "email", "邮件"


class Ticket(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="tickets", verbose_name="组织"
    )
    number = models.CharField("工单号", max_length=20, unique=True)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    priority = models.CharField(
        "优先级", max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        "状态", max_length=14, choices=Status.choices, default=Status.NEW, db_index=True
    )
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices, default=Channel.WEB)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name="提交人",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name="负责部门",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name="处理人",
    )
    # What the routing matched (a rule keyword or name): the "top topics" report counts it.
    topic = models.CharField("主题", max_length=100, blank=True)
    page_url = models.CharField("所在页面", max_length=500, blank=True)
    invoice = models.ForeignKey(
        "invoices.Invoice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name="相关发票",
    )
    email_message_id = models.CharField("邮件 Message-ID", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", db_index=True)
    first_reply_due = models.DateTimeField("首次回复期限")
    resolution_due = models.DateTimeField("解决期限")
    # While a ticket waits for the requester (待用户回复) its resolution clock stops; on
    # resuming, the resolution deadline moves by the working time spent waiting.
    waiting_since = models.DateTimeField("等待用户起始", null=True, blank=True)
    first_reply_at = models.DateTimeField("首次回复时间", null=True, blank=True)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class MessageKind(models.TextChoices):
    PUBLIC = "public", "回复"
    INTERNAL = "internal", "内部备注"


class TicketMessage(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name="工单"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="作者",
    )
    # Internal notes are for agents only: never shown to the requester, never emailed.
    kind = models.CharField(
        "类型", max_length=10, choices=MessageKind.choices, default=MessageKind.PUBLIC
    )
    body = models.TextField("内容")
    email_message_id = models.CharField("邮件 Message-ID", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "工单回复"
        verbose_name_plural = "工单回复"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket.number} #{self.pk}"


class TicketEvent(models.Model):
    """The history: creation, assignment and reassignment, every status change."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name="工单"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    kind = models.CharField("事件", max_length=20)  # created / assigned / reassigned / status
    from_status = models.CharField("原状态", max_length=14, blank=True)
    to_status = models.CharField("新状态", max_length=14, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "工单记录"
        verbose_name_plural = "工单记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.kind}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored names never use the uploaded name (it may hold anything); the download
    # response gives the original name back.
    return f"feedback/{instance.ticket.organisation_id}/{instance.ticket_id}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name="工单"
    )
    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name="所属回复",
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上传人",
    )
    internal = models.BooleanField("仅客服可见", default=False)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name
