"""A slow Redis delays only the person whose update waits on it: the store's calls run off the
event loop, so many people's calls wait on Redis at the same time, not one after another."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.config import Secret
from bot.storage.redis import RedisStore
from tests.fakes.webhook_delivery import WebhookTelegram
from tests.telegram.webhook_support import fake_telegram, running_bot, webhook_settings

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

#: Every Redis reply is held this long: longer than a whole update takes otherwise.
DELAY_S = 0.3
PEOPLE = range(7001, 7006)


class SlowProxy:
    """A TCP proxy on 127.0.0.1 in front of Redis that holds every reply DELAY_S before passing
    it on, and counts how many replies it holds at once. It runs its own event loop in its own
    thread, so a bot that blocked its loop could not hide behind it."""

    def __init__(self, target_port: int, delay_s: float = DELAY_S) -> None:
        self.target_port = target_port
        self.delay_s = delay_s
        self.held = 0
        self.most_held = 0
        self.replies = 0
        self.port = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="slow-redis", daemon=True)

    @property
    def url(self) -> str:
        """The redis:// URL that goes through the proxy."""
        return f"redis://127.0.0.1:{self.port}/0"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._started.set()
        self._loop.run_forever()
        server.close()
        self._loop.run_until_complete(server.wait_closed())

    def __enter__(self) -> SlowProxy:
        self._thread.start()
        self._started.wait(5)
        return self

    def __exit__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _connection(self, client_r: asyncio.StreamReader,
                          client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pump(client_r, server_w, slow=False),
                             self._pump(server_r, client_w, slow=True),
                             return_exceptions=True)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    slow: bool) -> None:
        try:
            while chunk := await reader.read(65536):
                if slow:
                    with self._lock:
                        self.held += 1
                        self.replies += 1
                        self.most_held = max(self.most_held, self.held)
                    await asyncio.sleep(self.delay_s)
                    with self._lock:
                        self.held -= 1
                writer.write(chunk)
                await writer.drain()
        finally:
            writer.close()


@pytest.fixture
def slow_redis(redis_url: str) -> Iterator[SlowProxy]:
    """The test's Redis, behind a proxy that delays every reply."""
    with SlowProxy(int(redis_url.rsplit(":", 1)[1].split("/")[0])) as proxy:
        yield proxy


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[WebhookTelegram]:
    """The fake Bot API."""
    async with fake_telegram() as fake:
        yield fake


def answers(tg: WebhookTelegram, person: int) -> list[str]:
    """Every message Telegram accepted into a person's chat."""
    return [c.params["text"] for c in tg.calls_to("sendMessage")
            if c.ok and c.params["chat_id"] == person]


async def test_a_slow_redis_delays_nobody_else(tg: WebhookTelegram, tmp_path: Path,
                                               redis_url: str, slow_redis: SlowProxy) -> None:
    settings = webhook_settings(tg, tmp_path, redis_url=Secret(redis_url))
    async with running_bot("polling", tg, settings) as bot:
        # The replicas' store (languages, counts, votes) answers only after DELAY_S.
        direct, bot.runtime.store = bot.runtime.store, RedisStore.from_url(slow_redis.url)
        direct.close()
        for person in PEOPLE:
            tg.add_private_user(person, language_code="en")
        for person in PEOPLE:  # all at once
            tg.send_text(person, "police number")
        deadline = time.monotonic() + 30
        while any(not answers(tg, person) for person in PEOPLE):
            assert time.monotonic() < deadline, "not everybody was answered"
            await asyncio.sleep(0.05)
        await tg.wait_idle(timeout=20, quiet=3 * DELAY_S)
    for person in PEOPLE:
        [text] = answers(tg, person)
        assert "102" in text
    # Every person's update waited on the slow store (their language, then the counts)...
    assert slow_redis.replies >= 2 * len(PEOPLE)
    # ...and everybody's waits overlapped: nobody's reply queued behind another's store call.
    assert slow_redis.most_held >= len(PEOPLE)
