"""The real OFD samples in ../shared/samples are read exactly as labels.json says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fapiao.reader.pipeline import extract_path
from tests.reader.conftest import TODAY

LABELLED_OFD = [
    "shudian-zhuan-guangdong-2025.ofd",
    "shudian-zhuan-qingdao-2025.ofd",
    "shudian-pu-sichuan-2023.ofd",
]


@pytest.mark.parametrize("name", LABELLED_OFD)
def test_labelled_ofd_is_read_as_labelled(
    name: str, shared_samples: Path, labels: dict[str, Any], validate_schema: Any
) -> None:
    result = extract_path(shared_samples / name, today=TODAY)
    out = result.to_schema_dict()
    validate_schema(out)
    assert result.status == "ok", out["error"]
    [invoice] = out["invoices"]
    expected = {k: v for k, v in labels[name].items() if not k.startswith("_")}
    expected_items = expected.pop("items", None)
    assert {k: invoice[k] for k in expected} == expected
    if expected_items is not None:
        assert len(invoice["items"]) == len(expected_items)
        for got, want in zip(invoice["items"], expected_items, strict=True):
            assert {k: got[k] for k in want} == want
    # Read from the platform's own data or an unambiguous layout: nothing left to check.
    assert not set(invoice["needs_review"]) & {"invoice_number", "issue_date", "total_amount"}


def test_structured_ofd_fields_are_certain(shared_samples: Path) -> None:
    out = extract_path(shared_samples / "shudian-zhuan-guangdong-2025.ofd", today=TODAY)
    invoice = out.invoices[0]
    for name in ("invoice_number", "buyer_tax_id", "seller_tax_id", "amount", "tax_amount"):
        assert invoice.sources[name] == "ofd_data"
        assert invoice.confidence[name] == 1.0
    assert invoice.needs_review == []


def test_page_text_only_ofd_says_it_read_the_layout(shared_samples: Path) -> None:
    out = extract_path(shared_samples / "shudian-pu-sichuan-2023.ofd", today=TODAY)
    invoice = out.invoices[0]
    assert invoice.sources["buyer_tax_id"] == "ofd_text"
    assert 0.9 <= invoice.confidence["buyer_tax_id"] < 1.0


def test_nonstandard_ofd_is_not_trusted(shared_samples: Path, validate_schema: Any) -> None:
    result = extract_path(shared_samples / "synthetic-nonstandard.ofd", today=TODAY)
    out = result.to_schema_dict()
    validate_schema(out)
    assert out["status"] in ("partial", "failed")
    if out["status"] == "partial":
        [invoice] = out["invoices"]
        # Whatever was found comes with a request to check every key field.
        for name in ("invoice_number", "seller_tax_id", "total_amount"):
            assert name in invoice["needs_review"]
        assert "invalid_tax_id" in {f["code"] for f in invoice["findings"]}
