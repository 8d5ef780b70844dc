"""Downloads of the filtered list: XLSX and CSV hold exactly the rows shown, exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fapiao.accounts.models import User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices import exports
from fapiao.invoices.models import Invoice
from tests.conftest import TODAY, ClientAs, record

CENT = Decimal("0.01")


def _xlsx_rows(body: bytes) -> tuple[list[str], list[dict[str, object]]]:
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(c) for c in rows[0]]
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _csv_rows(body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def _money(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value)).quantize(CENT)


def test_xlsx_holds_exactly_the_filtered_rows(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    admin = users["finance_admin"]
    response = client_as(admin).get("/invoices/export.xlsx", {"status": "pending_review"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"发票列表-{timezone.localdate():%Y%m%d}.xlsx"
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]
    header, rows = _xlsx_rows(response.content)
    assert header[:4] == ["发票代码", "发票号码", "发票类型", "开票日期"]
    expected = Invoice.objects.filter(
        organisation_id=admin.organisation_id, status="pending_review"
    ).order_by("-issue_date", "-id")
    assert [r["发票号码"] for r in rows] == [i.invoice_number for i in expected]
    for row, invoice in zip(rows, expected, strict=True):
        assert _money(row["价税合计"]) == invoice.total_amount
        assert _money(row["金额"]) == invoice.amount
        assert _money(row["税额"]) == invoice.tax_amount
        assert isinstance(row["开票日期"], dt.datetime)
        assert row["开票日期"].date() == invoice.issue_date
        assert row["审核状态"] == "待审核"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert sheet["K2"].number_format == "#,##0.00"


def test_csv_has_bom_and_the_same_rows(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    client = client_as(users["finance_admin"])
    params = {"date_from": "2025-06-01", "sort": "total_amount"}
    _, xlsx_rows = _xlsx_rows(client.get("/invoices/export.xlsx", params).content)
    response = client.get("/invoices/export.csv", params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, rows = _csv_rows(response.content)
    assert header[1] == "发票号码"
    assert [r["发票号码"] for r in rows] == [r["发票号码"] for r in xlsx_rows]
    assert [Decimal(r["价税合计"]) for r in rows] == [_money(r["价税合计"]) for r in xlsx_rows]
    amounts = [Decimal(r["价税合计"]) for r in rows]
    assert amounts == sorted(amounts)
    assert all(r["开票日期"] >= "2025-06-01" for r in rows)


def test_export_respects_the_users_scope(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    response = client_as(users["submitter2"]).get("/invoices/export.csv")
    _, rows = _csv_rows(response.content)
    assert sorted(r["发票号码"] for r in rows) == sorted(i.invoice_number for i in stock["theirs"])


def test_formula_injection_is_neutralised(
    users: dict[str, User], corpus: CorpusGenerator, client_as: ClientAs
) -> None:
    data = next(corpus.invoices(1, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)))
    data.seller_name = '=HYPERLINK("http://evil.example","点我")'
    data.buyer_name = "@SUM(1+1)"
    invoice = record(data, submitter=users["submitter"])
    client = client_as(users["finance_admin"])
    params = {"invoice_number": invoice.invoice_number}
    xlsx = client.get("/invoices/export.xlsx", params).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    cells = {str(c.value): c for c in sheet[2]}
    evil = cells["'" + data.seller_name]
    assert evil.data_type == "s"
    assert "'@SUM(1+1)" in cells
    _, rows = _csv_rows(client.get("/invoices/export.csv", params).content)
    assert rows[0]["销售方名称"] == "'" + data.seller_name
    assert rows[0]["购买方名称"] == "'@SUM(1+1)"


def test_negative_money_stays_a_number(
    users: dict[str, User], stock: dict[str, list[Invoice]], client_as: ClientAs
) -> None:
    red = Invoice.objects.filter(
        organisation_id=users["finance_admin"].organisation_id, is_red=True
    ).first()
    assert red is not None and red.total_amount is not None and red.total_amount < 0
    client = client_as(users["finance_admin"])
    params = {"invoice_number": red.invoice_number}
    _, rows = _csv_rows(client.get("/invoices/export.csv", params).content)
    assert Decimal(rows[0]["价税合计"]) == red.total_amount
    _, xrows = _xlsx_rows(client.get("/invoices/export.xlsx", params).content)
    assert _money(xrows[0]["价税合计"]) == red.total_amount


def test_too_large_export_is_refused_in_chinese(
    users: dict[str, User],
    stock: dict[str, list[Invoice]],
    client_as: ClientAs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exports, "MAX_EXPORT_ROWS", 10)
    response = client_as(users["finance_admin"]).get("/invoices/export.xlsx")
    assert response.status_code == 422
    assert "无法一次导出" in response.content.decode()
    small = client_as(users["finance_admin"]).get("/invoices/export.csv", {"status": "approved"})
    assert small.status_code == 200


def test_export_with_bad_filter_explains(users: dict[str, User], client_as: ClientAs) -> None:
    response = client_as(users["finance_admin"]).get(
        "/invoices/export.csv", {"date_from": "2026/01/01"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "筛选条件有误" in html and "日期格式应为 YYYY-MM-DD" in html


def test_unknown_format_is_404(users: dict[str, User], client_as: ClientAs) -> None:
    assert client_as(users["finance_admin"]).get("/invoices/export.pdf").status_code == 404


def test_export_function_masks_personal_ids_without_a_viewer(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    data = next(corpus.invoices(1, start=TODAY.replace(day=1), end=TODAY))
    data.buyer_tax_id = "11010519491231002X"
    invoice = record(data, submitter=users["submitter"])
    qs = Invoice.objects.filter(pk=invoice.pk)
    body, _, _ = exports.export_invoices(qs, "csv")
    assert b"11010519491231002X" not in body
    body, _, _ = exports.export_invoices(qs, "csv", viewer=users["finance_admin"])
    assert b"11010519491231002X" in body
