"""Authentication of the API (tokens, sessions), problem+json on 401, and the OpenAPI docs."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from fapiao.accounts.models import ApiToken
from tests.api.conftest import assert_problem, invoice_body, post_json
from tests.factories import PASSWORD

URL = "/api/v1/invoices"


@pytest.mark.parametrize(
    "header",
    [None, "Bearer fp_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer abc"],
)
def test_without_a_valid_token_the_api_answers_401_problem(db, header):
    client = Client(**({"HTTP_AUTHORIZATION": header} if header else {}))
    for response in (client.get(URL), client.get("/api/v1/me"), post_json(client, URL, {})):
        problem = assert_problem(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "令牌" in problem["detail"]


def test_a_revoked_token_stops_working(users):
    token, raw = ApiToken.issue(user=users["submitter"], name="脚本")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    problem = assert_problem(client.get("/api/v1/me"), 401, "not_authenticated")
    assert "撤销" in problem["detail"]


def test_a_deactivated_users_token_stops_working(users):
    _, raw = ApiToken.issue(user=users["submitter"])
    users["submitter"].is_active = False
    users["submitter"].save()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert_problem(client.get(URL), 401, "not_authenticated")


def test_session_sign_in_works_and_writes_need_csrf(users):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="submitter", password=PASSWORD)
    assert json.loads(client.get("/api/v1/me").content)["username"] == "submitter"

    refused = post_json(client, URL, invoice_body())
    assert_problem(refused, 403, "csrf_failed")

    secret = "a" * 32  # what a page's CSRF cookie carries, echoed in the header by htmx
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        URL,
        data=json.dumps(invoice_body()),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert accepted.status_code == 201, accepted.content.decode()


def test_openapi_schema_lists_the_invoice_paths(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    assert {
        "/api/v1/invoices",
        "/api/v1/invoices/{invoice_id}",
        "/api/v1/invoices/export",
        "/api/v1/me",
    } <= set(paths)
    assert {"get", "post"} <= set(paths["/api/v1/invoices"])
    assert {"get", "patch"} <= set(paths["/api/v1/invoices/{invoice_id}"])
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()


def test_docs_page_renders_and_old_address_redirects(db):
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
    redirect = Client().get("/api/docs")
    assert redirect.status_code == 302 and redirect["Location"] == "/api/v1/docs"
