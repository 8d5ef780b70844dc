"""OFD: generated invoices survive render -> read by data, by layout, and with odd zips."""

from __future__ import annotations

import io
import zipfile

import pytest

from fapiao.core.invoice import InvoiceData
from fapiao.reader.base import Limits
from fapiao.reader.ofd import read
from fapiao.reader.pipeline import extract_bytes
from tests.corpus.render_ofd import render_ofd
from tests.reader.conftest import TODAY

KEYS = (
    "invoice_type", "invoice_code", "invoice_number", "issue_date", "buyer_name",
    "buyer_tax_id", "seller_name", "seller_tax_id", "amount", "tax_amount", "total_amount",
    "total_amount_cn", "items",
)  # fmt: skip


def _subset(inv: InvoiceData) -> dict[str, object]:
    d = inv.to_schema_dict()
    return {k: d[k] for k in KEYS}


@pytest.mark.parametrize(
    "mode",
    [{"data": True}, {"data": False}, {"data": False, "kangxi": True}],
    ids=["data", "layout", "layout-kangxi"],
)
def test_generated_invoices_round_trip(generated: list[InvoiceData], mode: dict) -> None:
    wrong = []
    for inv in generated:
        [raw] = read(render_ofd(inv, **mode), limits=Limits())
        if _subset(raw.data) != _subset(inv):
            wrong.append((inv.invoice_number, _subset(raw.data), _subset(inv)))
    assert wrong == []


def test_layout_values_are_sourced_and_not_certain(generated: list[InvoiceData]) -> None:
    inv = generated[0]
    result = extract_bytes(render_ofd(inv, data=False), filename="x.ofd", today=TODAY)
    [out] = result.invoices
    assert out.sources["invoice_number"] == "ofd_text"
    assert 0.9 <= out.confidence["invoice_number"] < 1.0


def _rezip(blob: bytes, rename: dict[str, str]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(rename.get(info.filename, info.filename), src.read(info))
    return out.getvalue()


def test_backslash_and_dot_paths_are_tolerated(generated: list[InvoiceData]) -> None:
    inv = generated[1]
    blob = render_ofd(inv)
    odd = _rezip(
        blob,
        {
            "OFD.xml": "./OFD.xml",
            "Doc_0/Document.xml": "Doc_0\\Document.xml",
            "Doc_0/Pages/P1/Content.xml": "/Doc_0/Pages/P1/Content.xml",
        },
    )
    [raw] = read(odd, limits=Limits())
    assert _subset(raw.data) == _subset(inv)


def test_local_header_names_that_disagree_are_tolerated(generated: list[InvoiceData]) -> None:
    inv = generated[2]
    blob = bytearray(render_ofd(inv, data=False))
    # Corrupt the local-header copy of the page's name; the central directory stays right.
    name = b"Doc_0/Pages/P1/Content.xml"
    at = blob.index(name)
    blob[at : at + len(name)] = b"Doc_0/Pages/PX/Content.xml"
    [raw] = read(bytes(blob), limits=Limits())
    assert raw.data.invoice_number == inv.invoice_number
    assert raw.data.total_amount == inv.total_amount


def test_embedded_original_xml_is_preferred(generated: list[InvoiceData]) -> None:
    from tests.corpus.render_xml import render_xml

    inv, other = generated[3], generated[4]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in zipfile.ZipFile(io.BytesIO(render_ofd(other, data=False))).infolist():
            zf.writestr(info, zipfile.ZipFile(io.BytesIO(render_ofd(other, data=False))).read(info))
        zf.writestr("Doc_0/Attachs/original_invoice.xml", render_xml(inv))
    [raw] = read(out.getvalue(), limits=Limits())
    assert raw.sources["invoice_number"] == "xml"
    assert raw.data.invoice_number == inv.invoice_number
    # The page says something else: the file contradicts itself, so it is not certain.
    assert raw.confidence["invoice_number"] < 0.9
