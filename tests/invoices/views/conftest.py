"""Fixtures for the pages: a stock of invoices in two organisations, signed-in clients,
and helpers that read what a person sees in the rendered HTML."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fapiao.accounts.models import User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices.models import Invoice, ReviewStatus
from tests.conftest import record

ROW_LINK = re.compile(r'<a class="inv-number" href="/invoices/(\d+)/">')


@pytest.fixture
def stock(
    users: dict[str, User], outsider: User, make_invoices: Callable[..., list[Invoice]]
) -> dict[str, list[Invoice]]:
    """30 invoices by one submitter, 20 by another (other department), 5 in another org;
    a few voided/red ones, and some already approved."""
    mine = make_invoices(30, submitter=users["submitter"], red_share=0.1, voided_share=0.1)
    theirs = make_invoices(20, submitter=users["submitter2"])
    foreign = make_invoices(5, submitter=outsider)
    approved = [inv.pk for inv in mine[::4]]
    Invoice.objects.filter(pk__in=approved).update(status=ReviewStatus.APPROVED)
    return {"mine": mine, "theirs": theirs, "foreign": foreign}


def shown_ids(html: str) -> list[int]:
    """Invoice ids in the list table, in the order shown."""
    return [int(m) for m in ROW_LINK.findall(html)]


def list_ids(client: Client, **params: Any) -> list[int]:
    response = client.get("/invoices/", params)
    assert response.status_code == 200
    return shown_ids(response.content.decode())


@pytest.fixture
def broken_invoice(corpus: CorpusGenerator, users: dict[str, User]) -> Invoice:
    """An invoice whose total does not add up, recorded for the first submitter."""
    data = next(corpus.invoices(1, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)))
    return record(corpus.broken(data, "total_mismatch"), submitter=users["submitter"])
