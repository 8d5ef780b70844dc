"""GET /api/v1/me: who the caller is, so a client can show it and adapt to the role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from fapiao.api.common import caller
from fapiao.invoices.scope import can_see_sensitive_fields

router = Router(tags=["账户"])


class NamedRef(Schema):
    id: int
    name: str


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    organisation: NamedRef | None
    department: NamedRef | None
    can_see_sensitive_fields: bool


@router.get("", response=MeOut, summary="当前用户", description="用户名、姓名、角色、组织和部门。")
def me(request: HttpRequest) -> dict[str, Any]:
    user = caller(request)
    org, dept = user.organisation, user.department
    return {
        "username": user.username,
        "display_name": user.display_name or user.username,
        "role": user.role,
        "role_label": user.role_label,
        "organisation": None if org is None else {"id": org.pk, "name": org.name},
        "department": None if dept is None else {"id": dept.pk, "name": dept.name},
        "can_see_sensitive_fields": can_see_sensitive_fields(user),
    }
