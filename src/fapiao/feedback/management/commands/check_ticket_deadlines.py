"""`fapiao manage check_ticket_deadlines`: SLA warnings and breaches (run from cron, when no
worker runs the `feedback.deadlines` job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fapiao.feedback.deadlines import check_deadlines
from fapiao.feedback.jobs import describe_deadlines


class Command(BaseCommand):
    help = "检查工单时效：即将超时和已超时的提醒（重复运行不会重复提醒），并关闭过期的已解决工单"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(describe_deadlines(check_deadlines()))
