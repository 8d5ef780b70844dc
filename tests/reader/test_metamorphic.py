"""Metamorphic tests: the same invoice through every rendering reads to the same fields.

Two independent renderers (render_pdf, and alt_layout + alt_pdf, made to differ: other
fonts and sizes, label variants, headings across or down the block, header on the left or
right, money with ￥ or thousands separators, and text runs per character, label and value
in one run, or values split out of order) and the OFD renderer. Every rendering must give
the generator's values for every key field, with none of them flagged.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.reader.base import KEY_FIELDS
from fapiao.reader.pipeline import extract_bytes
from tests.corpus.alt_layout import TAX_LABELS, AltStyle
from tests.corpus.alt_pdf import AltPdfStyle, render_alt_pdf
from tests.corpus.render_ofd import render_ofd
from tests.corpus.render_pdf import PdfStyle, render_pdf
from tests.reader.conftest import TODAY

FIELDS = (*KEY_FIELDS, "check_code", "invoice_type")
RUNS = ("word", "per_char", "label_value", "split")


def _invoices() -> list[InvoiceData]:
    gen = CorpusGenerator(16, today=TODAY)
    return list(gen.invoices(24, start=date(2019, 1, 1), end=date(2025, 5, 31), red_share=0.1))


def _alt_style(k: int) -> AltStyle:
    rng = random.Random(k)
    return AltStyle(
        layout=("stacked", "side")[k % 2],
        tax_label=TAX_LABELS[k % len(TAX_LABELS)],
        prefixed=k % 5 == 0,
        heading=("vertical", "horizontal")[(k // 2) % 2],
        header_left=k % 3 == 0,
        date_style=("cn", "iso", "slash")[k % 3],
        yen=("¥", "￥", "")[(k // 3) % 3],
        thousands=k % 4 == 1,
        size=rng.uniform(7.5, 9.5),
        title_size=rng.uniform(14, 19),
    )


Renderer = Callable[[InvoiceData, int], bytes]
RENDERINGS: dict[str, Renderer] = {
    "pdf": lambda inv, k: render_pdf(inv),
    "pdf-letter-spaced": lambda inv, k: render_pdf(inv, style=PdfStyle(letter_spaced=True)),
    "ofd-layout": lambda inv, k: render_ofd(inv, data=False),
    **{
        f"alt-{runs}": (
            lambda inv, k, runs=runs: render_alt_pdf(
                inv, _alt_style(k), AltPdfStyle(runs=runs, reverse=k % 3 == 1)
            )
        )
        for runs in RUNS
    },
}


def _read(blob: bytes, name: str) -> dict[str, Any]:
    result = extract_bytes(blob, filename=name, today=TODAY)
    assert result.invoices, result.error
    return result.invoices[0].to_schema_dict()


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_every_rendering_reads_to_the_invoice(rendering: str) -> None:
    suffix = ".ofd" if rendering.startswith("ofd") else ".pdf"
    wrong: list[str] = []
    flagged: list[str] = []
    for k, inv in enumerate(_invoices()):
        want = inv.to_schema_dict()
        got = _read(RENDERINGS[rendering](inv, k), f"{k}{suffix}")
        fields = KEY_FIELDS if rendering.startswith("ofd") else FIELDS  # it prints no 校验码
        wrong += [f"{k}:{f}={got[f]!r} want {want[f]!r}" for f in fields if got[f] != want[f]]
        flagged += [f"{k}:{f}" for f in KEY_FIELDS if f in got["needs_review"]]
    assert wrong == []
    assert flagged == []


def test_renderings_agree_with_each_other() -> None:
    """The same invoice through all renderings: one set of values (not only each equal
    to the truth on its own, but also to each other on the fields the truth leaves out)."""
    inv = _invoices()[3]
    reads = {name: _read(render(inv, 3), f"x{'.ofd' if name.startswith('ofd') else '.pdf'}")
             for name, render in RENDERINGS.items()}  # fmt: skip
    for field in (*KEY_FIELDS, "invoice_type", "buyer_name", "seller_name", "total_amount_cn"):
        values = {name: got[field] for name, got in reads.items()}
        assert len(set(map(repr, values.values()))) == 1, (field, values)
