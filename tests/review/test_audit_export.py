"""The audit trail of an organisation for a date range, as CSV or XLSX, for finance and
admins only; another organisation's records never appear."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice
from fapiao.invoices.services import correct_invoice
from fapiao.review.services import apply_transition
from tests.conftest import ClientAs
from tests.factories import UserFactory

ApiAs = Callable[[User], Client]


def test_csv_has_transitions_and_corrections_of_the_range(
    api_as: ApiAs,
    users: dict[str, User],
    outsider: User,
    pending: Invoice,
    make_invoices: Callable[..., list[Invoice]],
) -> None:
    apply_transition(invoice=pending, actor=users["reviewer"], action="return", comment="=1+1")
    correct_invoice(
        invoice=pending, user=users["submitter"], changes={"remarks": "已补"}, reason="补备注"
    )
    foreign = make_invoices(1, submitter=outsider)[0]
    Invoice.objects.filter(pk=foreign.pk).update(findings=[])
    their_reviewer = UserFactory(organisation=outsider.organisation, role="reviewer")
    apply_transition(invoice=foreign, actor=their_reviewer, action="approve")
    today = timezone.localdate().isoformat()
    response = api_as(users["finance_admin"]).get(
        "/api/v1/invoices/audit/export", {"date_from": today, "date_to": today, "format": "csv"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["时间", "发票编号", "发票号码", "类别", "操作"]
    body = rows[1:]
    assert {r[1] for r in body} == {str(pending.pk)}
    assert [r[3] for r in body] == ["审核", "更正"]
    assert body[0][7:10] == ["待审核", "已退回", "'=1+1"]  # a formula is neutralised
    assert body[1][6] == "备注" and body[1][9] == "补备注"


def test_xlsx_and_empty_range(api_as: ApiAs, users: dict[str, User], pending: Invoice) -> None:
    apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    client = api_as(users["admin"])
    today = timezone.localdate().isoformat()
    response = client.get("/api/v1/invoices/audit/export", {"date_from": today, "date_to": today})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][4] == "审核通过" and values[1][5] == str(users["reviewer"])
    old = client.get(
        "/api/v1/invoices/audit/export",
        {"date_from": "2020-01-01", "date_to": "2020-01-31", "format": "csv"},
    )
    assert len(old.content.decode("utf-8-sig").strip().splitlines()) == 1


def test_only_finance_and_admins_export(
    api_as: ApiAs, users: dict[str, User], client_as: ClientAs
) -> None:
    params = {"date_from": "2026-01-01", "date_to": "2026-01-31"}
    for role in ("reviewer", "submitter", "support_agent"):
        response = api_as(users[role]).get("/api/v1/invoices/audit/export", params)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    page = client_as(users["reviewer"]).get("/review/audit.csv", params)
    assert page.status_code == 403
    ok = client_as(users["finance_admin"]).get("/review/audit.csv", params)
    assert ok.status_code == 200 and ok.content.decode("utf-8-sig").startswith("时间,")


def test_bad_range_is_explained(api_as: ApiAs, users: dict[str, User]) -> None:
    response = api_as(users["finance_admin"]).get(
        "/api/v1/invoices/audit/export", {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "结束日期早于开始日期" in response.json()["detail"]
