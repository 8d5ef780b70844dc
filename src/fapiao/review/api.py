"""REST endpoints of fapiao.review, mounted by fapiao.api.v1."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["审核"])
