"""In real Chromium: the 反馈 dialog (opened from an invoice page, help articles suggested
while typing, a screenshot attached, the ticket created with the page and invoice), and
online chat between a user and an on-duty agent in two browser sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fapiao.accounts.models import User
from fapiao.feedback.models import Attachment, Ticket
from tests.browser import chromium, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_feedback_dialog_from_an_invoice_page(
    live_server: Any,
    users: dict[str, User],
    desk: dict[str, Any],
    make_invoices: Any,
    browser_page: Any,
    tmp_path: Any,
) -> None:
    invoice = make_invoices(1, submitter=users["submitter"])[0]
    page = browser_page
    base = live_server.url
    sign_in(page, base, "submitter")
    page.goto(f"{base}/invoices/{invoice.pk}/")

    page.click("#fb-open")
    assert page.locator("#fb-dialog").is_visible()
    assert f"编号 {invoice.pk}" in page.locator("#fb-context").inner_text()
    page.click("text=投诉")
    page.fill("#fb-body", "上传以后一直识别失败")
    # Articles appear beside the form while typing.
    page.wait_for_selector("#fb-suggest a:has-text('确认文件已上传成功')")
    shot = tmp_path / "截图.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    page.set_input_files("#fb-files", str(shot))
    page.click("#fb-form button[type=submit]")
    page.wait_for_selector(".fb-done")
    ticket = Ticket.objects.get()
    assert ticket.number in page.locator(".fb-done").inner_text()
    assert page.input_value("#fb-body") == ""  # ready for the next one
    assert ticket.category == "complaint" and ticket.invoice_id == invoice.pk
    assert ticket.page_url == f"/invoices/{invoice.pk}/"
    assert Attachment.objects.get(ticket=ticket).name == "截图.png"

    page.click(".fb-done a")
    page.wait_for_url(f"**/feedback/{ticket.pk}/")
    assert "上传以后一直识别失败" in page.locator("main").inner_text()


@pytest.fixture
def two_people() -> Iterator[Callable[[], Any]]:
    """Pages in separate browser contexts (separate cookies: two people signed in)."""
    with chromium() as browser:
        yield lambda: new_page(browser)


def test_chat_between_user_and_on_duty_agent(
    live_server: Any,
    users: dict[str, User],
    desk: dict[str, Any],
    two_people: Callable[[], Any],
) -> None:
    base = live_server.url
    agent, user = two_people(), two_people()
    sign_in(agent, base, "support_agent")
    agent.goto(f"{base}/desk/chat/")
    agent.click("#duty-toggle")
    agent.wait_for_selector("text=值班中")

    sign_in(user, base, "submitter")
    user.goto(f"{base}/chat/")
    assert "客服在线" in user.locator("main").inner_text()
    user.fill("#chat-first", "你好，我的发票一直显示识别中")
    user.click("main button.primary")
    user.wait_for_selector("#chat-log >> text=你好，我的发票一直显示识别中")

    # The agent's console lists the new conversation by itself (polling every 2 s).
    agent.click("a:has-text('进入会话')")
    agent.wait_for_selector("#chat-log >> text=你好，我的发票一直显示识别中")
    agent.fill("#chat-input", "请稍等，我帮您查一下")
    agent.press("#chat-input", "Enter")
    # Both sides poll every second: the reply shows within 2 s (a little slack for CI).
    user.wait_for_selector("#chat-log >> text=请稍等，我帮您查一下", timeout=3_000)
    user.fill("#chat-input", "好的，谢谢")
    user.press("#chat-input", "Enter")
    agent.wait_for_selector("#chat-log >> text=好的，谢谢", timeout=3_000)
    assert user.input_value("#chat-input") == ""
