"""Help-centre articles through the API: search, one organisation's own articles, and the
deadline check command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from fapiao.accounts.models import User
from fapiao.feedback.models import Article

pytestmark = pytest.mark.django_db
API = "/api/v1/feedback"


def test_articles_search_and_organisation_scope(
    users: dict[str, User], outsider: User, api_as: Callable[[User], Client]
) -> None:
    client = api_as(users["submitter"])
    everything = client.get(f"{API}/articles").json()
    assert [a["slug"] for a in everything] == [
        "check-input",
        "confirm-upload",
        "network",
        "browser-version",
        "cache-cookies",
        "contact-support",
    ]
    found = client.get(f"{API}/articles", {"q": "登录过期"}).json()
    assert found[0]["slug"] == "cache-cookies"
    assert client.get(f"{API}/articles", {"q": "zzqx"}).json() == []
    Article.objects.create(
        organisation=users["submitter"].organisation,
        slug="our-travel-policy",
        title="本公司差旅报销规定",
        body="高铁二等座。",
    )
    assert client.get(f"{API}/articles/our-travel-policy").json()["title"] == "本公司差旅报销规定"
    other = api_as(outsider)
    r = other.get(f"{API}/articles/our-travel-policy")
    assert r.status_code == 404 and r.json()["code"] == "article_not_found"
    assert "our-travel-policy" not in [a["slug"] for a in other.get(f"{API}/articles").json()]


def test_deadline_command(users: dict[str, User], capsys: Any) -> None:
    call_command("check_ticket_deadlines")
    assert "即将超时提醒 0 个" in capsys.readouterr().out
