"""Background jobs of fapiao.feedback; safe to run twice (notices are deduplicated)."""

from __future__ import annotations

from django_tasks import task

from fapiao.feedback.deadlines import check_deadlines


@task()
def check_ticket_deadlines() -> dict[str, int]:
    """Enqueue every few minutes (a cron line or a scheduler calling `.enqueue()`)."""
    result = check_deadlines()
    return {
        "warnings": result.warnings,
        "breaches": result.breaches,
        "auto_closed": result.auto_closed,
    }
