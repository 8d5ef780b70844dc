"""`fapiao manage import_support_mail --maildir PATH`: support mail -> tickets (cron-safe;
the worker's `feedback.mail` job does the same for FAPIAO_FEEDBACK_MAILDIR)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fapiao.feedback.jobs import describe_mail
from fapiao.feedback.mail import import_maildir


class Command(BaseCommand):
    help = "导入客服邮箱（Maildir）中的新邮件：新邮件生成工单，回复归入原工单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--maildir", required=True, help="客服邮箱的 Maildir 目录")

    def handle(self, *args: Any, **options: Any) -> None:
        result = import_maildir(options["maildir"])
        self.stdout.write(describe_mail(result))
        for why in result.skipped:
            self.stdout.write(f"  跳过：{why}")
