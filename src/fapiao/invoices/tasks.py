"""Background jobs of the invoices app. Each takes ids and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from fapiao.invoices import ingest
from fapiao.invoices.models import DocumentState


@task()
def read_document(document_id: int) -> str | None:
    """Read an uploaded original and record its invoices; returns the document's state
    (None when it was already read or is gone)."""
    doc = ingest.read_document(document_id=document_id)
    if doc is not None and doc.state == DocumentState.FAILED:
        # Tell the uploader why and what to do (fapiao.notify; email by default).
        from fapiao.notify.hooks import reading_failed

        reading_failed(doc)
    return doc.state if doc is not None else None


def enqueue_reading(document_id: int) -> None:
    read_document.enqueue(document_id)
