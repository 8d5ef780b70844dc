"""`fapiao extract` (run_extract): JSON, JSONL and the table, and the exit code."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from fapiao.core.invoice import InvoiceData
from fapiao.reader.extract_cli import run_extract
from tests.corpus.render_ofd import render_ofd
from tests.corpus.render_xml import render_xml


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _files(tmp_path: Path, generated: list[InvoiceData]) -> list[str]:
    (tmp_path / "a.xml").write_bytes(render_xml(generated[0]))
    (tmp_path / "b.ofd").write_bytes(render_ofd(generated[1]))
    return [str(tmp_path / "a.xml"), str(tmp_path / "b.ofd")]


def _run(argv: list[str], stderr: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), stderr or io.StringIO()
    code = run_extract(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def test_json_array_one_object_per_file(
    tmp_path: Path, generated: list[InvoiceData], validate_schema: Any
) -> None:
    files = _files(tmp_path, generated)
    code, out, _ = _run(["--json", *files])
    assert code == 0
    results = json.loads(out)
    assert [r["file"] for r in results] == files
    for result in results:
        validate_schema(result)
    numbers = [r["invoices"][0]["invoice_number"] for r in results]
    assert numbers == [generated[0].invoice_number, generated[1].invoice_number]


def test_jsonl_and_a_failed_file(tmp_path: Path, generated: list[InvoiceData]) -> None:
    files = _files(tmp_path, generated)
    (tmp_path / "bad.txt").write_text("hello", encoding="utf-8")
    code, out, _ = _run(["--jsonl", *files, str(tmp_path / "bad.txt")])
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in lines] == ["ok", "ok", "failed"]
    assert lines[2]["error"]["code"] == "unsupported_format"


def test_table_is_readable(tmp_path: Path, generated: list[InvoiceData]) -> None:
    files = _files(tmp_path, generated)
    code, out, _ = _run([*files, str(tmp_path / "missing.ofd")])
    assert code == 1
    assert "发票号码" in out.splitlines()[0]
    assert generated[0].invoice_number in out
    assert "失败" in out and "无法打开文件" in out


def test_progress_on_a_terminal(tmp_path: Path, generated: list[InvoiceData]) -> None:
    files = _files(tmp_path, generated) * 3
    _, _, err = _run(["--jsonl", *files], stderr=_Tty())
    assert "识别中 6/6" in err
    _, _, quiet = _run(["--jsonl", *files])
    assert quiet == ""


def test_bad_arguments_exit_2() -> None:
    code, _, _ = _run(["--json", "--jsonl", "x"])
    assert code == 2


def test_buyer_tax_id_settles_which_party_is_the_buyer(
    tmp_path: Path, generated: list[InvoiceData]
) -> None:
    from tests.corpus.alt_layout import AltStyle
    from tests.corpus.alt_pdf import render_alt_pdf

    inv = next(i for i in generated if i.buyer_tax_id and i.invoice_type in ("10", "01"))
    # Nothing on this page names the parties: which tax id is whose is only a guess...
    path = tmp_path / "unnamed.pdf"
    path.write_bytes(render_alt_pdf(inv, AltStyle(heading="none")))
    _, out, _ = _run([str(path), "--json"])
    [guessed] = json.loads(out)[0]["invoices"]
    assert guessed["buyer_tax_id"] == inv.buyer_tax_id
    assert "buyer_tax_id" in guessed["needs_review"]
    # ...until the organisation's own tax id says which one is the buyer's.
    _, out, _ = _run([str(path), "--json", "--buyer-tax-id", str(inv.buyer_tax_id)])
    [known] = json.loads(out)[0]["invoices"]
    assert known["buyer_tax_id"] == inv.buyer_tax_id
    assert known["seller_tax_id"] == inv.seller_tax_id
    assert "buyer_tax_id" not in known["needs_review"]
