"""REST endpoints of fapiao.notify, mounted by fapiao.api.v1."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["通知"])
