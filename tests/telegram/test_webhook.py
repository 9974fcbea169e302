"""Webhook mode: Telegram posts updates, only with the secret; health and readiness; a graceful
stop answers every update it accepted."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.config import Secret
from tests.fakes.webhook_delivery import SECRET_HEADER, WebhookTelegram
from tests.telegram.webhook_support import (
    PUBLIC_URL,
    WEBHOOK_SECRET,
    BotHarness,
    Replica,
    fake_telegram,
    replica,
    running_bot,
    webhook_settings,
)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PARENT, TEEN = 5001, 5002


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[WebhookTelegram]:
    """The fake Bot API, delivering to the webhook."""
    async with fake_telegram() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(tg: WebhookTelegram, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """One webhook replica with a fresh data directory."""
    async with running_bot("webhook", tg, webhook_settings(tg, tmp_path / "data")) as harness:
        yield harness


def the_replica(bot: BotHarness) -> Replica:
    """The harness's webhook replica."""
    assert bot.replica is not None
    return bot.replica


async def post(url: str, body: Any, secret: str | None = WEBHOOK_SECRET) -> int:
    """POST a body to the webhook as anyone could; return the HTTP status."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as session, session.post(
            url, json=body, headers=headers) as answer:
        return answer.status


async def get(url: str) -> tuple[int, Any]:
    """GET a JSON endpoint; return the status and the body."""
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return answer.status, await answer.json()


async def test_registers_the_webhook_and_talks_over_it(bot: BotHarness) -> None:
    [call] = bot.tg.calls_to("setWebhook")
    assert call.params["url"] == PUBLIC_URL
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert "callback_query" in call.params["allowed_updates"]
    bot.tg.add_private_user(PARENT, language_code="ru")
    menu = await bot.command(PARENT, "/language")
    await bot.press(PARENT, menu, "English")
    reply = await bot.say(PARENT, "police number")
    assert "102" in reply.text
    assert bot.tg.undelivered == 0


async def test_wrong_or_missing_secret_is_refused_and_nothing_is_done(bot: BotHarness) -> None:
    bot.tg.route_to()  # the fake keeps the update; the test posts it by hand
    bot.tg.add_private_user(TEEN, language_code="en")
    update = bot.tg.send_text(TEEN, "police number")
    url = the_replica(bot).url
    assert await post(url, update, secret=None) == 403
    assert await post(url, update, secret="wrong-secret") == 403
    assert await post(url, update, secret=WEBHOOK_SECRET + "x") == 403
    await asyncio.sleep(0.3)
    assert bot.sends_to(TEEN) == []
    assert await post(url, update) == 200
    await bot.tg.wait_for("sendMessage", predicate=lambda p: p.get("chat_id") == TEEN)
    assert await post(url, {"not": "an update"}) == 400


async def test_an_update_delivered_twice_is_answered_once(bot: BotHarness) -> None:
    bot.tg.add_private_user(TEEN, language_code="en")
    update = bot.tg.send_text(TEEN, "police number")
    await bot.tg.wait_for("sendMessage", predicate=lambda p: p.get("chat_id") == TEEN)
    # Telegram delivers again when it missed the 200 (a proxy timed out, a connection broke).
    assert await post(the_replica(bot).url, update) == 200
    await asyncio.sleep(0.3)
    assert len(bot.sends_to(TEEN)) == 1


async def test_health_and_readiness(bot: BotHarness) -> None:
    base = the_replica(bot).base
    assert await get(base + "/healthz") == (200, {"status": "alive"})
    assert await get(base + "/readyz") == (200, {"serving": True, "knowledge": True,
                                                 "store": True, "saturated": False,
                                                 "status": "ready"})
    bot.runtime.store.close()  # the store stops answering
    status, checks = await get(base + "/readyz")
    assert status == 503 and checks["store"] is False and checks["status"] == "degraded"
    assert (await get(base + "/healthz"))[0] == 200  # alive all the same


async def test_beyond_its_bound_a_replica_refuses_and_every_update_is_answered_once(
        tg: WebhookTelegram, tmp_path: Path) -> None:
    people = range(6100, 6112)
    async with replica(webhook_settings(tg, tmp_path, webhook_max_updates=3)) as one:
        tg.route_to(one.url)
        # The first three answers take Telegram 3 s: the replica holds three updates, its bound.
        tg.delay_next("sendMessage", 3.0, times=3)
        for person in people:
            tg.add_private_user(person, language_code="en")
        updates = [tg.send_text(person, "police number") for person in people]
        for _ in range(1000):
            status, checks = await get(one.base + "/readyz")
            if checks["status"] == "saturated":
                break
            await asyncio.sleep(0.01)
        assert status == 503 and checks["saturated"] is True
        # Telegram delivering one more meanwhile is told to come back later.
        async with aiohttp.ClientSession() as session, session.post(
                one.url, json=updates[-1], headers={SECRET_HEADER: WEBHOOK_SECRET}) as answer:
            assert answer.status == 503
            assert int(answer.headers["Retry-After"]) >= 1
        for person in people:
            await tg.wait_for("sendMessage", timeout=30,
                              predicate=lambda p, person=person: p.get("chat_id") == person)
        await tg.wait_idle(timeout=20, quiet=0.3)
        assert (await get(one.base + "/readyz"))[1]["status"] == "ready"
    # Refused updates were delivered again, kept then, and answered: each exactly once.
    assert any(status == 503 for _, _, status in tg.deliveries)
    for person in people:
        assert len([c for c in tg.calls_to("sendMessage")
                    if c.ok and c.params["chat_id"] == person]) == 1
    assert tg.undelivered == 0


async def test_a_replica_that_does_not_register_still_answers(
        tg: WebhookTelegram, tmp_path: Path) -> None:
    async with tg.make_bot() as other:  # another replica registered the webhook
        await other.set_webhook(PUBLIC_URL, secret_token=WEBHOOK_SECRET)
    settings = webhook_settings(tg, tmp_path, webhook_register=False, webhook_url=None)
    async with replica(settings) as one:
        tg.route_to(one.url)
        tg.add_private_user(TEEN, language_code="en")
        tg.send_text(TEEN, "police number")
        await tg.wait_for("sendMessage", predicate=lambda p: p.get("chat_id") == TEEN)
    assert len(tg.calls_to("setWebhook")) == 1


async def test_a_graceful_stop_answers_every_update_it_accepted(
        tg: WebhookTelegram, tmp_path: Path) -> None:
    people = range(6000, 6020)
    async with replica(webhook_settings(tg, tmp_path)) as one:
        tg.route_to(one.url)
        # Every answer takes Telegram 1 s: all twenty are under way when the stop comes.
        tg.delay_next("sendMessage", 1.0, times=len(people))
        for person in people:
            tg.add_private_user(person, language_code="en")
            tg.send_text(person, "police number")
        while tg.undelivered:
            await asyncio.sleep(0.01)
        assert len(tg.calls_to("sendMessage")) < len(people)
        assert await one.stop() == 0
        for person in people:
            assert len([c for c in tg.calls_to("sendMessage")
                        if c.ok and c.params["chat_id"] == person]) == 1
        with pytest.raises(aiohttp.ClientConnectionError):
            await post(one.url, {"update_id": 1})


async def test_a_rejected_token_stops_the_start_with_code_2(
        tg: WebhookTelegram, tmp_path: Path) -> None:
    wrong = "123456789:AAHwrong-token-wrong-token-wrong-000"
    settings = webhook_settings(tg, tmp_path, telegram_bot_token=Secret(wrong))
    with pytest.raises(AssertionError, match="exit code 2"):
        async with replica(settings):
            pass
