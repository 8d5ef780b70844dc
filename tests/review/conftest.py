"""Fixtures for the review workflow: invoices waiting for review, with and without
problems, in the submitter's department."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from fapiao.accounts.models import User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices.models import Invoice
from tests.conftest import record


@pytest.fixture
def pending(users: dict[str, User], make_invoices: Callable[..., list[Invoice]]) -> Invoice:
    """A clean invoice by `submitter`, waiting for review."""
    invoice = make_invoices(1, submitter=users["submitter"], voided_share=0, red_share=0)[0]
    invoice.findings = [f for f in invoice.findings if f.get("severity") != "error"]
    invoice.save(update_fields=["findings"])
    assert invoice.status == "pending_review"
    return invoice


@pytest.fixture
def broken(corpus: CorpusGenerator, users: dict[str, User]) -> Invoice:
    """An invoice whose total does not add up (an error finding), waiting for review."""
    data = next(corpus.invoices(1, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)))
    invoice = record(corpus.broken(data, "total_mismatch"), submitter=users["submitter"])
    assert any(f["severity"] == "error" for f in invoice.findings)
    return invoice


HX = {"HTTP_HX_REQUEST": "true"}


def html(response: object) -> str:
    """The page's HTML, which must have answered 200."""
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]
