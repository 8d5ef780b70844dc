"""REST endpoints of fapiao.analytics, mounted by fapiao.api.v1."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["数据分析"])
