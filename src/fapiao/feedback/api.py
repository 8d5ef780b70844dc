"""REST endpoints of fapiao.feedback, mounted by fapiao.api.v1."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["反馈与客服"])
