"""审核队列 as a reviewer sees it: oldest first, only what they review, deciding moves on,
batch approval, and each original beside the fields (a picture, or a download)."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.base import ContentFile
from PIL import Image

from fapiao.accounts.models import User
from fapiao.invoices.models import Document, DocumentState, Invoice, ReviewStatus
from tests.conftest import ClientAs
from tests.review.conftest import HX, html


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


def test_batch_never_turns_foreign_ids_into_invoice_numbers(
    client_as: ClientAs,
    users: dict[str, User],
    outsider: User,
    make_invoices: Callable[..., list[Invoice]],
) -> None:
    """Up to 200 ids a request: the answer must not tell another organisation's (or another
    department's) invoice numbers, or every number could be enumerated."""
    foreign = make_invoices(1, submitter=outsider)[0]
    other_department = make_invoices(1, submitter=users["submitter2"])[0]
    reviewer = users["reviewer"]
    reviewer.review_departments.add(users["submitter"].department)  # type: ignore[arg-type]
    answer = html(
        client_as(reviewer).post("/review/batch", {"ids": [foreign.pk, other_department.pk]}, **HX)
    )
    assert "跳过 2 张" in answer
    assert foreign.invoice_number not in answer
    assert other_department.invoice_number not in answer
    assert "没有找到这张发票" in answer
    assert Invoice.objects.get(pk=foreign.pk).status == ReviewStatus.PENDING_REVIEW


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
