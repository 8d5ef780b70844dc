"""Fixtures for the feedback desk: routing rules, a second support agent in another
department, and a helper that opens tickets at a chosen Beijing time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from fapiao.accounts.models import User
from fapiao.accounts.roles import Role
from fapiao.core.workhours import BEIJING
from fapiao.feedback import services
from fapiao.feedback.models import Category, RoutingRule, Ticket
from fapiao.feedback.seed import seed_reference_data
from tests.factories import UserFactory


def bj(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """The migration seeds holidays and help articles; a transactional test elsewhere may
    have flushed them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    seed_reference_data()


@pytest.fixture
def desk(users: dict[str, User]) -> dict[str, Any]:
    """Complaints go to 销售部 (agent `support_agent`); anything about uploads or reading to
    研发部 (agent `agent_rnd`)."""
    sales = users["support_agent"].department
    rnd = users["submitter"].department
    assert sales is not None and rnd is not None and sales != rnd
    agent_rnd = UserFactory(
        organisation=users["submitter"].organisation,
        department=rnd,
        role=Role.SUPPORT_AGENT,
        username="agent_rnd",
    )
    org = users["submitter"].organisation
    RoutingRule.objects.create(
        organisation=org, name="投诉", order=10, category=Category.COMPLAINT, department=sales
    )
    RoutingRule.objects.create(
        organisation=org, name="上传识别", order=20, keywords="上传，识别 OCR", department=rnd
    )
    return {
        "sales": sales,
        "rnd": rnd,
        "agent_sales": users["support_agent"],
        "agent_rnd": agent_rnd,
    }


@pytest.fixture
def open_ticket() -> Callable[..., Ticket]:
    def make(requester: User, *, at: dt.datetime | None = None, **kw: Any) -> Ticket:
        kw.setdefault("category", Category.PROBLEM)
        kw.setdefault("subject", "发票无法提交")
        kw.setdefault("body", "提交时页面报错，请帮忙看看。")
        return services.create_ticket(requester=requester, now=at, **kw)

    return make
