"""The audit trail of an organisation for a date range as CSV or XLSX (finance, admin).

Same conventions as the invoice export: CSV with a UTF-8 BOM for Excel on Chinese Windows,
text that a spreadsheet would run as a formula neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from fapiao.accounts.models import User
from fapiao.errors import FapiaoError, InvalidInvoiceData
from fapiao.invoices.exports import CONTENT_TYPES, neutralise
from fapiao.review.history import Entry, organisation_history

MAX_ROWS = 100_000
MAX_DAYS = 366
HEADERS = [
    "时间",
    "发票编号",
    "发票号码",
    "类别",
    "操作",
    "操作人",
    "字段",
    "变更前",
    "变更后",
    "意见 / 原因",
    "放行理由",
]


class AuditExportTooLarge(FapiaoError):
    code = "export_too_large"
    status = 422
    title = "导出数量过多"
    detail = f"所选时间段的审计记录超过 {MAX_ROWS:,} 条：请缩短时间段后分批导出。"


def window(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of date_from, start of the day after date_to) in local time."""
    if date_to < date_from:
        raise InvalidInvoiceData(
            [{"field": "date_to", "message": "结束日期早于开始日期"}],
            detail="结束日期早于开始日期：请检查所选的时间段。",
        )
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInvoiceData(
            [{"field": "date_to", "message": f"时间段最长 {MAX_DAYS} 天"}],
            detail=f"一次最多导出 {MAX_DAYS} 天的审计记录：请缩短时间段后分批导出。",
        )
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _row(e: Entry) -> list[Any]:
    local = timezone.localtime(e.created_at).replace(tzinfo=None, microsecond=0)
    return [
        local,
        e.invoice_id,
        e.invoice_number,
        e.kind_label,
        e.action_label,
        e.actor or "系统",
        e.field_label,
        e.before,
        e.after,
        e.comment,
        e.override_reason,
    ]


def export_audit(
    viewer: User, *, date_from: dt.date, date_to: dt.date, fmt: str
) -> tuple[bytes, str, str]:
    """(body, content type, file name) of the viewer's organisation's audit trail."""
    start, end = window(date_from, date_to)
    entries = organisation_history(viewer, start=start, end=end, limit=MAX_ROWS + 1)
    if len(entries) > MAX_ROWS:
        raise AuditExportTooLarge()
    name = f"审计记录_{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"
    rows = [_row(e) for e in entries]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow(
                [
                    v.strftime("%Y-%m-%d %H:%M:%S")
                    if isinstance(v, dt.datetime)
                    else neutralise(str(v))
                    for v in row
                ]
            )
        return ("\ufeff" + out.getvalue()).encode("utf-8"), CONTENT_TYPES["csv"], name
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计记录")
    for col, width in zip("ABCDEFGHIJK", (20, 10, 22, 10, 14, 12, 14, 24, 24, 40, 30), strict=True):
        sheet.column_dimensions[col].width = width
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([v if not isinstance(v, str) else neutralise(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), CONTENT_TYPES["xlsx"], name
