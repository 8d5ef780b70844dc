"""Category rules and manual choices, budgets and the alerts they have raised."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from fapiao.accounts.models import Department, Organisation
from fapiao.invoices.models import Invoice


class RuleKind(models.TextChoices):
    SELLER = "seller", "按销售方"
    KEYWORD = "keyword", "按项目名称关键词"


class CategoryRule(models.Model):
    """A finance admin's rule: invoices of this seller, or lines whose name holds this
    keyword, belong to `category`. The highest priority that matches wins."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="category_rules", verbose_name="组织"
    )
    kind = models.CharField("规则类型", max_length=10, choices=RuleKind.choices)
    # seller: a tax id (exact) or part of the seller's name; keyword: part of an item name.
    pattern = models.CharField("匹配内容", max_length=200)
    category = models.CharField("类别", max_length=40)
    priority = models.IntegerField("优先级", default=100)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "分类规则"
        verbose_name_plural = "分类规则"
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}「{self.pattern}」→ {self.category}"


class CategoryOverride(models.Model):
    """A person's choice of category for a whole invoice (position null) or one line."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="组织"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="category_overrides", verbose_name="发票"
    )
    position = models.PositiveSmallIntegerField("明细序号", null=True, blank=True)
    category = models.CharField("类别", max_length=40)
    # Copied from the invoice so that "what did people choose for this seller" is one
    # indexed query (the suggestions), without joining every invoice.
    seller_key = models.CharField("销售方", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="选择人",
    )
    created_at = models.DateTimeField("选择时间", auto_now=True)

    class Meta:
        verbose_name = "手工分类"
        verbose_name_plural = "手工分类"
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"],
                name="uniq_override_line",
                condition=models.Q(position__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["invoice"],
                name="uniq_override_invoice",
                condition=models.Q(position__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "seller_key"], name="ovr_org_seller")]

    def __str__(self) -> str:
        where = f"第 {self.position} 行" if self.position else "整张"
        return f"发票 {self.invoice_id} {where} → {self.category}"


class BudgetPeriod(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


def default_thresholds() -> list[int]:
    return [80, 100]


class Budget(models.Model):
    """A spending limit for every month, quarter or year: of the whole organisation, or
    narrowed to a department and/or a category."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="budgets", verbose_name="组织"
    )
    name = models.CharField("名称", max_length=100)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budgets",
        verbose_name="部门",
    )
    category = models.CharField("类别", max_length=40, blank=True)
    period = models.CharField(
        "周期", max_length=10, choices=BudgetPeriod.choices, default=BudgetPeriod.MONTH
    )
    amount = models.DecimalField("预算金额", max_digits=18, decimal_places=2)
    # Percentages of the amount at which finance is alerted, once per period each.
    thresholds = models.JSONField("提醒阈值（%）", default=default_thresholds)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "预算"
        verbose_name_plural = "预算"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_period_display()} {self.amount or Decimal(0)}）"


class AlertKind(models.TextChoices):
    REACHED = "reached", "已达阈值"
    PROJECTED = "projected", "预计超支"


class BudgetAlert(models.Model):
    """An alert already sent: one per budget, period, kind and threshold."""

    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="alerts", verbose_name="预算"
    )
    period_key = models.CharField("期间", max_length=10)  # 2026-11, 2026-Q4, 2026
    kind = models.CharField("类型", max_length=10, choices=AlertKind.choices)
    threshold = models.PositiveSmallIntegerField("阈值（%）")
    consumed = models.DecimalField("当时已用", max_digits=18, decimal_places=2)
    projected = models.DecimalField("当时预计", max_digits=18, decimal_places=2)
    notified = models.PositiveIntegerField("通知人数", default=0)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)

    class Meta:
        verbose_name = "预算提醒"
        verbose_name_plural = "预算提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "period_key", "kind", "threshold"], name="uniq_budget_alert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.budget_id} {self.period_key} {self.kind} {self.threshold}%"


# Roll-ups (fapiao.analytics.rollups). Derived data: rebuilt from the invoices at any time,
# so they hold plain integers, no foreign keys that a deletion would have to cascade through.


class MonthSums(models.Model):
    """What a roll-up row holds: whole-fen sums and the count of one group of one month."""

    organisation_id = models.BigIntegerField()
    month = models.CharField(max_length=7)  # 2026-11
    pending = models.BooleanField()  # counted only when pending invoices are included
    total_c = models.BigIntegerField()
    amount_c = models.BigIntegerField()
    tax_c = models.BigIntegerField()
    count = models.IntegerField()

    class Meta:
        abstract = True


class SpendRollup(MonthSums):
    """Counted spending of one organisation in one month, grouped like counting.Cell."""

    category = models.CharField(max_length=40)
    department_id = models.BigIntegerField(null=True)
    special = models.BooleanField()  # 专票

    class Meta:
        indexes = [models.Index(fields=["organisation_id", "month"], name="spend_rollup_month")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month} {self.category}"


class SellerRollup(MonthSums):
    """Counted spending of one organisation in one month by seller name (top sellers)."""

    seller_name = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["organisation_id", "month"], name="seller_rollup_month")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month} {self.seller_name}"


class RollupDirty(models.Model):
    """A month whose invoices changed since its roll-ups were built. Database triggers on
    the invoices table (migration 0003) insert it or bump `gen` in the same transaction as
    the change; a refresh deletes it only when `gen` is still what it read."""

    organisation_id = models.BigIntegerField()
    month = models.CharField(max_length=7)
    gen = models.BigIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation_id", "month"], name="rollup_dirty_month")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month} (gen {self.gen})"
