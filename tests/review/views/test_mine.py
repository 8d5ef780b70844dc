"""我的发票 as a submitter sees it: only their own invoices with status, filters and the
return reason; the poll that answers 204 until something changes."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from fapiao.accounts.models import User
from fapiao.invoices.models import Invoice, ReviewStatus
from fapiao.review.services import apply_transition
from tests.conftest import ClientAs
from tests.review.conftest import HX, html


def test_my_invoices_shows_only_mine_with_status_and_reason(
    client_as: ClientAs,
    users: dict[str, User],
    outsider: User,
    make_invoices: Callable[..., list[Invoice]],
    pending: Invoice,
) -> None:
    theirs = make_invoices(2, submitter=users["submitter2"])
    foreign = make_invoices(1, submitter=outsider)
    apply_transition(invoice=pending, actor=users["reviewer"], action="return", comment="缺少盖章")
    page = html(client_as(users["submitter"]).get("/mine/"))
    assert pending.invoice_number in page
    assert "已退回" in page and "退回原因：缺少盖章" in page
    for other in [*theirs, *foreign]:
        assert other.invoice_number not in page
    assert 'aria-current="page">我的发票' in page


def test_my_invoices_filters_by_status(
    client_as: ClientAs, users: dict[str, User], make_invoices: Callable[..., list[Invoice]]
) -> None:
    a, b = make_invoices(2, submitter=users["submitter"])
    Invoice.objects.filter(pk=a.pk).update(status=ReviewStatus.APPROVED)
    client = client_as(users["submitter"])
    approved = html(client.get("/mine/", {"status": "approved"}))
    assert a.invoice_number in approved and b.invoice_number not in approved
    assert '已审核 <span class="count">1</span>' in approved
    mismatch = html(client.get("/mine/", {"q": "没有这个销售方"}))
    assert "没有符合条件的发票" in mismatch
    bad = html(client.get("/mine/", {"date_from": "2026-13-01"}))
    assert "无法识别" in bad


def test_my_invoices_poll_is_204_until_something_changes(
    client_as: ClientAs, users: dict[str, User], pending: Invoice
) -> None:
    client = client_as(users["submitter"])
    first = html(client.get("/mine/", **HX))
    version = first.split('data-version="')[1].split('"')[0]
    assert client.get("/mine/", {"since": version}, **HX).status_code == 204
    apply_transition(invoice=pending, actor=users["reviewer"], action="approve")
    changed = client.get("/mine/", {"since": version}, **HX)
    assert changed.status_code == 200
    assert 'data-status="approved"' in changed.content.decode()


def test_expired_session_poll_gets_401_not_the_login_form(pending: Invoice) -> None:
    response = Client().get("/mine/", {"since": "x"}, **HX)
    assert response.status_code == 401
    assert Client().get("/mine/").status_code == 302
