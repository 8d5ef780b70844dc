"""The Django admin is the installation operator's alone. An organisation's 系统管理员 —
made the way the command line makes one — cannot read or change another organisation's
users, invoices or tickets there, set their passwords, or stop them with a maintenance
window; the operator can do all of it."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from fapiao.accounts.models import Organisation, User
from fapiao.cli import main
from fapiao.feedback.models import Category, Ticket
from fapiao.feedback.services import create_ticket
from fapiao.invoices.models import Invoice
from fapiao.lookup.maintenance import clear_cache
from fapiao.lookup.models import MaintenanceWindow
from tests.conftest import ClientAs
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TAKEOVER = "taken-over-2026!"


@pytest.fixture
def b_admin(other_org: Organisation, capsys: pytest.CaptureFixture[str]) -> User:
    """Organisation B's admin, created by `fapiao createuser --role admin`."""
    code = main(
        [
            "createuser",
            "--org",
            other_org.name,
            "--username",
            "b-admin",
            "--password",
            PASSWORD,
            "--role",
            "admin",
        ]
    )
    assert code == 0
    return User.objects.get(username="b-admin")


@pytest.fixture
def a_data(
    users: dict[str, User], make_invoices: Callable[..., list[Invoice]]
) -> tuple[Invoice, Ticket]:
    invoice = make_invoices(1, submitter=users["submitter"])[0]
    ticket = create_ticket(
        requester=users["submitter"],
        category=Category.PROBLEM,
        subject="A 的工单",
        body="A 组织内部的问题",
    )
    return invoice, ticket


def _reaches_admin(client: Client, url: str) -> bool:
    response = client.get(url)
    return response.status_code == 200 and "/admin/login/" not in response.get("Location", "")


def test_another_organisations_admin_cannot_read_our_rows_in_django_admin(
    b_admin: User, users: dict[str, User], a_data: tuple[Invoice, Ticket], client_as: ClientAs
) -> None:
    invoice, ticket = a_data
    client = client_as(b_admin)
    users_page = client.get("/admin/accounts/user/")
    assert users_page.status_code == 302 and "/admin/login/" in users_page["Location"]
    assert users["finance_admin"].username not in users_page.content.decode()
    for url in (
        "/admin/",
        f"/admin/invoices/invoice/{invoice.pk}/change/",
        f"/admin/feedback/ticket/{ticket.pk}/change/",
        f"/admin/accounts/user/{users['finance_admin'].pk}/change/",
    ):
        assert not _reaches_admin(client, url), url


def test_another_organisations_admin_cannot_set_our_passwords(
    b_admin: User, users: dict[str, User], client_as: ClientAs
) -> None:
    victim = users["finance_admin"]
    client = client_as(b_admin)
    client.post(
        f"/admin/accounts/user/{victim.pk}/password/",
        {"password1": TAKEOVER, "password2": TAKEOVER},
    )
    # Nor through 系统设置: another organisation's user is not found there.
    page = client.post(
        f"/settings/users/{victim.pk}/password/",
        {"new_password1": TAKEOVER, "new_password2": TAKEOVER},
    )
    assert page.status_code == 404
    assert client.get(f"/settings/users/{victim.pk}/").status_code == 404
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD) and not victim.check_password(TAKEOVER)


def test_another_organisations_admin_cannot_stop_our_writes(
    b_admin: User, users: dict[str, User], client_as: ClientAs, api_as: Callable[[User], Client]
) -> None:
    now = timezone.localtime()
    window = {
        "starts_at_0": now.strftime("%Y-%m-%d"),
        "starts_at_1": (now - dt.timedelta(minutes=5)).strftime("%H:%M:%S"),
        "ends_at_0": (now + dt.timedelta(days=1)).strftime("%Y-%m-%d"),
        "ends_at_1": "23:00:00",
        "message": "全系统维护",
    }
    client_as(b_admin).post("/admin/lookup/maintenancewindow/add/", window)
    assert not MaintenanceWindow.objects.exists()
    # B's admin may announce one for B only (系统设置), which leaves A writing.
    notice = {
        "starts_at": (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "message": "B 月末结账",
    }
    assert client_as(b_admin).post("/settings/maintenance/", notice).status_code == 302
    assert MaintenanceWindow.objects.get().organisation_id == b_admin.organisation_id
    clear_cache()
    ours = api_as(users["submitter"]).post("/api/v1/invoices", {}, content_type="application/json")
    assert ours.status_code == 422  # refused for its empty body, not by maintenance
    theirs = api_as(b_admin).post("/api/v1/invoices", {}, content_type="application/json")
    assert theirs.status_code == 503 and "本组织系统维护中" in theirs.json()["detail"]
    clear_cache()


def test_an_organisation_admin_with_a_leftover_superuser_flag_is_still_kept_out(
    users: dict[str, User], client_as: ClientAs
) -> None:
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    assert not _reaches_admin(client_as(admin), "/admin/accounts/user/")


def test_the_migration_takes_the_superuser_flag_from_organisation_members(
    users: dict[str, User], operator: User
) -> None:
    User.objects.filter(pk=users["admin"].pk).update(is_staff=True, is_superuser=True)
    migration = importlib.import_module(
        "fapiao.accounts.migrations.0002_organisation_admins_leave_django_admin"
    )
    migration.forwards(apps, None)
    admin = User.objects.get(pk=users["admin"].pk)
    assert not admin.is_staff and not admin.is_superuser
    operator.refresh_from_db()
    assert operator.is_staff and operator.is_superuser


def test_the_operator_runs_the_admin_for_every_organisation(
    operator: User,
    b_admin: User,
    users: dict[str, User],
    a_data: tuple[Invoice, Ticket],
    client_as: ClientAs,
) -> None:
    invoice, ticket = a_data
    client = client_as(operator)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert users["finance_admin"].username in listing and b_admin.username in listing
    for url in (
        f"/admin/invoices/invoice/{invoice.pk}/change/",
        f"/admin/feedback/ticket/{ticket.pk}/change/",
    ):
        assert client.get(url).status_code == 200
    # The operator has no organisation: 系统设置 and the organisation's pages are not theirs.
    signed_in = Client().post("/login/", {"username": "operator", "password": PASSWORD})
    assert signed_in.headers["Location"] == "/admin/"
    assert client.get("/").headers["Location"] == "/admin/"
    for page in ("/settings/", "/invoices/"):
        refused = client.get(page)
        assert refused.status_code == 403 and "运维后台" in refused.content.decode()
    assert client.get("/api/v1/invoices").status_code in (401, 403)
