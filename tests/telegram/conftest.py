"""The real bot, long-polling a fake Bot API server on 127.0.0.1, and a person talking to it."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import Application

from bot.config import Secret, Settings
from bot.knowledge.base import KnowledgeBase
from bot.logs import setup_logging
from bot.telegram.app import build_application, make_runtime, on_shutdown, on_startup
from bot.telegram.runtime import Runtime
from tests.fakes.telegram_api import FakeTelegram, StoredMessage

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAHtest-token-for-the-fake-server-0123"
BOT_USERNAME = "qoldau_test_bot"


@pytest.fixture
def production_logs() -> Iterator[io.StringIO]:
    """Logging configured as `qoldau run` configures it (at DEBUG), into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    setup_logging("DEBUG", secrets=[TOKEN], stream=buffer)
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@dataclass
class Harness:
    """The fake Bot API, the running application, and helpers to talk like a person."""

    tg: FakeTelegram
    app: Application  # type: ignore[type-arg]
    runtime: Runtime
    settings: Settings

    def sends_to(self, chat_id: int) -> list[dict[str, Any]]:
        """Every successful sendMessage to a chat, oldest first."""
        return [c.params for c in self.tg.calls_to("sendMessage")
                if c.ok and c.params.get("chat_id") == chat_id]

    async def reply_to(self, chat_id: int, action: Callable[[], object],
                       timeout: float = 8.0) -> StoredMessage:
        """Do something as the person and wait for the bot's next message in the chat."""
        before = len(self.sends_to(chat_id))
        action()
        # Count only messages Telegram accepted: a 429 answered call is not a reply yet.
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.sends_to(chat_id)) <= before:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no reply in chat {chat_id} within {timeout} s")
            await asyncio.sleep(0.02)
        return self.tg.last_sent(chat_id)

    async def say(self, user_id: int, text: str, timeout: float = 8.0,
                  **kwargs: Any) -> StoredMessage:
        """Send text as a person; return the bot's reply."""
        return await self.reply_to(kwargs.get("chat_id") or user_id,
                                   lambda: self.tg.send_text(user_id, text, **kwargs), timeout)

    async def command(self, user_id: int, command: str, **kwargs: Any) -> StoredMessage:
        """Send a command as a person; return the bot's reply."""
        return await self.reply_to(kwargs.get("chat_id") or user_id,
                                   lambda: self.tg.send_command(user_id, command, **kwargs))

    async def press(self, user_id: int, message: StoredMessage, label_or_data: str,
                    ) -> StoredMessage:
        """Press a button of a bot message (by its label or callback data); return the result.

        Navigation edits the message in place (the edited message is returned); other buttons
        send a new message (that one is returned).
        """
        data = button_data(message, label_or_data)
        chat_id = message.chat_id
        newest = max(m.message_id for m in self.tg.sent_messages(chat_id))
        edits = message.edits
        answers = len(self.tg.calls_to("answerCallbackQuery"))
        self.tg.press_button(user_id, message.message_id, data, chat_id=chat_id)
        await self.tg.wait_for("answerCallbackQuery", count=answers + 1)
        for _ in range(200):
            sent = self.tg.sent_messages(chat_id)
            # Empty for a moment when the button erases the chat (/clean) before it confirms.
            if sent and sent[-1].message_id > newest:
                return sent[-1]
            if message.edits > edits:
                return message
            await asyncio.sleep(0.025)
        raise AssertionError(f"pressing {label_or_data!r} changed nothing")


def buttons(message: StoredMessage) -> list[dict[str, Any]]:
    """All inline buttons of a message."""
    return list(message.buttons)


def action(data: str) -> str:
    """Callback data without the language suffix the bot adds ("e|menu~kk" → "e|menu")."""
    head, sep, lang = data.rpartition("~")
    return head if sep and lang in ("kk", "ru", "en") else data


def actions(message: StoredMessage) -> list[str]:
    """The actions of a message's callback buttons, without their language suffix."""
    return [action(b["callback_data"]) for b in message.buttons if b.get("callback_data")]


def button_data(message: StoredMessage, label_or_data: str) -> str:
    """The callback data of the button with this label (or action)."""
    for button in message.buttons:
        data = button.get("callback_data")
        if data and (button.get("text") == label_or_data or label_or_data in (data, action(data))
                     or label_or_data in button.get("text", "")):
            return str(data)
    labels = [b.get("text") for b in message.buttons]
    raise AssertionError(f"no button {label_or_data!r} among {labels}")


def make_settings(tg: FakeTelegram, data_dir: Path, **overrides: Any) -> Settings:
    """Settings pointing the bot at the fake server."""
    values: dict[str, Any] = {
        "telegram_bot_token": Secret(TOKEN),
        "telegram_api_base_url": tg.base_url,
        "default_language": "ru",
        "knowledge_dir": ROOT / "knowledge",
        "data_dir": data_dir,
        "log_level": "INFO",
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def run_bot(tg: FakeTelegram, settings: Settings) -> AsyncIterator[Harness]:
    """Run the bot as `qoldau run` does (polling), against the fake Bot API."""
    runtime = make_runtime(settings)
    app = build_application(settings, runtime)
    async with app:
        await on_startup(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield Harness(tg, app, runtime, settings)
        finally:
            await app.updater.stop()
            await app.stop()
            await on_shutdown(app)
            runtime.store.close()
    # Whatever happened in the test, the bot never sent Telegram a request it rejects
    # (a button pressed twice gives "not modified", which the bot expects and ignores).
    rejected = [(c.method, c.description) for c in tg.calls
                if c.status == 400 and "not modified" not in (c.description or "")]
    assert rejected == []


@pytest_asyncio.fixture
async def harness(tmp_path: Path, caplog: pytest.LogCaptureFixture, kb: KnowledgeBase,
                  ) -> AsyncIterator[Harness]:
    """A running bot against a fresh fake Bot API, with a fresh data directory; its safety
    net is ready from the start (trained once per session, as the bot trains it once)."""
    caplog.set_level(logging.INFO)
    kb.train_models()
    async with (FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as tg,
                run_bot(tg, make_settings(tg, tmp_path / "data")) as running):
        yield running
