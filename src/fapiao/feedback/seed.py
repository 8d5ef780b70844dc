"""Reference data every installation starts with: the holiday calendar (State Council
notices 2025–2026) and the help-centre troubleshooting guide. Used by the migration (with
its historical models), the demo, and tests that run after a database flush."""

from __future__ import annotations

from typing import Any

from fapiao.core.cn_holidays import MAKEUP_WORKDAYS, holiday_days
from fapiao.feedback.help_seed import ARTICLES


def seed_reference_data(holiday: Any = None, article: Any = None) -> None:
    if holiday is None or article is None:
        from fapiao.feedback.models import Article, Holiday

        holiday, article = Holiday, Article
    if not holiday.objects.exists():
        holiday.objects.bulk_create(
            [holiday(date=d, kind="holiday", name=n) for d, n in holiday_days()]
            + [holiday(date=d, kind="workday", name=n) for d, n in MAKEUP_WORKDAYS]
        )
    for item in ARTICLES:
        article.objects.get_or_create(slug=item["slug"], defaults=dict(item))
