"""The watched folder of platform exports: `<FAPIAO_SYNC_INBOX_DIR>/<organisation tax id>/`
holds Excel exports of 电子税务局 (发票查询统计 → 导出) dropped there by people or a script.
Each run imports them through the platform import (new invoices stored, 作废/红冲 applied and
their owners notified), moves each file to done/ or failed/ (with the reason beside it) and
records the last successful sync on the export source."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from fapiao.accounts.models import Organisation
from fapiao.errors import FapiaoError
from fapiao.invoices.platform_import import import_export_file
from fapiao.lookup import conf
from fapiao.lookup.models import SourceStatus, SyncSource

log = logging.getLogger(__name__)
EXPORT_SOURCE = ("etax-export", "电子税务局导出", "北京")
SUFFIXES = frozenset({".xlsx"})


@dataclass
class InboxReport:
    imported: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    created: int = 0
    status_updates: int = 0


def export_source() -> SyncSource:
    slug, name, region = EXPORT_SOURCE
    source, _ = SyncSource.objects.get_or_create(
        slug=slug, defaults={"name": name, "region": region}
    )
    return source


def _move(path: Path, folder: str, reason: str = "") -> None:
    target = path.parent / folder
    target.mkdir(exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    moved = target / f"{stamp}-{path.name}"
    shutil.move(str(path), moved)
    if reason:
        moved.with_suffix(moved.suffix + ".txt").write_text(reason + "\n", encoding="utf-8")


def import_inbox(directory: Path | None = None) -> InboxReport:
    directory = directory or conf.sync_inbox_dir()
    report = InboxReport()
    if not directory.is_dir():
        return report
    for org_dir in sorted(p for p in directory.iterdir() if p.is_dir()):
        org = Organisation.objects.filter(tax_id=org_dir.name.strip().upper()).first()
        files = sorted(p for p in org_dir.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        for path in files:
            if org is None:
                reason = (
                    f"没有纳税人识别号为 {org_dir.name} 的组织："
                    "请把文件放进以本组织税号命名的文件夹。"
                )
                report.failed.append((path.name, reason))
                _move(path, "failed", reason)
                continue
            try:
                result = import_export_file(
                    organisation=org, blob=path.read_bytes(), filename=path.name
                )
            except FapiaoError as exc:
                report.failed.append((path.name, exc.detail))
                _move(path, "failed", exc.detail)
                continue
            report.imported.append(path.name)
            report.created += result.created
            report.status_updates += result.status_updates
            _move(path, "done", result.summary())
    if report.imported or report.failed:
        source = export_source()
        now = timezone.now()
        source.last_attempt_at = now
        if report.imported:
            source.last_success_at, source.status, source.message = now, SourceStatus.OK, ""
        else:
            source.message = f"{len(report.failed)} 个导出文件未能导入"
        source.save()
        log.info("inbox: %d imported, %d failed", len(report.imported), len(report.failed))
    return report
