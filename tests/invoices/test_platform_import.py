"""Importing the tax platform's Excel export: new invoices stored, old ones brought up to
date (voids, red reversals, risk levels) with an audit record, nothing stored twice."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from fapiao.accounts.models import Organisation, User
from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices.models import (
    DuplicateSubmission,
    FieldCorrection,
    Invoice,
    LineItem,
    Source,
    TaxStatus,
)
from fapiao.invoices.platform_import import (
    ImportFailed,
    ImportReport,
    import_export_file,
    run_import,
)
from tests.corpus.render_xlsx import render_xlsx

START, END = dt.date(2025, 1, 1), dt.date(2026, 10, 31)


@pytest.fixture
def exported(corpus: CorpusGenerator) -> list[InvoiceData]:
    invoices = list(corpus.invoices(160, start=START, end=END, red_share=0.1, voided_share=0.05))
    assert any(inv.is_red_invoice for inv in invoices)
    assert any(inv.tax_status == "voided" for inv in invoices)
    return invoices


def _import(org: Organisation, blob: bytes, submitter: User | None = None) -> ImportReport:
    return import_export_file(
        organisation=org, blob=blob, filename="导出.xlsx", submitter=submitter
    )


def _stored(org: Organisation) -> dict[str, Invoice]:
    return {inv.invoice_number: inv for inv in Invoice.objects.filter(organisation=org)}


def test_import_stores_invoices_items_statuses_and_red_links(
    org: Organisation, users: dict[str, User], exported: list[InvoiceData]
) -> None:
    report = _import(org, render_xlsx(exported, form="detail"), submitter=users["finance_admin"])
    assert (report.invoices, report.created, report.duplicates) == (160, 160, 0)
    assert report.failed_rows == []
    stored = _stored(org)
    assert LineItem.objects.filter(invoice__organisation=org).count() == sum(
        len(inv.items) for inv in exported
    )
    for inv in exported:
        row = stored[inv.invoice_number or ""]
        assert (row.total_amount, row.issue_date, row.seller_tax_id) == (
            inv.total_amount, inv.issue_date, inv.seller_tax_id,
        )  # fmt: skip
        assert row.tax_status == inv.tax_status
        assert row.source == Source.IMPORT
        assert row.submitter == users["finance_admin"]
    reds = [inv for inv in exported if inv.is_red_invoice]
    assert report.red_linked == len(reds)
    for red in reds:
        row = stored[red.invoice_number or ""]
        assert row.is_red
        assert row.original_invoice == stored[red.original_invoice_number or ""]


def test_reimport_changes_nothing(org: Organisation, exported: list[InvoiceData]) -> None:
    blob = render_xlsx(exported, form="header")
    _import(org, blob)
    before = {n: (i.tax_status, i.updated_at) for n, i in _stored(org).items()}
    report = _import(org, blob)
    assert (report.created, report.duplicates, report.status_updates) == (0, 160, 0)
    assert {n: (i.tax_status, i.updated_at) for n, i in _stored(org).items()} == before
    assert not DuplicateSubmission.objects.exists()  # an export is not a second submission
    assert not FieldCorrection.objects.exists()
    assert not Invoice.objects.filter(has_duplicates=True).exists()


def test_later_export_updates_status_and_risk_with_a_record(
    org: Organisation, exported: list[InvoiceData]
) -> None:
    blues = [inv for inv in exported if not inv.is_red_invoice and inv.tax_status == "normal"]
    voided, reversed_, risky = (blues[0].invoice_number or "", blues[1].invoice_number or "",
                                blues[2].invoice_number or "")  # fmt: skip
    _import(org, render_xlsx(blues, form="header"))
    later = render_xlsx(
        blues,
        form="detail",
        status={voided: "已作废", reversed_: "已红冲-部分"},
        risk={risky: "失控发票"},
    )
    report = _import(org, later)
    assert (report.created, report.status_updates, report.risk_updates) == (0, 2, 1)
    stored = _stored(org)
    assert stored[voided].tax_status == TaxStatus.VOIDED
    assert stored[reversed_].tax_status == TaxStatus.RED_PARTIAL
    assert stored[risky].risk_flag == "out_of_control"
    corrections = {(c.invoice.invoice_number, c.field): c for c in FieldCorrection.objects.all()}
    assert set(corrections) == {(voided, "tax_status"), (reversed_, "tax_status"),
                                (risky, "risk_flag")}  # fmt: skip
    record = corrections[(voided, "tax_status")]
    assert (record.before, record.after, record.reason, record.user) == (
        "normal", "voided", "平台导入", None,
    )  # fmt: skip
    # Importing the older export again does not undo what the platform said since.
    again = _import(org, render_xlsx(blues, form="header"))
    assert again.status_updates == 0
    assert _stored(org)[voided].tax_status == TaxStatus.VOIDED


def test_red_invoice_in_a_later_export_is_linked_to_its_blue(
    org: Organisation, exported: list[InvoiceData]
) -> None:
    reds = [inv for inv in exported if inv.is_red_invoice]
    blue_numbers = {red.original_invoice_number for red in reds}
    blues = [inv for inv in exported if inv.invoice_number in blue_numbers]
    for blue in blues:
        blue.tax_status = "normal"  # the first export predates the reversal
    _import(org, render_xlsx(blues, form="header"))
    report = _import(org, render_xlsx(reds, form="header"))
    assert (report.created, report.red_linked) == (len(reds), len(reds))
    stored = _stored(org)
    for red in reds:
        stored_blue = stored[red.original_invoice_number or ""]
        assert stored[red.invoice_number or ""].original_invoice == stored_blue
        assert stored_blue.tax_status in (TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL)


def test_import_is_per_organisation(
    org: Organisation, other_org: Organisation, exported: list[InvoiceData]
) -> None:
    blob = render_xlsx(exported[:10], form="header")
    _import(org, blob)
    assert _import(other_org, blob).created == 10
    assert Invoice.objects.filter(organisation=org).count() == 10


def test_rows_that_cannot_be_read_are_reported(org: Organisation) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["数电发票号码", "销方识别号", "开票日期", "金额", "税额", "价税合计", "发票状态"])
    ws.append(["25442000000127444519", "91110108MA01ABCD1E", "2025-03-07", 100, 13, 113, "正常"])
    ws.append(["25442000000127444520", "91110108MA01ABCD1E", "三月七日", 100, 13, 113, "正常"])
    out = io.BytesIO()
    book.save(out)
    report = _import(org, out.getvalue())
    assert report.created == 1
    assert [row for row, _ in report.failed_rows] == [3]
    assert "开票日期" in report.failed_rows[0][1]


def test_a_file_that_is_not_an_export_fails_in_chinese(org: Organisation) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["姓名", "部门"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFailed) as info:
        _import(org, out.getvalue())
    assert "电子税务局" in info.value.detail
    with pytest.raises(ImportFailed):
        _import(org, b"PK\x03\x04 not really a workbook")
    assert not Invoice.objects.exists()


def test_run_import_prints_a_summary(
    org: Organisation, users: dict[str, User], exported: list[InvoiceData], tmp_path: Path
) -> None:
    path = tmp_path / "导出.xlsx"
    path.write_bytes(render_xlsx(exported[:20], form="detail"))
    out, err = io.StringIO(), io.StringIO()
    argv = [str(path), "--org", org.name, "--username", users["submitter"].username]
    assert run_import(argv, out, err) == 0
    assert f"导入到组织“{org.name}”" in out.getvalue()
    assert "新增 20 张" in out.getvalue()
    assert err.getvalue() == ""
    assert Invoice.objects.filter(submitter=users["submitter"]).count() == 20
    out = io.StringIO()
    assert run_import([str(path), "--org", org.name], out, err) == 0
    assert "已存在 20 张" in out.getvalue()


def test_run_import_refuses_in_chinese(
    org: Organisation, other_org: Organisation, users: dict[str, User], tmp_path: Path
) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"not a workbook")
    cases = [
        ([str(tmp_path / "missing.xlsx"), "--org", org.name], 1, "无法打开文件"),
        ([str(path), "--org", "没有这个组织"], 1, "不存在"),
        ([str(path)], 1, "--org"),  # two organisations: which one?
        ([str(path), "--org", other_org.name, "--username", users["submitter"].username], 1,
         "不属于"),
        ([str(path), "--org", org.name], 1, "无法导入"),
        (["--bogus"], 2, "用法"),
    ]  # fmt: skip
    for argv, code, message in cases:
        out, err = io.StringIO(), io.StringIO()
        assert run_import(argv, out, err) == code, argv
        assert message in err.getvalue(), (argv, err.getvalue())
        assert out.getvalue() == ""
