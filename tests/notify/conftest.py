"""Real components for the channels: an aiosmtpd SMTP server and an HTTP SMS gateway, both
on 127.0.0.1 in this process."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from fapiao.notify.render import forget_templates


@pytest.fixture(autouse=True)
def _fresh_templates() -> Iterator[None]:
    # Each test's database rolls back without signals: drop templates cached by the last.
    forget_templates()
    yield
    forget_templates()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server; Django's SMTP backend is pointed at it for the test."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_TIMEOUT=5,
            DEFAULT_FROM_EMAIL="发票管家 <noreply@fapiao.test>",
        ):
            yield mailbox
    finally:
        controller.stop()


@dataclass
class Gateway:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    # Status codes to answer with, in order; 200 once they run out.
    answers: list[int] = field(default_factory=list)
    # Set to hold every request until released (a worker "dies" while waiting).
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            gateway.requests.append({"headers": dict(self.headers), "json": json.loads(body)})
            gateway.arrived.set()
            if gateway.hold is not None:
                gateway.hold.wait(30)
            status = gateway.answers.pop(0) if gateway.answers else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"ok": status == 200}).encode())

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def sms_gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    """A real HTTP SMS gateway; FAPIAO_SMS_* point the http_json provider at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Gateway(url="")))
    gateway = Gateway(url=f"http://127.0.0.1:{server.server_address[1]}/sms/send")
    server.RequestHandlerClass = _handler(gateway)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("FAPIAO_SMS_PROVIDER", "http_json")
    monkeypatch.setenv("FAPIAO_SMS_URL", gateway.url)
    monkeypatch.setenv("FAPIAO_SMS_KEY", "test-key-123")
    monkeypatch.setenv("FAPIAO_SMS_TEMPLATE", "SMS_FAPIAO_001")
    monkeypatch.setenv("FAPIAO_SMS_TIMEOUT", "2")
    try:
        yield gateway
    finally:
        if gateway.hold is not None:
            gateway.hold.set()
        server.shutdown()
        server.server_close()
