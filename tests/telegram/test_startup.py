"""Starting the bot: a malformed or rejected token is a clear message, not a traceback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Secret
from bot.telegram.app import file_url, run_polling
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import TOKEN, make_settings


@pytest.fixture
def fake_in_thread() -> Iterator[FakeTelegram]:
    """A fake Bot API on its own event loop, for code that runs its own loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    tg = FakeTelegram(token=TOKEN)
    asyncio.run_coroutine_threadsafe(tg.start(), loop).result(10)
    yield tg
    asyncio.run_coroutine_threadsafe(tg.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_malformed_token_exits_2_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and "not-a-token" not in err


def test_rejected_token_is_a_clear_message(
        fake_in_thread: FakeTelegram, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = "123456789:AAHwrong-token-wrong-token-wrong-000"
    settings = make_settings(fake_in_thread, tmp_path, telegram_bot_token=Secret(wrong))
    assert run_polling(settings) == 2
    captured = capsys.readouterr()
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in captured.err
    assert "Traceback" not in captured.err
    assert wrong not in captured.err + captured.out


def test_without_token_run_opens_the_console(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("сәлем\n/quit\n"))
    assert main(["run"]) == 0
    captured = capsys.readouterr()
    assert "console chat" in captured.err
    assert "Сәлем" in captured.out or "сәлем" in captured.out.lower()


def test_self_hosted_api_url_gets_its_file_url() -> None:
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
