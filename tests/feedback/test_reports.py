"""Reports agree with a direct count of the same tickets, per organisation."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fapiao.accounts.models import User
from fapiao.core.workhours import BEIJING
from fapiao.feedback import workflow
from fapiao.feedback.models import Category, Rating, Status, Ticket
from fapiao.feedback.services import reply
from tests.feedback.conftest import bj

pytestmark = pytest.mark.django_db
API = "/api/v1/feedback"


@pytest.fixture
def history(
    users: dict[str, User], outsider: User, desk: dict[str, Any], open_ticket: Any
) -> list[Ticket]:
    rng = random.Random(5)
    requesters = [users["submitter"], users["submitter2"], users["reviewer"]]
    made = []
    for i in range(36):
        at = bj(2026, 7, 1, 9, 0) + dt.timedelta(days=rng.randrange(120), hours=rng.randrange(10))
        category = rng.choice(Category.values)
        body = rng.choice(["上传失败", "识别不出金额", "报销太慢", "希望支持导出", "怎么查验"])
        t = open_ticket(rng.choice(requesters), at=at, category=category, body=body)
        agent = t.assignee or desk["agent_sales"]
        fate = i % 4
        if fate >= 1:  # answered, some late
            reply(ticket=t, author=agent, body="您好")
            late = dt.timedelta(hours=rng.choice([1, 30, 200]))
            Ticket.objects.filter(pk=t.pk).update(first_reply_at=at + late)
        if fate >= 2:
            t.refresh_from_db()
            workflow.transition(
                ticket=t,
                user=agent,
                to=Status.RESOLVED,
                now=at + dt.timedelta(days=rng.choice([1, 9])),
            )
            t.refresh_from_db()
            workflow.rate(ticket=t, user=t.requester, score=rng.randint(1, 5))
        made.append(t)
    open_ticket(outsider, category="problem", body="上传失败")  # another organisation
    return made


def test_report_matches_direct_count(
    users: dict[str, User], history: list[Ticket], api_as: Callable[[User], Client]
) -> None:
    r = api_as(users["admin"]).get(f"{API}/reports", {"since": "2026-07-01", "until": "2026-11-30"})
    assert r.status_code == 200, r.content
    report = r.json()
    tickets = list(Ticket.objects.filter(organisation=users["admin"].organisation))
    assert report["total"] == len(tickets) == 36
    # Volume per month and category.
    direct = Counter(
        (t.created_at.astimezone(BEIJING).strftime("%Y-%m-01"), t.category) for t in tickets
    )
    assert {(v["period"], v["category"]): v["count"] for v in report["volume"]} == direct
    # First-reply compliance.
    now = dt.datetime.now(dt.UTC)
    met = sum(1 for t in tickets if t.first_reply_at and t.first_reply_at <= t.first_reply_due)
    late = sum(
        1
        for t in tickets
        if (t.first_reply_at and t.first_reply_at > t.first_reply_due)
        or (not t.first_reply_at and t.first_reply_due < now)
    )
    assert report["sla"]["first_reply"]["met"] == met
    assert report["sla"]["first_reply"]["breached"] == late
    assert met + late == 36 and 0 < met < 36
    done = [t for t in tickets if t.resolved_at]
    res_met = sum(1 for t in done if t.resolved_at <= t.resolution_due)  # type: ignore[operator]
    assert report["sla"]["resolution"]["met"] == res_met
    assert report["sla"]["resolution"]["breached"] == 36 - res_met
    # Satisfaction per agent and category.
    ratings = list(Rating.objects.all())
    assert report["satisfaction"]["count"] == len(ratings) == 18
    per_cat: dict[str, list[int]] = {}
    for rating in ratings:
        per_cat.setdefault(rating.category, []).append(rating.score)
    got = {c["key"]: (c["count"], c["average"]) for c in report["satisfaction"]["by_category"]}
    assert got == {k: (len(v), round(sum(v) / len(v), 2)) for k, v in per_cat.items()}
    assert sum(a["count"] for a in report["satisfaction"]["by_agent"]) == 18
    # Top topics are what routing matched.
    topics = Counter(t.topic for t in tickets if t.topic)
    assert {x["topic"]: x["count"] for x in report["top_topics"]} == dict(topics)
    # A narrower period counts only its tickets.
    july = (
        api_as(users["admin"])
        .get(f"{API}/reports", {"since": "2026-07-01", "until": "2026-07-31"})
        .json()
    )
    assert july["total"] == sum(1 for t in tickets if t.created_at.astimezone(BEIJING).month == 7)


def test_reports_are_for_agents_only(
    users: dict[str, User], api_as: Callable[[User], Client]
) -> None:
    r = api_as(users["submitter"]).get(f"{API}/reports")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"


def test_suggestions_ranked_by_askers(
    users: dict[str, User],
    outsider: User,
    desk: dict[str, Any],
    open_ticket: Any,
    api_as: Callable[[User], Client],
) -> None:
    one = open_ticket(users["submitter"], category="suggestion", body="支持批量导出")
    two = open_ticket(users["submitter2"], category="suggestion", body="支持深色模式")
    for voter in ("reviewer", "finance_admin", "submitter"):
        assert api_as(users[voter]).post(f"{API}/suggestions/{two.pk}/votes").status_code == 200
    again = api_as(users["reviewer"]).post(f"{API}/suggestions/{two.pk}/votes").json()
    assert again == {"askers": 4}  # a second +1 by the same user does not count
    own = api_as(users["submitter"]).post(f"{API}/suggestions/{one.pk}/votes").json()
    assert own == {"askers": 1}  # the author is already counted
    ranked = api_as(users["submitter"]).get(f"{API}/suggestions").json()
    assert [(s["id"], s["askers"]) for s in ranked] == [(two.pk, 4), (one.pk, 1)]
    assert api_as(outsider).post(f"{API}/suggestions/{two.pk}/votes").status_code == 404
    assert api_as(outsider).get(f"{API}/suggestions").json() == []
    problem = open_ticket(users["submitter"], category="problem")
    assert (
        api_as(users["reviewer"]).post(f"{API}/suggestions/{problem.pk}/votes").status_code == 404
    )


def test_periodic_survey_to_a_department(
    users: dict[str, User], desk: dict[str, Any], api_as: Callable[[User], Client]
) -> None:
    from fapiao.notify.models import Notification

    manager = api_as(users["admin"])
    r = manager.post(
        f"{API}/surveys",
        {
            "title": "2026 年第四季度服务满意度",
            "question": "您对报销流程满意吗？",
            "department_id": desk["sales"].pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    survey = r.json()
    invited = User.objects.filter(department=desk["sales"])
    assert survey["invited"] == invited.count() >= 2
    assert Notification.objects.filter(event="survey").count() == invited.count()
    member = users["submitter2"]  # 销售部
    assert member.department == desk["sales"]
    client = api_as(member)
    assert [s["id"] for s in client.get(f"{API}/surveys").json()] == [survey["id"]]
    answer = {"score": 4, "comment": "还不错"}
    r = client.post(
        f"{API}/surveys/{survey['id']}/answers", answer, content_type="application/json"
    )
    assert r.status_code == 201
    r = client.post(
        f"{API}/surveys/{survey['id']}/answers", answer, content_type="application/json"
    )
    assert r.status_code == 409
    outsider_answer = api_as(users["submitter"]).post(  # 研发部: not invited
        f"{API}/surveys/{survey['id']}/answers", answer, content_type="application/json"
    )
    assert outsider_answer.status_code == 404
    results = manager.get(f"{API}/surveys/{survey['id']}/results").json()
    assert results["answered"] == 1 and results["average"] == 4.0
    assert results["comments"] == ["还不错"]
    assert client.get(f"{API}/surveys/{survey['id']}/results").status_code == 403
