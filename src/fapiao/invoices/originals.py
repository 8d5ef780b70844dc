"""The original files of uploads: who follows which document's reading (the scan page, the
documents API), who may open which original, the file itself (always as a download), and a
preview image drawn on the server (a PDF page rendered with
pypdfium2, a photo turned upright and scaled down), so that a phone shows any original
without a PDF viewer and no uploaded bytes are ever rendered by the browser as a page."""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import QuerySet

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.errors import DocumentNotFound, FapiaoError
from fapiao.invoices.models import Document, DocumentState
from fapiao.invoices.scope import visible_invoices
from fapiao.reader.base import Limits, ReadError
from fapiao.reader.sniff import sniff

log = logging.getLogger(__name__)

PREVIEW_LONG_SIDE = 1600  # sharp enough to read a tax id on a phone, ~300 KB as JPEG
PDF_PREVIEW_WIDTH = 1400
PDF_PREVIEW_PIXELS = 8_000_000  # a page shaped like a ribbon must not cost gigabytes
PREVIEWABLE = ("pdf", "image")


class PreviewUnavailable(FapiaoError):
    code = "preview_unavailable"
    status = 404
    title = "无法预览"
    detail = "这个文件无法生成预览图：请下载原件查看。"


def visible_documents(user: User) -> QuerySet[Document]:
    """Documents whose reading `user` follows: their own uploads; org-wide roles see all."""
    return Document.objects.filter(permissions.document_q(user))


def get_upload(user: User, document_id: int) -> Document:
    doc = visible_documents(user).filter(pk=document_id).first()
    if doc is None:
        raise DocumentNotFound()
    return doc


def get_original(user: User, document_id: int) -> Document:
    """A document whose original `user` may open: their uploads (all, for org-wide roles),
    and for reviewers the originals of the invoices they review. A submitter never opens
    another person's upload, even one of the same invoice (a duplicate)."""
    doc = visible_documents(user).filter(pk=document_id).first()
    if doc is None and permissions.is_review_desk(user):
        doc = Document.objects.filter(
            permissions.organisation_q(user), pk=document_id, invoice__in=visible_invoices(user)
        ).first()
    if doc is None:
        raise DocumentNotFound()
    return doc


def page_number(text: str | None) -> int:
    """A preview page asked for in an address; page 1 unless it is a sensible number."""
    text = text or "1"
    return max(1, min(int(text), 10_000)) if text.isdigit() and len(text) < 6 else 1


def read_original(doc: Document) -> bytes:
    try:
        with default_storage.open(doc.file.name, "rb") as fh:
            return bytes(fh.read())
    except FileNotFoundError:
        log.error("original of document %s is missing from storage", doc.pk)
        raise DocumentNotFound(
            "原件在存储中找不到：请重新上传这个文件；如果问题持续，请联系管理员。"
        ) from None


def kind_of(doc: Document, blob: bytes | None = None) -> str:
    """pdf / image / ofd / xml / xlsx, or "" when the bytes are none of them."""
    try:
        return sniff(blob if blob is not None else read_original(doc), doc.original_name)
    except ReadError:
        return ""


def pdf_page_count(blob: bytes) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(blob)
    except pdfium.PdfiumError:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_preview(doc: Document, blob: bytes, page: int = 1) -> tuple[bytes, str]:
    """(image bytes, content type) of one page of a PDF or of a photo. Only files the
    reader got through are drawn here: a bomb or a broken file stays a download."""
    if doc.state != DocumentState.DONE:
        raise PreviewUnavailable("只有识别完成的文件才有预览图：请下载原件查看。")
    kind = kind_of(doc, blob)
    if kind == "pdf":
        return _pdf_page(blob, page), "image/png"
    if kind == "image":
        return _photo(blob), "image/jpeg"
    raise PreviewUnavailable(
        "这类文件（OFD、XML、Excel）的数据直接取自文件，没有图片预览：请下载原件查看。"
    )


def _pdf_page(blob: bytes, page: int) -> bytes:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(blob)
    except pdfium.PdfiumError as exc:
        raise PreviewUnavailable(
            "PDF 无法打开（可能已加密或已损坏），不能生成预览：请下载原件查看。"
        ) from exc
    try:
        if not 1 <= page <= len(pdf):
            raise PreviewUnavailable(f"PDF 只有 {len(pdf)} 页，没有第 {page} 页：请返回上一页。")
        pdf_page = pdf[page - 1]
        width, height = pdf_page.get_width() or 1, pdf_page.get_height() or 1
        scale = max(0.1, min(3.0, PDF_PREVIEW_WIDTH / width))
        scale = min(scale, (PDF_PREVIEW_PIXELS / (width * height)) ** 0.5)
        image = pdf_page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=False)
        return out.getvalue()
    finally:
        pdf.close()


def _photo(blob: bytes) -> bytes:
    from PIL import Image

    from fapiao.reader.image_prep import decode

    try:
        pixels = decode(blob, limits=Limits(max_bytes=settings.MAX_UPLOAD_BYTES))
    except ReadError as exc:
        raise PreviewUnavailable(f"照片无法显示：{exc.message}") from exc
    image = Image.fromarray(pixels)
    image.thumbnail((PREVIEW_LONG_SIDE, PREVIEW_LONG_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()
