"""Every bad value is a 4xx: a walk over the OpenAPI document sends each integer beyond its
bound (ids beyond 64 bits) and each string beyond its length, in queries, paths and JSON
bodies, and expects 422 problem+json naming the field. The document must bound every
integer and string, so that the walk leaves none out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from fapiao.accounts.models import User
from tests.api.conftest import assert_problem

BEYOND_BIGINT = 2**63
Schema = dict[str, Any]


@pytest.fixture(scope="module")
def document() -> Schema:
    from fapiao.api.v1 import api

    return api.get_openapi_schema()


def resolve(doc: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def alternatives(doc: Schema, schema: Schema) -> list[Schema]:
    """The non-null shapes a value may take (anyOf/oneOf unpacked, refs followed)."""
    schema = resolve(doc, schema)
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    shapes = [resolve(doc, s) for s in options]
    return [s for s in shapes if s.get("type") not in ("null", None) or "enum" in s]


def kind(shape: Schema) -> str:
    types = shape.get("type")
    types = [types] if isinstance(types, str) else [t for t in types or [] if t != "null"]
    return types[0] if types else ""


def unbounded(doc: Schema, schema: Schema) -> str:
    """Why a value of this schema has no upper bound, or ''."""
    for shape in alternatives(doc, schema):
        what = kind(shape)
        if what == "integer" and "maximum" not in shape:
            return "integer without maximum"
        if what == "string" and not (
            "maxLength" in shape or "enum" in shape or shape.get("format") in ("date", "date-time")
        ):
            return "string without maxLength"
        if what == "array":
            if "maxItems" not in shape:
                return "array without maxItems"
            return unbounded(doc, shape["items"])
    return ""


def too_far(doc: Schema, schema: Schema) -> Any:
    """A value just past the schema's bound, or None when it has no bound to pass."""
    for shape in alternatives(doc, schema):
        what = kind(shape)
        if what == "integer" and "maximum" in shape:
            return max(shape["maximum"] + 1, BEYOND_BIGINT)
        if what == "string" and "maxLength" in shape:
            return "9" * (shape["maxLength"] + 1)
    return None


def operations(doc: Schema) -> Iterator[tuple[str, str, Schema]]:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def body_fields(doc: Schema, op: Schema) -> Iterator[tuple[str, Schema, Any]]:
    """(field path, schema, a body holding only that field) for a JSON body's fields, and
    for the fields of objects in its lists (items.0.name)."""
    content = (op.get("requestBody") or {}).get("content", {})
    if "application/json" not in content:
        return
    body = resolve(doc, content["application/json"]["schema"])
    for name, prop in body.get("properties", {}).items():
        yield name, prop, {name: None}
        for shape in alternatives(doc, prop):
            if kind(shape) == "array":
                inner = resolve(doc, shape["items"])
                for sub, sub_prop in inner.get("properties", {}).items():
                    yield f"{name}.0.{sub}", sub_prop, {name: [{sub: None}]}


def test_every_integer_and_string_the_api_takes_is_bounded(document: Schema) -> None:
    loose = []
    for path, method, op in operations(document):
        for param in op.get("parameters", []):
            why = unbounded(document, param["schema"])
            if why:
                loose.append(f"{method.upper()} {path} {param['in']} {param['name']}: {why}")
        for field, schema, _ in body_fields(document, op):
            why = unbounded(document, schema)
            if why:
                loose.append(f"{method.upper()} {path} body {field}: {why}")
    assert loose == []


def _send(client: Client, method: str, path: str, query: dict[str, Any], body: Any = None):
    url = path.replace("{", "").replace("}", "")  # placeholders filled below
    return client.generic(
        method.upper(),
        url,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        QUERY_STRING="&".join(f"{k}={v}" for k, v in query.items()),
    )


def _fill(path: str, op: Schema, bad: dict[str, Any]) -> str:
    for param in op.get("parameters", []):
        if param["in"] == "path":
            value = bad.get(param["name"], 1)
            path = path.replace("{" + param["name"] + "}", str(value))
    return path


def test_values_beyond_their_bounds_are_422_naming_the_field(
    document: Schema, users: dict[str, User], api_as
) -> None:
    client = api_as(users["admin"])
    tried, wrong = 0, []
    for path, method, op in operations(document):
        for param in op.get("parameters", []):
            value = too_far(document, param["schema"])
            if value is None:
                continue
            bad = {param["name"]: value}
            query = bad if param["in"] == "query" else {}
            response = _send(client, method, _fill(path, op, bad), query)
            tried += 1
            if not _names(response, param["name"]):
                wrong.append(f"{method.upper()} {path} {param['name']}: {response.status_code}")
        for field, schema, shell in body_fields(document, op):
            value = too_far(document, schema)
            if value is None:
                continue
            body = json.loads(json.dumps(shell).replace("null", json.dumps(value)))
            response = _send(client, method, _fill(path, op, {}), {}, body)
            tried += 1
            if not _names(response, field):
                wrong.append(f"{method.upper()} {path} body {field}: {response.status_code}")
    assert wrong == []
    assert tried > 150  # the walk reached the whole API


def _names(response: Any, field: str) -> bool:
    if response.status_code != 422:
        return False
    problem = assert_problem(response, 422, "validation_error")
    return any(e["field"] == field for e in problem.get("errors") or [])


@pytest.mark.parametrize("param", ["department", "submitter"])
@pytest.mark.parametrize("path", ["/api/v1/invoices", "/api/v1/analytics/summary"])
def test_an_id_beyond_64_bits_in_a_filter_is_422(users, api_as, path: str, param: str) -> None:
    response = api_as(users["finance_admin"]).get(path, {param: "9223372036854775808"})
    problem = assert_problem(response, 422, "validation_error")
    assert problem["errors"][0]["field"] == param


def multipart_with_file_name(name: str) -> tuple[bytes, str]:
    """A multipart body as a browser sends it (the test client would cut the name to 255
    characters before sending)."""
    boundary = "fapiao-boundary"
    body = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n\r\n--{boundary}--\r\n"
    )
    return body.encode(), f"multipart/form-data; boundary={boundary}"


def test_an_upload_with_a_nine_kilobyte_file_name_is_refused_plainly(users, api_as) -> None:
    body, content_type = multipart_with_file_name("发" * 3000 + ".pdf")  # ~9 KB in UTF-8
    response = api_as(users["submitter"]).post("/api/v1/documents", body, content_type=content_type)
    problem = assert_problem(response, 422, "file_name_too_long")
    assert "文件名" in problem["detail"]


def test_a_forged_page_cursor_is_refused(users, api_as) -> None:
    import base64

    client = api_as(users["finance_admin"])
    for raw in ([["x", None], 2**70], [["n", "1e999"], 1], [["n", "NaN"], 1]):
        cursor = base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")
        response = client.get("/api/v1/invoices", {"cursor": cursor})
        assert assert_problem(response, 422, "validation_error")["errors"][0]["field"] == "cursor"
