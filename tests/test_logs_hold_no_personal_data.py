"""PIPL: the log never holds a full tax id, bank account or id card number. The suite's
representative flows run with every logger at DEBUG (record, upload and reading, lookup and
diagnosis, sync against the tax platform, a returned invoice's SMS, crashes of an endpoint
and of a page), and the log file the service writes is searched for the values."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fapiao.accounts.models import User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.lookup.models import SyncSource
from fapiao.lookup.simulator import SimInvoice
from fapiao.lookup.sync import sync_source
from tests.api.conftest import SELLER_TAX_ID, invoice_body, post_json
from tests.corpus.render_xml import render_xml
from tests.lookup.conftest import _fresh_state, platform, simulator  # noqa: F401

PERSONAL_ID = "11010519491231002X"
ACCOUNT = "6222020200112233445"
SECRETS = (PERSONAL_ID, ACCOUNT, SELLER_TAX_ID, "6222 0202 0011 2233 445")
LOGGERS = ("fapiao", "django", "django_tasks_db")


@pytest.fixture
def log_text() -> Iterator[Any]:
    """What the service's log file gains during the test, every logger at DEBUG."""
    path = Path(settings.LOG_DIR) / "fapiao.log"
    start = path.stat().st_size if path.exists() else 0
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)

    def read() -> str:
        for handler in logging.getLogger("fapiao").handlers:
            handler.flush()
        with open(path, encoding="utf-8") as handle:
            handle.seek(start)
            return handle.read()

    yield read
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_every_handler_masks(log_text) -> None:
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            assert any(type(f).__name__ == "MaskPersonalData" for f in handler.filters), handler


def test_the_flows_log_no_personal_number(
    users: dict[str, User],
    api_as,
    corpus: CorpusGenerator,
    platform,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
    log_text,
) -> None:
    submitter, reviewer = api_as(users["submitter"]), api_as(users["reviewer"])
    # record: a person as the buyer, a bank account in the remarks
    body = invoice_body(
        buyer_name="张三",
        buyer_tax_id=PERSONAL_ID,
        remarks=f"开户行 工商银行 账号 {ACCOUNT}（6222 0202 0011 2233 445）",
    )
    created = json.loads(post_json(submitter, "/api/v1/invoices", body).content)
    # upload and reading of an XML e-invoice with the same buyer
    data = next(corpus.invoices(1, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)))
    data.buyer_tax_id, data.buyer_name = PERSONAL_ID, "张三"
    xml = SimpleUploadedFile(f"发票-{PERSONAL_ID}.xml", render_xml(data), "application/xml")
    assert submitter.post("/api/v1/documents", {"files": [xml]}).status_code == 202
    # lookup and its diagnosis (a number one digit off), filtered by the buyer's id
    wrong = created["invoice_number"][:-1] + "0"
    assert submitter.get("/api/v1/lookup", {"invoice_number": wrong}).status_code == 200
    assert submitter.get("/api/v1/invoices", {"buyer": PERSONAL_ID}).status_code == 200
    # sync against the tax platform, once up and once down
    source = SyncSource.objects.create(slug="all", name="全国", region="")
    platform.add(SimInvoice("", created["invoice_number"], "20250307", total="106.00", status="2"))
    sync_source(source=source)
    platform.set_mode("down")
    sync_source(source=source)
    # a returned invoice's notification, by SMS (the console provider logs each message)
    prefs = {"mobile": "13812345678", "events": {"invoice_returned": {"email": False, "sms": True}}}
    assert (
        submitter.put(
            "/api/v1/notifications/preferences", json.dumps(prefs), content_type="application/json"
        ).status_code
        == 200
    )
    comment = f"购买方身份证号 {PERSONAL_ID} 与姓名不符，请核对账号 {ACCOUNT}"
    with django_capture_on_commit_callbacks(execute=True):  # the SMS goes out on commit
        returned = post_json(
            reviewer, f"/api/v1/invoices/{created['id']}/transitions",
            {"action": "return", "comment": comment},
        )  # fmt: skip
    assert returned.status_code == 200, returned.content

    # crashes whose message quotes the data (made to happen here: nothing real crashes)
    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"购买方 {PERSONAL_ID} 账号 {ACCOUNT} 销售方 {SELLER_TAX_ID}")

    monkeypatch.setattr("fapiao.invoices.selectors.get_invoice", crash)
    monkeypatch.setattr("fapiao.invoices.api.invoices.selectors.get_invoice", crash)
    assert submitter.get(f"/api/v1/invoices/{created['id']}").status_code == 500
    page = Client(raise_request_exception=False)
    page.force_login(users["submitter"])
    monkeypatch.setattr("fapiao.invoices.views.detail.selectors.get_invoice", crash)
    assert page.get(f"/invoices/{created['id']}/").status_code == 500

    text = log_text()
    # the flows did log (masked): the crashes' tracebacks and the SMS among them
    assert "unhandled API error" in text and "Internal Server Error" in text
    assert "1101**********002X" in text and "SMS to" in text
    leaked = [value for value in SECRETS if value in text]
    assert leaked == [], [line for line in text.splitlines() if any(v in line for v in leaked)]
