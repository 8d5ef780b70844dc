"""Periodic jobs of fapiao.analytics (see fapiao.jobs).

Safe on many workers at once: the roll-up refresh holds a PostgreSQL advisory lock (one
refresher at a time; the others skip the round), and a budget alert is sent once per
threshold and period whoever checks.
"""

from __future__ import annotations

from fapiao.analytics import rollups
from fapiao.analytics.tasks import check_all_budgets
from fapiao.config import env_float
from fapiao.jobs import periodic

# Alerts follow approvals at once (a task per approval); the periodic check catches what
# no approval triggers, such as a new period starting.
BUDGET_CHECK_SECONDS = 3600.0


def _refresh_seconds() -> float:
    return env_float("FAPIAO_ROLLUP_REFRESH_SECONDS", minimum=0.5)


@periodic(
    "analytics.rollups",
    every=_refresh_seconds,
    at_start=True,  # what a restart or a bulk load left dirty
    help="重建有变动月份的统计汇总（数字无论是否重建都准确，重建让统计更快）",
)
def refresh_rollups() -> str:
    rebuilt = rollups.refresh()
    return f"重建 {rebuilt} 个月份的统计汇总。" if rebuilt else ""


@periodic(
    "analytics.budgets",
    every=BUDGET_CHECK_SECONDS,
    help="检查所有启用的预算，发送到期的预算提醒（每个阈值每个期间只提醒一次）",
)
def check_budgets() -> str:
    sent = check_all_budgets.call()
    return f"预算检查完成：发送 {sent} 条提醒。" if sent else ""
