"""POST /api/v1/invoices/{id}/transitions and GET /{id}/history as an API client sees them:
the new state, problem+json with stable codes, and the merged audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.invoices.services import correct_invoice

PROBLEM = "application/problem+json"
ApiAs = Callable[[User], Client]


def move(client: Client, invoice: Invoice, action: str, **body: Any) -> Any:
    return client.post(
        f"/api/v1/invoices/{invoice.pk}/transitions",
        {"action": action, **body},
        content_type="application/json",
    )


def test_approve_returns_the_new_state(
    api_as: ApiAs, pending: Invoice, users: dict[str, User]
) -> None:
    response = move(api_as(users["reviewer"]), pending, "approve", comment="核对无误")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved"
    assert body["status_label"] == "已审核"
    assert body["allowed_actions"] == ["reimburse"]
    assert body["transition"]["from_status"] == "pending_review"
    assert body["transition"]["comment"] == "核对无误"
    shown = api_as(users["submitter"]).get(f"/api/v1/invoices/{pending.pk}").json()
    assert shown["status"] == "approved"


@pytest.mark.parametrize(
    ("who", "action", "body", "status", "code"),
    [
        ("reviewer", "return", {}, 422, "reason_required"),
        ("submitter2", "approve", {}, 404, "invoice_not_found"),  # not in their scope
        ("submitter", "approve", {}, 403, "permission_denied"),  # their own
        ("support_agent", "approve", {}, 403, "permission_denied"),
        ("finance_admin", "reimburse", {}, 409, "transition_not_allowed"),
        ("submitter", "resubmit", {}, 409, "transition_not_allowed"),
    ],
)
def test_refusals_are_problems_with_stable_codes(
    api_as: ApiAs,
    pending: Invoice,
    users: dict[str, User],
    who: str,
    action: str,
    body: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = move(api_as(users[who]), pending, action, **body)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["detail"])
    assert Invoice.objects.get(pk=pending.pk).status == ReviewStatus.PENDING_REVIEW


def test_unknown_action_is_a_validation_error(
    api_as: ApiAs, pending: Invoice, users: dict[str, User]
) -> None:
    response = move(api_as(users["reviewer"]), pending, "delete")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_override_required_then_given(
    api_as: ApiAs, broken: Invoice, users: dict[str, User]
) -> None:
    client = api_as(users["reviewer"])
    refused = move(client, broken, "approve")
    assert refused.status_code == 422
    assert refused.json()["code"] == "override_required"
    assert "错误" in refused.json()["detail"]
    ok = move(client, broken, "approve", override_reason="已与销售方核实")
    assert ok.status_code == 200
    assert ok.json()["transition"]["override_reason"] == "已与销售方核实"


def test_other_organisation_gets_404(api_as: ApiAs, pending: Invoice, outsider: User) -> None:
    client = api_as(outsider)
    assert move(client, pending, "approve").json()["code"] == "invoice_not_found"
    assert client.get(f"/api/v1/invoices/{pending.pk}/history").status_code == 404


def test_lost_race_is_409_with_a_chinese_explanation(
    api_as: ApiAs, pending: Invoice, users: dict[str, User]
) -> None:
    assert move(api_as(users["reviewer"]), pending, "approve").status_code == 200
    late = move(api_as(users["finance_admin"]), pending, "return", comment="发票抬头有误")
    assert late.status_code == 409
    assert late.json()["code"] == "transition_not_allowed"
    assert "已审核" in late.json()["detail"]


def test_history_merges_transitions_and_corrections_in_time_order(
    api_as: ApiAs, pending: Invoice, users: dict[str, User]
) -> None:
    reviewer, submitter = users["reviewer"], users["submitter"]
    move(api_as(reviewer), pending, "return", comment="销售方名称有误")
    correct_invoice(
        invoice=pending,
        user=submitter,
        changes={"seller_name": "北京改正后有限公司"},
        reason="按退回意见更正",
    )
    move(api_as(submitter), Invoice.objects.get(pk=pending.pk), "resubmit")
    move(api_as(reviewer), pending, "approve")
    history = api_as(submitter).get(f"/api/v1/invoices/{pending.pk}/history").json()
    assert [(h["kind"], h["action"]) for h in history] == [
        ("transition", "return"),
        ("correction", "correct"),
        ("transition", "resubmit"),
        ("transition", "approve"),
    ]
    assert history[0]["comment"] == "销售方名称有误"
    assert (history[0]["before"], history[0]["after"]) == ("待审核", "已退回")
    assert (history[0]["before_value"], history[0]["after_value"]) == ("pending_review", "returned")
    assert history[1]["after"] == "北京改正后有限公司"
    assert history[1]["field_label"] == "销售方名称"
    assert history[1]["comment"] == "按退回意见更正"
    assert history[3]["actor"] == str(reviewer)
    times = [h["created_at"] for h in history]
    assert times == sorted(times)


@pytest.mark.parametrize("status", [s.value for s in ReviewStatus])
def test_list_filters_by_every_status(
    api_as: ApiAs,
    users: dict[str, User],
    make_invoices: Callable[..., list[Invoice]],
    status: str,
) -> None:
    made = make_invoices(len(ReviewStatus), submitter=users["submitter"])
    for invoice, value in zip(made, ReviewStatus, strict=True):
        Invoice.objects.filter(pk=invoice.pk).update(status=value)
    wanted = made[list(ReviewStatus).index(ReviewStatus(status))].pk
    body = api_as(users["finance_admin"]).get("/api/v1/invoices", {"status": status}).json()
    assert [item["id"] for item in body["items"]] == [wanted]
    assert body["items"][0]["status"] == status


def test_status_endpoint_answers_304_until_it_changes(
    api_as: ApiAs, pending: Invoice, users: dict[str, User], outsider: User
) -> None:
    client = api_as(users["submitter"])
    url = f"/api/v1/invoices/{pending.pk}/status"
    first = client.get(url)
    assert first.status_code == 200
    assert first.json()["status"] == "pending_review"
    assert first.json()["allowed_actions"] == ["withdraw"]
    etag = first["ETag"]
    same = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert same.status_code == 304 and same.content == b""
    move(api_as(users["reviewer"]), pending, "approve")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["status_label"] == "已审核"
    assert api_as(outsider).get(url).status_code == 404


def test_batch_approve_reports_each_invoice(
    api_as: ApiAs, pending: Invoice, broken: Invoice, users: dict[str, User], outsider: User
) -> None:
    foreign = Invoice.objects.create(
        organisation=outsider.organisation, identity_key="x-1", invoice_number="00000001"
    )
    response = api_as(users["reviewer"]).post(
        "/api/v1/invoices/transitions/batch-approve",
        {"ids": [pending.pk, broken.pk, foreign.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["approved"], body["skipped"]) == (1, 2)
    codes = {r["id"]: r["code"] for r in body["results"]}
    assert codes == {
        pending.pk: None,
        broken.pk: "override_required",
        foreign.pk: "invoice_not_found",
    }
    assert Invoice.objects.get(pk=foreign.pk).status == ReviewStatus.PENDING_REVIEW
