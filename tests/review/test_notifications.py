"""What the people around an invoice are told: the submitter on return (with the reason),
approval and reimbursement; the reviewer when an invoice under review is voided or
reversed. Each tax status change is also in the invoice's audit trail."""

from __future__ import annotations

import dataclasses
import datetime as dt

from fapiao.accounts.models import User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.invoices.platform_import import _update
from fapiao.invoices.services import correct_invoice
from fapiao.notify.models import Notification
from fapiao.review.history import invoice_history
from fapiao.review.models import TaxStatusChange
from fapiao.review.services import apply_transition
from tests.conftest import record


def inbox(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("created_at", "id"))


def test_submitter_is_told_of_return_approval_and_payment(
    pending: Invoice, users: dict[str, User]
) -> None:
    submitter = users["submitter"]
    apply_transition(invoice=pending, actor=users["reviewer"], action="return", comment="缺发票章")
    apply_transition(invoice=pending, actor=submitter, action="resubmit")
    apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    apply_transition(invoice=pending, actor=users["finance_admin"], action="reimburse")
    got = inbox(submitter)
    assert [n.event for n in got] == ["invoice_returned", "invoice_approved", "invoice_reimbursed"]
    assert "缺发票章" in got[0].body and "被退回" in got[0].title
    assert all(n.invoice_id == pending.pk for n in got)
    assert got[0].link == f"/invoices/{pending.pk}/"
    # The people who acted are not told of their own actions.
    assert inbox(users["reviewer"]) == []


def test_voided_under_review_is_flagged_to_the_reviewer_and_audited(
    pending: Invoice, users: dict[str, User]
) -> None:
    correct_invoice(
        invoice=pending,
        user=users["finance_admin"],
        changes={"tax_status": TaxStatus.VOIDED},
        reason="销售方通知已作废",
    )
    flagged = inbox(users["reviewer"])
    assert [n.event for n in flagged] == ["review_flagged"]
    assert "已作废" in flagged[0].title and "待审核" in flagged[0].title
    assert inbox(users["submitter2"]) == []
    history = invoice_history(Invoice.objects.get(pk=pending.pk), users["reviewer"])
    assert [(h.kind, h.before, h.after) for h in history] == [("tax_status", "正常", "已作废")]
    assert history[0].flagged and "销售方通知已作废" in history[0].comment


def test_reversed_by_a_red_invoice_while_under_review(
    corpus: CorpusGenerator, users: dict[str, User]
) -> None:
    data = next(corpus.invoices(1, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)))
    blue = record(data, submitter=users["submitter"])
    red = dataclasses.replace(
        data,
        invoice_number=str(int(data.invoice_number) + 1).zfill(len(data.invoice_number)),
        is_red=True,
        amount=-(data.amount or 0),
        tax_amount=-(data.tax_amount or 0),
        total_amount=-(data.total_amount or 0),
        original_invoice_code=data.invoice_code,
        original_invoice_number=data.invoice_number,
        items=[],
    )
    record(red, submitter=users["submitter"])
    change = TaxStatusChange.objects.get(invoice=blue)
    assert (change.before, change.after, change.flagged) == ("normal", "red_full", True)
    assert [n.event for n in inbox(users["reviewer"])] == ["review_flagged"]


def test_import_status_update_flags_approved_invoice_to_finance(
    pending: Invoice, users: dict[str, User]
) -> None:
    apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    fresh = Invoice.objects.get(pk=pending.pk)

    class Raw:  # what the platform export parser hands to _update
        class data:
            tax_status = TaxStatus.VOIDED

        extras: dict[str, str] = {}

    from fapiao.invoices.platform_import import ImportReport

    _update(fresh, Raw(), ImportReport())  # type: ignore[arg-type]
    assert [n.event for n in inbox(users["finance_admin"])] == ["review_flagged"]
    assert "已审核待报销" in inbox(users["finance_admin"])[0].title
    assert TaxStatusChange.objects.get(invoice=pending).source == "税务平台导入"


def test_no_flag_for_settled_or_unchanged(pending: Invoice, users: dict[str, User]) -> None:
    Invoice.objects.filter(pk=pending.pk).update(status=ReviewStatus.REIMBURSED)
    correct_invoice(
        invoice=Invoice.objects.get(pk=pending.pk),
        user=users["finance_admin"],
        changes={"tax_status": TaxStatus.VOIDED},
    )
    assert not Notification.objects.filter(event="review_flagged").exists()
    assert TaxStatusChange.objects.get(invoice=pending).flagged is False
