"""apply_transition: the state machine, who may act, reasons and overrides, the audit
records and the invoice left in the new status."""

from __future__ import annotations

import pytest

from fapiao.accounts.models import User
from fapiao.errors import InvoiceNotFound, PermissionDenied
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.review.errors import OverrideRequired, ReasonRequired, TransitionNotAllowed
from fapiao.review.models import Transition
from fapiao.review.services import apply_transition
from tests.conftest import ClientAs


def fresh(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


def test_approve_then_reimburse_records_each_step(pending: Invoice, users: dict[str, User]) -> None:
    before = pending.updated_at
    t1 = apply_transition(invoice=pending, actor=users["reviewer"], action="approve", comment="好")
    assert pending.status == fresh(pending).status == ReviewStatus.APPROVED
    assert fresh(pending).updated_at > before
    t2 = apply_transition(invoice=pending, actor=users["finance_admin"], action="reimburse")
    assert fresh(pending).status == ReviewStatus.REIMBURSED
    rows = list(Transition.objects.filter(invoice=pending).values_list("from_status", "to_status"))
    assert rows == [("pending_review", "approved"), ("approved", "reimbursed")]
    assert (t1.actor_name, t1.comment) == (str(users["reviewer"]), "好")
    assert t2.actor == users["finance_admin"]


def test_return_needs_a_reason_then_resubmit(pending: Invoice, users: dict[str, User]) -> None:
    with pytest.raises(ReasonRequired):
        apply_transition(invoice=pending, actor=users["reviewer"], action="return", comment="  ")
    assert fresh(pending).status == ReviewStatus.PENDING_REVIEW
    apply_transition(invoice=pending, actor=users["reviewer"], action="return", comment="抬头不对")
    assert fresh(pending).status == ReviewStatus.RETURNED
    with pytest.raises(PermissionDenied):
        apply_transition(invoice=pending, actor=users["submitter2"], action="resubmit")
    apply_transition(invoice=pending, actor=users["submitter"], action="resubmit")
    assert fresh(pending).status == ReviewStatus.PENDING_REVIEW


def test_submit_from_processing_and_withdraw(pending: Invoice, users: dict[str, User]) -> None:
    Invoice.objects.filter(pk=pending.pk).update(status=ReviewStatus.PROCESSING)
    invoice = fresh(pending)
    apply_transition(invoice=invoice, actor=users["submitter"], action="submit")
    assert fresh(invoice).status == ReviewStatus.PENDING_REVIEW
    apply_transition(invoice=invoice, actor=users["submitter"], action="withdraw")
    assert fresh(invoice).status == ReviewStatus.WITHDRAWN
    with pytest.raises(TransitionNotAllowed) as caught:
        apply_transition(invoice=invoice, actor=users["reviewer"], action="approve")
    assert "已撤回" in caught.value.detail


def test_withdraw_after_approval_is_not_allowed(pending: Invoice, users: dict[str, User]) -> None:
    apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    with pytest.raises(TransitionNotAllowed):
        apply_transition(invoice=pending, actor=users["submitter"], action="withdraw")
    assert fresh(pending).status == ReviewStatus.APPROVED


@pytest.mark.parametrize("role", ["submitter2", "support_agent"])
def test_only_reviewers_review(pending: Invoice, users: dict[str, User], role: str) -> None:
    with pytest.raises(PermissionDenied):
        apply_transition(invoice=pending, actor=users[role], action="approve")
    assert not Transition.objects.exists()


def test_nobody_reviews_their_own_invoice(
    users: dict[str, User], make_invoices: object, pending: Invoice
) -> None:
    reviewer = users["reviewer"]
    Invoice.objects.filter(pk=pending.pk).update(submitter=reviewer)
    with pytest.raises(PermissionDenied) as caught:
        apply_transition(invoice=fresh(pending), actor=reviewer, action="approve")
    assert "自己" in caught.value.detail


def test_reviewer_limited_to_departments(pending: Invoice, users: dict[str, User]) -> None:
    reviewer = users["reviewer"]
    other = users["submitter2"].department
    assert other is not None and other != pending.department
    reviewer.review_departments.add(other)
    with pytest.raises((PermissionDenied, InvoiceNotFound)):
        apply_transition(invoice=pending, actor=reviewer, action="approve")
    reviewer.review_departments.add(pending.department)  # type: ignore[arg-type]
    apply_transition(invoice=pending, actor=reviewer, action="approve")
    assert fresh(pending).status == ReviewStatus.APPROVED


def test_other_organisation_cannot_act(pending: Invoice, outsider: User) -> None:
    with pytest.raises(InvoiceNotFound):
        apply_transition(invoice=pending, actor=outsider, action="approve")


def test_reimburse_is_for_finance(pending: Invoice, users: dict[str, User]) -> None:
    apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    with pytest.raises(PermissionDenied):
        apply_transition(invoice=pending, actor=users["reviewer"], action="reimburse")
    apply_transition(invoice=pending, actor=users["admin"], action="reimburse")
    assert fresh(pending).status == ReviewStatus.REIMBURSED


def test_errors_need_an_override_reason(broken: Invoice, users: dict[str, User]) -> None:
    with pytest.raises(OverrideRequired) as caught:
        apply_transition(invoice=broken, actor=users["reviewer"], action="approve")
    assert "错误" in caught.value.detail
    record = apply_transition(
        invoice=broken,
        actor=users["reviewer"],
        action="approve",
        override_reason="金额差一分，供应商已确认",
    )
    assert record.override_reason == "金额差一分，供应商已确认"
    assert fresh(broken).status == ReviewStatus.APPROVED


def test_duplicate_flag_needs_an_override_reason(pending: Invoice, users: dict[str, User]) -> None:
    Invoice.objects.filter(pk=pending.pk).update(has_duplicates=True)
    with pytest.raises(OverrideRequired) as caught:
        apply_transition(invoice=fresh(pending), actor=users["reviewer"], action="approve")
    assert "重复" in caught.value.detail
    # Returning it needs no override: only approval lets the money go out.
    apply_transition(
        invoice=fresh(pending), actor=users["reviewer"], action="return", comment="重复"
    )


def test_stale_view_loses(pending: Invoice, users: dict[str, User]) -> None:
    seen_by_second = fresh(pending)
    apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    with pytest.raises(TransitionNotAllowed) as caught:
        apply_transition(
            invoice=seen_by_second, actor=users["finance_admin"], action="return", comment="x"
        )
    assert "刚刚被其他人处理过" in caught.value.detail
    assert fresh(pending).status == ReviewStatus.APPROVED
    assert Transition.objects.count() == 1


def test_audit_rows_cannot_be_edited(pending: Invoice, users: dict[str, User]) -> None:
    record = apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    record.comment = "改过"
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        Transition.objects.filter(pk=record.pk).update(comment="改过")
    with pytest.raises(TypeError):
        Transition.objects.all().delete()


def test_admin_shows_the_trail_read_only(
    pending: Invoice, users: dict[str, User], operator: User, client_as: ClientAs
) -> None:
    apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    client = client_as(operator)
    listing = client.get("/admin/review/transition/")
    assert listing.status_code == 200 and pending.invoice_number in listing.content.decode()
    record = Transition.objects.get()
    page = client.get(f"/admin/review/transition/{record.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get("/admin/review/transition/add/").status_code == 403
