"""Webhook and Redis settings: read once, checked at start with messages naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings, SettingsError, check_webhook, load_settings

TOKEN = "123456789:AAHtest-token-for-the-fake-server-0123"
GOOD = {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://qoldau.example.kz/telegram",
        "WEBHOOK_SECRET": "s3cret_token-XYZ"}


def settings(**values: str) -> Settings:
    """Settings from these variables only (no .env)."""
    return load_settings({**GOOD, **values}, dotenv=None)


def test_defaults_and_a_complete_set() -> None:
    s = settings()
    assert (s.webhook_host, s.webhook_port, s.webhook_path) == ("0.0.0.0", 8080, "/telegram")
    assert s.webhook_register is True and s.redis_url is None
    assert s.webhook_max_updates == 256
    assert s.webhook_secret is not None and "s3cret" not in repr(s)
    check_webhook(s)
    s = settings(WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT="8443", WEBHOOK_PATH="/tg/hook",
                 WEBHOOK_REGISTER="false", REDIS_URL="redis://:pw@redis:6379/0",
                 USER_KEY_SECRET="x" * 64, WEBHOOK_MAX_UPDATES="32")
    assert (s.webhook_port, s.webhook_path, s.webhook_register) == (8443, "/tg/hook", False)
    assert s.webhook_max_updates == 32
    assert s.redis_url is not None and "pw" not in repr(s)


@pytest.mark.parametrize("url", ["http://localhost:8080/telegram", "http://127.0.0.1/t",
                                 "http://[::1]:8080/t", "https://bot.example.kz:8443/t"])
def test_https_unless_local(url: str) -> None:
    assert settings(WEBHOOK_URL=url).webhook_url == url


@pytest.mark.parametrize(("name", "value", "says"), [
    ("WEBHOOK_URL", "http://bot.example.kz/telegram", "https"),
    ("WEBHOOK_URL", "bot.example.kz/telegram", "https"),
    ("WEBHOOK_SECRET", "has space", "A-Z, a-z, 0-9"),
    ("WEBHOOK_SECRET", "ключ", "A-Z, a-z, 0-9"),
    ("WEBHOOK_SECRET", "x" * 257, "1 to 256"),
    ("WEBHOOK_PORT", "http", "port number"),
    ("WEBHOOK_PORT", "70000", "port number"),
    ("WEBHOOK_PATH", "telegram", "start with /"),
    ("WEBHOOK_PATH", "/healthz", "/healthz"),
    ("WEBHOOK_REGISTER", "maybe", "true or false"),
    ("WEBHOOK_MAX_UPDATES", "0", "at least 1"),
    ("WEBHOOK_MAX_UPDATES", "many", "at least 1"),
    ("REDIS_URL", "127.0.0.1:6379", "redis://"),
    ("REDIS_URL", "redis://127.0.0.1:6379/0", "USER_KEY_SECRET"),
])
def test_a_bad_value_is_named(name: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError, match=name) as raised:
        settings(**{name: value})
    assert says in str(raised.value)


def test_secret_of_256_characters_is_fine() -> None:
    assert settings(WEBHOOK_SECRET="a" * 256).webhook_secret is not None


def test_webhook_mode_needs_a_secret_and_a_url_to_register() -> None:
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        check_webhook(load_settings({**GOOD, "WEBHOOK_SECRET": ""}, dotenv=None))
    with pytest.raises(SettingsError, match="WEBHOOK_URL"):
        check_webhook(load_settings({**GOOD, "WEBHOOK_URL": ""}, dotenv=None))
    check_webhook(load_settings({**GOOD, "WEBHOOK_URL": "", "WEBHOOK_REGISTER": "false"},
                                dotenv=None))
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        check_webhook(load_settings({**GOOD, "TELEGRAM_BOT_TOKEN": ""}, dotenv=None))


def test_run_webhook_without_a_secret_exits_2_saying_why(
        cli_env: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("WEBHOOK_SECRET", "WEBHOOK_REGISTER", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_URL", GOOD["WEBHOOK_URL"])
    assert main(["run", "--webhook"]) == 2
    err = capsys.readouterr().err
    assert "WEBHOOK_SECRET" in err and TOKEN not in err
