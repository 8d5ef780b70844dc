"""The client's address, and what a reverse proxy may tell us about the request.

X-Forwarded-For and X-Forwarded-Proto are written by whoever sends the request: they are
believed only when the peer (REMOTE_ADDR) is one of FAPIAO_TRUSTED_PROXIES. Everything that
needs the client's address (sign-in throttling, logs) asks `client_address`; the middleware
removes the forwarded headers of untrusted peers, so that Django's SECURE_PROXY_SSL_HEADER
(set only when there are trusted proxies) cannot be fooled by a client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # config.py's check refuses a malformed entry at start-up; here one is simply skipped.
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def is_trusted(text: str | None) -> bool:
    address = _address(text)
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the person's machine: the peer, or, when the peer is a trusted proxy,
    the right-most address in X-Forwarded-For that no trusted proxy wrote (a client may
    put anything at the left of the header, never at its right)."""
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    if not is_trusted(peer):
        address = _address(peer)
        return str(address) if address else None
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: what lies left of it cannot be trusted either
        if not is_trusted(str(address)):
            return str(address)
    return peer


class TrustedProxyMiddleware:
    """Drop forwarded headers that did not come from a trusted proxy (first in the chain,
    before SecurityMiddleware reads X-Forwarded-Proto for the HTTPS redirect)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_trusted(request.META.get("REMOTE_ADDR")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
