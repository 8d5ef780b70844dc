"""Bad input: each ends as `failed` with a stable code and a Chinese message, never raises."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from fapiao.reader import pipeline
from fapiao.reader.base import ExtractionResult, Limits
from fapiao.reader.pipeline import extract_bytes
from tests.corpus.render_ofd import render_ofd
from tests.corpus.render_xml import render_xml
from tests.reader.conftest import TODAY

CHINESE = re.compile(r"[\u4e00-\u9fff]")

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<EInvoice><Remark>&lol3;</Remark></EInvoice>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<EInvoice><EInvoiceData><SellerName>&xxe;</SellerName></EInvoiceData></EInvoice>"""


def _failed(result: ExtractionResult, code: str) -> None:
    out = result.to_schema_dict()
    assert out["status"] == "failed"
    assert out["invoices"] == []
    assert out["error"]["code"] == code
    assert CHINESE.search(out["error"]["message"])
    assert "：" in out["error"]["message"]  # what went wrong：what to do


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _extract(blob: bytes, name: str, **limits: int) -> ExtractionResult:
    return extract_bytes(blob, filename=name, limits=Limits(**limits), today=TODAY)


def test_unsupported_type() -> None:
    _failed(_extract(b"just some text, not an invoice", "notes.txt"), "unsupported_format")


def test_word_document_is_unsupported() -> None:
    blob = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    _failed(_extract(blob, "letter.docx"), "unsupported_format")


def test_empty_file() -> None:
    _failed(_extract(b"", "empty.pdf"), "empty_file")


def test_too_large() -> None:
    _failed(_extract(b"<?xml version='1.0'?><EInvoice/>" + b" " * 2000, "a.xml", max_bytes=1000),
            "too_large")  # fmt: skip


def test_truncated_xml(generated: list) -> None:
    blob = render_xml(generated[0])
    _failed(_extract(blob[: len(blob) // 2], "cut.xml"), "corrupt_file")


def test_xml_without_invoice() -> None:
    _failed(_extract(b"<?xml version='1.0'?><EInvoice><Foo>1</Foo></EInvoice>", "a.xml"),
            "no_invoice_found")  # fmt: skip


def test_xml_billion_laughs() -> None:
    _failed(_extract(BILLION_LAUGHS, "lol.xml"), "unsafe_file")


def test_xml_external_entity() -> None:
    _failed(_extract(XXE, "xxe.xml"), "unsafe_file")


def test_ofd_zip_bomb_ratio() -> None:
    blob = _zip({"OFD.xml": b"<OFD/>", "Doc_0/bomb.xml": b"\0" * (30 * 1024 * 1024)})
    assert len(blob) < 100_000
    _failed(_extract(blob, "bomb.ofd"), "unsafe_file")


def test_ofd_too_many_entries() -> None:
    entries = {f"Doc_0/Res/{i}.xml": b"<a/>" for i in range(60)}
    blob = _zip({"OFD.xml": b"<OFD/>", **entries})
    _failed(_extract(blob, "many.ofd", max_zip_entries=50), "unsafe_file")


def test_ofd_total_uncompressed_size() -> None:
    blob = _zip({"OFD.xml": b"<OFD/>", "big.bin": bytes(range(256)) * 8192}, zipfile.ZIP_STORED)
    _failed(_extract(blob, "big.ofd", max_unzipped_bytes=1024 * 1024), "unsafe_file")


def test_ofd_entity_attack_inside_zip() -> None:
    blob = _zip({"OFD.xml": BILLION_LAUGHS})
    _failed(_extract(blob, "lol.ofd"), "unsafe_file")


def test_corrupt_zip(generated: list) -> None:
    blob = render_ofd(generated[0])
    _failed(_extract(blob[: len(blob) // 2], "cut.ofd"), "corrupt_file")


def test_corrupt_zip_without_a_name_hint(generated: list) -> None:
    blob = render_ofd(generated[0])
    _failed(_extract(blob[: len(blob) // 2], "upload"), "corrupt_file")


def test_ofd_without_pages() -> None:
    ofd = (
        b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016">'
        b"<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    doc = b'<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages/></ofd:Document>'
    _failed(_extract(_zip({"OFD.xml": ofd, "Doc_0/Document.xml": doc}), "nopages.ofd"),
            "no_invoice_found")  # fmt: skip


def test_ofd_with_broken_ofd_xml() -> None:
    _failed(_extract(_zip({"OFD.xml": b"<ofd:OFD"}), "broken.ofd"), "corrupt_file")


def test_reader_crash_becomes_corrupt_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(blob: bytes, *, limits: Limits) -> list:
        raise IndexError("bug in a reader")

    monkeypatch.setitem(pipeline._READERS, "xml", explode)
    _failed(_extract(b"<?xml version='1.0'?><EInvoice/>", "a.xml"), "corrupt_file")


def test_missing_reader_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(pipeline._READERS, "image", raising=False)
    monkeypatch.setitem(pipeline._LAZY_MODULES, "image", "fapiao.reader.no_such_reader")
    _failed(_extract(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "photo.png"), "unsupported_format")
