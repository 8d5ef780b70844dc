"""Helpers for the API tests: a hand-written invoice body with known values, and JSON calls."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from fapiao.core.taxid import uscc_check_char

PROBLEM = "application/problem+json"


def uscc(body: str) -> str:
    """An 18-character USCC with a correct check character for a 17-character body."""
    return body + uscc_check_char(body)


BUYER_TAX_ID = uscc("91110108MA01ABCD1")
SELLER_TAX_ID = uscc("91110105MA00XYW12")
_numbers = itertools.count(1)


def invoice_body(**overrides: Any) -> dict[str, Any]:
    """A consistent 数电 普票 from Beijing; each call gets a new 20-digit number."""
    body: dict[str, Any] = {
        "invoice_type": "32",
        "invoice_type_name": "电子发票（普通发票）",
        "invoice_code": None,
        "invoice_number": f"25119990{next(_numbers):012d}",
        "issue_date": "2025-03-07",
        "check_code": None,
        "buyer_name": "北京示例科技有限公司",
        "buyer_tax_id": BUYER_TAX_ID,
        "seller_name": "北京好味餐饮有限公司",
        "seller_tax_id": SELLER_TAX_ID,
        "amount": "100.00",
        "tax_amount": "6.00",
        "total_amount": "106.00",
        "total_amount_cn": "壹佰零陆圆整",
        "remarks": "",
        "issuer": "王芳",
        "items": [
            {
                "name": "*餐饮服务*餐费",
                "quantity": "1",
                "unit_price": "100.00",
                "amount": "100.00",
                "tax_rate": "0.06",
                "tax_amount": "6.00",
            }
        ],
    }
    body.update(overrides)
    return body


def post_json(client: Client, url: str, body: Any) -> HttpResponse:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def patch_json(client: Client, url: str, body: Any) -> HttpResponse:
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def assert_problem(response: HttpResponse, status: int, code: str) -> dict[str, Any]:
    """A problem+json answer with the stable code and a Chinese detail."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith(PROBLEM)
    problem = json.loads(response.content)
    assert problem["status"] == status
    assert problem["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["detail"]), problem["detail"]
    return problem


@pytest.fixture
def create(api_as: Callable[..., Client]) -> Callable[..., dict[str, Any]]:
    """POST an invoice as `user` and return the created invoice (asserting 201)."""

    def make(user: Any, **overrides: Any) -> dict[str, Any]:
        response = post_json(api_as(user), "/api/v1/invoices", invoice_body(**overrides))
        assert response.status_code == 201, response.content.decode()
        return json.loads(response.content)

    return make
