"""API tokens: shown once, stored only as a hash, revocable."""

from __future__ import annotations

import hashlib

from django.db import connection
from django.test import Client
from django.utils import timezone

from fapiao.accounts.models import ApiToken


def test_raw_token_is_never_stored(users):
    token, raw = ApiToken.issue(user=users["submitter"], name="报销脚本")

    assert raw.startswith("fp_") and len(raw) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}
    assert stored["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored["token_hint"]) and len(stored["token_hint"]) <= 12
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        assert not any(raw in str(col) for row in cursor.fetchall() for col in row)


def test_token_authenticates_its_user_until_revoked(users):
    token, raw = ApiToken.issue(user=users["reviewer"])
    assert ApiToken.authenticate(raw) == users["reviewer"]
    assert ApiToken.authenticate(raw[:-1]) is None
    assert ApiToken.authenticate(token.token_hash) is None  # the hash is not a credential
    token.revoked_at = timezone.now()
    token.save()
    assert ApiToken.authenticate(raw) is None


def test_each_token_is_different_and_use_is_recorded(users):
    first, raw1 = ApiToken.issue(user=users["submitter"])
    _, raw2 = ApiToken.issue(user=users["submitter"])
    assert raw1 != raw2
    assert first.last_used_at is None
    Client(HTTP_AUTHORIZATION=f"Bearer {raw1}").get("/api/v1/me")
    first.refresh_from_db()
    assert first.last_used_at is not None
