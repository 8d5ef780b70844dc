"""Passwords: argon2 in production, and sign-in throttling after repeated failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client, RequestFactory

from fapiao.accounts.models import LoginAttempt
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LOCKED = "登录失败次数过多"


def test_production_settings_hash_passwords_with_argon2(tmp_path):
    # tests/settings.py swaps in a fast hasher, so read the real settings in a fresh process.
    env = {**os.environ, "FAPIAO_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = "import json, fapiao.settings as s; print(json.dumps(s.PASSWORD_HASHERS))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    hashers = json.loads(out.stdout.strip().splitlines()[-1])
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    # and the argon2 library is installed, so the first hasher actually works
    encoded = Argon2PasswordHasher().encode("correct-horse-42", "somesaltvalue123")
    assert encoded.startswith("argon2$") and Argon2PasswordHasher().verify(
        "correct-horse-42", encoded
    )


def _request(ip: str = "10.0.0.8"):
    return RequestFactory().post("/login/", REMOTE_ADDR=ip)


def test_lockout_after_too_many_failures_refuses_the_right_password(users, settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = users["submitter"]
    assert authenticate(_request(), username="submitter", password=PASSWORD) == user

    for _ in range(3):
        assert authenticate(_request(), username="submitter", password="wrong") is None
    assert LoginAttempt.objects.filter(username="submitter").count() == 3

    assert authenticate(_request(), username="submitter", password=PASSWORD) is None
    # another user from another address is unaffected
    assert (
        authenticate(_request("10.0.0.9"), username="reviewer", password=PASSWORD)
        == users["reviewer"]
    )


def test_lockout_is_per_username_case_insensitively(users, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for name in ("Submitter", "SUBMITTER"):
        authenticate(_request(), username=name, password="wrong")
    assert authenticate(_request(), username="submitter", password=PASSWORD) is None


def test_lockout_ends_after_the_lockout_period(users, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        authenticate(_request(), username="submitter", password="wrong")
    settings.LOGIN_LOCKOUT_MINUTES = 0  # the window has passed
    assert authenticate(_request(), username="submitter", password=PASSWORD) == users["submitter"]


def test_a_success_clears_earlier_failures(users, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        authenticate(_request(), username="submitter", password="wrong")
    assert authenticate(_request(), username="submitter", password=PASSWORD)
    for _ in range(2):
        authenticate(_request(), username="submitter", password="wrong")
    assert authenticate(_request(), username="submitter", password=PASSWORD)


def _admin_login(password: str) -> str:
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "operator", "password": password}, follow=False
    )
    return response.content.decode() if response.status_code == 200 else "signed in"


def test_admin_login_shows_the_chinese_lockout_message(operator, settings):
    settings.LOGIN_MAX_FAILURES = 3
    assert _admin_login(PASSWORD) == "signed in"
    for _ in range(2):
        page = _admin_login("wrong")
        assert LOCKED not in page and "密码" in page
    assert LOCKED in _admin_login("wrong")  # the failure that locks says so at once
    page = _admin_login(PASSWORD)
    assert page != "signed in"
    assert LOCKED in page and "分钟后再试" in page
