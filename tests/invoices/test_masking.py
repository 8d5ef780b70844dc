"""Who sees a buyer's personal id number: finance only. Everyone else sees it masked,
reviewers and the organisation's admin included; but a company's tax id is no secret, and a
submitter sees their own organisation's tax id in full whatever its form."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from fapiao.accounts.models import User
from fapiao.invoices.presenters import is_personal_tax_id
from tests.api.conftest import invoice_body, post_json

PERSONAL_ID = "11010519491231002X"
ACCOUNT = "6222020200112233445"


def shown(client: Client, invoice_id: int) -> dict:
    return json.loads(client.get(f"/api/v1/invoices/{invoice_id}").content)


@pytest.fixture
def personal(users: dict[str, User], api_as) -> int:
    body = invoice_body(buyer_name="张三", buyer_tax_id=PERSONAL_ID, remarks=f"购方账号 {ACCOUNT}")
    response = post_json(api_as(users["submitter"]), "/api/v1/invoices", body)
    assert response.status_code == 201, response.content
    return json.loads(response.content)["id"]


@pytest.mark.parametrize("role", ["reviewer", "admin", "support_agent", "submitter"])
def test_a_personal_id_is_masked_for_everyone_but_finance(users, api_as, personal, role) -> None:
    seen = shown(api_as(users[role]), personal)
    assert PERSONAL_ID not in json.dumps(seen, ensure_ascii=False), role
    assert seen["buyer_tax_id"] == "1101**********002X"
    assert ACCOUNT not in seen["remarks"]


def test_finance_sees_the_personal_id(users, api_as, personal) -> None:
    seen = shown(api_as(users["finance_admin"]), personal)
    assert seen["buyer_tax_id"] == PERSONAL_ID and ACCOUNT in seen["remarks"]


@pytest.mark.parametrize(
    "company_tax_id",
    [
        "110108801234567",  # an old 15-character tax id (no birth date in it)
        "91110108MA01ABCD1X",  # a USCC with a wrong check character (a misprint)
    ],
)
def test_a_company_tax_id_is_not_masked(users, api_as, company_tax_id: str) -> None:
    body = invoice_body(buyer_tax_id=company_tax_id)
    created = json.loads(post_json(api_as(users["submitter"]), "/api/v1/invoices", body).content)
    assert shown(api_as(users["submitter"]), created["id"])["buyer_tax_id"] == company_tax_id


def test_a_submitter_sees_their_own_organisations_tax_id(users, api_as) -> None:
    # A sole proprietorship's tax id is its owner's id number plus two digits: on its own
    # invoices it is the organisation's id, which its people may see.
    org = users["submitter"].organisation
    org.tax_id = "11010519491231002X01"
    org.save()
    body = invoice_body(buyer_tax_id=org.tax_id)
    created = json.loads(post_json(api_as(users["submitter"]), "/api/v1/invoices", body).content)
    assert shown(api_as(users["submitter"]), created["id"])["buyer_tax_id"] == org.tax_id


@pytest.mark.parametrize(
    ("tax_id", "personal"),
    [
        ("11010519491231002X", True),  # 身份证号
        ("110105491231002", True),  # first-generation 15-digit id card
        ("11010519491231002", True),  # 17 digits (15-digit id + 2)
        ("11010519491231002X01", True),  # 20 characters (18-digit id + 2)
        ("110105194912310021", True),  # an id number whose check digit was misread
        ("91110108MA01ABCD1E", False),  # a valid USCC
        ("91110108MA01ABCD1X", False),  # a misprinted USCC (letters: an organisation)
        ("110108801234567", False),  # old 15-character tax id: no date in it
        ("", False),
    ],
)
def test_what_counts_as_a_personal_id(tax_id: str, personal: bool) -> None:
    assert is_personal_tax_id(tax_id) is personal
