"""The demo's review history agrees with each invoice's status and the review rules."""

from __future__ import annotations

import io

import pytest

from fapiao.demo.load import load_demo
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.review.models import Transition


@pytest.mark.django_db
def test_demo_invoices_have_a_consistent_trail() -> None:
    result = load_demo(invoices=80, seed=3, stdout=io.StringIO())
    invoices = Invoice.objects.filter(organisation=result.organisation)
    settled = invoices.exclude(status__in=[ReviewStatus.PENDING_REVIEW, ReviewStatus.PROCESSING])
    assert settled.exists()
    for invoice in settled:
        trail = list(Transition.objects.filter(invoice=invoice))
        assert trail, invoice.status
        assert trail[-1].to_status == invoice.status
        assert trail[0].from_status == ReviewStatus.PENDING_REVIEW
        for step in trail:
            assert step.created_at >= invoice.created_at
            if step.action in ("approve", "return", "reimburse"):
                assert step.actor_id != invoice.submitter_id
            if step.action == "return":
                assert step.comment
