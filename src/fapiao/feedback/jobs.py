"""Periodic jobs of fapiao.feedback (see fapiao.jobs): ticket deadlines (SLA warnings and
breaches, closing resolved tickets after the reopen window) and the support Maildir.

Safe on many workers at once: every notice carries a dedupe key, closing a closed ticket
finds nothing to do, and a message is imported once (by Message-ID).
"""

from __future__ import annotations

from fapiao.feedback import conf
from fapiao.feedback.deadlines import CheckResult, check_deadlines
from fapiao.feedback.mail import ImportResult, import_maildir
from fapiao.jobs import periodic

DEADLINE_SECONDS = 300.0
# Mail has its own job, so a slow mailbox never delays an SLA warning.
MAIL_SECONDS = 60.0


def describe_deadlines(result: CheckResult) -> str:
    return (
        f"即将超时提醒 {result.warnings} 个，超时提醒 {result.breaches} 个，"
        f"自动关闭 {result.auto_closed} 个。"
    )


def describe_mail(result: ImportResult) -> str:
    return (
        f"新工单 {len(result.created)} 个，回复归档 {len(result.threaded)} 封，"
        f"跳过 {len(result.skipped)} 封。"
    )


@periodic(
    "feedback.deadlines",
    every=DEADLINE_SECONDS,
    help="工单时效：即将超时和已超时的提醒，关闭超过重新打开期限的已解决工单",
)
def check_ticket_deadlines() -> str:
    result = check_deadlines()
    if result.warnings or result.breaches or result.auto_closed:
        return describe_deadlines(result)
    return ""


@periodic(
    "feedback.mail",
    every=MAIL_SECONDS,
    help="导入客服邮箱（FAPIAO_FEEDBACK_MAILDIR）中的新邮件：新邮件生成工单，回复归入原工单",
)
def import_support_mail() -> str:
    path = conf.maildir()
    if path is None:
        return ""  # not configured: mail waits wherever the MTA delivers it
    result = import_maildir(path)
    if result.created or result.threaded or result.skipped:
        return describe_mail(result)
    return ""
