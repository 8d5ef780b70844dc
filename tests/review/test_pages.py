"""The pages as a person sees them: 我的发票 (own invoices, status, filters, the return
reason), the review panel on the invoice page, the 审核队列 with its decisions, batch
approval and the original file; the cheap polling answers that make status live."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from fapiao.accounts.models import User
from fapiao.invoices.models import Document, DocumentState, Invoice, ReviewStatus
from fapiao.review.services import apply_transition

ClientAs = Callable[[User], Client]
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client_as() -> ClientAs:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def html(response: object) -> str:
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


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


def test_queue_oldest_first_without_own_or_foreign(
    client_as: ClientAs,
    users: dict[str, User],
    outsider: User,
    make_invoices: Callable[..., list[Invoice]],
) -> None:
    first = make_invoices(1, submitter=users["submitter"])[0]
    second = make_invoices(1, submitter=users["submitter2"])[0]
    own = make_invoices(1, submitter=users["reviewer"])[0]
    foreign = make_invoices(1, submitter=outsider)[0]
    done = make_invoices(1, submitter=users["submitter"])[0]
    Invoice.objects.filter(pk=done.pk).update(status=ReviewStatus.APPROVED)
    page = html(client_as(users["reviewer"]).get("/review/"))
    assert page.index(f'id="q-{first.pk}"') < page.index(f'id="q-{second.pk}"')
    for hidden in (own, foreign, done):
        assert f'id="q-{hidden.pk}"' not in page
    assert "待审核 2 张" in page


def test_queue_is_for_reviewers(client_as: ClientAs, users: dict[str, User]) -> None:
    response = client_as(users["submitter"]).get("/review/")
    assert response.status_code == 403
    assert "审核队列只对审核员" in response.content.decode()


def test_queue_respects_review_departments(
    client_as: ClientAs, users: dict[str, User], make_invoices: Callable[..., list[Invoice]]
) -> None:
    reviewer = users["reviewer"]
    mine = make_invoices(1, submitter=users["submitter"])[0]
    other = make_invoices(1, submitter=users["submitter2"])[0]
    reviewer.review_departments.add(users["submitter2"].department)  # type: ignore[arg-type]
    page = html(client_as(reviewer).get("/review/"))
    assert f'id="q-{other.pk}"' in page and f'id="q-{mine.pk}"' not in page


def test_queue_decide_moves_on_and_drops_the_row(
    client_as: ClientAs, users: dict[str, User], make_invoices: Callable[..., list[Invoice]]
) -> None:
    a, b = make_invoices(2, submitter=users["submitter"])
    Invoice.objects.filter(pk__in=[a.pk, b.pk]).update(findings=[])
    client = client_as(users["reviewer"])
    answer = html(client.post(f"/review/{a.pk}/decide", {"action": "approve"}, **HX))
    assert f'<div id="q-{a.pk}" hx-swap-oob="delete">' in answer
    assert f'data-invoice="{b.pk}"' in answer and "已审核通过" in answer
    no_reason = html(client.post(f"/review/{b.pk}/decide", {"action": "return"}, **HX))
    assert "必须写明原因" in no_reason
    late = html(client.post(f"/review/{a.pk}/decide", {"action": "return", "comment": "x"}, **HX))
    assert "刚刚被其他人处理过" in late or "不能退回" in late


def test_batch_approve_skips_what_needs_an_override(
    client_as: ClientAs, users: dict[str, User], pending: Invoice, broken: Invoice
) -> None:
    client = client_as(users["reviewer"])
    answer = html(client.post("/review/batch", {"ids": [pending.pk, broken.pk]}, **HX))
    assert "已审核通过 1 张，跳过 1 张" in answer
    assert broken.invoice_number in answer and "放行理由" in answer
    assert Invoice.objects.get(pk=pending.pk).status == ReviewStatus.APPROVED
    assert Invoice.objects.get(pk=broken.pk).status == ReviewStatus.PENDING_REVIEW


def attach(invoice: Invoice, uploader: User, *, name: str, mime: str, body: bytes) -> Document:
    document = Document(
        organisation=invoice.organisation,
        uploaded_by=uploader,
        invoice=invoice,
        sha256=f"{abs(hash(name)):064d}"[:64],
        mime_type=mime,
        size=len(body),
        original_name=name,
        state=DocumentState.DONE,
    )
    document.file.save("x", ContentFile(body), save=False)
    document.save()
    return document


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


def test_original_page_image_beside_the_fields(
    client_as: ClientAs, users: dict[str, User], outsider: User, pending: Invoice
) -> None:
    photo = attach(pending, users["submitter"], name="发票.png", mime="image/png", body=png())
    page = html(client_as(users["reviewer"]).get("/review/"))
    assert f'<img src="/scan/documents/{photo.pk}/preview"' in page
    assert f'href="/scan/documents/{photo.pk}/original"' in page
    shown = client_as(users["reviewer"]).get(f"/scan/documents/{photo.pk}/preview")
    assert shown.status_code == 200 and shown["Content-Type"].startswith("image/")
    assert client_as(outsider).get(f"/scan/documents/{photo.pk}/preview").status_code == 404


def test_an_original_without_picture_is_offered_as_download(
    client_as: ClientAs, users: dict[str, User], pending: Invoice
) -> None:
    ofd = attach(pending, users["submitter"], name="发票.ofd", mime="application/ofd", body=b"PK")
    page = html(client_as(users["reviewer"]).get("/review/"))
    assert "/preview" not in page
    assert "没有图片预览" in page and f'href="/scan/documents/{ofd.pk}/original"' in page


def test_navigation_shows_the_queue_to_reviewers_only(
    client_as: ClientAs, users: dict[str, User]
) -> None:
    submitter_page = html(client_as(users["submitter"]).get("/mine/"))
    assert 'href="/mine/"' in submitter_page and 'href="/review/"' not in submitter_page
    reviewer_page = html(client_as(users["reviewer"]).get("/review/"))
    assert 'aria-current="page">审核队列' in reviewer_page
