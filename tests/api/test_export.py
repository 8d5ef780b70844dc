"""GET /api/v1/invoices/export: the filtered list of the caller's scope as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest

from tests.api.conftest import assert_problem

pytest.importorskip("fapiao.invoices.exports")
openpyxl = pytest.importorskip("openpyxl")

URL = "/api/v1/invoices/export"


def _csv_rows(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_holds_the_filtered_scope(users, api_as, create, outsider):
    mine = create(users["submitter"], seller_name="北京甲餐饮有限公司")
    create(users["submitter"], seller_name="北京乙文具有限公司")
    colleague = create(users["submitter2"], seller_name="北京甲餐饮有限公司")
    create(outsider, seller_name="北京甲餐饮有限公司")

    response = api_as(users["submitter"]).get(URL, {"format": "csv", "seller": "甲餐饮"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment") and ".csv" in disposition
    rows = _csv_rows(response)
    assert [r["发票号码"] for r in rows] == [mine["invoice_number"]]
    assert colleague["invoice_number"] not in response.content.decode("utf-8-sig")
    assert rows[0]["价税合计"] in ("106.00", "106.0", "106")


def test_xlsx_export_opens_with_every_row_in_order(users, api_as, create):
    made = [create(users["finance_admin"], issue_date=f"2025-03-0{d}") for d in (3, 1, 2)]
    response = api_as(users["finance_admin"]).get(URL, {"format": "xlsx", "sort": "issue_date"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    numbers = [r[header.index("发票号码")] for r in rows[1:]]
    by_date = sorted(made, key=lambda i: i["issue_date"])
    assert numbers == [i["invoice_number"] for i in by_date]


PERSONAL_ID = "11010519491231002X"


def test_export_masks_the_personal_buyer_tax_id_column_for_submitters(users, api_as, create):
    create(users["submitter"], buyer_name="张三", buyer_tax_id=PERSONAL_ID)
    as_submitter = _csv_rows(api_as(users["submitter"]).get(URL, {"format": "csv"}))
    assert as_submitter[0]["购买方纳税人识别号"] != PERSONAL_ID
    assert as_submitter[0]["购买方纳税人识别号"][:4] == PERSONAL_ID[:4]
    as_finance = _csv_rows(api_as(users["finance_admin"]).get(URL, {"format": "csv"}))
    assert as_finance[0]["购买方纳税人识别号"] == PERSONAL_ID


def test_export_never_contains_a_personal_tax_id_for_submitters(users, api_as, create):
    create(users["submitter"], buyer_name="张三", buyer_tax_id=PERSONAL_ID)
    # finding messages quote the id they found wrong: they are masked too
    as_submitter = api_as(users["submitter"]).get(URL, {"format": "csv"})
    assert PERSONAL_ID not in as_submitter.content.decode("utf-8-sig")


def test_unknown_format_is_422(users, api_as):
    problem = assert_problem(
        api_as(users["submitter"]).get(URL, {"format": "pdf"}), 422, "validation_error"
    )
    assert [e["field"] for e in problem["errors"]] == ["format"]
