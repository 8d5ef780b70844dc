"""What an admin edits: the holiday calendar and the routing rules."""

from __future__ import annotations

from django.db import models

from fapiao.accounts.models import Department, Organisation
from fapiao.feedback.models.tickets import Category


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class Holiday(models.Model):
    """A national day off, or a weekend day worked (调休上班). Seeded from the State
    Council notices for 2025–2026; an admin adds each new year's notice here."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=HolidayKind.choices)
    name = models.CharField("名称", max_length=50)

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}（{self.get_kind_display()}）"


class RoutingRule(models.Model):
    """Category and keywords -> department. Rules are tried in `order` (smallest first);
    the first that matches wins."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="routing_rules", verbose_name="组织"
    )
    name = models.CharField("名称", max_length=100)
    order = models.PositiveIntegerField("顺序", default=100, help_text="数字小的先匹配")
    category = models.CharField(
        "类别", max_length=12, choices=Category.choices, blank=True, help_text="留空：任何类别"
    )
    keywords = models.CharField(
        "关键词",
        max_length=500,
        blank=True,
        help_text="用逗号或空格分隔，标题或内容包含任一即匹配；留空：不看关键词",
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+", verbose_name="分派到部门"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分派规则"
        verbose_name_plural = "分派规则"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        text = self.keywords.replace("，", ",").replace("、", ",").replace(" ", ",")
        return [k.strip() for k in text.split(",") if k.strip()]
