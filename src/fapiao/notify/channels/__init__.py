"""Delivery channels: email through Django's mail backend, SMS through a provider.

A channel raises DeliveryError when a send failed and may succeed later (the worker retries
with backoff); anything it cannot send at all raises PermanentDeliveryError.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """The send failed; a retry may succeed."""


class PermanentDeliveryError(DeliveryError):
    """The send can never succeed as configured (e.g. a rejected address)."""
