"""Maintenance mode: a banner on every page, 503 + Retry-After for writes, lookups still work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice
from fapiao.lookup.maintenance import clear_cache
from fapiao.lookup.models import MaintenanceWindow
from tests.conftest import ClientAs
from tests.lookup.conftest import BJ_NUMBER

pytestmark = pytest.mark.django_db
MIDDLEWARE = [*settings.MIDDLEWARE]
if "fapiao.lookup.maintenance.MaintenanceMiddleware" not in MIDDLEWARE:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "fapiao.lookup.maintenance.MaintenanceMiddleware",
    )


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_cache()
    with override_settings(MIDDLEWARE=MIDDLEWARE):
        yield
    clear_cache()


@pytest.fixture
def window() -> MaintenanceWindow:
    now = timezone.now()
    return MaintenanceWindow.objects.create(
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(minutes=30),
        message="数据库升级",
    )


def test_writes_get_503_with_retry_after_and_reads_keep_working(
    users: dict[str, User],
    put: Callable[..., Invoice],
    api_as: Callable[[User], Client],
    window: MaintenanceWindow,
) -> None:
    put(BJ_NUMBER, submitter=users["submitter"])
    client = api_as(users["submitter"])
    refused = client.post("/api/v1/invoices", {}, content_type="application/json")
    assert refused.status_code == 503
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "maintenance" and "数据库升级" in refused.json()["detail"]
    assert 1700 <= int(refused["Retry-After"]) <= 1800
    found = client.get("/api/v1/lookup", {"invoice_number": BJ_NUMBER}).json()
    assert found["found"] is True
    cause = [
        c["cause"]
        for c in client.get("/api/v1/lookup", {"invoice_number": "25112000000055550000"}).json()[
            "diagnosis"
        ]
    ]
    assert "maintenance" in cause


def test_every_page_shows_the_banner_until_the_window_ends(
    users: dict[str, User], window: MaintenanceWindow, client_as: ClientAs
) -> None:
    client = client_as(users["submitter"])
    html = client.get("/lookup/").content.decode()
    assert "maintenance-banner" in html and "系统维护中" in html
    MaintenanceWindow.objects.filter(pk=window.pk).update(ends_at=timezone.now())
    clear_cache()
    assert "maintenance-banner" not in client.get("/lookup/").content.decode()
