"""系统设置 as an organisation's admin uses it: people, departments, routing rules, message
templates, maintenance notices and the holiday calendar — always their own organisation's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone

from fapiao.accounts.models import Department, Organisation, User
from fapiao.accounts.roles import Role
from fapiao.feedback.models import RoutingRule
from fapiao.feedback.seed import seed_reference_data
from fapiao.lookup.maintenance import clear_cache
from fapiao.lookup.models import MaintenanceWindow
from fapiao.notify.models import MessageTemplate
from tests.conftest import ClientAs
from tests.factories import PASSWORD, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "spring-river-2026"


@pytest.fixture(autouse=True)
def _no_cached_window() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def admin(users: dict[str, User], client_as: ClientAs) -> Client:
    return client_as(users["admin"])


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_only_the_organisations_admin_enters(
    users: dict[str, User], client_as: ClientAs, admin: Client
) -> None:
    assert admin.get("/settings/").status_code == 200
    assert "系统设置" in _text(admin.get("/invoices/"))  # in the navigation
    for role in ("submitter", "reviewer", "finance_admin", "support_agent"):
        client = client_as(users[role])
        refused = client.get("/settings/users/")
        assert refused.status_code == 403 and "系统设置只对本组织的系统管理员开放" in _text(refused)
        assert 'href="/settings/"' not in _text(client.get("/invoices/"))


def test_admin_creates_a_reviewer_of_some_departments(
    users: dict[str, User], admin: Client
) -> None:
    sales = users["submitter2"].department
    assert sales is not None
    response = admin.post(
        "/settings/users/new/",
        {
            "username": "wangwu",
            "display_name": "王五",
            "email": "wangwu@example.com",
            "role": Role.REVIEWER,
            "department": sales.pk,
            "review_departments": [sales.pk],
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    made = User.objects.get(username="wangwu")
    assert made.organisation_id == users["admin"].organisation_id
    assert not made.is_staff and not made.is_superuser
    assert list(made.review_departments.all()) == [sales]
    assert made.check_password(NEW_PASSWORD)
    assert "已创建用户 王五（wangwu）" in _text(admin.get("/settings/users/"))


def test_a_weak_password_or_another_organisations_department_is_refused(
    other_org: Organisation, admin: Client
) -> None:
    theirs = DepartmentFactory(organisation=other_org, name="别家部门")
    response = admin.post(
        "/settings/users/new/",
        {
            "username": "weak",
            "role": Role.SUBMITTER,
            "department": theirs.pk,
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 422
    page = _text(response)
    assert "密码不能全部是数字" in page and "选择一个有效的选项" in page
    assert not User.objects.filter(username="weak").exists()


def test_admin_changes_a_role_deactivates_and_resets_a_password(
    users: dict[str, User], admin: Client, client_as: ClientAs
) -> None:
    member = users["submitter"]
    page = _text(admin.get(f"/settings/users/{member.pk}/"))
    assert "重置密码" in page and member.username in page
    response = admin.post(
        f"/settings/users/{member.pk}/",
        {"display_name": "改名", "role": Role.FINANCE_ADMIN, "department": member.department_id},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.display_name, member.is_active) == (
        Role.FINANCE_ADMIN,
        "改名",
        False,  # the box was not ticked: the account is deactivated
    )
    assert client_as(member).get("/invoices/").status_code == 302  # signed out, sent to log in
    reset = admin.post(
        f"/settings/users/{member.pk}/password/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert reset.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD) and not member.check_password(PASSWORD)


def test_the_last_admin_cannot_step_down(users: dict[str, User], admin: Client) -> None:
    me = users["admin"]
    response = admin.post(
        f"/settings/users/{me.pk}/",
        {"role": Role.SUBMITTER, "department": me.department_id, "is_active": "on"},
    )
    assert response.status_code == 409 and "至少要有一位在职的系统管理员" in _text(response)
    me.refresh_from_db()
    assert me.role == Role.ADMIN
    second = UserFactory(organisation=me.organisation, role=Role.ADMIN, username="admin2")
    assert second.is_active
    response = admin.post(
        f"/settings/users/{me.pk}/",
        {"role": Role.SUBMITTER, "department": me.department_id, "is_active": "on"},
    )
    assert response.status_code == 302


def test_departments_are_added_renamed_and_deleted_only_when_unused(
    users: dict[str, User], admin: Client
) -> None:
    org = users["admin"].organisation
    assert admin.post("/settings/departments/", {"name": "法务部"}).status_code == 302
    legal = Department.objects.get(organisation=org, name="法务部")
    taken = admin.post("/settings/departments/", {"name": "法务部"})
    assert taken.status_code == 422 and "本组织已有名为“法务部”的部门" in _text(taken)
    assert (
        admin.post(f"/settings/departments/{legal.pk}/", {"name": "法务合规部"}).status_code == 302
    )
    legal.refresh_from_db()
    assert legal.name == "法务合规部"
    busy = users["submitter"].department
    assert busy is not None
    page = _text(admin.post(f"/settings/departments/{busy.pk}/delete/", follow=True))
    assert "还有" in page and Department.objects.filter(pk=busy.pk).exists()
    admin.post(f"/settings/departments/{legal.pk}/delete/")
    assert not Department.objects.filter(pk=legal.pk).exists()


def test_routing_rules_route_to_the_organisations_departments(
    users: dict[str, User], other_org: Organisation, admin: Client
) -> None:
    sales = users["submitter2"].department
    assert sales is not None
    theirs = DepartmentFactory(organisation=other_org, name="别家部门")
    fields = {
        "name": "投诉",
        "order": "10",
        "category": "complaint",
        "keywords": "",
        "active": "on",
    }
    refused = admin.post("/settings/routing/new/", {**fields, "department": theirs.pk})
    assert refused.status_code == 422 and not RoutingRule.objects.exists()
    assert (
        admin.post("/settings/routing/new/", {**fields, "department": sales.pk}).status_code == 302
    )
    rule = RoutingRule.objects.get()
    assert rule.organisation_id == users["admin"].organisation_id and rule.department == sales
    assert "投诉" in _text(admin.get("/settings/routing/"))
    admin.post(f"/settings/routing/{rule.pk}/delete/")
    assert not RoutingRule.objects.exists()


def test_a_template_may_use_the_message_fields_only(users: dict[str, User], admin: Client) -> None:
    unsafe = admin.post(
        "/settings/templates/new/",
        {"channel": "email", "event": "", "subject": "{{ title }}", "body": "{% debug %}"},
    )
    assert unsafe.status_code == 422 and "不支持的标签" in _text(unsafe)
    response = admin.post(
        "/settings/templates/new/",
        {"channel": "sms", "event": "", "subject": "", "body": "【甲方】{{ title }}"},
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get()
    assert template.organisation_id == users["admin"].organisation_id
    again = admin.post(
        "/settings/templates/new/",
        {"channel": "sms", "event": "", "subject": "", "body": "again"},
    )
    assert again.status_code == 422 and "请直接修改那一条" in _text(again)


def test_a_maintenance_notice_stops_only_this_organisation_and_can_be_ended(
    users: dict[str, User],
    outsider: User,
    admin: Client,
    client_as: ClientAs,
) -> None:
    now = timezone.localtime()
    fields = {
        "starts_at": (now - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "message": "月末结账",
    }
    assert admin.post("/settings/maintenance/", fields).status_code == 302
    window = MaintenanceWindow.objects.get()
    assert window.organisation_id == users["admin"].organisation_id
    ours = _text(client_as(users["submitter"]).get("/invoices/"))
    assert "本组织系统维护中（月末结账）" in ours
    assert "maintenance-banner" not in _text(client_as(outsider).get("/invoices/"))
    refused = client_as(users["submitter"]).post("/feedback/new/", {"category": "problem"})
    assert refused.status_code == 503
    # The admin may still end it while it lasts (writes elsewhere are refused).
    assert admin.post(f"/settings/maintenance/{window.pk}/end/").status_code == 302
    window.refresh_from_db()
    assert window.ends_at <= timezone.now()


def test_past_end_times_are_refused(admin: Client) -> None:
    now = timezone.localtime()
    response = admin.post(
        "/settings/maintenance/",
        {
            "starts_at": (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 422 and "结束时间已经过去" in _text(response)
    assert not MaintenanceWindow.objects.exists()


def test_holidays_are_the_installations_and_shown_read_only(admin: Client) -> None:
    seed_reference_data()  # the migration's; a transactional test elsewhere may have flushed
    page = _text(admin.get("/settings/holidays/"))
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "由安装运维人员按国务院办公厅的通知录入" in main and "国庆节" in main
    assert 'method="post"' not in main
