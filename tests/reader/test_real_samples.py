"""The real invoices in ../shared/samples/real (public repositories; never copied into the
project) read with every labelled key field right.

labels.json there gives the key fields of each file (null = not on the invoice: 数电 has no
code or 校验码, a private buyer no tax id). Skipped where the folder is absent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from fapiao.reader.pipeline import extract_path
from tests.reader.conftest import SHARED

# Real invoices are in the past: read them as of today (the corpus date would make a
# 2025-09 invoice a future one).
REAL = SHARED / "samples" / "real"


def _labels() -> dict[str, dict[str, Any]]:
    path = REAL / "labels.json"
    if not path.exists():
        return {}
    labels = json.loads(path.read_text(encoding="utf-8"))
    return {name: value for name, value in labels.items() if not name.startswith("_")}


LABELS = _labels()


@pytest.mark.skipif(not LABELS, reason="../shared/samples/real is not present on this machine")
@pytest.mark.parametrize("name", sorted(LABELS) or ["-"])
def test_real_invoice_reads_with_every_labelled_field_right(
    name: str, validate_schema: Any
) -> None:
    result = extract_path(REAL / name)
    out = result.to_schema_dict()
    validate_schema(out)
    assert result.status == "ok", out["error"]
    invoice = out["invoices"][0]
    want = {k: v for k, v in LABELS[name].items() if not k.startswith("_")}
    assert {k: invoice[k] for k in want} == want


@pytest.mark.skipif(not LABELS, reason="../shared/samples/real is not present on this machine")
def test_real_text_files_ask_for_no_check() -> None:
    """Text layers and OFD data are exact: none of their key fields is flagged."""
    flagged = {}
    for name in LABELS:
        if name.endswith((".pdf", ".ofd")):
            invoice = extract_path(REAL / name).invoices[0]
            doubted = [f for f in LABELS[name] if f in invoice.needs_review]
            if doubted:
                flagged[name] = doubted
    assert flagged == {}
