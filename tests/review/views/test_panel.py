"""The review panel on the invoice page: live status with the history, and deciding from it."""

from __future__ import annotations

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.review.services import apply_transition
from tests.conftest import ClientAs
from tests.review.conftest import HX, html


def test_invoice_page_has_live_panel_with_history(
    client_as: ClientAs, users: dict[str, User], pending: Invoice
) -> None:
    client = client_as(users["submitter"])
    page = html(client.get(f"/invoices/{pending.pk}/"))
    assert 'id="review-panel"' in page and "还没有审核或更正记录" in page
    assert 'value="withdraw"' in page and 'value="approve"' not in page
    version = page.split("/panel?v=")[1].split('"')[0]
    poll = f"/review/invoices/{pending.pk}/panel"
    assert client.get(poll, {"v": version}, **HX).status_code == 204
    apply_transition(invoice=pending, actor=users["reviewer"], action="return", comment="金额不符")
    fresh = html(client.get(poll, {"v": version}, **HX))
    assert "退回原因：金额不符" in fresh
    assert 'id="invoice-status-badge" hx-swap-oob="true"' in fresh
    assert 'value="resubmit"' in fresh


def test_reviewer_decides_from_the_panel(
    client_as: ClientAs, users: dict[str, User], pending: Invoice
) -> None:
    client = client_as(users["reviewer"])
    page = html(client.get(f"/invoices/{pending.pk}/"))
    assert 'value="approve"' in page and 'value="return"' in page
    url = f"/review/invoices/{pending.pk}/act"
    refused = html(client.post(url, {"action": "return", "comment": ""}, **HX))
    assert "必须写明原因" in refused
    done = html(client.post(url, {"action": "approve", "comment": "可以"}, **HX))
    assert "已审核通过" in done
    assert Invoice.objects.get(pk=pending.pk).status == ReviewStatus.APPROVED
