"""POST /api/v1/invoices: recording an invoice, duplicates and bad input."""

from __future__ import annotations

import json

from fapiao.invoices.models import DuplicateSubmission, Invoice
from tests.api.conftest import assert_problem, invoice_body, post_json

URL = "/api/v1/invoices"


def test_create_returns_the_stored_invoice_with_its_findings(users, api_as):
    body = invoice_body(total_amount="¥1,234.50", amount="1,164.62", tax_amount="69.88")
    body["items"][0].update(amount="1164.62", tax_amount="69.88", unit_price="1164.62")
    response = post_json(api_as(users["submitter"]), URL, body)

    assert response.status_code == 201, response.content.decode()
    created = json.loads(response.content)
    stored = Invoice.objects.get(pk=created["id"])
    assert created["invoice_number"] == body["invoice_number"] == stored.invoice_number
    assert created["total_amount"] == "1234.50"
    assert created["amount"] == "1164.62"
    assert created["issue_date"] == "2025-03-07"
    assert created["is_beijing"] is True
    assert created["tax_status"] == "normal"
    assert created["status"] == stored.status
    assert created["has_duplicates"] is False
    assert created["submitter"]["id"] == users["submitter"].pk
    assert created["department"]["id"] == users["submitter"].department_id
    assert [i["name"] for i in created["items"]] == ["*餐饮服务*餐费"]
    assert created["items"][0]["tax_category"] == "餐饮服务"
    assert created["category"] == "餐饮"  # the spending category, as stored
    assert isinstance(created["findings"], list)
    # The 大写 says 106, the total is 1234.50: the checks noticed.
    assert "cn_amount_mismatch" in {f["code"] for f in created["findings"]}
    assert created["links"] == {"original_invoice": None, "red_invoices": []}
    assert created["corrections"] == [] and created["duplicate_submissions"] == []


def test_a_consistent_invoice_has_no_error_findings(users, api_as):
    created = json.loads(post_json(api_as(users["submitter"]), URL, invoice_body()).content)
    assert [f for f in created["findings"] if f["severity"] == "error"] == []


def test_duplicate_from_another_user_is_409_naming_the_existing_invoice(users, api_as):
    body = invoice_body()
    first = json.loads(post_json(api_as(users["submitter"]), URL, body).content)

    again = post_json(api_as(users["submitter2"]), URL, {**body, "remarks": "再报一次"})

    problem = assert_problem(again, 409, "duplicate_invoice")
    assert problem["existing_id"] == first["id"]
    assert str(first["id"]) in problem["detail"]
    assert Invoice.objects.filter(invoice_number=body["invoice_number"]).count() == 1
    dup = DuplicateSubmission.objects.get(invoice_id=first["id"])
    assert dup.submitted_by == users["submitter2"]
    existing = Invoice.objects.get(pk=first["id"])
    assert existing.has_duplicates
    assert "duplicate" in {f["code"] for f in existing.findings}
    assert existing.remarks == ""  # the second submission changed nothing


def test_the_same_invoice_in_another_organisation_is_not_a_duplicate(users, outsider, api_as):
    body = invoice_body()
    assert post_json(api_as(users["submitter"]), URL, body).status_code == 201
    assert post_json(api_as(outsider), URL, body).status_code == 201
    assert Invoice.objects.filter(invoice_number=body["invoice_number"]).count() == 2


def test_bad_fields_are_listed_in_chinese(users, api_as):
    body = invoice_body(issue_date="2025-13-45", total_amount="一百元", amount="12.345")
    body["items"][0].pop("name")

    problem = assert_problem(
        post_json(api_as(users["submitter"]), URL, body), 422, "validation_error"
    )

    fields = {e["field"]: e["message"] for e in problem["errors"]}
    assert set(fields) == {"issue_date", "total_amount", "amount", "items.0.name"}
    assert "YYYY-MM-DD" in fields["issue_date"]
    assert "金额" in fields["total_amount"]
    assert "两位小数" in fields["amount"]
    assert fields["items.0.name"] == "必填"
    assert Invoice.objects.count() == 0


def test_missing_invoice_number_is_422(users, api_as):
    problem = assert_problem(
        post_json(api_as(users["submitter"]), URL, invoice_body(invoice_number=None)),
        422,
        "validation_error",
    )
    assert problem["errors"] == [{"field": "invoice_number", "message": "缺少发票号码"}]
    assert "发票号码" in problem["detail"]


def test_printed_chinese_date_and_tax_status_label_are_accepted(users, api_as):
    body = invoice_body(issue_date="2025年03月07日", tax_status="已作废")
    created = json.loads(post_json(api_as(users["submitter"]), URL, body).content)
    assert created["issue_date"] == "2025-03-07"
    assert created["tax_status"] == "voided"


def test_unknown_tax_status_and_department_of_another_org_are_refused(users, outsider, api_as):
    client = api_as(users["submitter"])
    bad_status = post_json(client, URL, invoice_body(tax_status="lost"))
    assert [e["field"] for e in assert_problem(bad_status, 422, "validation_error")["errors"]] == [
        "tax_status"
    ]
    foreign = outsider.department_id
    bad_dept = post_json(client, URL, invoice_body(department_id=foreign))
    assert assert_problem(bad_dept, 422, "validation_error")["errors"][0]["field"] == (
        "department_id"
    )


def test_submitter_may_not_file_into_another_department(users, api_as):
    other = users["submitter2"].department_id
    assert other != users["submitter"].department_id
    refused = post_json(api_as(users["submitter"]), URL, invoice_body(department_id=other))
    assert_problem(refused, 422, "validation_error")
    filed = post_json(api_as(users["finance_admin"]), URL, invoice_body(department_id=other))
    assert json.loads(filed.content)["department"]["id"] == other


def test_body_that_is_not_json_is_a_problem(users, api_as):
    response = api_as(users["submitter"]).post(URL, data="{nope", content_type="application/json")
    assert_problem(response, 400, "malformed_body")


def test_red_invoice_posted_after_its_blue_one_links_both(users, api_as):
    client = api_as(users["finance_admin"])
    blue = json.loads(post_json(client, URL, invoice_body()).content)
    red_body = invoice_body(
        amount="-100.00",
        tax_amount="-6.00",
        total_amount="-106.00",
        total_amount_cn="负数壹佰零陆圆整",
        original_invoice_number=blue["invoice_number"],
        remarks=f"被红冲蓝字数电发票号码：{blue['invoice_number']}",
    )
    red_body["items"][0].update(amount="-100.00", tax_amount="-6.00", quantity="-1")
    red = json.loads(post_json(client, URL, red_body).content)

    assert red["is_red"] is True
    assert red["links"]["original_invoice"]["id"] == blue["id"]
    blue_now = json.loads(client.get(f"{URL}/{blue['id']}").content)
    assert blue_now["tax_status"] == "red_full"
    assert [r["id"] for r in blue_now["links"]["red_invoices"]] == [red["id"]]
