"""`fapiao manage check_ticket_deadlines`: SLA warnings and breaches (run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fapiao.feedback.deadlines import check_deadlines


class Command(BaseCommand):
    help = "检查工单时效：即将超时和已超时的提醒（重复运行不会重复提醒），并关闭过期的已解决工单"

    def handle(self, *args: Any, **options: Any) -> None:
        r = check_deadlines()
        self.stdout.write(
            f"即将超时提醒 {r.warnings} 个，超时提醒 {r.breaches} 个，自动关闭 {r.auto_closed} 个。"
        )
