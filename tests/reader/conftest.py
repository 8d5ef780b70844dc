"""Shared fixtures for the reader tests: the sample folder, the schema, generated invoices."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator

SHARED = Path(__file__).resolve().parents[3] / "shared"
TODAY = date(2025, 6, 1)


@pytest.fixture(scope="session")
def shared_samples() -> Path:
    folder = SHARED / "samples"
    if not (folder / "labels.json").exists():
        pytest.skip("../shared/samples is not present on this machine")
    return folder


@pytest.fixture(scope="session")
def labels(shared_samples: Path) -> dict[str, Any]:
    return json.loads((shared_samples / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def validate_schema() -> Any:
    """Validates one extract result against the shared schema (a no-op when it is absent)."""
    path = SHARED / "extract-output.schema.json"
    if not path.exists():
        return lambda result: None
    import jsonschema

    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return validator.validate


@pytest.fixture(scope="session")
def generated() -> list[InvoiceData]:
    """A few hundred invoices of every kind, red ones included, from 2019 to 2025."""
    corpus = CorpusGenerator(7, today=TODAY)
    return list(corpus.invoices(300, start=date(2019, 1, 1), end=date(2025, 5, 31), red_share=0.1))
