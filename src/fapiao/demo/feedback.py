"""Demo data of the feedback desk: routing rules, tickets in every state over recent weeks
(replies, internal notes, ratings), suggestions with +1 votes, one periodic survey.
Notices are silenced: loading the demo sends no mail."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from fapiao.accounts.models import Department, Organisation, User
from fapiao.accounts.roles import Role
from fapiao.feedback import notices, services, workflow
from fapiao.feedback.models import (
    Category,
    RoutingRule,
    Status,
    SuggestionVote,
    Survey,
    SurveyResponse,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from fapiao.feedback.seed import seed_reference_data

SAMPLES = [
    (Category.PROBLEM, "上传的 PDF 一直显示识别中", "上午上传的电子发票 PDF 到现在还是“识别中”。"),
    (Category.PROBLEM, "照片识别金额错误", "拍照上传的餐饮发票，金额识别成了 1.00 元。"),
    (Category.ENQUIRY, "数电票怎么查验", "收到的全电发票没有发票代码，系统里怎么查验？"),
    (Category.COMPLAINT, "报销审核太慢", "上个月 5 号提交的差旅费至今没有审核。"),
    (Category.SUGGESTION, "希望支持批量导出 PDF", "月底对账时希望能一次导出所有发票原件。"),
    (Category.SUGGESTION, "希望手机上也能扫码上传", "出差时用手机直接扫发票二维码会方便很多。"),
    (Category.ENQUIRY, "发票抬头写错了怎么办", "对方开票时把公司名称写错了一个字。"),
    (Category.PROBLEM, "登录后总是被退出", "每隔几分钟就提示登录已过期。"),
]


def seed_feedback(org: Organisation, *, seed: int = 2026) -> int:
    """Returns how many tickets were created."""
    seed_reference_data()
    rng = random.Random(seed)
    support_dept = Department.objects.filter(organisation=org, name="行政部").first()
    if support_dept is not None:
        RoutingRule.objects.get_or_create(
            organisation=org,
            name="上传与识别",
            defaults={"order": 10, "keywords": "上传，识别，扫码，PDF", "department": support_dept},
        )
        RoutingRule.objects.get_or_create(
            organisation=org,
            name="投诉",
            defaults={"order": 20, "category": Category.COMPLAINT, "department": support_dept},
        )
    requesters = list(
        User.objects.filter(organisation=org, role=Role.SUBMITTER).order_by("username")
    )
    if not requesters:
        return 0
    now = timezone.now()
    made = 0
    with notices.silenced():
        # Oldest first, so that ticket numbers follow the dates.
        moments = sorted(
            now - dt.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 8)) for _ in range(24)
        )
        for i, at in enumerate(moments):
            category, subject, body = SAMPLES[i % len(SAMPLES)]
            ticket = services.create_ticket(
                requester=rng.choice(requesters),
                category=category,
                subject=subject,
                body=body,
                priority=rng.choice(["normal", "normal", "high", "low"]),
                now=at,
            )
            made += 1
            agent = ticket.assignee
            if agent is None or i % 5 == 0:
                continue  # some stay new/assigned, some overdue
            services.reply(
                ticket=ticket, author=agent, body="内部：已复现，转研发排查。", internal=True
            )
            services.reply(ticket=ticket, author=agent, body="您好，我们正在处理，请稍候。")
            if i % 3 == 0:
                continue
            workflow.transition(
                ticket=ticket, user=agent, to=Status.RESOLVED, comment="问题已解决，请确认。"
            )
            if i % 2 == 0:
                workflow.rate(ticket=ticket, user=ticket.requester, score=rng.choice([3, 4, 5, 5]))
        for ticket in org.tickets.all():
            _backdate(ticket, rng)
        for ticket in org.tickets.filter(category=Category.SUGGESTION):
            for voter in rng.sample(requesters, k=min(len(requesters), rng.randint(0, 4))):
                if voter.pk != ticket.requester_id:
                    SuggestionVote.objects.get_or_create(ticket=ticket, user=voter)
    admin = User.objects.filter(organisation=org, role=Role.ADMIN).first()
    if admin is not None:
        survey = Survey.objects.create(
            organisation=org,
            title="2026 年第四季度服务满意度",
            question="您对发票报销服务的整体满意度如何？",
            created_by=admin,
        )
        for user in requesters:
            answered = rng.random() < 0.5
            SurveyResponse.objects.create(
                survey=survey,
                user=user,
                score=rng.randint(3, 5) if answered else None,
                answered_at=now if answered else None,
            )
    return made


def _backdate(ticket: Ticket, rng: random.Random) -> None:
    """The replay above ran "now": spread replies and resolution after the ticket's date."""
    step = ticket.created_at
    first_public = None
    for message in ticket.messages.all():
        step += dt.timedelta(hours=rng.choice([1, 2, 3, 6, 20]))
        TicketMessage.objects.filter(pk=message.pk).update(created_at=step)
        if first_public is None and message.kind == "public":
            first_public = step
    Ticket.objects.filter(pk=ticket.pk).update(
        first_reply_at=first_public if ticket.first_reply_at else None,
        resolved_at=step if ticket.resolved_at else None,
    )
    TicketEvent.objects.filter(ticket=ticket).update(created_at=ticket.created_at)
