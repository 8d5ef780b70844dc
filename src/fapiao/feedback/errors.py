"""Errors of fapiao.feedback: stable codes and Chinese messages (see fapiao.errors)."""

from __future__ import annotations

from fapiao.errors import FapiaoError


class TicketNotFound(FapiaoError):
    code = "ticket_not_found"
    status = 404
    title = "工单不存在"
    detail = "没有找到这个工单：请检查工单号是否正确，或确认它是您提交的。"


class TicketTransitionNotAllowed(FapiaoError):
    code = "ticket_transition_not_allowed"
    status = 409
    title = "工单状态不允许此操作"
    detail = "工单当前的状态不允许这个操作：请刷新后查看工单的最新状态。"


class ReopenWindowClosed(FapiaoError):
    code = "reopen_window_closed"
    status = 409
    title = "已超过重新打开期限"
    detail = "工单解决已超过可重新打开的天数：请提交一个新的反馈，并注明原工单号。"


class AlreadyRated(FapiaoError):
    code = "already_rated"
    status = 409
    title = "已经评价过"
    detail = "这个工单已经评价过，每个工单只能评价一次。"


class AttachmentTooLarge(FapiaoError):
    code = "attachment_too_large"
    status = 413
    title = "附件过大"
    detail = "附件超过大小限制：请压缩图片或截取关键部分后重新上传。"


class AttachmentNotFound(FapiaoError):
    code = "attachment_not_found"
    status = 404
    title = "附件不存在"
    detail = "没有找到这个附件：请确认它属于您有权查看的工单。"


class ArticleNotFound(FapiaoError):
    code = "article_not_found"
    status = 404
    title = "帮助文章不存在"
    detail = "没有找到这篇帮助文章：请在帮助中心搜索相关内容。"


class SurveyNotFound(FapiaoError):
    code = "survey_not_found"
    status = 404
    title = "调查不存在"
    detail = "没有找到这份调查，或它不是发给您的。"


class ChatNotFound(FapiaoError):
    code = "chat_not_found"
    status = 404
    title = "会话不存在"
    detail = "没有找到这个在线客服会话：请重新发起咨询。"
