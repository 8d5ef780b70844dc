"""A tax status change (作废 / 红冲) is written the same way whichever path makes it: a
correction, red invoices (one by one or in a bulk load), the platform import, the upstream
sync. Each leaves one correction record, one audit entry, and one tax_status_changed
signal for the apps above."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fapiao.accounts.models import Organisation, User
from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.errors import InvalidInvoiceData
from fapiao.invoices import signals
from fapiao.invoices.bulk import bulk_record
from fapiao.invoices.models import FieldCorrection, Invoice, TaxStatus
from fapiao.invoices.platform_import import import_export_file
from fapiao.invoices.services import correct_invoice, set_tax_status
from fapiao.lookup.sync import apply_tax_status
from fapiao.review.models import TaxStatusChange
from tests.analytics.conftest import red_of
from tests.conftest import record
from tests.corpus.render_xlsx import render_xlsx


def _blue(corpus: CorpusGenerator) -> InvoiceData:
    return next(
        d
        for d in corpus.invoices(30, start=dt.date(2026, 1, 1), end=dt.date(2026, 10, 31))
        if d.tax_status == "normal" and not d.is_red and d.total_amount
    )


def _red_of(blue: InvoiceData) -> InvoiceData:
    """A red invoice reversing the whole of `blue`."""
    return red_of(blue, "26112000000000000999")


def _status_records(invoice: Invoice) -> list[tuple[str, str, str, int | None]]:
    return [
        (c.before, c.after, c.reason, c.user_id)
        for c in FieldCorrection.objects.filter(invoice=invoice, field="tax_status")
    ]


@pytest.fixture
def heard() -> Iterator[list[signals.TaxStatusChanged]]:
    """Every tax_status_changed sent while the test runs (a real receiver)."""
    got: list[signals.TaxStatusChanged] = []

    def receiver(sender: Any, *, change: signals.TaxStatusChanged, **kwargs: Any) -> None:
        got.append(change)

    signals.tax_status_changed.connect(receiver, dispatch_uid="test-heard")
    yield got
    signals.tax_status_changed.disconnect(dispatch_uid="test-heard")


def test_a_red_invoice_recorded_later_leaves_a_record_on_the_blue_one(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    data = _blue(corpus)
    blue = record(data, submitter=users["submitter"])
    record(_red_of(data), submitter=users["submitter"])
    blue.refresh_from_db()
    assert blue.tax_status == TaxStatus.RED_FULL
    assert _status_records(blue) == [("normal", "red_full", "红字发票冲销", None)]


def test_a_red_invoice_in_a_bulk_load_leaves_a_record_on_the_blue_one(
    org: Organisation, users: dict[str, User], corpus: CorpusGenerator
) -> None:
    data = _blue(corpus)
    bulk_record(organisation=org, invoices=[data, _red_of(data)], submitter=users["submitter"])
    blue = Invoice.objects.get(organisation=org, invoice_number=data.invoice_number)
    assert blue.tax_status == TaxStatus.RED_FULL
    assert _status_records(blue) == [("normal", "red_full", "红字发票冲销", None)]


def _by_correction(org: Organisation, users: dict[str, User], data: InvoiceData) -> None:
    invoice = Invoice.objects.get(organisation=org, invoice_number=data.invoice_number)
    correct_invoice(
        invoice=invoice, user=users["reviewer"], changes={"tax_status": "voided"}, reason="已作废"
    )


def _by_platform_import(org: Organisation, users: dict[str, User], data: InvoiceData) -> None:
    voided = dataclasses.replace(data, tax_status="voided")
    blob = render_xlsx([voided], form="detail")
    import_export_file(organisation=org, blob=blob, filename="导出.xlsx")


def _by_upstream_sync(org: Organisation, users: dict[str, User], data: InvoiceData) -> None:
    apply_tax_status(Invoice.objects.get(organisation=org, invoice_number=data.invoice_number),
                     "voided")  # fmt: skip


def _by_red_invoice(org: Organisation, users: dict[str, User], data: InvoiceData) -> None:
    record(_red_of(data), submitter=users["submitter"])


def _by_red_invoice_in_bulk(org: Organisation, users: dict[str, User], data: InvoiceData) -> None:
    bulk_record(organisation=org, invoices=[_red_of(data)], submitter=users["submitter"])


PATHS: dict[str, tuple[Callable[..., None], str, str, str, str | None]] = {
    # path: (make the change, new status, source, reason, actor's role)
    "correction": (_by_correction, "voided", "人工更正：已作废", "已作废", "reviewer"),
    "platform import": (_by_platform_import, "voided", "税务平台导入", "平台导入", None),
    "upstream sync": (_by_upstream_sync, "voided", "税务平台查验", "税务平台查验", None),
    "red invoice": (_by_red_invoice, "red_full", "红字发票冲销", "红字发票冲销", None),
    "red invoice in a bulk load": (
        _by_red_invoice_in_bulk, "red_full", "红字发票冲销", "红字发票冲销", None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("path", list(PATHS))
def test_every_path_changes_a_status_the_same_way(
    path: str,
    org: Organisation,
    users: dict[str, User],
    corpus: CorpusGenerator,
    heard: list[signals.TaxStatusChanged],
) -> None:
    change, after, source, reason, role = PATHS[path]
    data = _blue(corpus)
    blue = record(data, submitter=users["submitter"])
    change(org, users, data)

    blue.refresh_from_db()
    assert blue.tax_status == after
    actor = users[role] if role else None
    [correction] = FieldCorrection.objects.filter(invoice=blue, field="tax_status")
    assert (correction.before, correction.after, correction.reason, correction.user) == (
        "normal", after, reason, actor,
    )  # fmt: skip
    [signal] = heard
    assert signal.invoice.pk == blue.pk and signal.invoice.tax_status == after
    assert (signal.before, signal.after, signal.source) == ("normal", after, source)
    assert signal.actor == actor and signal.correction.pk == correction.pk
    [audit] = TaxStatusChange.objects.filter(invoice=blue)
    assert (audit.before, audit.after, audit.source, audit.actor) == (
        "normal", after, source, actor,
    )  # fmt: skip


def test_the_same_status_again_changes_nothing(
    users: dict[str, User], corpus: CorpusGenerator, heard: list[signals.TaxStatusChanged]
) -> None:
    blue = record(_blue(corpus), submitter=users["submitter"])
    stamp = blue.updated_at
    assert set_tax_status(invoice=blue, status="normal", source="税务平台查验") is False
    blue.refresh_from_db()
    assert blue.updated_at == stamp
    assert heard == [] and not FieldCorrection.objects.exists()


def test_an_unknown_status_is_refused_in_chinese(
    users: dict[str, User], corpus: CorpusGenerator
) -> None:
    blue = record(_blue(corpus), submitter=users["submitter"])
    with pytest.raises(InvalidInvoiceData) as caught:
        set_tax_status(invoice=blue, status="cancelled", source="人工更正")
    assert "没有这种发票状态" in caught.value.detail
    blue.refresh_from_db()
    assert blue.tax_status == TaxStatus.NORMAL
