"""REST endpoints of fapiao.lookup, mounted by fapiao.api.v1."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["发票查询"])
