"""Reader for the tax platform's Excel export (电子税务局 发票查询统计 → 导出).

Two forms: the header form has one row per invoice; the detail form one row per line item,
whose rows are grouped back into invoices by 数电发票号码 or (发票代码, 发票号码) and whose
amounts are summed. The header row need not be the first (exports carry a title row above
it), and any sheet whose header row names the export's columns is read, a detail sheet
before a header sheet. The file is a zip: SafeZip's caps are checked before openpyxl, which
parses the sheets with defusedxml when installed, touches it.

Values come from the platform's own records, so every field read is certain (1.0).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fapiao.core.categories import tax_category
from fapiao.core.invoice import InvoiceData, LineItemData, find_original_invoice, parse_tax_rate
from fapiao.core.kinds import TaxStatus, kind_name
from fapiao.reader import xlsx_columns as col
from fapiao.reader.base import Limits, RawInvoice, ReadError
from fapiao.reader.fields import put
from fapiao.reader.safezip import CORRUPT_MESSAGE, SafeZip

HEADER_SCAN_ROWS = 30  # title rows and notes above the header row
MAX_ROWS = 200_000
NOT_EXPORT_MESSAGE = (
    "这个 Excel 不是电子税务局导出的发票清单：没有找到“发票号码”“金额”“开票日期”等表头。"
    "请在电子税务局“发票查询统计”中导出发票信息后再导入。"
)
EMPTY_EXPORT_MESSAGE = "导出文件中没有发票数据（只有表头）：请确认导出时的查询条件后重新导出。"
TOO_MANY_ROWS_MESSAGE = f"表格超过 {MAX_ROWS} 行：请按月份分批导出后再导入。"
_TOTAL_MARKERS = ("合计", "总计", "小计")
_RISK_WORDS = ("失控", "异常", "疑点")


@dataclass
class ExportRead:
    invoices: list[RawInvoice] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # sheet row where each invoice starts
    failed: list[tuple[int, str]] = field(default_factory=list)  # (sheet row, reason)
    sheet: str = ""
    detail: bool = False  # one row per line item


def read(blob: bytes, *, limits: Limits) -> list[RawInvoice]:
    """The reader contract of the pipeline."""
    return read_export(blob, limits=limits)


def read_export(blob: bytes, *, limits: Limits) -> list[RawInvoice]:
    result = read_workbook(blob, limits=limits)
    if not result.invoices and result.failed:
        row, reason = result.failed[0]
        raise ReadError("no_invoice_found", f"导出文件中没有能读取的发票（第 {row} 行：{reason}）")
    return result.invoices


def read_workbook(blob: bytes, *, limits: Limits) -> ExportRead:
    """Invoices, the rows they start on, and the rows that could not be read (with why)."""
    SafeZip(blob, limits=limits)  # bombs and broken zips end here, before openpyxl
    import openpyxl  # heavy: only when an Excel file arrives

    try:
        book = openpyxl.load_workbook(io.BytesIO(blob), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc
    try:
        return _read_book(book)
    except ReadError:
        raise
    except Exception as exc:  # a sheet whose XML breaks mid-way
        raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc
    finally:
        book.close()


def _read_book(book: Any) -> ExportRead:
    best: tuple[Any, int, dict[str, int]] | None = None
    for sheet in book.worksheets:
        if not hasattr(sheet, "iter_rows"):
            continue  # chart sheets
        for number, values in enumerate(
            sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True), start=1
        ):
            columns = col.map_header(values)
            if col.is_header(columns):
                if best is None or ("item_name" in columns and "item_name" not in best[2]):
                    best = (sheet, number, columns)
                break
    if best is None:
        raise ReadError("no_invoice_found", NOT_EXPORT_MESSAGE)
    sheet, header_row, columns = best
    result = ExportRead(sheet=sheet.title, detail="item_name" in columns)
    rows = sheet.iter_rows(min_row=header_row + 1, values_only=True)
    _Grouper(result, columns).feed(rows, first_row=header_row + 1)
    if not result.invoices and not result.failed:
        raise ReadError("no_invoice_found", EMPTY_EXPORT_MESSAGE)
    return result


@dataclass
class _Group:
    raw: RawInvoice
    row: int
    amount: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    total: Decimal = Decimal(0)


class _Grouper:
    def __init__(self, result: ExportRead, columns: dict[str, int]) -> None:
        self.result = result
        self.columns = columns
        self.groups: dict[tuple[str, str], _Group] = {}

    def feed(self, rows: Iterator[tuple[object, ...]], *, first_row: int) -> None:
        for offset, values in enumerate(rows):
            if offset >= MAX_ROWS:
                raise ReadError("too_large", TOO_MANY_ROWS_MESSAGE)
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            row = first_row + offset
            try:
                self._row(row, values)
            except col.CellError as exc:
                self.result.failed.append((row, str(exc)))
        if self.result.detail:
            for group in self.groups.values():
                _put_sums(group)

    def _row(self, row: int, values: tuple[object, ...]) -> None:
        def get(name: str) -> object:
            index = self.columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        code = col.digits(get("code"), "发票代码")
        number = col.digits(get("number"), "发票号码")
        shudian = col.digits(get("shudian"), "数电发票号码")
        if not number and not shudian:
            if any(str(v or "").strip().startswith(_TOTAL_MARKERS) for v in values):
                return  # the totals line at the bottom of an export
            raise col.CellError("这一行没有发票号码：请核对，或从电子税务局重新导出。")
        if shudian and not code:
            code, number = None, shudian
        key = (code or "", number or "")
        group = self.groups.get(key)
        if group is not None and not self.result.detail:
            raise col.CellError(f"与第 {group.row} 行是同一张发票，已跳过这一行。")
        if group is None:
            group = _Group(_header(get), row)
            put(group.raw, "invoice_code", code, "excel", 1.0)
            put(group.raw, "invoice_number", number, "excel", 1.0)
            if not self.result.detail:
                put(group.raw, "amount", col.money(get("amount"), "金额"), "excel", 1.0)
                put(group.raw, "tax_amount", col.money(get("tax_amount"), "税额"), "excel", 1.0)
                total = col.money(get("total_amount"), "价税合计")
                put(group.raw, "total_amount", total, "excel", 1.0)
                _finish(group.raw)
            self.groups[key] = group
            self.result.invoices.append(group.raw)
            self.result.rows.append(row)
        elif self.result.detail:
            seller = col.text(get("seller_tax_id"))
            if seller and seller.upper() != (group.raw.data.seller_tax_id or "").upper():
                raise col.CellError(
                    f"发票号码与第 {group.row} 行相同，但销方识别号不同：请核对这一行。"
                )
        if self.result.detail:
            _add_item(group, get)


def _header(get: Any) -> RawInvoice:
    """The invoice-level fields of a row (in the detail form, of its first row)."""
    raw = RawInvoice(data=InvoiceData())
    data = raw.data
    put(raw, "issue_date", col.date(get("issue_date")), "excel", 1.0)
    kind = col.kind(get("kind"))
    if put(raw, "invoice_type", kind, "excel", 1.0):
        put(raw, "invoice_type_name", kind_name(kind), "excel", 1.0)
    else:
        put(raw, "invoice_type_name", col.text(get("kind")), "excel", 1.0)
    for name in ("seller_tax_id", "buyer_tax_id"):
        value = col.text(get(name))
        put(raw, name, value.upper().replace(" ", "") if value else None, "excel", 1.0)
    for name in ("seller_name", "buyer_name", "issuer", "remarks"):
        put(raw, name, col.text(get(name)), "excel", 1.0)
    status_text = col.text(get("status"))
    status = TaxStatus.from_label(status_text)
    if status is not None:
        data.tax_status = status.value
    risk = col.text(get("risk_level"))
    if not risk and status_text and any(w in status_text for w in _RISK_WORDS):
        risk = status_text  # some exports put 失控 / 异常凭证 into the status column
    if status_text:
        raw.extras["status"] = status_text
    if risk:
        raw.extras["risk_level"] = risk
    origin = col.text(get("origin"))
    if origin:
        raw.extras["origin"] = origin
    data.is_red = col.is_negative_flag(get("positive"))
    return raw


def _finish(raw: RawInvoice) -> None:
    """Once the amounts are in: a red invoice, and the blue one its 备注 names."""
    data = raw.data
    data.is_red = data.is_red or data.has_negative_amounts
    if data.is_red and data.original_invoice_number is None:
        original = find_original_invoice(data.remarks)
        if original is not None:
            data.original_invoice_code, data.original_invoice_number = original


def _add_item(group: _Group, get: Any) -> None:
    name = col.text(get("item_name")) or ""
    amount = col.money(get("amount"), "金额")
    tax = col.money(get("tax_amount"), "税额")
    total = col.money(get("total_amount"), "价税合计")
    rate = get("tax_rate")
    group.raw.data.items.append(
        LineItemData(
            name=name,
            tax_category=tax_category(name),
            spec=col.text(get("spec")),
            unit=col.text(get("unit")),
            quantity=col.text(get("quantity")),
            unit_price=col.text(get("unit_price")),
            amount=amount,
            tax_rate=parse_tax_rate(rate if not isinstance(rate, float) else repr(rate)),
            tax_amount=tax,
        )
    )
    group.amount += amount or 0
    group.tax += tax or 0
    group.total += total if total is not None else (amount or 0) + (tax or 0)


def _put_sums(group: _Group) -> None:
    raw = group.raw
    put(raw, "amount", group.amount, "excel", 1.0)
    put(raw, "tax_amount", group.tax, "excel", 1.0)
    put(raw, "total_amount", group.total, "excel", 1.0)
    put(raw, "items", raw.data.items, "excel", 1.0)
    _finish(raw)
