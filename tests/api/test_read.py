"""GET /api/v1/invoices/{id}: what each user may see, and what is masked."""

from __future__ import annotations

import json

import pytest

from fapiao.accounts.roles import Role
from tests.api.conftest import assert_problem, invoice_body, post_json
from tests.factories import UserFactory

URL = "/api/v1/invoices"


def _get(client, invoice_id):
    return client.get(f"{URL}/{invoice_id}")


def test_detail_has_every_field_items_and_findings(users, api_as, create):
    created = create(users["submitter"])
    response = _get(api_as(users["submitter"]), created["id"])

    assert response.status_code == 200
    shown = json.loads(response.content)
    body = invoice_body()
    for name in ("invoice_type", "invoice_type_name", "issue_date", "buyer_name", "seller_name"):
        assert shown[name] == body[name]
    assert shown["seller_tax_id"] == body["seller_tax_id"]
    assert (shown["amount"], shown["tax_amount"], shown["total_amount"]) == (
        "100.00",
        "6.00",
        "106.00",
    )
    assert shown["total_amount_cn"] == "壹佰零陆圆整"
    assert shown["issuer"] == "王芳"
    assert shown["items"][0]["amount"] == "100.00"
    assert shown["items"][0]["tax_rate"] == "0.06"
    assert shown["findings"] == created["findings"]
    assert shown["status_label"] and shown["tax_status_label"] == "正常"


def test_another_organisations_invoice_is_not_found(users, outsider, api_as, create):
    created = create(users["submitter"])
    problem = assert_problem(_get(api_as(outsider), created["id"]), 404, "invoice_not_found")
    assert problem["detail"].startswith("没有找到这张发票")
    listed = json.loads(api_as(outsider).get(URL).content)
    assert listed["items"] == [] and listed["total"] == 0
    by_number = json.loads(
        api_as(outsider).get(URL, {"invoice_number": created["invoice_number"]}).content
    )
    assert by_number["items"] == []


def test_an_id_that_does_not_exist_is_not_found(users, api_as):
    assert_problem(_get(api_as(users["admin"]), 987654321), 404, "invoice_not_found")
    assert_problem(_get(api_as(users["admin"]), 2**63), 422, "validation_error")


@pytest.mark.parametrize(
    ("role", "sees_own", "sees_colleagues"),
    [
        ("submitter", True, False),
        ("finance_admin", True, True),
        ("admin", True, True),
        ("support_agent", True, True),
        ("reviewer", True, True),
    ],
)
def test_who_sees_which_invoice(users, api_as, create, role, sees_own, sees_colleagues):
    own = create(users[role])
    colleague = create(users["submitter2"])
    client = api_as(users[role])
    assert (_get(client, own["id"]).status_code == 200) is sees_own
    assert (_get(client, colleague["id"]).status_code == 200) is sees_colleagues
    listed = {i["id"] for i in json.loads(client.get(URL).content)["items"]}
    assert listed == {own["id"]} | ({colleague["id"]} if sees_colleagues else set())


def test_reviewer_limited_to_departments_sees_only_those(users, api_as, create):
    reviewer = users["reviewer"]
    rnd = users["submitter"].department
    assert reviewer.department != rnd and users["submitter2"].department != rnd
    reviewer.review_departments.set([rnd])
    in_rnd = create(users["submitter"])
    in_sales = create(users["submitter2"])
    own = create(reviewer)  # filed under the reviewer's own department, not reviewed by them

    client = api_as(reviewer)
    listed = {i["id"] for i in json.loads(client.get(URL).content)["items"]}
    assert listed == {in_rnd["id"], own["id"]}
    assert _get(client, in_rnd["id"]).status_code == 200
    assert_problem(_get(client, in_sales["id"]), 404, "invoice_not_found")


def test_personal_buyer_tax_id_is_masked_for_submitters_only(users, api_as, create):
    personal_id = "11010519491231002X"
    account = "6222020200112233445"
    created = create(
        users["submitter"],
        buyer_name="张三",
        buyer_tax_id=personal_id,
        remarks=f"购方开户行：工商银行 账号 {account}",
    )
    as_submitter = json.loads(_get(api_as(users["submitter"]), created["id"]).content)
    assert personal_id not in json.dumps(as_submitter, ensure_ascii=False)
    assert account not in as_submitter["remarks"]
    assert as_submitter["buyer_tax_id"][:3] == personal_id[:3]
    listed = json.loads(api_as(users["submitter"]).get(URL).content)
    assert personal_id not in json.dumps(listed, ensure_ascii=False)

    as_finance = json.loads(_get(api_as(users["finance_admin"]), created["id"]).content)
    assert as_finance["buyer_tax_id"] == personal_id
    assert account in as_finance["remarks"]


def test_organisation_buyer_tax_id_is_not_masked(users, api_as, create):
    created = create(users["submitter"])
    shown = json.loads(_get(api_as(users["submitter"]), created["id"]).content)
    assert shown["buyer_tax_id"] == invoice_body()["buyer_tax_id"]


def test_detail_lists_duplicate_submissions(users, api_as):
    body = invoice_body()
    first = json.loads(post_json(api_as(users["submitter"]), URL, body).content)
    post_json(api_as(users["submitter2"]), URL, body)
    shown = json.loads(_get(api_as(users["finance_admin"]), first["id"]).content)
    assert shown["has_duplicates"] is True
    assert [d["submitted_by"] for d in shown["duplicate_submissions"]] == [str(users["submitter2"])]


def test_me_says_who_i_am(users, api_as):
    user = users["reviewer"]
    me = json.loads(api_as(user).get("/api/v1/me").content)
    assert me["username"] == "reviewer"
    assert me["display_name"] == user.display_name
    assert (me["role"], me["role_label"]) == ("reviewer", "审核员")
    assert me["organisation"] == {"id": user.organisation_id, "name": "北京示例科技有限公司"}
    assert me["department"]["name"] == user.department.name


def test_a_user_without_organisation_is_refused(users, api_as, create):
    """The API acts inside an organisation: an account outside every one is refused."""
    create(users["submitter"])
    loner = UserFactory(organisation=None, department=None, role=Role.FINANCE_ADMIN)
    listed = api_as(loner).get(URL)
    assert_problem(listed, 403, "permission_denied")
    assert "不属于任何组织" in listed.json()["detail"]
    assert_problem(post_json(api_as(loner), URL, invoice_body()), 403, "permission_denied")
