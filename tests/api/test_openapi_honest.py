"""The OpenAPI document says what each endpoint really takes: no two schemas share a name
(ninja keeps the last one of a name and drops the other silently), each JSON body is
documented as the model the endpoint parses, and a sample request of every write endpoint
fits both its documented schema and the endpoint's own parser."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from ninja import NinjaAPI, Router
from ninja.openapi.schema import OpenAPISchema
from pydantic import BaseModel

Schema = dict[str, Any]


def fresh_document(api: NinjaAPI, monkeypatch: pytest.MonkeyPatch) -> tuple[Schema, dict]:
    """The document, and every definition each name was given while building it."""
    given: dict[str, list[str]] = {}
    add = OpenAPISchema.add_schema_definitions

    def record(self: OpenAPISchema, definitions: dict) -> None:
        for name, definition in definitions.items():
            text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
            if text not in given.setdefault(name, []):
                given[name].append(text)
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", record)
    return api.get_openapi_schema(), given


def routers(router: Router | NinjaAPI, prefix: str = "") -> Iterator[tuple[str, Router]]:
    for sub_prefix, sub, *_ in router._routers:
        yield prefix + sub_prefix, sub
        yield from routers(sub, prefix + sub_prefix)


def body_models(api: NinjaAPI) -> Iterator[tuple[str, str, type[BaseModel]]]:
    """(METHOD, documented path, model) of every endpoint that takes a JSON body."""
    seen = set()
    for prefix, router in routers(api):
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    if model.__ninja_param_source__ != "body":
                        continue
                    for field in model.model_fields.values():
                        parts = f"{prefix}/{path}".split("/")
                        full = "/api/v1/" + "/".join(p for p in parts if p)
                        key = (operation.methods[0], full)
                        if key not in seen:
                            seen.add(key)
                            yield operation.methods[0], full, field.annotation


def normal(schema: Any) -> Any:
    """A schema as ninja writes it into the document: no `"default": null`, and a $ref with
    siblings wrapped in allOf; both forms are read the same."""
    if isinstance(schema, dict):
        if len(schema.get("allOf", ())) == 1:
            schema = {**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}}
        return {k: normal(v) for k, v in schema.items() if not (k == "default" and v is None)}
    if isinstance(schema, list):
        return [normal(v) for v in schema]
    return schema


def documented_body(doc: Schema, method: str, path: str) -> Schema:
    op = doc["paths"][path][method.lower()]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    # A standalone schema jsonschema can validate against: the body with the components.
    return {**body, "components": doc["components"]}


@pytest.fixture
def api_document(monkeypatch: pytest.MonkeyPatch) -> tuple[Schema, dict]:
    from fapiao.api.v1 import api

    return fresh_document(api, monkeypatch)


def test_no_two_schemas_share_a_name(api_document: tuple[Schema, dict]) -> None:
    _, given = api_document
    shared = {name: len(texts) for name, texts in given.items() if len(texts) > 1}
    assert shared == {}


def test_each_body_is_documented_as_the_model_the_endpoint_parses(api_document) -> None:
    from fapiao.api.v1 import api

    doc, _ = api_document
    wrong = []
    for method, path, model in body_models(api):
        documented = doc["paths"][path][method.lower()]["requestBody"]["content"]
        ref = documented["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        own = model.model_json_schema(ref_template="#/components/schemas/{model}")
        own.pop("$defs", None)
        if normal(doc["components"]["schemas"][ref]) != normal(own):
            wrong.append(f"{method} {path}: documented as {ref}, parses {model.__qualname__}")
    assert wrong == []


# One request each write endpoint takes, as a script would send it.
SAMPLES: dict[tuple[str, str], Schema] = {
    ("POST", "/api/v1/invoices/{invoice_id}/transitions"): {
        "action": "return",
        "comment": "抬头不对",
        "override_reason": "",
    },
    ("POST", "/api/v1/invoices/transitions/batch-approve"): {"ids": [1, 2], "comment": "批量"},
    ("POST", "/api/v1/invoices"): {
        "invoice_type": "32",
        "invoice_number": "25119990000000000001",
        "issue_date": "2025-03-07",
        "buyer_name": "北京示例科技有限公司",
        "total_amount": "106.00",
        "items": [{"name": "*餐饮服务*餐费", "amount": "100.00"}],
    },
    ("PATCH", "/api/v1/invoices/{invoice_id}"): {
        "changes": {"total_amount": "113.00"},
        "reason": "票面金额识别错误",
    },
    ("PUT", "/api/v1/notifications/preferences"): {
        "mobile": "13812345678",
        "events": {"invoice_returned": {"email": True, "sms": False}},
    },
    ("POST", "/api/v1/analytics/category-rules"): {
        "kind": "seller",
        "pattern": "好味餐饮",
        "category": "餐饮",
        "priority": 100,
    },
    ("PUT", "/api/v1/analytics/category-rules/{rule_id}"): {
        "kind": "keyword",
        "pattern": "打车",
        "category": "交通",
    },
    ("POST", "/api/v1/analytics/recategorise"): {"date_from": "2025-01-01"},
    ("PUT", "/api/v1/analytics/invoices/{invoice_id}/category"): {"category": "办公"},
    ("POST", "/api/v1/budgets"): {"name": "销售部差旅", "amount": "5000.00", "period": "month"},
    ("PATCH", "/api/v1/budgets/{budget_id}"): {"thresholds": [50, 100]},
    ("POST", "/api/v1/feedback/tickets"): {"category": "problem", "body": "上传 PDF 后一直识别中"},
    ("POST", "/api/v1/feedback/tickets/{ticket_id}/replies"): {"body": "已处理", "internal": False},
    ("POST", "/api/v1/feedback/tickets/{ticket_id}/transitions"): {
        "to": "resolved",
        "comment": "",
    },
    ("POST", "/api/v1/feedback/tickets/{ticket_id}/assignment"): {"assignee_id": 3},
    ("POST", "/api/v1/feedback/tickets/{ticket_id}/priority"): {"priority": "high"},
    ("POST", "/api/v1/feedback/tickets/{ticket_id}/rating"): {"score": 5, "comment": "很快"},
    ("POST", "/api/v1/feedback/surveys"): {"title": "季度满意度", "question": "您满意吗？"},
    ("POST", "/api/v1/feedback/surveys/{survey_id}/answers"): {"score": 4},
}


def test_every_write_endpoint_has_a_sample(api_document) -> None:
    from fapiao.api.v1 import api

    assert {(m, p) for m, p, _ in body_models(api)} == set(SAMPLES)


def test_each_sample_fits_the_documented_schema_and_the_endpoints_parser(api_document) -> None:
    from fapiao.api.v1 import api

    doc, _ = api_document
    models = {(m, p): model for m, p, model in body_models(api)}
    for (method, path), sample in SAMPLES.items():
        schema = documented_body(doc, method, path)
        jsonschema.validate(sample, schema)  # what the document promises
        models[(method, path)].model_validate(sample)  # what the endpoint parses
