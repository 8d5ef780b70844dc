"""Import of the tax platform's Excel export (电子税务局 发票查询统计 → 导出).

New invoices are stored through bulk.bulk_record (red ones tied to their blue ones). An
invoice already stored is not a second submission (the export lists everything the
platform knows, again each month), so it is counted, not linked as a duplicate; what the
platform learnt since, a void or a red reversal arriving later, or a risk level, is written
onto it with a FieldCorrection (reason 平台导入, no user) per changed field, the status
through services.set_tax_status as every status change.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fapiao.accounts.models import Organisation, User
from fapiao.core import codes
from fapiao.errors import FapiaoError
from fapiao.invoices import services
from fapiao.invoices.bulk import bulk_record
from fapiao.invoices.models import FieldCorrection, Invoice, RiskFlag, Source, TaxStatus
from fapiao.invoices.services import IN_CHUNK
from fapiao.reader.base import Limits, RawInvoice, ReadError
from fapiao.reader.xlsx_export import read_workbook

REASON = "平台导入"
SOURCE = "税务平台导入"  # where a status change came from, in the audit trail
# A later export may move a status forward, never back: an older export imported after a
# newer one must not undo a void or a reversal.
_RANK = {TaxStatus.NORMAL: 0, TaxStatus.RED_PARTIAL: 1, TaxStatus.RED_FULL: 2, TaxStatus.VOIDED: 2}
_RISK_WORDS = (
    ("失控", RiskFlag.OUT_OF_CONTROL),
    ("异常", RiskFlag.ABNORMAL),
    ("疑点", RiskFlag.SUSPICIOUS),
)
_NO_RISK = ("正常", "无", "无风险", "低", "-", "--")


class ImportFailed(FapiaoError):
    code = "import_failed"
    status = 422
    title = "导入失败"
    detail = "无法导入这个文件：请确认它是电子税务局导出的发票清单（.xlsx）。"


@dataclass
class ImportReport:
    invoices: int = 0  # invoices found in the file
    created: int = 0
    duplicates: int = 0  # already stored before this import
    status_updates: int = 0
    risk_updates: int = 0
    red_linked: int = 0
    failed_rows: list[tuple[int, str]] = field(default_factory=list)  # (sheet row, reason)

    def summary(self) -> str:
        text = (
            f"共读取 {self.invoices} 张发票：新增 {self.created} 张，已存在 {self.duplicates} 张，"
            f"更新状态 {self.status_updates} 张，更新风险标记 {self.risk_updates} 张，"
            f"关联红字发票 {self.red_linked} 张"
        )
        if self.failed_rows:
            text += f"；{len(self.failed_rows)} 行未能导入（原因见下）"
        return text + "。"


def risk_flag(text: str | None) -> str | None:
    """RiskFlag for a 发票风险等级; None when the text says nothing this model knows."""
    if not text:
        return None
    for word, flag in _RISK_WORDS:
        if word in text:
            return str(flag)
    return str(RiskFlag.NONE) if text.strip() in _NO_RISK else None


def import_export_file(
    *, organisation: Organisation, blob: bytes, filename: str, submitter: User | None = None
) -> ImportReport:
    """Import one export file; ImportFailed (Chinese detail) when the file cannot be read."""
    limits = Limits(max_bytes=settings.MAX_UPLOAD_BYTES)
    if len(blob) > limits.max_bytes:
        raise ImportFailed(
            f"文件“{filename}”过大（上限 {limits.max_bytes // (1024 * 1024)} MB）："
            "请按月份分批导出后再导入。"
        )
    try:
        read = read_workbook(blob, limits=limits)
    except ReadError as exc:
        raise ImportFailed(f"文件“{filename}”无法导入：{exc.message}") from exc
    report = ImportReport(invoices=len(read.invoices), failed_rows=list(read.failed))
    entries = [(row, raw, codes.identity_key(raw.data.invoice_code, raw.data.invoice_number or ""))
               for row, raw in zip(read.rows, read.invoices, strict=True)]  # fmt: skip
    stored = _stored(organisation, [key for _, _, key in entries])
    fresh = [(row, raw, key) for row, raw, key in entries if key not in stored]
    with transaction.atomic():
        for _, raw, key in entries:
            if key in stored:
                _update(stored[key], raw, report)
    report.duplicates = len(entries) - len(fresh)
    result = bulk_record(
        organisation=organisation,
        invoices=[raw.data for _, raw, _ in fresh],
        submitter=submitter,
        source=Source.IMPORT,
    )
    report.created = result.created
    report.duplicates += result.duplicates
    report.red_linked = result.red_linked
    report.failed_rows += [(fresh[index][0], reason) for index, reason in result.rejected]
    report.failed_rows.sort()
    _set_new_risk_flags(organisation, fresh)
    return report


def _stored(organisation: Organisation, keys: list[str]) -> dict[str, Invoice]:
    found: dict[str, Invoice] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        rows = Invoice.objects.filter(organisation=organisation, identity_key__in=chunk)
        found.update((invoice.identity_key, invoice) for invoice in rows)
    return found


def _update(invoice: Invoice, raw: RawInvoice, report: ImportReport) -> None:
    status = raw.data.tax_status
    if status in _RANK and _RANK[TaxStatus(status)] > _RANK.get(TaxStatus(invoice.tax_status), 0):
        changed = services.set_tax_status(
            invoice=invoice, status=status, source=SOURCE, reason=REASON
        )
        report.status_updates += int(changed)
    flag = risk_flag(raw.extras.get("risk_level"))
    if flag is not None and flag != invoice.risk_flag:
        FieldCorrection.objects.create(
            invoice=invoice, user=None, field="risk_flag", before=invoice.risk_flag, after=flag,
            reason=REASON,
        )  # fmt: skip
        invoice.risk_flag = flag
        invoice.updated_at = timezone.now()
        invoice.save(update_fields=["risk_flag", "updated_at"])
        report.risk_updates += 1


def _set_new_risk_flags(
    organisation: Organisation, fresh: list[tuple[int, RawInvoice, str]]
) -> None:
    """bulk_record knows no risk level: set the flags of the invoices it just stored."""
    by_flag: dict[str, list[str]] = {}
    for _, raw, key in fresh:
        flag = risk_flag(raw.extras.get("risk_level"))
        if flag:
            by_flag.setdefault(flag, []).append(key)
    for flag, keys in by_flag.items():
        for start in range(0, len(keys), IN_CHUNK):
            Invoice.objects.filter(
                organisation=organisation,
                identity_key__in=keys[start : start + IN_CHUNK],
                source=Source.IMPORT,
                risk_flag=RiskFlag.NONE,
            ).update(risk_flag=flag)


# -- fapiao import FILE.xlsx [--org NAME] [--username U] -----------------------------------


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _parser() -> _Parser:
    parser = _Parser(
        prog="fapiao import",
        description="导入电子税务局“发票查询统计”导出的发票清单（.xlsx，汇总或明细格式）",
    )
    parser.add_argument("file", help="导出的 Excel 文件")
    parser.add_argument("--org", help="导入到哪个组织（全称）；只有一个组织时可省略")
    parser.add_argument("--username", help="以哪个用户的名义导入（默认不记录提交人）")
    return parser


class _Refused(Exception):
    """A problem with the options or the file; the message says what to do."""


def _target(org_name: str | None, username: str | None) -> tuple[Organisation, User | None]:
    user = None
    if username:
        user = User.objects.select_related("organisation").filter(username=username).first()
        if user is None or user.organisation is None:
            raise _Refused(f"用户“{username}”不存在或不属于任何组织：请检查 --username。")
    if org_name:
        org = Organisation.objects.filter(name=org_name.strip()).first()
        if org is None:
            raise _Refused(f"组织“{org_name}”不存在：请检查 --org 的组织全称是否正确。")
        if user is not None and user.organisation_id != org.pk:
            raise _Refused(f"用户“{username}”不属于组织“{org.name}”：请核对 --org 和 --username。")
        return org, user
    if user is not None and user.organisation is not None:
        return user.organisation, user
    orgs = list(Organisation.objects.order_by("name")[:2])
    if not orgs:
        raise _Refused("还没有任何组织：请先运行 fapiao demo 或 fapiao createuser 创建组织。")
    if len(orgs) > 1:
        raise _Refused("有多个组织：请用 --org 指定要导入到哪个组织。")
    return orgs[0], None


def run_import(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """`fapiao import`: 0 when the file was imported (rows that failed are listed), 1 when
    it could not be, 2 for wrong options."""
    parser = _parser()
    if {"-h", "--help"} & set(argv):
        print(parser.format_help(), file=stdout)
        return 0
    try:
        args = parser.parse_args(list(argv))
    except _UsageError as exc:
        print(
            f"错误：命令参数有误（{exc}）。用法：fapiao import 文件.xlsx [--org 组织全称]",
            file=stderr,
        )
        return 2
    path = Path(args.file)
    try:
        if path.stat().st_size > settings.MAX_UPLOAD_BYTES:
            raise _Refused(f"文件“{path.name}”过大：请按月份分批导出后再导入。")
        blob = path.read_bytes()
        org, user = _target(args.org, args.username)
        report = import_export_file(organisation=org, blob=blob, filename=path.name, submitter=user)
    except OSError as exc:
        print(f"错误：无法打开文件“{args.file}”（{exc.strerror}）：请检查路径和权限。", file=stderr)
        return 1
    except _Refused as exc:
        print(f"错误：{exc}", file=stderr)
        return 1
    except ImportFailed as exc:
        print(f"错误：{exc.detail}", file=stderr)
        return 1
    print(f"导入到组织“{org.name}”：{report.summary()}", file=stdout)
    for row, reason in report.failed_rows[:50]:
        print(f"  第 {row} 行：{reason}", file=stdout)
    if len(report.failed_rows) > 50:
        print(f"  另有 {len(report.failed_rows) - 50} 行未列出。", file=stdout)
    return 0
