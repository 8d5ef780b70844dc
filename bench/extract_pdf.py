"""Text-PDF reading: time per invoice (median, p95) and key-field accuracy, on the project's
rendered corpus (both layouts, plain and letter-spaced, one multi-invoice PDF) and the
shared sample PDFs, in one process after warm-up.

    .venv/bin/python bench/extract_pdf.py [--n 300]

Target (issue 3): text PDF <= 30 ms per invoice; 100% of key fields on every file.
`run(files)` is what bench/extract.py calls to add the PDF figures to its own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from fapiao.core.invoice import InvoiceData  # noqa: E402
from fapiao.demo.corpus.generator import CorpusGenerator  # noqa: E402
from fapiao.reader import pdf_text  # noqa: E402
from fapiao.reader.base import KEY_FIELDS, Limits  # noqa: E402
from fapiao.reader.pipeline import extract_bytes  # noqa: E402
from tests.corpus.render_pdf import PdfStyle, render_pdf  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
TODAY = date(2025, 6, 1)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(files: Iterable[tuple[str, bytes] | str | Path], *, repeat: int = 1) -> dict[str, Any]:
    """Time the PDF reader on each file: ms per invoice of the bare reader and of the whole
    pipeline (reader + resolution + rules), median and p95."""
    blobs = [(str(f), Path(f).read_bytes()) if isinstance(f, str | Path) else f for f in files]
    limits = Limits()
    for name, blob in blobs[:5]:  # warm-up: imports, pdfium, font lookups
        extract_bytes(blob, filename=name, today=TODAY)
    reader_ms: list[float] = []
    pipeline_ms: list[float] = []
    invoices = 0
    for _ in range(repeat):
        for name, blob in blobs:
            started = time.perf_counter()
            raws = pdf_text.read(blob, limits=limits)
            elapsed = (time.perf_counter() - started) * 1000
            count = max(len(raws), 1)
            reader_ms += [elapsed / count] * count
            started = time.perf_counter()
            extract_bytes(blob, filename=name, today=TODAY)
            elapsed = (time.perf_counter() - started) * 1000
            pipeline_ms += [elapsed / count] * count
            invoices += len(raws)
    return {
        "files": len(blobs),
        "invoices": invoices // repeat,
        "reader_ms_median": statistics.median(reader_ms),
        "reader_ms_p95": _percentile(reader_ms, 0.95),
        "pipeline_ms_median": statistics.median(pipeline_ms),
        "pipeline_ms_p95": _percentile(pipeline_ms, 0.95),
    }


def accuracy(invoices: list[InvoiceData], blobs: list[bytes]) -> dict[str, Any]:
    """Share of invoices whose key fields all come out right, and silent errors (a wrong
    key field neither in needs_review nor below confidence 0.9)."""
    right = silent = 0
    for inv, blob in zip(invoices, blobs, strict=True):
        result = extract_bytes(blob, filename="x.pdf", today=TODAY)
        if not result.invoices:
            continue
        got = result.invoices[0]
        want, have = inv.to_schema_dict(), got.data.to_schema_dict()
        wrong = [f for f in KEY_FIELDS if want[f] != have[f]]
        right += not wrong
        silent += any(f not in got.needs_review and got.confidence.get(f, 0) >= 0.9 for f in wrong)
    return {"invoices": len(invoices), "all_key_fields_right": right, "silent_errors": silent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="corpus invoices per style")
    args = parser.parse_args()
    corpus = CorpusGenerator(42, today=TODAY)
    invoices = list(corpus.invoices(args.n, start=date(2019, 1, 1), end=TODAY))
    styles = {
        "by kind": PdfStyle(),
        "letter-spaced": PdfStyle(letter_spaced=True),
        "old layout": PdfStyle(layout="old"),
    }
    print(f"text PDF, {args.n} corpus invoices per style (target <= 30 ms per invoice)")
    for label, style in styles.items():
        blobs = [render_pdf(inv, style=style, party=corpus.party) for inv in invoices]
        figures = run([(f"{k}.pdf", b) for k, b in enumerate(blobs)])
        acc = accuracy(invoices, blobs)
        print(
            f"  {label:14} reader {figures['reader_ms_median']:5.1f} ms median,"
            f" {figures['reader_ms_p95']:5.1f} ms p95; pipeline"
            f" {figures['pipeline_ms_median']:5.1f} / {figures['pipeline_ms_p95']:5.1f} ms;"
            f" key fields all right {acc['all_key_fields_right']}/{acc['invoices']},"
            f" silent errors {acc['silent_errors']}"
        )
    batch = render_pdf(invoices[:50], party=corpus.party)
    figures = run([("batch.pdf", batch)], repeat=5)
    print(
        f"  50 invoices in one PDF: reader {figures['reader_ms_median']:.1f} ms per invoice,"
        f" pipeline {figures['pipeline_ms_median']:.1f} ms per invoice"
    )
    samples = sorted(SAMPLES.glob("*.pdf")) if SAMPLES.exists() else []
    if samples:
        figures = run(samples, repeat=20)
        print(
            f"  shared samples ({len(samples)} PDFs): reader"
            f" {figures['reader_ms_median']:.1f} ms median, {figures['reader_ms_p95']:.1f} ms"
            f" p95; pipeline {figures['pipeline_ms_median']:.1f} ms median"
        )


if __name__ == "__main__":
    main()
