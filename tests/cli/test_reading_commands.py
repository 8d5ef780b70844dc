"""`fapiao extract` and `fapiao import` as a person types them: through the one entry point."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from fapiao.accounts.models import User
from fapiao.cli import main
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices.models import Invoice
from tests.corpus.render_xlsx import render_xlsx
from tests.corpus.render_xml import render_xml

START, END = dt.date(2025, 1, 1), dt.date(2026, 10, 31)


def test_extract_prints_one_schema_object_per_file(
    corpus: CorpusGenerator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoices = list(corpus.invoices(3, start=START, end=END))
    paths = []
    for n, inv in enumerate(invoices):
        path = tmp_path / f"invoice-{n}.xml"
        path.write_bytes(render_xml(inv))
        paths.append(str(path))
    (tmp_path / "note.txt").write_text("not an invoice")
    paths.append(str(tmp_path / "note.txt"))

    code = main(["extract", "--json", *paths])

    out = json.loads(capsys.readouterr().out)
    assert code == 1  # one file failed
    assert [r["file"] for r in out] == paths
    assert [r["invoices"][0]["invoice_number"] for r in out[:3]] == [
        inv.invoice_number for inv in invoices
    ]
    assert out[3]["status"] == "failed"
    assert out[3]["error"]["code"] == "unsupported_format"


def test_import_command_stores_the_export(
    users: dict[str, User],
    corpus: CorpusGenerator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    invoices = list(corpus.invoices(12, start=START, end=END))
    path = tmp_path / "export.xlsx"
    path.write_bytes(render_xlsx(invoices))
    org = users["finance_admin"].organisation

    code = main(["import", str(path), "--org", org.name])

    assert code == 0
    stored = set(Invoice.objects.filter(organisation=org).values_list("invoice_number", flat=True))
    assert stored == {inv.invoice_number for inv in invoices}
    assert "12" in capsys.readouterr().out


def test_reprocess_command_reads_a_failed_upload_again(
    users: dict[str, User], corpus: CorpusGenerator, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.test import override_settings

    from fapiao.invoices import ingest

    [inv] = list(corpus.invoices(1, start=START, end=END, red_share=0, voided_share=0))
    user = users["submitter"]
    assert user.organisation is not None
    with override_settings(MAX_UPLOAD_BYTES=100):
        doc = ingest.store_upload(
            organisation=user.organisation,
            user=user,
            name="big.xml",
            stream=io.BytesIO(render_xml(inv)),
        ).document
    assert doc.state == "failed"

    assert main(["reprocess", str(doc.pk)]) == 0

    doc.refresh_from_db()
    assert doc.state == "done"
    assert Invoice.objects.get(organisation=user.organisation).invoice_number == inv.invoice_number
    assert main(["reprocess", "999999"]) == 1
    assert "没有编号为 999999" in capsys.readouterr().err
