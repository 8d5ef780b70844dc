"""The watched folder of platform exports: a void arriving in an export reaches the stored
invoice and its owner, the export source records its last successful sync, and a file for
an unknown organisation is set aside with the reason."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from fapiao.accounts.models import Organisation, User
from fapiao.cli import main
from fapiao.invoices.models import Invoice, TaxStatus
from fapiao.lookup.inbox import import_inbox
from fapiao.lookup.models import SyncSource
from fapiao.notify.models import Notification
from tests.corpus.render_xlsx import render_xlsx
from tests.lookup.conftest import BJ_NUMBER, make_data

pytestmark = pytest.mark.django_db


def test_export_in_the_inbox_voids_the_stored_invoice_and_records_the_sync(
    org: Organisation, users: dict[str, User], put: Callable[..., Invoice], tmp_path: Path
) -> None:
    invoice = put(BJ_NUMBER, submitter=users["submitter"])
    folder = tmp_path / org.tax_id
    folder.mkdir()
    voided = dataclasses.replace(make_data(BJ_NUMBER), tax_status="voided")
    (folder / "2026-11.xlsx").write_bytes(render_xlsx([voided], form="header"))
    (tmp_path / "91110000000000000X").mkdir()
    (tmp_path / "91110000000000000X" / "stray.xlsx").write_bytes(b"not ours")

    report = import_inbox(tmp_path)

    assert report.imported == ["2026-11.xlsx"] and report.status_updates == 1
    assert [name for name, _ in report.failed] == ["stray.xlsx"]
    invoice.refresh_from_db()
    assert invoice.tax_status == TaxStatus.VOIDED
    assert Notification.objects.filter(recipient=users["submitter"], event="tax_status_changed")
    assert SyncSource.objects.get(slug="etax-export").last_success_at is not None
    assert [p.name for p in folder.iterdir() if p.is_file()] == []  # moved to done/
    reason = next((tmp_path / "91110000000000000X" / "failed").glob("*.txt")).read_text()
    assert "没有纳税人识别号为" in reason


def test_sync_command_imports_the_inbox(
    org: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAPIAO_SYNC_INBOX_DIR", str(tmp_path))
    (tmp_path / org.tax_id).mkdir()
    (tmp_path / org.tax_id / "a.xlsx").write_bytes(
        render_xlsx([make_data(BJ_NUMBER)], form="header")
    )
    assert main(["sync"]) == 0
    out = capsys.readouterr().out
    assert "导入 1 个文件" in out
    assert Invoice.objects.filter(organisation=org, invoice_number=BJ_NUMBER).exists()
