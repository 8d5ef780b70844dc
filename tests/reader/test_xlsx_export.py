"""The tax platform's Excel export: both forms read back exactly, bad workbooks refused."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from fapiao.core.invoice import InvoiceData
from fapiao.reader.base import Limits, ReadError
from fapiao.reader.pipeline import extract_bytes
from fapiao.reader.xlsx_export import read_export, read_workbook
from tests.corpus.render_xlsx import render_xlsx
from tests.reader.conftest import TODAY

CHINESE = re.compile(r"[\u4e00-\u9fff]")
HEADER_FIELDS = (
    "invoice_type", "invoice_type_name", "invoice_code", "invoice_number", "issue_date",
    "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id", "amount", "tax_amount",
    "total_amount", "remarks", "issuer", "tax_status", "is_red", "original_invoice_code",
    "original_invoice_number",
)  # fmt: skip
LIMITS = Limits()


def _fields(inv: InvoiceData) -> dict[str, Any]:
    return {name: getattr(inv, name) for name in HEADER_FIELDS}


def _read(blob: bytes) -> list[InvoiceData]:
    return [raw.data for raw in read_export(blob, limits=LIMITS)]


def _error(call: Callable[[], object]) -> ReadError:
    with pytest.raises(ReadError) as info:
        call()
    assert CHINESE.search(info.value.message)
    assert "：" in info.value.message  # what went wrong：what to do
    return info.value


def test_generated_corpus_has_what_the_round_trips_need(generated: list[InvoiceData]) -> None:
    statuses = {inv.tax_status for inv in generated}
    assert {"normal", "voided", "red_full", "red_partial"} <= statuses
    assert sum(inv.is_red_invoice for inv in generated) >= 10
    assert any(inv.invoice_code for inv in generated)  # old-style code + number
    assert any(len(inv.items) > 1 for inv in generated)


def test_header_form_round_trip(generated: list[InvoiceData]) -> None:
    read = _read(render_xlsx(generated, form="header"))
    assert [_fields(inv) for inv in read] == [_fields(inv) for inv in generated]
    assert all(inv.items == [] for inv in read)


def test_detail_form_round_trip_groups_items(generated: list[InvoiceData]) -> None:
    read = _read(render_xlsx(generated, form="detail"))
    assert [_fields(inv) for inv in read] == [_fields(inv) for inv in generated]
    assert [inv.items for inv in read] == [inv.items for inv in generated]


def test_red_invoices_name_their_blue_one(generated: list[InvoiceData]) -> None:
    read = {inv.invoice_number: inv for inv in _read(render_xlsx(generated, form="header"))}
    reds = [inv for inv in read.values() if inv.is_red]
    assert reds
    for red in reds:
        assert red.total_amount is not None and red.total_amount < 0
        blue = read[red.original_invoice_number or ""]
        assert blue.tax_status in ("red_full", "red_partial")


def test_every_field_is_certain_and_from_the_export(generated: list[InvoiceData]) -> None:
    raws = read_export(render_xlsx(generated[:20], form="detail"), limits=LIMITS)
    for raw in raws:
        assert set(raw.sources.values()) == {"excel"}
        assert set(raw.confidence.values()) == {1.0}
        assert {"invoice_number", "total_amount", "items"} <= set(raw.sources)


def test_risk_level_and_status_text_are_kept(generated: list[InvoiceData]) -> None:
    first, second = generated[0], generated[1]
    blob = render_xlsx(
        generated[:3],
        form="header",
        risk={first.invoice_number or "": "失控发票"},
        status={second.invoice_number or "": "已作废"},
    )
    raws = read_export(blob, limits=LIMITS)
    assert raws[0].extras["risk_level"] == "失控发票"
    assert raws[1].data.tax_status == "voided"
    assert raws[1].extras["status"] == "已作废"
    assert raws[2].extras["risk_level"] == "正常"


def test_header_variants_without_title_on_another_sheet(generated: list[InvoiceData]) -> None:
    blob = render_xlsx(
        generated[:30],
        form="detail",
        title=None,
        sheet="发票明细",
        totals_row=False,
        rename={"购买方名称": "购方名称", "销方识别号": "销方纳税人识别号", "税率": "税率/征收率"},
    )
    book = load_workbook(io.BytesIO(blob))
    notes = book.create_sheet("说明", 0)
    notes.append(["本表由电子税务局导出，仅供参考"])
    out = io.BytesIO()
    book.save(out)
    read = _read(out.getvalue())
    assert [_fields(inv) for inv in read] == [_fields(inv) for inv in generated[:30]]
    assert [inv.items for inv in read] == [inv.items for inv in generated[:30]]


def _sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER: list[object] = [
    "序号",
    "发票代码",
    "发票号码",
    "数电发票号码",
    "销方识别号",
    "开票日期",
    "金额",
    "税额",
]
HEADER += ["价税合计", "发票票种", "发票状态", "是否正数发票", "备注"]


def test_cells_as_excel_leaves_them_after_a_person_edited_the_file() -> None:
    blob = _sheet(
        [
            HEADER,
            # A 12-digit code stored as a number loses its leading zero; it is restored.
            [1, 11001600111, 12345678, None, "91110108MA01ABCD1E", "2025/3/7", 100, 13, 113,
             "增值税专用发票", "正常", "是", None],
            # A 20-digit number stored as a number has lost digits: that row is refused.
            [2, None, None, 2.5442e19, "91110108MA01ABCD1E", "2025-03-07", 1, 0, 1,
             "数电发票（普通发票）", "正常", "是", None],
            [3, None, None, "25442000000127444520", "91110108MA01ABCD1E", "2025-03-08",
             -100, -13, -113, "全电发票（增值税专用发票）", "正常", "否",
             "被红冲蓝字数电发票号码：25442000000127444519"],
            [None] * 13,
            [5, None, None, "25442000000127444521", "91110108MA01ABCD1E", "第三天", 1, 0, 1,
             "数电发票（普通发票）", "正常", "是", None],
        ]
    )  # fmt: skip
    result = read_workbook(blob, limits=LIMITS)
    first, red = (raw.data for raw in result.invoices)
    assert (first.invoice_code, first.invoice_number, first.invoice_type) == (
        "011001600111", "12345678", "01",
    )  # fmt: skip
    assert first.total_amount == Decimal("113.00")
    assert (red.invoice_type, red.is_red, red.original_invoice_number) == (
        "31", True, "25442000000127444519",
    )  # fmt: skip
    assert result.rows == [2, 4]
    assert [row for row, _ in result.failed] == [3, 6]
    assert "重新导出" in result.failed[0][1]
    assert "开票日期" in result.failed[1][1]


def test_workbook_that_is_not_an_export() -> None:
    rows: list[list[object]] = [["姓名", "部门", "金额"], ["张三", "财务部", 100]]
    blob = _sheet(rows)
    error = _error(lambda: read_export(blob, limits=LIMITS))
    assert error.code == "no_invoice_found"
    assert "电子税务局" in error.message


def test_export_with_only_its_header() -> None:
    error = _error(lambda: read_export(_sheet([["发票查询统计"], HEADER]), limits=LIMITS))
    assert error.code == "no_invoice_found"


def test_xlsx_zip_bomb_is_refused_before_openpyxl() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (40 * 1024 * 1024))
    blob = out.getvalue()
    assert len(blob) < 200_000
    assert _error(lambda: read_export(blob, limits=LIMITS)).code == "unsafe_file"
    result = extract_bytes(blob, filename="bomb.xlsx", today=TODAY).to_schema_dict()
    assert (result["status"], result["error"]["code"]) == ("failed", "unsafe_file")


def test_corrupt_workbooks(generated: list[InvoiceData]) -> None:
    blob = render_xlsx(generated[:5])
    assert _error(lambda: read_export(blob[: len(blob) // 2], limits=LIMITS)).code == (
        "corrupt_file"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:200] if "worksheets/" in info.filename else data)
    assert _error(lambda: read_export(out.getvalue(), limits=LIMITS)).code == "corrupt_file"


def test_pipeline_reads_an_export(
    generated: list[InvoiceData], validate_schema: Callable[[dict[str, Any]], None]
) -> None:
    blob = render_xlsx(generated[:40], form="detail")
    result = extract_bytes(blob, filename="导出.xlsx", today=TODAY)
    out = result.to_schema_dict()
    validate_schema(out)
    assert out["status"] == "ok"
    assert [inv["invoice_number"] for inv in out["invoices"]] == [
        inv.invoice_number for inv in generated[:40]
    ]
    # The schema has no "excel" source: the platform's data is reported as structured data.
    assert {s for inv in out["invoices"] for s in inv["sources"].values()} <= {"xml", "derived"}
