"""Each cause of a failed lookup, produced by building its situation and asking the API
as the user would (GET /api/v1/lookup)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.lookup.models import (
    MaintenanceWindow,
    ProviderState,
    SourceStatus,
    SyncSource,
    VerificationCount,
    VerificationResult,
)
from tests.lookup.conftest import BJ_CODE, BJ_CODE_NUMBER, BJ_NUMBER, causes_of

pytestmark = pytest.mark.django_db

Put = Callable[..., Invoice]


@pytest.fixture
def ask(api_as: Callable[[User], Client]) -> Callable[..., dict[str, Any]]:
    def ask(user: User, **params: Any) -> dict[str, Any]:
        response = api_as(user).get("/api/v1/lookup", params)
        assert response.status_code == 200, response.content
        return response.json()

    return ask


def cause(answer: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in answer["diagnosis"] if c["cause"] == name)


def test_found_invoice_is_returned(users: dict[str, User], put: Put, ask: Any) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"])
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER)
    assert answer["found"] is True
    assert answer["invoice"]["id"] == invoice.pk
    assert answer["diagnosis"] == []


def test_ocr_letters_are_read_as_digits_and_the_invoice_is_found(
    users: dict[str, User], put: Put, ask: Any
) -> None:
    put(BJ_NUMBER, submitter=users["submitter"])
    typed = "２5ll2OOOOOOO12345678"
    answer = ask(users["submitter"], invoice_number=typed)
    assert answer["found"] is True and answer["invoice_number"] == BJ_NUMBER


def test_format_error_names_the_position(users: dict[str, User], ask: Any) -> None:
    answer = ask(users["submitter"], invoice_number="2511200000001234567#")
    assert causes_of(answer)[0] == "format_error"
    top = answer["diagnosis"][0]
    assert top["evidence"]["position"] == 20
    assert "第20位" in top["message"]
    too_long = ask(users["submitter"], invoice_number="2" * 21)
    assert too_long["diagnosis"][0]["evidence"]["position"] == 21


@pytest.mark.parametrize(
    ("code", "typed_code", "typed_number", "kind"),
    [
        ("", "", BJ_NUMBER[:-2] + BJ_NUMBER[-1] + BJ_NUMBER[-2], "swapped_digits"),
        ("", "", BJ_NUMBER[:-1] + "9", "one_edit"),
        ("", "", BJ_NUMBER[:-3] + "999", None),  # three edits: nothing offered
        ("", "", "24" + BJ_NUMBER[2:], "wrong_year"),
        ("", "", BJ_NUMBER[:12] + "99" + BJ_NUMBER[14:], "two_edits"),
        (BJ_CODE, BJ_CODE_NUMBER, BJ_CODE, "swapped_fields"),
        (BJ_CODE, "1100241130", BJ_CODE_NUMBER, "wrong_year"),
    ],
)
def test_near_matches_offer_what_was_meant(
    users: dict[str, User],
    put: Put,
    ask: Any,
    code: str,
    typed_code: str,
    typed_number: str,
    kind: str | None,
) -> None:
    number = BJ_CODE_NUMBER if code else BJ_NUMBER
    invoice = put(number, code, submitter=users["submitter"])
    put("25112000000087654321", submitter=users["submitter"])  # an unrelated one
    answer = ask(users["submitter"], invoice_number=typed_number, invoice_code=typed_code)
    assert answer["found"] is False
    if kind is None:
        assert "near_match" not in causes_of(answer)
        return
    near = cause(answer, "near_match")
    assert causes_of(answer)[0] == "near_match"
    assert near["message"].startswith("您是否要找")
    candidates = near["evidence"]["candidates"]
    assert [c["id"] for c in candidates] == [invoice.pk]
    assert candidates[0]["difference"] == kind
    assert candidates[0]["url"] == f"/invoices/{invoice.pk}/"


def test_near_matches_stay_inside_the_users_scope(
    users: dict[str, User], put: Put, ask: Any
) -> None:
    put(BJ_NUMBER, submitter=users["submitter2"])
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER[:-1] + "9")
    assert "near_match" not in causes_of(answer)
    # finance sees the whole organisation, so it is offered there
    assert "near_match" in causes_of(
        ask(users["finance_admin"], invoice_number=BJ_NUMBER[:-1] + "9")
    )


def test_filters_excluded_says_which_filter(users: dict[str, User], put: Put, ask: Any) -> None:
    put(BJ_NUMBER, submitter=users["submitter"], issue_date=dt.date(2025, 6, 18))
    answer = ask(
        users["submitter"], invoice_number=BJ_NUMBER, date_to="2025-05-31", invoice_type="31"
    )
    assert answer["found"] is False
    top = answer["diagnosis"][0]
    assert top["cause"] == "filters_excluded"
    assert top["evidence"]["filters"] == ["date_to", "invoice_type"]
    assert "开票日期止" in top["message"] and "发票类型" in top["message"]
    assert answer["invoice"]["invoice_number"] == BJ_NUMBER


def test_voided_and_reimbursed_invoices_are_status_excluded(
    users: dict[str, User], put: Put, ask: Any
) -> None:
    put(BJ_NUMBER, submitter=users["submitter"], tax_status=TaxStatus.VOIDED)
    voided = ask(users["submitter"], invoice_number=BJ_NUMBER)
    assert voided["found"] is False
    assert cause(voided, "status_excluded")["message"].startswith("这张发票已作废")
    other = put("25112000000012340000", submitter=users["submitter"])
    Invoice.objects.filter(pk=other.pk).update(status=ReviewStatus.REIMBURSED)
    paid = ask(users["submitter"], invoice_number=other.invoice_number)
    assert "已报销" in cause(paid, "status_excluded")["message"]


def test_red_reversed_invoice_names_the_red_invoice(
    users: dict[str, User], put: Put, ask: Any
) -> None:
    blue = put(BJ_NUMBER, submitter=users["submitter"])
    red = put(
        "25112000000099990001",
        submitter=users["submitter"],
        total_amount=Decimal("-106.00"),
        amount=Decimal("-100.00"),
        tax_amount=Decimal("-6.00"),
        is_red=True,
        original_invoice_number=BJ_NUMBER,
    )
    answer = ask(users["submitter"], invoice_number=blue.invoice_number)
    excluded = cause(answer, "status_excluded")
    assert "25112000000099990001" in excluded["message"]
    assert excluded["evidence"]["red_invoice"]["id"] == red.pk


def test_not_beijing_names_the_region(users: dict[str, User], ask: Any) -> None:
    answer = ask(users["submitter"], invoice_number="25442000000127444519")
    top = cause(answer, "not_beijing")
    assert top["evidence"]["region"] == "广东" and "广东" in top["message"]
    old = ask(users["submitter"], invoice_number="12345678", invoice_code="3100251130")
    assert cause(old, "not_beijing")["evidence"]["region"] == "上海"


def test_not_synced_yet_for_an_invoice_issued_today(
    users: dict[str, User], ask: Any, today: dt.date
) -> None:
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER, issue_date=today.isoformat())
    synced = cause(answer, "not_synced_yet")
    assert "次日" in synced["message"]
    assert synced["evidence"]["retry_at"].startswith((today + dt.timedelta(days=1)).isoformat())


def test_not_synced_yet_after_the_last_sync_of_its_source(
    users: dict[str, User], ask: Any, today: dt.date
) -> None:
    SyncSource.objects.create(
        slug="bj", name="北京电子税务局", region="北京",
        last_success_at=timezone.now() - dt.timedelta(days=5),
    )  # fmt: skip
    issued = today - dt.timedelta(days=3)
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER, issue_date=issued.isoformat())
    synced = cause(answer, "not_synced_yet")
    assert (
        "北京电子税务局" in synced["message"] and synced["evidence"]["source"] == "北京电子税务局"
    )
    # issued before the last sync: no longer a sync delay
    earlier = (today - dt.timedelta(days=9)).isoformat()
    assert "not_synced_yet" not in causes_of(
        ask(users["submitter"], invoice_number=BJ_NUMBER, issue_date=earlier)
    )


def test_not_uploaded_when_nothing_is_like_it(users: dict[str, User], put: Put, ask: Any) -> None:
    put(BJ_NUMBER, submitter=users["submitter"])
    answer = ask(users["submitter"], invoice_number="25112000000055550000")
    assert causes_of(answer)[0] == "not_uploaded"
    assert "上传" in answer["diagnosis"][0]["suggestion"]


def test_suspected_forgery_from_structure_and_qr(users: dict[str, User], ask: Any) -> None:
    answer = ask(
        users["submitter"], invoice_code="1100261930", invoice_number="12345678",
        issue_date="2025-06-18",
    )  # fmt: skip
    forgery = cause(answer, "suspected_forgery")
    assert len(forgery["evidence"]["signals"]) == 2  # kind digit 9; printed after issue
    assert "第8位「9」" in forgery["message"] and "早于该年" in forgery["message"]
    qr = "01,32,,25112000000012345670,106,20250618,,1DD6"
    mismatch = ask(users["submitter"], invoice_number=BJ_NUMBER, qr=qr, issue_date="2025-06-18")
    assert "二维码中的发票号码" in cause(mismatch, "suspected_forgery")["message"]


def test_platform_not_found_long_after_issue_is_suspected_forgery(
    users: dict[str, User], ask: Any, org: Any
) -> None:
    VerificationResult.objects.create(
        organisation=org, identity_key=BJ_NUMBER, platform_code="009", cause="not_found",
        checked_at=timezone.now(),
    )  # fmt: skip
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER, issue_date="2025-06-18")
    assert causes_of(answer)[0] == "suspected_forgery"
    assert cause(answer, "suspected_forgery")["evidence"]["platform"]["code"] == "009"


def test_no_permission_reveals_nothing_else(users: dict[str, User], put: Put, ask: Any) -> None:
    put(BJ_NUMBER, submitter=users["submitter2"], seller_name="秘密供应商")
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER)
    assert causes_of(answer)[0] == "no_permission"
    assert answer["invoice"] is None
    assert cause(answer, "no_permission")["evidence"] == {}
    assert "秘密供应商" not in str(answer) and "not_uploaded" not in causes_of(answer)


def test_another_organisations_invoice_is_not_uploaded_never_no_permission(
    users: dict[str, User], outsider: User, put: Put, ask: Any
) -> None:
    put(BJ_NUMBER, submitter=outsider, seller_name="别家供应商")
    for user in (users["finance_admin"], users["submitter"]):
        answer = ask(user, invoice_number=BJ_NUMBER)
        assert answer["found"] is False and answer["invoice"] is None
        assert "no_permission" not in causes_of(answer)
        assert "near_match" not in causes_of(ask(user, invoice_number=BJ_NUMBER[:-1] + "9"))
        assert causes_of(answer)[0] == "not_uploaded"
        assert "别家供应商" not in str(answer)


def test_system_and_provider_state_causes_with_retry_times(
    users: dict[str, User], ask: Any
) -> None:
    now = timezone.now()
    MaintenanceWindow.objects.create(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1)
    )
    SyncSource.objects.create(
        slug="bj", name="北京电子税务局", region="北京", status=SourceStatus.DOWN
    )
    ProviderState.objects.create(
        name="tax_platform", rate_limited_until=now + dt.timedelta(minutes=2)
    )
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER)
    names = causes_of(answer)
    assert {"maintenance", "upstream_unavailable", "rate_limited"} <= set(names)
    for name in ("maintenance", "upstream_unavailable", "rate_limited"):
        assert cause(answer, name)["evidence"]["retry_at"]
        assert "之后再" in cause(answer, name)["suggestion"]


def test_rate_limited_when_the_invoice_used_its_five_checks_today(
    users: dict[str, User], outsider: User, ask: Any, today: dt.date
) -> None:
    VerificationCount.objects.create(
        organisation=outsider.organisation, identity_key=BJ_NUMBER, day=today, count=5
    )  # another organisation's checks say nothing here
    assert "rate_limited" not in causes_of(ask(users["submitter"], invoice_number=BJ_NUMBER))
    VerificationCount.objects.create(
        organisation=users["submitter"].organisation, identity_key=BJ_NUMBER, day=today, count=5
    )
    limited = cause(ask(users["submitter"], invoice_number=BJ_NUMBER), "rate_limited")
    assert "5次" in limited["message"]
    assert limited["evidence"]["retry_at"].startswith((today + dt.timedelta(days=1)).isoformat())


def test_causes_are_ranked_most_likely_first(users: dict[str, User], put: Put, ask: Any) -> None:
    put(BJ_NUMBER, submitter=users["submitter"])
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER[:-1] + "9")
    confidences = [c["confidence"] for c in answer["diagnosis"]]
    assert confidences == sorted(confidences, reverse=True) and len(confidences) >= 2


def test_missing_number_is_a_problem(users: dict[str, User], api_as: Any) -> None:
    response = api_as(users["submitter"]).get("/api/v1/lookup")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "发票号码" in response.json()["detail"]
    assert api_as(users["submitter"]).get("/api/v1/lookup", {"amount": "x"}).status_code == 422


def test_platform_not_found_for_a_fresh_invoice_is_a_sync_delay_not_forgery(
    users: dict[str, User], ask: Any, org: Any, today: dt.date
) -> None:
    VerificationResult.objects.create(
        organisation=org, identity_key=BJ_NUMBER, platform_code="009", cause="not_found",
        checked_at=timezone.now(),
    )  # fmt: skip
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    answer = ask(users["submitter"], invoice_number=BJ_NUMBER, issue_date=yesterday)
    assert causes_of(answer)[0] == "not_synced_yet"
    assert cause(answer, "not_synced_yet")["evidence"]["platform"] == {"code": "009"}
    assert "suspected_forgery" not in causes_of(answer)


def test_a_full_diagnosis_is_a_fixed_handful_of_indexed_queries(
    users: dict[str, User], make_invoices: Any, django_assert_max_num_queries: Any
) -> None:
    from fapiao.lookup.diagnosis import LookupQuery, diagnose_failed_lookup

    made = make_invoices(40, submitter=users["submitter"])
    typo = made[0].invoice_number[:-1] + str((int(made[0].invoice_number[-1]) + 1) % 10)
    query = LookupQuery(invoice_number=typo, invoice_code=made[0].invoice_code,
                        issue_date=made[0].issue_date, amount=made[0].total_amount)  # fmt: skip
    diagnose_failed_lookup(user=users["submitter"], query=query)  # warm the state cache
    # however many invoices there are: exact, org check, one-edit IN, date, amount, two
    # neighbour runs, the survivors' details, the cached verification answer and count
    with django_assert_max_num_queries(10):
        diagnosis = diagnose_failed_lookup(user=users["submitter"], query=query)
    assert any(c.cause == "near_match" for c in diagnosis.causes)
