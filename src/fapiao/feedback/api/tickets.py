"""Tickets under /api/v1/feedback: submit, list, read, reply, move, assign, rate, attach
files; and the suggestion ranking with its votes.

Requesters see their own tickets, agents (support agents, admins) their organisation's;
another organisation's ticket is a 404. Internal notes never reach a requester."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status as HttpStatus

from fapiao.accounts.models import User
from fapiao.api.common import before_page, before_query, caller, download_file, id_path, problems
from fapiao.errors import PermissionDenied
from fapiao.feedback import schemas as s
from fapiao.feedback import selectors, services, workflow
from fapiao.feedback.access import get_ticket, require_agent
from fapiao.feedback.errors import TicketNotFound
from fapiao.feedback.models import Category, Channel, Status, Ticket

router = Router()
PROBLEMS = problems(401, 403, 404, 409, 413, 422)
TicketId = id_path("工单 id")


def _detail(ticket: Ticket, user: User) -> dict[str, Any]:
    return s.detail(get_ticket(user, ticket.pk), user, timezone.now())


@router.post(
    "/tickets",
    response={201: s.TicketDetail, **PROBLEMS},
    summary="提交反馈（生成工单）",
    description="按分派规则分到部门和客服；首次回复和解决期限按工作时间（北京时间，"
    "不含周末和法定节假日）计算。附件另用 POST /tickets/{id}/attachments 上传。",
)
def create_ticket(request: HttpRequest, payload: s.TicketIn) -> HttpStatus[dict[str, Any]]:
    user = caller(request)
    ticket = services.create_ticket(
        requester=user,
        category=payload.category,
        subject=payload.subject,
        body=payload.body,
        priority=payload.priority,
        channel=Channel.API,
        page_url=payload.page_url,
        invoice_id=payload.invoice_id,
    )
    return HttpStatus(201, _detail(ticket, user))


@router.get(
    "/tickets",
    response={200: s.TicketPage, **PROBLEMS},
    summary="工单列表",
    description="提交人看到自己的工单；客服和系统管理员看到本组织全部工单，可用 queue="
    "mine / unassigned / open / overdue（超时未回复或未解决）筛选。",
)
def list_tickets(
    request: HttpRequest,
    status: Status | None = None,
    category: Category | None = None,
    queue: str = Query("", max_length=10, pattern="^(|mine|unassigned|open|overdue)$"),
    q: str = Query("", max_length=100),
    before: int | None = before_query(),
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    now = timezone.now()
    qs = selectors.ticket_list(
        caller(request),
        status=status or "",
        category=category or "",
        queue=queue,
        q=q,
        now=now,
    )
    page, next_before = before_page(qs, before=before, limit=limit)
    return {"items": [s.summary(t, now) for t in page], "next_before": next_before}


@router.get("/tickets/{ticket_id}", response={200: s.TicketDetail, **PROBLEMS}, summary="工单详情")
def ticket_detail(request: HttpRequest, ticket_id: int = TicketId) -> dict[str, Any]:
    user = caller(request)
    return s.detail(get_ticket(user, ticket_id), user, timezone.now())


@router.post(
    "/tickets/{ticket_id}/replies",
    response={201: s.TicketDetail, **PROBLEMS},
    summary="回复工单或添加内部备注",
    description="internal=true 为内部备注，只有客服可见，不通知提交人。",
)
def reply(
    request: HttpRequest, payload: s.ReplyIn, ticket_id: int = TicketId
) -> HttpStatus[dict[str, Any]]:
    user = caller(request)
    ticket = get_ticket(user, ticket_id)
    services.reply(
        ticket=ticket,
        author=user,
        body=payload.body,
        internal=payload.internal,
        waiting_for_user=payload.waiting_for_user,
    )
    return HttpStatus(201, _detail(ticket, user))


@router.post(
    "/tickets/{ticket_id}/transitions",
    response={200: s.TicketDetail, **PROBLEMS},
    summary="更改工单状态",
    description="客服：处理中、待用户回复、已解决、已关闭、重新打开（in_progress）；提交人："
    "确认关闭已解决的工单，或在解决后规定天数内重新打开（to=in_progress）。",
)
def transition(
    request: HttpRequest, payload: s.TicketTransitionIn, ticket_id: int = TicketId
) -> dict[str, Any]:
    user = caller(request)
    ticket = get_ticket(user, ticket_id)
    workflow.transition(ticket=ticket, user=user, to=payload.to, comment=payload.comment)
    return _detail(ticket, user)


@router.post(
    "/tickets/{ticket_id}/assignment",
    response={200: s.TicketDetail, **PROBLEMS},
    summary="手动分派（改派）工单",
)
def reassign(
    request: HttpRequest, payload: s.AssignIn, ticket_id: int = TicketId
) -> dict[str, Any]:
    user = caller(request)
    org_id = require_agent(user)
    ticket = get_ticket(user, ticket_id)
    agent = User.objects.filter(pk=payload.assignee_id, organisation_id=org_id).first()
    if agent is None:
        raise PermissionDenied("只能把工单分派给本组织的客服。")
    services.assign(ticket=ticket, agent=agent, actor=user)
    return _detail(ticket, user)


@router.post(
    "/tickets/{ticket_id}/priority",
    response={200: s.TicketDetail, **PROBLEMS},
    summary="调整优先级（客服），期限随之重新计算",
)
def set_priority(
    request: HttpRequest, payload: s.PriorityIn, ticket_id: int = TicketId
) -> dict[str, Any]:
    user = caller(request)
    require_agent(user)
    ticket = get_ticket(user, ticket_id)
    services.set_priority(ticket=ticket, agent=user, priority=payload.priority)
    return _detail(ticket, user)


@router.post(
    "/tickets/{ticket_id}/rating",
    response={201: s.TicketDetail, **PROBLEMS},
    summary="满意度评价（1–5 分，每个工单一次，仅提交人）",
)
def rate(
    request: HttpRequest, payload: s.RatingIn, ticket_id: int = TicketId
) -> HttpStatus[dict[str, Any]]:
    user = caller(request)
    ticket = get_ticket(user, ticket_id)
    workflow.rate(ticket=ticket, user=user, score=payload.score, comment=payload.comment)
    return HttpStatus(201, _detail(ticket, user))


@router.post(
    "/tickets/{ticket_id}/attachments",
    response={201: s.TicketDetail, **PROBLEMS},
    summary="上传附件（截图或文件）",
    description="multipart 表单，字段名 `files`，可重复；单个文件大小见 "
    "FAPIAO_FEEDBACK_MAX_ATTACHMENT_MB。internal=true 仅客服可见。",
)
def upload_attachments(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    ticket_id: int = TicketId,
    internal: Form[bool] = False,
) -> HttpStatus[dict[str, Any]]:
    user = caller(request)
    ticket = get_ticket(user, ticket_id)
    services.attach_uploads(ticket=ticket, user=user, files=files, internal=internal)
    return HttpStatus(201, _detail(ticket, user))


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **PROBLEMS},
    summary="下载附件",
)
def download_attachment(
    request: HttpRequest, attachment_id: int = id_path("附件 id")
) -> FileResponse:
    att = selectors.get_attachment(caller(request), attachment_id)
    return download_file(att.file, att.name)


@router.get(
    "/suggestions",
    summary="建议排行（按提出和附议的人数）",
    response={200: list[dict[str, Any]], **PROBLEMS},
)
def list_suggestions(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.suggestions(caller(request))


@router.post(
    "/suggestions/{ticket_id}/votes",
    response={200: dict[str, int], **PROBLEMS},
    summary="附议（+1）一条建议",
)
def vote(request: HttpRequest, ticket_id: int = TicketId) -> dict[str, int]:
    user = caller(request)
    ticket = Ticket.objects.filter(
        pk=ticket_id, organisation_id=user.organisation_id or 0, category=Category.SUGGESTION
    ).first()
    if ticket is None:
        raise TicketNotFound("没有找到这条建议：请确认编号，或它属于您的组织。")
    return {"askers": workflow.vote(ticket=ticket, user=user)}
