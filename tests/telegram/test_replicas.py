"""Two webhook replicas behind one proxy, sharing one Redis: one memory of a person's language,
one outgoing rate limit, and answers that go on while Redis is away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
import redis
from telegram import Update

from bot.config import Secret
from bot.storage.redis import async_client
from bot.storage.sealed import Sealer
from bot.telegram import durable
from bot.telegram.inbox import RedisInbox
from tests.fakes.webhook_delivery import WebhookTelegram
from tests.redis_server import RedisServer
from tests.telegram.conftest import Harness, buttons
from tests.telegram.webhook_support import (
    USER_KEY_SECRET,
    Replica,
    fake_telegram,
    replica,
    webhook_settings,
)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PERSON = 7001


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[WebhookTelegram]:
    """The fake Bot API, delivering to the webhook, with Telegram's rate limits enforced."""
    async with fake_telegram() as fake:
        yield fake


@contextlib.asynccontextmanager
async def two_replicas(tg: WebhookTelegram, tmp_path: Path, redis_url: str,
                       ) -> AsyncIterator[tuple[Replica, Replica]]:
    """Replicas A and B, each with its own Runtime and data directory, sharing one Redis;
    only A registers the webhook."""
    shared = {"redis_url": Secret(redis_url)}
    async with replica(webhook_settings(tg, tmp_path / "a", **shared)) as a, \
            replica(webhook_settings(tg, tmp_path / "b", webhook_register=False,
                                     **shared)) as b:
        yield a, b


async def ready(one: Replica) -> int:
    """The HTTP status of a replica's /readyz."""
    async with aiohttp.ClientSession() as session, session.get(one.base + "/readyz") as answer:
        return answer.status


async def test_language_chosen_on_one_replica_is_used_by_the_other(
        tg: WebhookTelegram, tmp_path: Path, redis_url: str) -> None:
    async with two_replicas(tg, tmp_path, redis_url) as (a, b):
        assert a.runtime is not b.runtime
        person = Harness(tg, a.app, a.runtime, a.server.settings)
        tg.add_private_user(PERSON, language_code="ru")
        tg.route_to(a.url)
        menu = await person.command(PERSON, "/language")
        await person.press(PERSON, menu, "Қазақша")
        tg.route_to(b.url)
        again = await person.command(PERSON, "/menu")
        assert any(button["text"] == "Тақырыптар" for button in buttons(again))
        assert {target for _, target, _ in tg.deliveries} == {a.url, b.url}


async def test_together_they_keep_one_rate_limit(
        tg: WebhookTelegram, tmp_path: Path, redis_url: str) -> None:
    people = range(8000, 8090)
    async with two_replicas(tg, tmp_path, redis_url) as (a, b):
        tg.route_to(a.url, b.url)  # a round-robin proxy
        for person in people:
            tg.add_private_user(person, language_code="en")
            tg.send_text(person, "police number")
        await tg.wait_for("sendMessage", count=len(people), timeout=20,
                          predicate=lambda p: p["chat_id"] in people)
    times = sorted(t for t, chat in tg.sent_at if chat in people)
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 30  # Telegram's limit for the whole bot
    assert times[-1] - times[0] >= 2.5  # 90 messages took about 3 s, not 1.5 s
    assert [c for c in tg.calls_to("sendMessage") if c.status == 429] == []
    replicas = {target for _, target, status in tg.deliveries if status == 200}
    assert replicas == {a.url, b.url}


async def test_redis_away_and_back(tg: WebhookTelegram, tmp_path: Path,
                                   own_redis: RedisServer) -> None:
    async with two_replicas(tg, tmp_path, own_redis.url) as (a, b):
        person = Harness(tg, a.app, a.runtime, a.server.settings)
        tg.add_private_user(PERSON, language_code="ru")
        tg.route_to(a.url, b.url)
        menu = await person.command(PERSON, "/language")
        await person.press(PERSON, menu, "English")
        assert [await ready(a), await ready(b)] == [200, 200]

        own_redis.stop()
        # Answers go on, in the person's Telegram language: their choice is out of reach.
        for _ in range(4):
            reply = await person.command(PERSON, "/menu")
            assert any(button["text"] == "Темы" for button in buttons(reply))
        # Erasing cannot be done now, and the bot does not pretend it was: it apologises.
        reply = await person.command(PERSON, "/forget")
        assert "Простите" in reply.text
        # A proxy asking /readyz sends traffic elsewhere meanwhile.
        assert [await ready(a), await ready(b)] == [503, 503]

        own_redis.start()
        await asyncio.sleep(1.1)  # a replica leaves Redis alone for a second after a failure
        assert [await ready(a), await ready(b)] == [200, 200]
        for _ in range(2):
            reply = await person.command(PERSON, "/menu")
            assert any(button["text"] == "Topics" for button in buttons(reply))
        reply = await person.command(PERSON, "/forget")
        assert "erased" in reply.text


async def test_counts_and_stats_use_redis_and_no_data_dir(
        tg: WebhookTelegram, tmp_path: Path, redis_url: str) -> None:
    moderator = 7009
    shared = {"redis_url": Secret(redis_url), "moderator_ids": frozenset({moderator})}
    async with replica(webhook_settings(tg, tmp_path / "a", **shared)) as a, \
            replica(webhook_settings(tg, tmp_path / "b", webhook_register=False,
                                     **shared)) as b:
        person = Harness(tg, a.app, a.runtime, a.server.settings)
        tg.add_private_user(PERSON, language_code="en")
        tg.add_private_user(moderator, language_code="en")
        tg.route_to(a.url)
        await person.say(PERSON, "I feel lonely")
        tg.route_to(b.url)  # the moderator asks another replica
        stats = await person.command(moderator, "/stats")
        assert "Replies: 1" in stats.text
    # Replicas with REDIS_URL keep nothing in DATA_DIR: no database, no secret file.
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


async def test_a_dead_replicas_updates_are_taken_over(
        tg: WebhookTelegram, tmp_path: Path, redis_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(durable, "TEND_EVERY_S", 0.1)
    tg.add_private_user(PERSON, language_code="en")
    update = tg.send_text(PERSON, "police number")  # never delivered by the fake: see below
    # A replica took the update (Telegram heard 200), then died before answering it.
    dead = RedisInbox(async_client(redis_url), Sealer(USER_KEY_SECRET.encode()))
    dead.consumer = "replica-that-died:8080"
    async with tg.make_bot() as bot:
        assert await dead.accept(Update.de_json(update, bot))
    await dead.client.aclose()
    settings = webhook_settings(tg, tmp_path, redis_url=Secret(redis_url))
    async with replica(settings) as survivor:
        assert survivor.runtime.inbox.consumer != dead.consumer
        survivor.runtime.inbox.claim_idle_s = 0.1  # instead of 30 s without renewal
        await tg.wait_for("sendMessage", predicate=lambda p: p.get("chat_id") == PERSON)
    [sent] = [c for c in tg.calls_to("sendMessage") if c.params["chat_id"] == PERSON]
    assert "102" in sent.params["text"]
    client = redis.Redis.from_url(redis_url)
    assert client.xlen("qoldau:inbox") == 0  # acknowledged and deleted
    client.close()
