"""Sign-in protection that an attacker cannot turn against other people (issue 13): the
lockout is per (username, address), an address has only a slower limit of its own, and the
address comes from X-Forwarded-For only when the peer is a trusted proxy."""

from __future__ import annotations

from django.test import Client

from fapiao.accounts.models import User
from tests.factories import PASSWORD

LOCKED = "登录失败次数过多"
PROXY = "10.1.1.1"


def sign_in(client: Client, username: str, password: str, **headers: str) -> str:
    """'signed in', or the sign-in page's text."""
    response = client.post("/login/", {"username": username, "password": password}, **headers)
    return "signed in" if response.status_code == 302 else response.content.decode()


def test_made_up_names_from_an_address_do_not_lock_out_its_users(
    users: dict[str, User],
) -> None:
    office = Client(REMOTE_ADDR="10.0.0.8")
    for n in range(20):
        sign_in(office, f"nobody{n}", "guess-123")
    # a colleague behind the same address signs in at once
    assert sign_in(office, "reviewer", PASSWORD) == "signed in"


def test_an_address_has_a_slower_limit_of_its_own(users: dict[str, User], settings) -> None:
    settings.LOGIN_ADDRESS_MAX_FAILURES = 12
    office = Client(REMOTE_ADDR="10.0.0.8")
    for n in range(11):
        assert LOCKED not in sign_in(office, f"nobody{n}", "guess-123")
    assert "该地址" in sign_in(office, "nobody11", "guess-123")  # the one that locks says so
    page = sign_in(office, "reviewer", PASSWORD)
    assert page != "signed in" and "该地址" in page and "分钟后再试" in page
    # the same person from elsewhere is not refused
    assert sign_in(Client(REMOTE_ADDR="10.0.0.9"), "reviewer", PASSWORD) == "signed in"


def test_a_locked_name_still_signs_in_from_another_address(users: dict[str, User]) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(6):
        sign_in(attacker, "finance_admin", "guess-123")
    assert LOCKED in sign_in(attacker, "finance_admin", PASSWORD)
    at_work = Client(REMOTE_ADDR="10.0.0.8")
    assert sign_in(at_work, "finance_admin", PASSWORD) == "signed in"


def test_behind_a_trusted_proxy_each_client_is_counted_apart(
    users: dict[str, User], settings
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    via_proxy = Client(REMOTE_ADDR=PROXY)
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for n in range(30):
        sign_in(via_proxy, f"nobody{n}", "guess-123", **attacker)
    for _ in range(6):
        sign_in(via_proxy, "submitter", "guess-123", **attacker)
    assert LOCKED in sign_in(via_proxy, "submitter", PASSWORD, **attacker)
    # everyone else comes through the same proxy and is not affected
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    assert sign_in(via_proxy, "submitter", PASSWORD, **colleague) == "signed in"


def test_forwarded_for_from_an_untrusted_peer_is_ignored(users: dict[str, User], settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY]
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    # a fresh made-up X-Forwarded-For on each try does not reset the count
    for n in range(6):
        sign_in(attacker, "submitter", "guess-123", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    page = sign_in(attacker, "submitter", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert LOCKED in page


def test_a_proxy_chain_is_walked_from_the_right(users: dict[str, User], settings) -> None:
    settings.TRUSTED_PROXIES = [PROXY, "10.2.0.0/16"]
    via_proxy = Client(REMOTE_ADDR=PROXY)
    # the client may prepend anything; the address the trusted proxies saw is the last
    # untrusted one
    for n in range(6):
        spoofed = f"192.0.2.{n}, 203.0.113.7, 10.2.3.4"
        sign_in(via_proxy, "submitter", "guess-123", HTTP_X_FORWARDED_FOR=spoofed)
    page = sign_in(
        via_proxy, "submitter", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.7"
    )
    assert LOCKED in page


def test_failures_past_the_window_are_forgotten_by_the_periodic_job(
    users: dict[str, User], settings
) -> None:
    from fapiao.accounts.models import LoginAttempt
    from fapiao.jobs import get

    for n in range(3):
        sign_in(Client(REMOTE_ADDR=f"192.0.2.{n}"), "submitter", "guess-123")
    assert get("accounts.login_failures")() == ""  # all still count
    assert LoginAttempt.objects.count() == 3
    settings.LOGIN_LOCKOUT_MINUTES = -1  # the window has passed
    assert "3 条" in get("accounts.login_failures")()
    assert not LoginAttempt.objects.exists()
