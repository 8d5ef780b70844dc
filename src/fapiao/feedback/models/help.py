"""Help-centre articles (帮助中心)."""

from __future__ import annotations

from django.db import models

from fapiao.accounts.models import Organisation


class Article(models.Model):
    # Empty organisation: an article every organisation sees (the seeded guide).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="help_articles",
        verbose_name="组织（留空为全部）",
    )
    slug = models.SlugField("地址名", max_length=80, unique=True)
    title = models.CharField("标题", max_length=200)
    summary = models.CharField("摘要", max_length=300, blank=True)
    body = models.TextField("正文")
    keywords = models.CharField("搜索关键词", max_length=300, blank=True)
    order = models.PositiveIntegerField("顺序", default=100)
    published = models.BooleanField("发布", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "帮助文章"
        verbose_name_plural = "帮助文章"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title
