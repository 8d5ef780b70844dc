"""A tax-platform verification service for tests and `make run`: a real HTTP server on
127.0.0.1 that answers from its own invoice data with the platform's codes (DOMAIN.md), and
can be switched into maintenance, slow, down, flaky or rate-limiting behaviour.

Endpoints: POST /api/verify (the provider's protocol), POST /_invoices (add invoices),
POST /_control {"mode", "delay", "fail_next", "retry_after"}, GET /_health.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

MODES = ("normal", "maintenance", "slow", "down", "rate_limit")
DAILY_LIMIT = 5


def _beijing_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


@dataclass
class SimInvoice:
    code: str
    number: str
    issue_date: str  # YYYYMMDD
    amount: str = ""  # before tax
    total: str = ""
    check_code: str = ""
    status: str = "0"  # fpzt: 0 正常, 2 作废, 7 红冲-全额, 8 红冲-部分
    seller_name: str = ""


class TaxPlatformSimulator:
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, today: Callable[[], dt.date] | None = None
    ) -> None:
        self.invoices: dict[tuple[str, str], SimInvoice] = {}
        self.mode = "normal"
        self.delay = 2.0
        self.fail_next = 0  # the next N calls answer 500, then normal (a flaky gateway)
        self.retry_after = 600
        self.calls = 0
        self.today = today or _beijing_today
        self._counts: dict[tuple[str, str, dt.date], int] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), _handler(self))
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, invoice: SimInvoice) -> None:
        with self._lock:
            self.invoices[(invoice.code, invoice.number)] = invoice

    def set_mode(self, mode: str, *, delay: float | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"未知模式 {mode}；可用：{'、'.join(MODES)}")
        self.mode = mode
        if delay is not None:
            self.delay = delay

    def start(self) -> TaxPlatformSimulator:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """(HTTP status, JSON answer, headers) for one verification request."""
        with self._lock:
            self.calls += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"error": "internal"}, {}
        if self.mode == "maintenance":
            return 503, {"key1": "maintenance"}, {"Retry-After": str(self.retry_after)}
        if self.mode == "down":
            return 500, {"error": "down"}, {}
        if self.mode == "rate_limit":
            return 200, {"key1": "003"}, {}
        if self.mode == "slow":
            time.sleep(self.delay)
        code, number = str(body.get("fpdm") or ""), str(body.get("fphm") or "")
        date = str(body.get("kprq") or "")
        if not number.isdigit() or len(number) not in (8, 20) or (code and not code.isdigit()):
            return 200, {"key1": "005"}, {}
        today = self.today()
        with self._lock:
            key = (code, number, today)
            self._counts[key] = self._counts.get(key, 0) + 1
            if self._counts[key] > DAILY_LIMIT:
                return 200, {"key1": "002"}, {}
            invoice = self.invoices.get((code, number))
        if date == today.strftime("%Y%m%d"):
            return 200, {"key1": "rqerr"}, {}
        if invoice is None:
            return 200, {"key1": "009"}, {}
        if not self._matches(invoice, date, str(body.get("je") or ""), str(body.get("jym") or "")):
            return 200, {"key1": "006"}, {}
        data = asdict(invoice)
        return 200, {"key1": "001", "key2": {**data, "fpzt": invoice.status}}, {}

    @staticmethod
    def _matches(invoice: SimInvoice, date: str, amount: str, check_tail: str) -> bool:
        if date and date != invoice.issue_date:
            return False
        if amount:
            try:
                value = Decimal(amount)
            except InvalidOperation:
                return False
            wanted = invoice.total if not invoice.code else invoice.amount
            return wanted != "" and Decimal(wanted) == value
        if check_tail:
            return invoice.check_code[-6:] == check_tail
        return False


def _handler(sim: TaxPlatformSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            return

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
            raw = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                return json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return None

        def do_GET(self) -> None:
            if self.path == "/_health":
                self._send(200, {"mode": sim.mode, "invoices": len(sim.invoices)}, {})
            else:
                self._send(404, {"error": "not found"}, {})

        def do_POST(self) -> None:
            body = self._body()
            if not isinstance(body, dict | list):
                self._send(400, {"key1": "005"}, {})
            elif self.path == "/api/verify" and isinstance(body, dict):
                self._send(*sim.answer(body))
            elif self.path == "/_control" and isinstance(body, dict):
                try:
                    sim.set_mode(str(body.get("mode", sim.mode)), delay=body.get("delay"))
                except ValueError as exc:
                    self._send(400, {"error": str(exc)}, {})
                    return
                sim.fail_next = int(body.get("fail_next", sim.fail_next))
                sim.retry_after = int(body.get("retry_after", sim.retry_after))
                self._send(200, {"mode": sim.mode}, {})
            elif self.path == "/_invoices":
                rows = body if isinstance(body, list) else [body]
                for row in rows:
                    sim.add(SimInvoice(**row))
                self._send(200, {"invoices": len(sim.invoices)}, {})
            else:
                self._send(404, {"error": "not found"}, {})

    return Handler
