"""Signing in and out of the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from fapiao.accounts.models import User
from tests.factories import PASSWORD


def sign_in(client: Client, username: str, password: str) -> str:
    response = client.post("/login/", {"username": username, "password": password})
    return response.content.decode() if response.status_code == 200 else ""


def test_login_page_is_chinese(client: Client, db: None) -> None:
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录发票管家" in html and "用户名" in html and "密码" in html
    assert "csrfmiddlewaretoken" in html


def test_anonymous_visitor_is_sent_to_login(client: Client, db: None) -> None:
    response = client.get("/invoices/?status=approved")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/invoices/")
    assert client.get("/")["Location"] == "/invoices/"


def test_correct_password_signs_in_and_lands_on_the_list(
    client: Client, users: dict[str, User]
) -> None:
    response = client.post("/login/", {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/invoices/"
    page = client.get("/invoices/").content.decode()
    user = users["reviewer"]
    assert "发票列表" in page
    assert str(user) in page and "审核员" in page and "北京示例科技有限公司" in page


def test_wrong_password_says_so_in_chinese(client: Client, users: dict[str, User]) -> None:
    html = sign_in(client, "reviewer", "not-the-password")
    assert "用户名或密码不正确" in html
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account(client: Client, users: dict[str, User]) -> None:
    for _ in range(5):
        sign_in(client, "submitter", "wrong-password")
    # Even the right password is refused now, and the person is told why and for how long.
    html = sign_in(client, "submitter", PASSWORD)
    assert "账户已被暂时锁定" in html and "15 分钟" in html
    assert "用户名或密码不正确" not in html
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_spill_over_to_other_users(client: Client, users: dict[str, User]) -> None:
    for _ in range(5):
        sign_in(client, "submitter", "wrong-password")
    response = client.post("/login/", {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("method", ["get", "post"])
def test_logout_is_post_only(client: Client, users: dict[str, User], method: str) -> None:
    client.force_login(users["reviewer"])
    response = getattr(client, method)("/logout/")
    if method == "get":
        assert response.status_code == 405
        assert client.get("/invoices/").status_code == 200
    else:
        assert response.status_code == 302 and response["Location"] == "/login/"
        assert client.get("/invoices/").status_code == 302


def test_login_rejects_missing_csrf_token(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
