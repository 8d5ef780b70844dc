"""Headers a browser enforces (a strict Content-Security-Policy, no framing, no unused
features), HTTPS settings behind FAPIAO_HTTPS that leave `check --deploy` with nothing to
say, and X-Forwarded-Proto believed only from a trusted proxy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from fapiao.accounts.models import User

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.1.1.1"


def directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources}."""
    parts = [p.split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_every_kind_of_page_gets_the_strict_policy(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["finance_admin"])
    for path in ("/invoices/", "/analytics/", "/api/v1/docs", "/nowhere/", "/api/v1/me"):
        response = client.get(path)
        policy = directives(response.get("Content-Security-Policy", ""))
        assert policy.get("script-src") == ["'self'"], path
        assert policy.get("style-src") == ["'self'"], path
        assert policy.get("object-src") == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY", path
        assert "geolocation=()" in response["Permissions-Policy"], path
    assert Client().get("/login/")["X-Frame-Options"] == "DENY"


def test_pages_hold_no_inline_script_or_style() -> None:
    # What the policy would refuse: <script> without src, on*="…" handlers, style="…",
    # <style> elements, javascript: links, and htmx's hx-on (it needs eval).
    import re

    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:|hx-on",
        re.IGNORECASE,
    )
    offending = []
    for template in sorted((ROOT / "src" / "fapiao").rglob("templates/**/*.html")):
        for n, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if inline.search(line):
                offending.append(f"{template.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offending == []


def test_with_https_cookies_are_secure_and_plain_http_is_redirected(
    users: dict[str, User], settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    plain = Client().get("/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = Client().get("/login/", secure=True)
    assert "max-age=31536000" in secure["Strict-Transport-Security"]
    assert secure.cookies["csrftoken"]["secure"]


def test_only_a_trusted_proxy_may_say_the_request_came_over_https(
    users: dict[str, User], settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    via_proxy = Client(REMOTE_ADDR=PROXY).get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert via_proxy.status_code == 200
    claimed = Client(REMOTE_ADDR="203.0.113.7").get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert claimed.status_code == 301


def _fresh_install(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(FAPIAO_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT / "src"), **extra)
    return env


def _fapiao(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fapiao.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_https(tmp_path: Path) -> None:
    done = _fapiao(
        _fresh_install(tmp_path, FAPIAO_HTTPS="true", FAPIAO_ALLOWED_HOSTS="fapiao.example.com"),
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout + done.stderr


STORE_AND_LOG = """
import logging
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
call_command("migrate", verbosity=0)
default_storage.save("originals/ab/abcdef.pdf", ContentFile(b"%PDF-1.7"))
default_storage.save("feedback/2026/11/screenshot.png", ContentFile(b"png"))
logging.getLogger("fapiao").warning("started")
"""


@pytest.mark.slow
def test_the_data_folder_and_its_files_are_the_owners_alone(tmp_path: Path) -> None:
    env = _fresh_install(tmp_path)
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='fapiao.settings'; "
    done = subprocess.run(
        [sys.executable, "-c", code + "django.setup()\n" + STORE_AND_LOG],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = tmp_path / "data"
    assert data.stat().st_mode & 0o777 == 0o700
    files = [p for p in data.rglob("*") if p.is_file() and "static" not in p.parts]
    names = {p.name for p in files}
    assert {"fapiao.sqlite3", "secret_key", "abcdef.pdf", "screenshot.png", "fapiao.log"} <= names
    loose = {str(p.relative_to(data)): oct(p.stat().st_mode & 0o777) for p in files}
    assert {k: v for k, v in loose.items() if v != "0o600"} == {}
    folders = [p for p in data.rglob("*") if p.is_dir()]
    assert all(p.stat().st_mode & 0o077 == 0 for p in folders), folders
