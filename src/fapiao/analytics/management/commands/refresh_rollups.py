"""`fapiao manage refresh_rollups`: rebuild the analytics roll-ups of changed months now
(the worker does it every few seconds; this is for after a bulk load or a restore)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "重建有变动月份的统计汇总（后台任务进程会自动进行；批量导入后可手动执行）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", type=int, help="只处理这个组织（编号）")
        parser.add_argument("--all", action="store_true", help="先把所有月份标为有变动，再全部重建")

    def handle(self, *args: Any, **options: Any) -> None:
        from fapiao.analytics.rollups import mark_all_dirty, refresh

        if options["all"]:
            mark_all_dirty(options["organisation"])
        rebuilt = refresh(options["organisation"])
        self.stdout.write(f"统计汇总已更新：重建 {rebuilt} 个月份。")
