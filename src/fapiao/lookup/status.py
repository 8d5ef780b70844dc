"""What /status shows: the database, the worker and its queue, the last sync of each
upstream source, the verification provider's health and any maintenance window."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from fapiao.lookup import conf
from fapiao.lookup.models import SyncSource
from fapiao.lookup.upstream import system_state


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor, "message": "正常"}
    except DatabaseError as exc:
        return {"ok": False, "vendor": connection.vendor, "message": f"无法访问：{exc}"}


def _worker() -> dict[str, Any]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    pid_file = Path(settings.DATA_DIR) / "worker.pid"
    running = False
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), 0)
            running = True
        except (ValueError, OSError):
            running = False
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    oldest = queued.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "running": running,
        "queue_depth": queued.count(),
        "oldest_waiting_minutes": None
        if oldest is None
        else int((timezone.now() - oldest).total_seconds() // 60),
        "failed_last_day": DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=timezone.now() - dt.timedelta(days=1)
        ).count(),
    }


def _sources(now: dt.datetime) -> list[dict[str, Any]]:
    stale_after = dt.timedelta(minutes=2 * conf.sync_interval_minutes())
    return [
        {
            "name": s.name,
            "region": s.region or "其他地区",
            "status": s.status,
            "status_label": s.get_status_display(),
            "message": s.message,
            "last_success_at": s.last_success_at,
            "stale": s.last_success_at is None or now - s.last_success_at > stale_after,
            "retry_at": s.retry_at,
        }
        for s in SyncSource.objects.order_by("region", "name")
    ]


def system_status(organisation_id: int | None = None) -> dict[str, Any]:
    now = timezone.now()
    state = system_state(now, organisation_id)
    p = state.provider
    provider = {
        "configured": bool(conf.platform_url()),
        "breaker_open_until": state.breaker_open_until,
        "rate_limited_until": state.rate_limited_until,
        "maintenance_until": state.provider_maintenance_until,
        "consecutive_failures": p.consecutive_failures if p else 0,
        "last_success_at": p.last_success_at if p else None,
        "last_error": p.last_error if p else "",
    }
    provider["healthy"] = provider["configured"] and not (
        provider["breaker_open_until"] or provider["maintenance_until"]
    )
    return {
        "now": now,
        "database": _database(),
        "worker": _worker(),
        "sources": _sources(now),
        "provider": provider,
        "maintenance": state.maintenance,
    }
