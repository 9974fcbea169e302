"""Running the real bot in webhook mode (or polling) against the fake Bot API, in-process.

A replica is the real `WebhookServer` (uvicorn + Starlette + the Application) on a free port of
127.0.0.1; `WebhookTelegram` delivers updates to it as Telegram would.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.config import Secret, Settings
from bot.telegram.app import build_application, make_runtime
from bot.telegram.runtime import Runtime
from bot.telegram.webhook import WebhookServer
from tests.fakes.webhook_delivery import WebhookTelegram
from tests.telegram.conftest import BOT_USERNAME, TOKEN, Harness, make_settings

WEBHOOK_SECRET = "test-webhook_secret-0123"
PUBLIC_URL = "https://qoldau.example/telegram"
USER_KEY_SECRET = "shared-by-every-replica"


def webhook_settings(tg: WebhookTelegram, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a webhook replica talking to the fake."""
    values: dict[str, Any] = {
        "webhook_url": PUBLIC_URL,
        "webhook_secret": Secret(WEBHOOK_SECRET),
        "webhook_host": "127.0.0.1",
        "webhook_port": 0,
        "user_key_secret": Secret(USER_KEY_SECRET),
    }
    values.update(overrides)
    return make_settings(tg, data_dir, **values)


@dataclass
class Replica:
    """One running webhook replica."""

    server: WebhookServer
    task: asyncio.Task[int]
    runtime: Runtime

    @property
    def app(self) -> Application:  # type: ignore[type-arg]
        """The replica's Application."""
        return self.server.application

    @property
    def url(self) -> str:
        """Where the replica takes updates."""
        return f"http://127.0.0.1:{self.server.port}{self.server.settings.webhook_path}"

    @property
    def base(self) -> str:
        """The replica's own address (for /healthz and /readyz)."""
        return f"http://127.0.0.1:{self.server.port}"

    async def stop(self) -> int:
        """Shut down as on SIGTERM; return the exit code."""
        self.server.stop()
        return await self.task


@contextlib.asynccontextmanager
async def replica(settings: Settings, **server_kwargs: Any) -> AsyncIterator[Replica]:
    """Start one webhook replica on a free loopback port; stop it gracefully after."""
    runtime = make_runtime(settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = WebhookServer(settings, runtime, sock=sock, handle_signals=False, **server_kwargs)
    task = asyncio.create_task(server.serve())
    try:
        # Serving, and registered with Telegram (unless told not to), before anyone sends.
        for _ in range(1000):
            if task.done() or (server.accepting
                               and (server.registered or not settings.webhook_register)):
                break
            await asyncio.sleep(0.01)
        if task.done():
            raise AssertionError(f"the replica did not start (exit code {task.result()})")
        server.port  # noqa: B018  (known from now on, even once the socket is closed)
        yield Replica(server, task, runtime)
    finally:
        if not task.done():
            server.stop()
        with contextlib.suppress(Exception):
            await task
        runtime.store.close()


@dataclass
class BotHarness(Harness):
    """A Harness that also knows its webhook replica (None in polling mode)."""

    replica: Replica | None = None


@contextlib.asynccontextmanager
async def running_bot(mode: str, tg: WebhookTelegram, settings: Settings,
                      ) -> AsyncIterator[BotHarness]:
    """The bot in polling or webhook mode, as a Harness the conversation helpers work with."""
    if mode == "webhook":
        async with replica(settings) as one:
            tg.route_to(one.url)
            yield BotHarness(tg, one.app, one.runtime, settings, one)
        return
    runtime = make_runtime(settings)
    app = build_application(settings, runtime)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield BotHarness(tg, app, runtime, settings)
        finally:
            await app.updater.stop()
            await app.stop()
            runtime.store.close()


def fake_telegram(**kwargs: Any) -> WebhookTelegram:
    """The fake Bot API with webhook delivery, for the test bot's token."""
    return WebhookTelegram(token=TOKEN, bot_username=BOT_USERNAME, **kwargs)
