"""Invoice list downloads as XLSX and CSV, shared by the pages and the API.

Both formats hold the same columns. Money is exact (Decimal) and written as numbers in
XLSX; CSV carries a UTF-8 BOM so that Excel on Chinese Windows reads the names correctly.
Text that a spreadsheet would run as a formula is neutralised (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from fapiao.accounts.models import User
from fapiao.errors import FapiaoError, InvalidInvoiceData
from fapiao.invoices.models import Invoice, ReviewStatus, RiskFlag, TaxStatus
from fapiao.invoices.presenters import Masker, choice_label
from fapiao.invoices.selectors import parse_sort

# One download stays a few tens of megabytes at most; larger ones are split by the user.
MAX_EXPORT_ROWS = 100_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


class ExportTooLarge(FapiaoError):
    code = "export_too_large"
    status = 422
    title = "导出数量过多"
    detail = (
        f"符合条件的发票超过 {MAX_EXPORT_ROWS:,} 张，无法一次导出："
        "请缩小筛选范围（例如按开票日期分段）后分批导出。"
    )


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    value: Callable[[Invoice], Any]
    kind: str = "text"  # text | money | date | datetime


class _MaskAll(Masker):
    """Masking for a caller that did not say who downloads: assume the least privilege."""

    def __init__(self) -> None:
        self.active = True


def _findings(invoice: Invoice, masker: Masker) -> str:
    found = masker.findings(invoice.findings or [], buyer_tax_id=invoice.buyer_tax_id)
    return "；".join(str(f.get("message", "")) for f in found if isinstance(f, dict))


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write Beijing wall-clock time.
    return None if value is None else timezone.localtime(value).replace(tzinfo=None)


def columns(masker: Masker) -> list[Column]:
    return [
        Column("发票代码", 14, lambda i: i.invoice_code),
        Column("发票号码", 22, lambda i: i.invoice_number),
        Column("发票类型", 20, lambda i: i.invoice_type_name or i.invoice_type),
        Column("开票日期", 12, lambda i: i.issue_date, "date"),
        Column("购买方名称", 30, lambda i: i.buyer_name),
        Column("购买方纳税人识别号", 22, lambda i: masker.buyer_tax_id(i.buyer_tax_id)),
        Column("销售方名称", 30, lambda i: i.seller_name),
        Column("销售方纳税人识别号", 22, lambda i: i.seller_tax_id),
        Column("金额", 14, lambda i: i.amount, "money"),
        Column("税额", 12, lambda i: i.tax_amount, "money"),
        Column("价税合计", 14, lambda i: i.total_amount, "money"),
        Column("发票状态", 12, lambda i: choice_label(TaxStatus, i.tax_status)),
        Column("红字发票", 8, lambda i: "是" if i.is_red else "否"),
        Column(
            "风险标记", 10, lambda i: choice_label(RiskFlag, i.risk_flag) if i.risk_flag else ""
        ),
        Column("审核状态", 10, lambda i: choice_label(ReviewStatus, i.status)),
        Column("类别", 14, lambda i: i.category),
        Column("部门", 12, lambda i: str(i.department) if i.department else ""),
        Column("提交人", 12, lambda i: str(i.submitter) if i.submitter else ""),
        Column("开票地区", 10, lambda i: i.region),
        Column("重复提交", 8, lambda i: "是" if i.has_duplicates else "否"),
        Column("检查结果", 50, lambda i: _findings(i, masker)),
        Column("录入时间", 17, lambda i: _local(i.created_at), "datetime"),
    ]


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _check_size(qs: QuerySet[Invoice]) -> None:
    # Checked before any file is begun, so a refused export leaves no half-written workbook.
    if qs.order_by()[: MAX_EXPORT_ROWS + 1].count() > MAX_EXPORT_ROWS:
        raise ExportTooLarge()


def _rows(qs: QuerySet[Invoice]) -> Iterator[Invoice]:
    # A stable order even when the caller gave none, so two downloads compare line by line.
    ordered = qs if qs.ordered else qs.order_by("-issue_date", "-id")
    yield from ordered.select_related("department", "submitter").iterator(chunk_size=2000)


def _xlsx(qs: QuerySet[Invoice], cols: list[Column]) -> bytes:
    _check_size(qs)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("发票列表")
    ws.freeze_panes = "A2"
    for index, col in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(index)].width = col.width
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF5")
    header = []
    for col in cols:
        cell = WriteOnlyCell(ws, value=col.title)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    formats = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT}
    for invoice in _rows(qs):
        row = []
        for col in cols:
            value = col.value(invoice)
            if col.kind == "text":
                cell = WriteOnlyCell(ws, value=neutralise(str(value or "")))
                cell.data_type = "s"  # never a formula, whatever the text
            else:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = formats[col.kind]
            row.append(cell)
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return str(Decimal(value).quantize(Decimal("0.01")))
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return f"{value:%Y-%m-%d %H:%M}"
    return neutralise(str(value))


def _csv(qs: QuerySet[Invoice], cols: list[Column]) -> bytes:
    _check_size(qs)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([col.title for col in cols])
    for invoice in _rows(qs):
        writer.writerow([_csv_value(col.value(invoice), col.kind) for col in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_invoices(
    qs: QuerySet[Invoice], fmt: str, *, viewer: User | None = None, sort: str = ""
) -> tuple[bytes, str, str]:
    """The invoices of `qs` as a file: (bytes, content type, file name), in the order of
    `sort` (as the list's sort parameter, ties by id) or else of `qs`.

    Personal buyer tax ids are masked unless `viewer` may see them; callers pass the user
    who downloads. Raises ExportTooLarge beyond MAX_EXPORT_ROWS rows.
    """
    if sort:
        name, descending = parse_sort(sort)
        qs = qs.order_by(*([f"-{name}", "-id"] if descending else [name, "id"]))
    fmt = fmt.lower()
    if fmt not in CONTENT_TYPES:
        raise InvalidInvoiceData(
            [{"field": "format", "message": "不支持的导出格式"}],
            detail=f"不支持导出为 {fmt}：请选择 xlsx 或 csv。",
        )
    cols = columns(Masker(viewer) if viewer is not None else _MaskAll())
    body = _xlsx(qs, cols) if fmt == "xlsx" else _csv(qs, cols)
    filename = f"发票列表-{timezone.localdate():%Y%m%d}.{fmt}"
    return body, CONTENT_TYPES[fmt], filename
