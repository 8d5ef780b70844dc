"""The child process of a large bulk load (see bulk_prepare.py): it sets Django up, receives
the load's context once, then prepares the chunks of rows it is sent.

Importable before Django is set up: the child imports this module to start. Imported by the
forkserver the children are forked from, it sets Django up there, once, so that each child
starts ready in milliseconds.
"""

from __future__ import annotations

import gc
import os
import pickle
from typing import Any

import django
from django.apps import apps

# The load this child prepares: (LoadContext, fastinsert.Columns of Invoice).
_load: tuple[Any, Any] | None = None


def setup() -> None:
    if not apps.ready:
        django.setup()


def start(context: bytes) -> None:
    """Initializer: `context` is the pickled bulk_prepare.LoadContext (it holds model
    instances, so it is read only once Django is set up)."""
    global _load
    setup()
    # It only allocates what it hands back, freed by reference counting.
    gc.disable()
    from fapiao.invoices import fastinsert
    from fapiao.invoices.models import Invoice

    _load = (pickle.loads(context), fastinsert.Columns(Invoice))


def prepare(chunk: list[Any]) -> Any:
    from fapiao.invoices.bulk_prepare import prepare_chunk

    assert _load is not None
    return prepare_chunk(*_load, chunk)


if os.environ.get("DJANGO_SETTINGS_MODULE"):
    setup()
