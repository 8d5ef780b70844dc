"""Writes an organisation's admin makes to its people and departments (系统设置). Each
takes the acting admin and refuses anything outside their organisation; the forms in
fapiao.orgadmin have already checked the values."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fapiao.accounts import permissions
from fapiao.accounts.models import Department, User
from fapiao.accounts.roles import Role
from fapiao.errors import FapiaoError, PermissionDenied


class LastAdmin(FapiaoError):
    code = "last_admin"
    status = 409
    title = "不能移除最后一位系统管理员"
    detail = "组织至少要有一位在职的系统管理员：请先把另一位同事设为系统管理员，再调整这个账号。"


class DepartmentInUse(FapiaoError):
    code = "department_in_use"
    status = 409
    title = "部门仍在使用"


def _same_organisation(admin: User, *objects: Any) -> int:
    org = permissions.ensure_may_manage_organisation(admin)
    for obj in objects:
        if obj is not None and getattr(obj, "organisation_id", None) != org:
            raise PermissionDenied("只能管理本组织的账号和部门。")
    return org


def _keeps_an_admin(member: User, *, role: str, active: bool) -> None:
    """Refuse a change that would leave the organisation without an active admin."""
    if member.role != Role.ADMIN or not member.is_active or (role == Role.ADMIN and active):
        return
    others = User.objects.filter(
        organisation_id=member.organisation_id or 0, role=Role.ADMIN, is_active=True
    ).exclude(pk=member.pk)
    if not others.exists():
        raise LastAdmin()


@transaction.atomic
def create_member(
    *, admin: User, data: dict[str, Any], password: str, reviews: list[Department]
) -> User:
    """A new member of the admin's organisation (never a Django staff or superuser)."""
    org = _same_organisation(admin, data.get("department"), *reviews)
    member = User(organisation_id=org, is_staff=False, is_superuser=False, **data)
    member.set_password(password)
    member.save()
    member.review_departments.set(reviews if member.role == Role.REVIEWER else [])
    return member


@transaction.atomic
def update_member(
    *, admin: User, member: User, data: dict[str, Any], reviews: list[Department]
) -> User:
    _same_organisation(admin, member, data.get("department"), *reviews)
    # Read the stored row: `member` may already carry the form's new values.
    stored = User.objects.select_for_update().get(pk=member.pk)
    _keeps_an_admin(
        stored,
        role=data.get("role", stored.role),
        active=data.get("is_active", stored.is_active),
    )
    for field, value in data.items():
        setattr(member, field, value)
    member.save(update_fields=list(data))
    member.review_departments.set(reviews if member.role == Role.REVIEWER else [])
    return member


def reset_password(*, admin: User, member: User, password: str) -> None:
    """A new password the admin hands over; the member's open sessions end with it."""
    _same_organisation(admin, member)
    member.set_password(password)
    member.save(update_fields=["password"])


def save_department(*, admin: User, department: Department, name: str) -> Department:
    department.organisation_id = _same_organisation(admin, department.pk and department)
    department.name = name
    department.save()
    return department


def delete_department(*, admin: User, department: Department) -> None:
    """Only a department nobody belongs to and nothing is filed under is deleted: an
    invoice's or a budget's department is part of its record (deleting would blank the
    one and delete the other)."""
    _same_organisation(admin, department)
    members = department.members.count()
    invoices = department.invoices.count()
    budgets = department.budgets.count()
    if members or invoices or budgets:
        raise DepartmentInUse(
            f"部门“{department.name}”还有 {members} 位成员、{invoices} 张发票、{budgets} 项预算："
            "请先把成员调到其他部门；有发票或预算的部门不能删除，可以改名。"
        )
    department.delete()
