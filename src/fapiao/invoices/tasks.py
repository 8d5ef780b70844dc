"""Background jobs of the invoices app. Each takes ids and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from fapiao.invoices import ingest, signals
from fapiao.invoices.models import Document, DocumentState


@task()
def read_document(document_id: int) -> str | None:
    """Read an uploaded original and record its invoices; returns the document's state
    (None when it was already read or is gone)."""
    doc = ingest.read_document(document_id=document_id)
    if doc is not None and doc.state == DocumentState.FAILED:
        # fapiao.notify tells the uploader why and what to do (email by default).
        signals.document_reading_failed.send(sender=Document, document=doc)
    return doc.state if doc is not None else None


def enqueue_reading(document_id: int) -> None:
    read_document.enqueue(document_id)
