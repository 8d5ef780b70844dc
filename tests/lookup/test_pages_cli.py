"""The 发票查询 page, /status, `fapiao diagnose`, and masking of personal data in answers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.cli import main
from fapiao.invoices.models import Invoice
from fapiao.lookup.models import SyncSource
from tests.conftest import ClientAs
from tests.lookup.conftest import BJ_NUMBER

pytestmark = pytest.mark.django_db
Put = Callable[..., Invoice]
PERSONAL_ID = "110101199003070318"  # an ID card number as a buyer tax id: personal


def test_page_offers_the_near_match_as_a_link(
    users: dict[str, User], put: Put, client_as: ClientAs
) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"])
    typed = BJ_NUMBER[:-2] + BJ_NUMBER[-1] + BJ_NUMBER[-2]
    page = client_as(users["submitter"]).get("/lookup/", {"invoice_number": typed})
    html = page.content.decode()
    assert page.status_code == 200
    assert "没有找到可用的发票" in html and "可能的原因" in html
    assert f'href="/invoices/{invoice.pk}/"' in html and "您是否要找" in html
    assert 'aria-current="page"' in html  # 发票查询 is marked in the navigation


def test_page_shows_a_found_invoice_and_form_errors(
    users: dict[str, User], put: Put, client_as: ClientAs
) -> None:
    put(BJ_NUMBER, submitter=users["submitter"])
    client = client_as(users["submitter"])
    html = client.get("/lookup/", {"invoice_number": BJ_NUMBER}).content.decode()
    assert "找到了这张发票" in html and "北京好味餐饮有限公司" in html
    bad = client.get("/lookup/", {"invoice_number": BJ_NUMBER, "amount": "abc"}).content.decode()
    assert "金额格式不对" in bad
    assert client.get("/lookup/").status_code == 200  # the empty form


def test_page_needs_sign_in() -> None:
    assert Client().get("/lookup/").status_code == 302


def test_status_page_shows_sources_and_provider(
    users: dict[str, User], client_as: ClientAs
) -> None:
    SyncSource.objects.create(
        slug="bj", name="北京电子税务局", region="北京",
        last_success_at=timezone.now() - dt.timedelta(minutes=5),
    )  # fmt: skip
    html = client_as(users["submitter"]).get("/status").content.decode()
    assert "北京电子税务局" in html and "排队任务" in html and "未配置" in html


def test_diagnose_command_lists_causes(users: dict[str, User], put: Put, capsys) -> None:  # type: ignore[no-untyped-def]
    put(BJ_NUMBER, submitter=users["submitter"])
    code = main(["diagnose", "--number", BJ_NUMBER[:-1] + "9", "--user", "submitter"])
    out = capsys.readouterr().out
    assert code == 3
    assert "near_match" in out and f"您是否要找 {BJ_NUMBER}" in out
    assert main(["diagnose", "--number", BJ_NUMBER, "--user", "submitter", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["found"] is True
    assert main(["diagnose", "--number", BJ_NUMBER, "--user", "nobody"]) == 1
    assert "用户“nobody”不存在" in capsys.readouterr().err


def test_personal_buyer_id_is_masked_for_roles_without_need(
    users: dict[str, User], put: Put, api_as: ClientAs, client_as: ClientAs
) -> None:
    put(
        BJ_NUMBER, submitter=users["submitter"], buyer_name="张三", buyer_tax_id=PERSONAL_ID,
        remarks="收款账号 6222021234567890123",
    )  # fmt: skip
    shown = {}
    for role in ("submitter", "support_agent", "finance_admin"):
        invoice = api_as(users[role]).get("/api/v1/lookup", {"invoice_number": BJ_NUMBER}).json()
        shown[role] = invoice["invoice"]
    assert shown["finance_admin"]["buyer_tax_id"] == PERSONAL_ID
    assert "6222021234567890123" in shown["finance_admin"]["remarks"]
    for role in ("submitter", "support_agent"):
        assert shown[role]["buyer_tax_id"] == "1101**********0318"
        assert "6222021234567890123" not in shown[role]["remarks"]
    page = client_as(users["submitter"]).get("/lookup/", {"invoice_number": BJ_NUMBER})
    assert PERSONAL_ID not in page.content.decode()
