"""Errors of the review workflow, each with a stable code (problem+json) and a Chinese
message that says what to do."""

from __future__ import annotations

from fapiao.errors import FapiaoError


class TransitionNotAllowed(FapiaoError):
    code = "transition_not_allowed"
    status = 409
    title = "当前状态下不能执行此操作"
    detail = "这张发票当前的状态不允许此操作：请刷新页面查看最新状态。"


class ReasonRequired(FapiaoError):
    code = "reason_required"
    status = 422
    title = "请填写原因"
    detail = "退回发票时必须写明原因，提交人会看到它并据此修改：请填写退回原因后重试。"


class OverrideRequired(FapiaoError):
    code = "override_required"
    status = 422
    title = "需要说明放行理由"
    detail = (
        "这张发票有错误级别的检查结果或被重复提交过，不能直接审核通过："
        "请核对后在“放行理由”中写明为何仍然通过，或将其退回。"
    )
