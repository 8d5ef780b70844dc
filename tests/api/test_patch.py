"""PATCH /api/v1/invoices/{id}: recorded corrections and who may make them."""

from __future__ import annotations

import json

import pytest

from fapiao.invoices.models import FieldCorrection, Invoice, ReviewStatus
from tests.api.conftest import assert_problem, patch_json

URL = "/api/v1/invoices"


def _codes(invoice: dict) -> set[str]:
    return {f["code"] for f in invoice["findings"]}


def test_correcting_the_total_is_recorded_and_rechecked(users, api_as, create):
    created = create(users["submitter"], total_amount="116.00")
    assert "total_mismatch" in _codes(created)

    response = patch_json(
        api_as(users["submitter"]),
        f"{URL}/{created['id']}",
        {"changes": {"total_amount": "¥106.00"}, "reason": "照片识别错误"},
    )

    assert response.status_code == 200, response.content.decode()
    shown = json.loads(response.content)
    assert shown["total_amount"] == "106.00"
    assert "total_mismatch" not in _codes(shown)
    assert [(c["field"], c["before"], c["after"], c["reason"]) for c in shown["corrections"]] == [
        ("total_amount", "116.00", "106.00", "照片识别错误")
    ]
    assert shown["corrections"][0]["user"] == str(users["submitter"])
    assert FieldCorrection.objects.filter(invoice_id=created["id"]).count() == 1


def test_several_fields_and_a_date(users, api_as, create):
    created = create(users["submitter"])
    response = patch_json(
        api_as(users["reviewer"]),
        f"{URL}/{created['id']}",
        {"changes": {"issue_date": "2025-03-08", "seller_name": "北京好味餐饮有限责任公司"}},
    )
    shown = json.loads(response.content)
    assert shown["issue_date"] == "2025-03-08"
    assert shown["seller_name"] == "北京好味餐饮有限责任公司"
    assert {c["field"] for c in shown["corrections"]} == {"issue_date", "seller_name"}


def test_an_unchanged_value_leaves_no_record(users, api_as, create):
    created = create(users["submitter"])
    response = patch_json(
        api_as(users["submitter"]), f"{URL}/{created['id']}", {"changes": {"issuer": "王芳"}}
    )
    assert response.status_code == 200
    assert json.loads(response.content)["corrections"] == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"issue_date": "昨天"}, "issue_date"),
        ({"total_amount": "abc"}, "total_amount"),
        ({"tax_status": "gone"}, "tax_status"),
        ({"invoice_number": "1" * 30}, "invoice_number"),
        ({"invoice_number": ""}, "invoice_number"),
        ({"submitter": 1}, "submitter"),
        ({"status": "approved"}, "status"),
    ],
)
def test_bad_corrections_are_422_and_change_nothing(users, api_as, create, changes, field):
    created = create(users["submitter"])
    response = patch_json(
        api_as(users["finance_admin"]), f"{URL}/{created['id']}", {"changes": changes}
    )
    problem = assert_problem(response, 422, "validation_error")
    assert [e["field"] for e in problem["errors"]] == [field]
    assert not FieldCorrection.objects.exists()
    assert Invoice.objects.get(pk=created["id"]).invoice_number == created["invoice_number"]


def test_empty_changes_are_422(users, api_as, create):
    created = create(users["submitter"])
    response = patch_json(api_as(users["admin"]), f"{URL}/{created['id']}", {"changes": {}})
    assert_problem(response, 422, "validation_error")


def test_correction_that_makes_a_duplicate_is_refused(users, api_as, create):
    first = create(users["submitter"])
    second = create(users["submitter"])
    response = patch_json(
        api_as(users["finance_admin"]),
        f"{URL}/{second['id']}",
        {"changes": {"invoice_number": first["invoice_number"]}},
    )
    problem = assert_problem(response, 409, "duplicate_invoice")
    assert problem["existing_id"] == first["id"]
    assert Invoice.objects.get(pk=second["id"]).invoice_number == second["invoice_number"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("reviewer", True), ("finance_admin", True), ("admin", True), ("support_agent", False)],
)
def test_who_may_correct_someone_elses_invoice(users, api_as, create, role, allowed):
    created = create(users["submitter"])
    response = patch_json(
        api_as(users[role]), f"{URL}/{created['id']}", {"changes": {"remarks": "已核对"}}
    )
    if allowed:
        assert response.status_code == 200
    else:
        assert_problem(response, 403, "permission_denied")
        assert Invoice.objects.get(pk=created["id"]).remarks == ""


@pytest.mark.parametrize("status", [ReviewStatus.APPROVED, ReviewStatus.REIMBURSED])
def test_submitter_may_not_correct_once_approved(users, api_as, create, status):
    created = create(users["submitter"])
    Invoice.objects.filter(pk=created["id"]).update(status=status)
    response = patch_json(
        api_as(users["submitter"]), f"{URL}/{created['id']}", {"changes": {"remarks": "改一下"}}
    )
    problem = assert_problem(response, 403, "permission_denied")
    assert "审核" in problem["detail"]
    # A reviewer still can.
    ok = patch_json(
        api_as(users["reviewer"]), f"{URL}/{created['id']}", {"changes": {"remarks": "改一下"}}
    )
    assert ok.status_code == 200


def test_other_submitters_and_organisations_get_404(users, outsider, api_as, create):
    created = create(users["submitter"])
    for user in (users["submitter2"], outsider):
        response = patch_json(api_as(user), f"{URL}/{created['id']}", {"changes": {"remarks": "x"}})
        assert_problem(response, 404, "invoice_not_found")
