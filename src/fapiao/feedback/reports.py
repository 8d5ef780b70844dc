"""Reports of the feedback desk for one organisation and a period of ticket creation:
volume by category and period, first-reply and resolution SLA compliance, satisfaction per
agent / department / category, top topics. Each figure is one database aggregate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.core.workhours import BEIJING
from fapiao.feedback.models import Category, Rating, Status, Ticket

TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
LABELS = dict(Category.choices)
WAITING = Status.WAITING_USER


def tickets_in(organisation_id: int, since: dt.date, until: dt.date) -> QuerySet[Ticket]:
    """Tickets created from `since` to `until` inclusive, in Beijing days."""
    start = dt.datetime.combine(since, dt.time(), BEIJING)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), BEIJING)
    return Ticket.objects.filter(
        organisation_id=organisation_id, created_at__gte=start, created_at__lt=end
    )


def volume(qs: QuerySet[Ticket], period: str = "month") -> list[dict[str, Any]]:
    trunc = TRUNC[period]("created_at", tzinfo=BEIJING)
    rows = (
        qs.annotate(bucket=trunc)
        .values("bucket", "category")
        .annotate(count=Count("pk"))
        .order_by("bucket", "category")
    )
    out = []
    for row in rows:
        bucket = row["bucket"]
        day = bucket.astimezone(BEIJING).date() if isinstance(bucket, dt.datetime) else bucket
        out.append(
            {
                "period": day.isoformat(),
                "category": row["category"],
                "category_label": LABELS.get(row["category"], row["category"]),
                "count": row["count"],
            }
        )
    return out


def _compliance(met: int, late: int, pending: int) -> dict[str, Any]:
    decided = met + late
    return {
        "met": met,
        "breached": late,
        "pending": pending,
        "rate": round(met / decided, 4) if decided else None,
    }


def sla(qs: QuerySet[Ticket], now: dt.datetime | None = None) -> dict[str, Any]:
    """A target is met when answered/resolved by its deadline; breached when answered late
    or still unanswered after it; pending while the deadline has not come."""
    now = now or timezone.now()
    done = Coalesce("resolved_at", "closed_at")
    agg = qs.annotate(done_at=done).aggregate(
        first_met=Count("pk", filter=Q(first_reply_at__lte=F("first_reply_due"))),
        first_late=Count(
            "pk",
            filter=Q(first_reply_at__gt=F("first_reply_due"))
            | Q(first_reply_at__isnull=True, first_reply_due__lt=now),
        ),
        first_pending=Count("pk", filter=Q(first_reply_at__isnull=True, first_reply_due__gte=now)),
        res_met=Count("pk", filter=Q(done_at__lte=F("resolution_due"))),
        res_late=Count(
            "pk",
            filter=Q(done_at__gt=F("resolution_due"))
            | (Q(done_at__isnull=True, resolution_due__lt=now) & ~Q(status=WAITING)),
        ),
        # Waiting for the requester: the clock is stopped, so not (yet) breached.
        res_pending=Count(
            "pk",
            filter=Q(done_at__isnull=True) & (Q(resolution_due__gte=now) | Q(status=WAITING)),
        ),
    )
    return {
        "first_reply": _compliance(agg["first_met"], agg["first_late"], agg["first_pending"]),
        "resolution": _compliance(agg["res_met"], agg["res_late"], agg["res_pending"]),
    }


def satisfaction(qs: QuerySet[Ticket]) -> dict[str, Any]:
    ratings = Rating.objects.filter(ticket__in=qs)
    overall = ratings.aggregate(average=Avg("score"), count=Count("pk"))

    def grouped(field: str, label: str) -> list[dict[str, Any]]:
        rows = (
            ratings.values(field, label)
            .annotate(average=Avg("score"), count=Count("pk"))
            .order_by(field)
        )
        return [
            {
                "key": r[field],
                "name": LABELS.get(r[label], r[label]) if field == "category" else r[label],
                "average": round(float(r["average"]), 2),
                "count": r["count"],
            }
            for r in rows
        ]

    by_agent = grouped("agent_id", "agent__username")
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[r["key"] for r in by_agent])}
    for row in by_agent:
        row["name"] = names.get(row["key"], row["name"])  # 姓名 rather than the login name
    return {
        "average": round(float(overall["average"]), 2) if overall["average"] else None,
        "count": overall["count"],
        "by_agent": by_agent,
        "by_department": grouped("department_id", "department__name"),
        "by_category": grouped("category", "category"),
    }


def top_topics(qs: QuerySet[Ticket], limit: int = 10) -> list[dict[str, Any]]:
    rows = (
        qs.exclude(topic="")
        .values("topic")
        .annotate(count=Count("pk"))
        .order_by("-count", "topic")[:limit]
    )
    return [{"topic": r["topic"], "count": r["count"]} for r in rows]


def full_report(
    organisation_id: int, since: dt.date, until: dt.date, period: str = "month"
) -> dict[str, Any]:
    qs = tickets_in(organisation_id, since, until)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "total": qs.count(),
        "volume": volume(qs, period),
        "sla": sla(qs),
        "satisfaction": satisfaction(qs),
        "top_topics": top_topics(qs),
    }
