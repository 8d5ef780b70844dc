"""Upstream sync against the simulator: status changes reach invoices and their owners, the
last successful sync is recorded, and maintenance or an outage leaves it untouched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice, TaxStatus
from fapiao.lookup.jobs import sync_round
from fapiao.lookup.models import SourceStatus, SyncSource, VerificationResult
from fapiao.lookup.simulator import SimInvoice, TaxPlatformSimulator
from fapiao.lookup.sync import sync_source
from fapiao.notify.models import Notification
from tests.lookup.conftest import BJ_NUMBER

pytestmark = pytest.mark.django_db
Put = Callable[..., Invoice]


@pytest.fixture
def beijing() -> SyncSource:
    return SyncSource.objects.create(slug="bj", name="北京电子税务局", region="北京")


def test_sync_applies_a_voiding_and_tells_the_owner(
    users: dict[str, User], put: Put, platform: TaxPlatformSimulator, beijing: SyncSource
) -> None:
    voided = put(BJ_NUMBER, submitter=users["submitter"])
    fine = put("25112000000012340000", submitter=users["submitter"])
    for inv, status in ((voided, "2"), (fine, "0")):
        platform.add(
            SimInvoice("", inv.invoice_number, inv.issue_date.strftime("%Y%m%d"),
                       total=str(inv.total_amount), status=status)
        )  # fmt: skip
    report = sync_source(source=beijing)
    assert (report.checked, report.changed) == (2, 1)
    voided.refresh_from_db()
    fine.refresh_from_db()
    assert (voided.tax_status, fine.tax_status) == (TaxStatus.VOIDED, TaxStatus.NORMAL)
    note = Notification.objects.get(recipient=users["submitter"], event="tax_status_changed")
    assert "已作废" in note.title
    assert voided.corrections.get().reason == "税务平台查验"  # the audit trail names the source
    beijing.refresh_from_db()
    assert beijing.status == SourceStatus.OK and beijing.last_success_at is not None
    # run twice: nothing is checked again while the answers are fresh, nobody is told twice
    again = sync_round(source="bj")
    assert [(s.slug, r.checked) for s, r in again.sources] == [("bj", 0)]
    assert Notification.objects.filter(event="tax_status_changed").count() == 1


def test_sync_during_maintenance_keeps_the_last_success_and_says_when(
    users: dict[str, User], put: Put, platform: TaxPlatformSimulator, beijing: SyncSource
) -> None:
    put(BJ_NUMBER, submitter=users["submitter"])
    before = timezone.now() - dt.timedelta(hours=3)
    SyncSource.objects.filter(pk=beijing.pk).update(last_success_at=before)
    beijing.refresh_from_db()
    platform.set_mode("maintenance")
    report = sync_source(source=beijing)
    assert report.status == SourceStatus.MAINTENANCE
    beijing.refresh_from_db()
    assert beijing.status == SourceStatus.MAINTENANCE
    assert beijing.last_success_at == before and beijing.retry_at is not None
    assert not VerificationResult.objects.exists()


def test_sync_when_the_platform_is_down_marks_the_source_down(
    users: dict[str, User], put: Put, platform: TaxPlatformSimulator, beijing: SyncSource
) -> None:
    put(BJ_NUMBER, submitter=users["submitter"])
    platform.set_mode("down")
    assert sync_source(source=beijing).status == SourceStatus.DOWN
    beijing.refresh_from_db()
    assert beijing.status == SourceStatus.DOWN and beijing.last_success_at is None


def test_other_regions_go_to_the_catch_all_source(
    users: dict[str, User], put: Put, platform: TaxPlatformSimulator, beijing: SyncSource
) -> None:
    national = SyncSource.objects.create(slug="national", name="全国查验平台", region="")
    put(BJ_NUMBER, submitter=users["submitter"])
    put("25442000000127444519", submitter=users["submitter"])
    assert sync_source(source=national).checked == 1
    assert sync_source(source=beijing).checked == 1
