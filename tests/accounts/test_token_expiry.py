"""API tokens expire (90 days unless chosen otherwise), and a person lists, creates and
revokes their own tokens on 我的 API 令牌, never anyone else's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from fapiao.accounts.models import ApiToken, User
from fapiao.cli import main
from tests.api.conftest import assert_problem

ME = "/api/v1/me"


def days_left(token: ApiToken) -> float:
    return (token.expires_at - timezone.now()) / dt.timedelta(days=1)


def test_a_new_token_expires_after_ninety_days(users: dict[str, User]) -> None:
    token, raw = ApiToken.issue(user=users["submitter"])
    assert 89.9 < days_left(token) <= 90
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(ME).status_code == 200


def test_an_expired_token_is_refused_with_a_clear_message(users: dict[str, User]) -> None:
    token, raw = ApiToken.issue(user=users["submitter"], name="报销导入")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(ME)
    problem = assert_problem(response, 401, "token_expired")
    assert "已于" in problem["detail"] and "过期" in problem["detail"]
    assert token.token_hint in problem["detail"] and "/account/tokens/" in problem["detail"]
    assert ApiToken.authenticate(raw) is None


def test_the_command_sets_the_expiry_and_refuses_forever(users: dict[str, User], capsys) -> None:
    assert main(["token", "--username", "submitter", "--expires", "7"]) == 0
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=users["submitter"])
    assert 6.9 < days_left(token) <= 7
    assert ApiToken.authenticate(raw) == users["submitter"]
    for days in ("0", "366"):
        assert main(["token", "--username", "submitter", "--expires", days]) != 0
        out, err = capsys.readouterr()
        assert out == "" and "1 到 365 天" in err
    assert ApiToken.objects.count() == 1


def test_a_person_creates_lists_and_revokes_their_own_tokens(users: dict[str, User]) -> None:
    page = Client()
    page.force_login(users["reviewer"])
    created = page.post("/account/tokens/", {"name": "月报脚本", "days": "30"})
    html = created.content.decode()
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    raw = re.search(r'value="(fp_[^"]+)"', html).group(1)
    assert "只显示这一次" in html
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(ME).status_code == 200

    listing = page.get("/account/tokens/").content.decode()
    assert "月报脚本" in listing and raw[:10] in listing and raw not in listing
    token = ApiToken.objects.get(user=users["reviewer"])
    assert 29.9 < days_left(token) <= 30

    revoked = page.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert "已撤销" in revoked.content.decode()
    assert_problem(api.get(ME), 401, "not_authenticated")


def test_nobody_sees_or_revokes_another_persons_token(users: dict[str, User]) -> None:
    theirs, raw = ApiToken.issue(user=users["finance_admin"], name="财务对账")
    page = Client()
    page.force_login(users["admin"])
    assert "财务对账" not in page.get("/account/tokens/").content.decode()
    assert page.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert ApiToken.authenticate(raw) == users["finance_admin"]


def test_the_page_refuses_a_validity_it_does_not_offer(users: dict[str, User]) -> None:
    page = Client()
    page.force_login(users["submitter"])
    for days in ("0", "10000", "never", ""):
        html = page.post("/account/tokens/", {"name": "x", "days": days}).content.decode()
        assert "请选择令牌的有效期" in html
    assert not ApiToken.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_the_upgrade_get_ninety_days_from_now(users: dict[str, User]):
    before = [("accounts", "0002_organisation_admins_leave_django_admin")]
    latest = [("accounts", "0003_login_index_token_expiry")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("accounts", "ApiToken")
    old.objects.create(user_id=users["submitter"].pk, token_hash="a" * 64, token_hint="fp_old")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    token = ApiToken.objects.get(token_hint="fp_old")
    assert 89.9 < days_left(token) <= 90
