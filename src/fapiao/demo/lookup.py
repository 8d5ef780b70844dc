"""Demo state for 发票查询: the upstream sources with a recent successful sync, so the
diagnosis can say "issued after the last sync" and /status has something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fapiao.accounts.models import Organisation
from fapiao.lookup.models import SourceStatus, SyncSource

SOURCES = (
    ("beijing-etax", "北京市电子税务局", "北京", 40),
    ("national-verify", "全国增值税发票查验平台", "", 95),
)


def seed_sources(org: Organisation | None = None, *, seed: int = 0) -> list[SyncSource]:
    """Create (or refresh) the demo sources; safe to run twice."""
    now = timezone.now()
    made = []
    for slug, name, region, minutes_ago in SOURCES:
        source, _ = SyncSource.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "region": region,
                "status": SourceStatus.OK,
                "last_success_at": now - dt.timedelta(minutes=minutes_ago),
                "last_attempt_at": now - dt.timedelta(minutes=minutes_ago),
            },
        )
        made.append(source)
    return made
