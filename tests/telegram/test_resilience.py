"""Floods, blocked people and a Bot API that fails: the bot answers and keeps running."""

from __future__ import annotations

import asyncio

import pytest

from tests.fakes.telegram_api import RateLimits
from tests.telegram.conftest import Harness

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

FLOODER, CALM, BLOCKER = 3001, 3002, 3003


async def test_flood_gets_one_slow_down_and_spares_others(harness: Harness) -> None:
    harness.tg.enforce_rate_limits = False
    harness.tg.add_private_user(FLOODER, language_code="en")
    harness.tg.add_private_user(CALM, language_code="en")
    for i in range(40):
        harness.tg.send_text(FLOODER, f"hello {i}")
    reply = await harness.say(CALM, "thank you")
    assert "slow down" not in reply.text
    await harness.tg.wait_idle(quiet=0.5)
    texts = [m.text for m in harness.tg.sent_messages(FLOODER)]
    assert sum("slow down" in t for t in texts) == 1
    assert len(texts) <= 21  # the burst the guard allows, and the one warning


async def test_blocked_person_does_not_stop_the_bot(harness: Harness) -> None:
    harness.tg.add_private_user(BLOCKER, language_code="ru")
    harness.tg.add_private_user(CALM, language_code="ru")
    harness.tg.block(BLOCKER)
    harness.tg.send_text(BLOCKER, "привет")
    await harness.tg.wait_for("sendMessage", predicate=lambda p: p.get("chat_id") == BLOCKER)
    reply = await harness.say(CALM, "телефон доверия")
    assert "150" in reply.text
    refused = [c for c in harness.tg.calls_to("sendMessage") if c.status == 403]
    assert len(refused) == 1  # no apology is sent into a chat that refuses messages


async def test_too_many_requests_then_success(harness: Harness) -> None:
    harness.tg.add_private_user(CALM, language_code="en")
    harness.tg.fail_next("sendMessage", status=429, retry_after=1)
    reply = await harness.say(CALM, "police number", timeout=10)
    assert "102" in reply.text
    statuses = [c.status for c in harness.tg.calls_to("sendMessage")]
    assert statuses == [429, 200]


async def test_server_error_then_success(harness: Harness) -> None:
    harness.tg.add_private_user(CALM, language_code="en")
    harness.tg.fail_next("sendMessage", status=500, times=2)
    reply = await harness.say(CALM, "police number", timeout=10)
    assert "102" in reply.text
    assert [c.status for c in harness.tg.calls_to("sendMessage")] == [500, 500, 200]


async def test_timeout_is_not_answered_twice_and_the_bot_goes_on(harness: Harness) -> None:
    harness.tg.add_private_user(CALM, language_code="en")
    # Longer than the bot's read timeout: the bot gives up waiting, Telegram still delivers.
    harness.tg.delay_next("sendMessage", 12)
    harness.tg.send_text(CALM, "police number")
    await harness.tg.wait_for("sendMessage", timeout=20,
                              predicate=lambda p: p.get("chat_id") == CALM)
    await asyncio.sleep(0.5)
    assert len(harness.sends_to(CALM)) == 1  # delivered once, never duplicated
    reply = await harness.say(CALM, "ambulance number")
    assert "103" in reply.text


async def test_connection_refused_for_a_while_then_back(harness: Harness) -> None:
    harness.tg.add_private_user(CALM, language_code="en")
    await harness.tg.refuse_connections(2.0)
    harness.tg.send_text(CALM, "police number")
    await harness.tg.wait_for("sendMessage", timeout=20,
                              predicate=lambda p: p.get("chat_id") == CALM)
    assert len(harness.sends_to(CALM)) == 1


async def test_telegram_rate_limits_are_respected_in_a_burst(harness: Harness) -> None:
    harness.tg.rate_limits = RateLimits(private_per_second=1.0, private_burst=3)
    harness.tg.add_private_user(CALM, language_code="en")
    for text in ("police number", "ambulance number", "fire service number",
                 "gas emergency number", "single emergency number"):
        harness.tg.send_text(CALM, text)
    for _ in range(200):
        if len(harness.sends_to(CALM)) == 5:
            break
        await asyncio.sleep(0.05)
    assert len(harness.sends_to(CALM)) == 5  # every question answered, 429s waited out


async def test_flood_never_silences_a_crisis_message(harness: Harness) -> None:
    harness.tg.enforce_rate_limits = False
    harness.tg.add_private_user(FLOODER, language_code="ru")
    for i in range(30):
        harness.tg.send_text(FLOODER, f"эй {i}")
    await harness.tg.wait_idle(quiet=0.5)
    assert any("slow down" in m.text or "медленнее" in m.text
               for m in harness.tg.sent_messages(FLOODER))
    reply = await harness.say(FLOODER, "я хочу умереть")
    assert "112" in reply.text
