"""`fapiao reprocess ID`: read a stored original again, now, in this process.

For documents that failed (a reader fixed, a limit raised) or whose queue entry was lost.
A document that already became invoices is read again without creating them twice.
"""

from __future__ import annotations

from fapiao.errors import DocumentNotFound
from fapiao.invoices import ingest
from fapiao.invoices.models import Document


def reprocess_document(document_id: int) -> Document:
    """Reset the document to queued and read it synchronously; raises DocumentNotFound."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        raise DocumentNotFound(f"没有编号为 {document_id} 的上传文件：请检查编号是否正确。")
    ingest.reset_document(document=document)
    ingest.read_document(document_id=document.pk)
    document.refresh_from_db()
    return document
