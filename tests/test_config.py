"""Settings are read one way (fapiao.config): typed, bounded, with the documented default,
and a value a command decides at run time reaches the processes it starts."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from fapiao import config
from fapiao.lookup import conf as lookup_conf


@pytest.fixture
def no_override() -> Iterator[None]:
    yield
    config.override("FAPIAO_TAX_PLATFORM_URL", None)


def test_an_override_wins_and_reaches_a_child_process(
    monkeypatch: pytest.MonkeyPatch, no_override: None
) -> None:
    monkeypatch.delenv("FAPIAO_TAX_PLATFORM_URL", raising=False)
    assert lookup_conf.platform_url() == ""

    config.override("FAPIAO_TAX_PLATFORM_URL", "http://127.0.0.1:9/")

    assert lookup_conf.platform_url() == "http://127.0.0.1:9"
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.environ['FAPIAO_TAX_PLATFORM_URL'])"],
        env=config.child_environ(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.strip() == "http://127.0.0.1:9/"
    config.override("FAPIAO_TAX_PLATFORM_URL", None)
    assert lookup_conf.platform_url() == ""
    assert "FAPIAO_TAX_PLATFORM_URL" not in config.child_environ()


def test_only_documented_settings_can_be_read_or_set() -> None:
    with pytest.raises(KeyError):
        config.env("FAPIAO_NO_SUCH_THING")
    with pytest.raises(KeyError):
        config.override("FAPIAO_NO_SUCH_THING", "1")


def test_numbers_are_bounded_and_a_typo_falls_back_to_the_default(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("FAPIAO_PAGE_SIZE", "5000")
    assert config.env_int("FAPIAO_PAGE_SIZE", maximum=500) == 500
    monkeypatch.setenv("FAPIAO_PAGE_SIZE", "20.0")
    assert config.env_int("FAPIAO_PAGE_SIZE") == 20
    monkeypatch.setenv("FAPIAO_VERIFY_DAILY_LIMIT", "-3")
    assert lookup_conf.daily_limit() == 1

    monkeypatch.setenv("FAPIAO_PAGE_SIZE", "五十")
    with caplog.at_level(logging.WARNING, logger="fapiao.config"):
        assert config.env_int("FAPIAO_PAGE_SIZE") == 50
        assert config.env_int("FAPIAO_PAGE_SIZE") == 50
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "FAPIAO_PAGE_SIZE" in warnings[0]  # once, not per read


def test_a_computed_default_is_worked_out_by_its_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAPIAO_SYNC_INBOX_DIR", raising=False)
    assert config.env("FAPIAO_SYNC_INBOX_DIR") == ""
    assert lookup_conf.sync_inbox_dir() == config.data_dir() / "sync-inbox"
    monkeypatch.setenv("FAPIAO_SYNC_INBOX_DIR", "~/exports")
    assert str(lookup_conf.sync_inbox_dir()).endswith("/exports")
    assert "~" not in str(lookup_conf.sync_inbox_dir())


def test_lists_drop_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAPIAO_ALLOWED_HOSTS", " fapiao.example.com, ,10.0.0.5 ")
    assert config.env_list("FAPIAO_ALLOWED_HOSTS") == ["fapiao.example.com", "10.0.0.5"]
