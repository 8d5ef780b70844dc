"""State the diagnosis reads: upstream sources and their last successful sync, maintenance
windows, the verification provider's health (circuit breaker, rate limiting), the per-invoice
daily verification count and cached verification answers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from fapiao.accounts.models import Organisation


class SourceStatus(models.TextChoices):
    OK = "ok", "正常"
    MAINTENANCE = "maintenance", "维护中"
    DOWN = "down", "不可用"


class SyncSource(models.Model):
    """An upstream system invoices come from (a province's 电子税务局, the national
    platform). Invoices issued after its last successful sync cannot be known yet."""

    slug = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    # 2-character province name as core.codes decodes it ("北京"); empty = every other region.
    region = models.CharField("地区", max_length=20, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=SourceStatus.choices, default=SourceStatus.OK
    )
    message = models.CharField("说明", max_length=200, blank=True)
    last_success_at = models.DateTimeField("上次成功同步", null=True, blank=True)
    last_attempt_at = models.DateTimeField("上次尝试同步", null=True, blank=True)
    retry_at = models.DateTimeField("预计恢复时间", null=True, blank=True)

    class Meta:
        verbose_name = "同步来源"
        verbose_name_plural = "同步来源"

    def __str__(self) -> str:
        return self.name


class MaintenanceWindow(models.Model):
    """A maintenance window of this service: the installation's (announced by its operator
    in the Django admin; no organisation) or one organisation's (announced by its admin in
    系统设置), which stops only that organisation's writes."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="组织",
        help_text="留空：整个系统（所有组织）",
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    message = models.CharField("公告", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = "维护窗口"
        verbose_name_plural = "维护窗口"
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="lookup_maint_ends")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M}"

    @classmethod
    def active_all(cls, now: dt.datetime | None = None) -> list[MaintenanceWindow]:
        """Every window active now, the installation's and each organisation's."""
        now = now or timezone.now()
        qs = cls.objects.filter(starts_at__lte=now, ends_at__gt=now)
        return list(qs.order_by("ends_at", "pk"))


class ProviderState(models.Model):
    """Health of a verification provider, shared by web processes and workers through the
    database so that one process's failures open the breaker for all."""

    name = models.CharField("名称", max_length=40, unique=True)
    consecutive_failures = models.PositiveIntegerField("连续失败次数", default=0)
    open_until = models.DateTimeField("熔断至", null=True, blank=True)
    rate_limited_until = models.DateTimeField("限流至", null=True, blank=True)
    maintenance_until = models.DateTimeField("维护至", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=200, blank=True)
    last_success_at = models.DateTimeField("上次成功", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "查验服务状态"
        verbose_name_plural = "查验服务状态"

    def __str__(self) -> str:
        return self.name


class VerificationCount(models.Model):
    """How often an organisation sent an invoice to the platform on one (Beijing) day: the
    platform allows 5. Counted per organisation so that no organisation learns from its
    lookups that another one checked the same number (the platform's own 002 still stops
    a sixth check whoever asks)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    identity_key = models.CharField("发票标识", max_length=40)
    day = models.DateField("日期")
    count = models.PositiveSmallIntegerField("次数", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "identity_key", "day"], name="uniq_verify_count_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identity_key} {self.day}: {self.count}"


class VerificationResult(models.Model):
    """The platform's last answer about one invoice, per organisation (cached)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    identity_key = models.CharField("发票标识", max_length=40)
    platform_code = models.CharField("平台代码", max_length=8)
    cause = models.CharField("原因", max_length=30, blank=True)
    tax_status = models.CharField("发票状态", max_length=12, blank=True)
    message = models.CharField("说明", max_length=200, blank=True)
    data = models.JSONField("返回数据", default=dict, blank=True)
    checked_at = models.DateTimeField("查验时间")

    class Meta:
        verbose_name = "查验结果"
        verbose_name_plural = "查验结果"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "identity_key"], name="uniq_verify_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identity_key}: {self.platform_code}"
