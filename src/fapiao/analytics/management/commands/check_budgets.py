"""`fapiao manage check_budgets`: the periodic budget check once (the worker runs it hourly
as the `analytics.budgets` job; this is for cron on a machine without a worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "检查所有启用的预算，发送到期的预算提醒（每个阈值每个期间只提醒一次）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务进程执行")

    def handle(self, *args: Any, **options: Any) -> None:
        from fapiao.analytics.tasks import check_all_budgets

        if options["enqueue"]:
            check_all_budgets.enqueue()
            self.stdout.write("已加入后台任务队列。")
            return
        sent = check_all_budgets.call()
        self.stdout.write(f"预算检查完成：发送 {sent} 条提醒。")
