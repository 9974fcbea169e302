"""No acknowledged update is lost: the bot is killed (SIGKILL) with a hundred updates taken
from Telegram and not yet answered; the next process answers every one of them. Only the sends
under way at the moment of the kill can reach a person twice."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.fakes.webhook_delivery import WebhookTelegram
from tests.redis_server import free_port
from tests.telegram.test_faults import (
    answers,
    ask,
    bot_environment,
    start_bot,
    terminate,
    until_answered,
)
from tests.telegram.webhook_support import PUBLIC_URL, WEBHOOK_SECRET, fake_telegram

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PEOPLE = range(3000, 3100)


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[WebhookTelegram]:
    """The fake Bot API (it also delivers to a webhook once one is set)."""
    async with fake_telegram(retry_s=0.1) as fake:
        yield fake


async def until_acknowledged(tg: WebhookTelegram, timeout: float = 30) -> None:
    """Wait until Telegram has let go of every update: 200 to each webhook delivery, or an
    offset past them all."""
    deadline = asyncio.get_running_loop().time() + timeout
    while tg.pending_updates:
        assert asyncio.get_running_loop().time() < deadline, "updates never acknowledged"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("mode", ["polling", "webhook", "webhook+redis"])
async def test_sigkill_with_100_updates_in_flight_loses_none(
        mode: str, tg: WebhookTelegram, tmp_path: Path, request: pytest.FixtureRequest,
        capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()
    extra = {"WEBHOOK_URL": PUBLIC_URL, "WEBHOOK_SECRET": WEBHOOK_SECRET,
             "WEBHOOK_HOST": "127.0.0.1", "WEBHOOK_PORT": str(port)}
    if mode == "webhook+redis":
        extra["REDIS_URL"] = request.getfixturevalue("own_redis").url  # appendonly, as advised
    env = bot_environment(tg, tmp_path / "data", **extra)
    webhook = ("--webhook",) if mode != "polling" else ()
    tg.route_to(f"http://127.0.0.1:{port}/telegram")
    # Each answer takes Telegram 3 s: all hundred are taken and none answered at the kill.
    tg.delay_next("sendMessage", 3.0, times=len(PEOPLE))
    ask(tg, PEOPLE)
    bot = await start_bot(env, tmp_path, *webhook)
    await until_acknowledged(tg)
    # The kill comes with dozens of answers on their way to Telegram.
    while sum(call.method == "sendMessage" for call in tg.calls) < 20:
        await asyncio.sleep(0.01)
    bot.send_signal(signal.SIGKILL)
    await bot.wait()
    under_way = sum(call.method == "sendMessage" for call in tg.calls)
    answered_before = sum(bool(answers(tg, person)) for person in PEOPLE)
    assert tg.pending_updates == []  # Telegram will never deliver these again

    bot = await start_bot(env, tmp_path, *webhook)
    await until_answered(tg, PEOPLE, timeout=60)
    code, log = await terminate(bot)
    assert code == 0, log
    assert "updates left by a stopped process" in log
    counts = [len(answers(tg, person)) for person in PEOPLE]
    duplicates = sum(count - 1 for count in counts)
    assert min(counts) == 1  # none lost
    assert duplicates <= under_way  # twice only what was being sent at the kill
    with capsys.disabled():
        print(f"\n[{mode}] SIGKILL with {len(PEOPLE)} updates acknowledged, "
              f"{answered_before} answered before the kill, {under_way} sends under way; "
              f"after the restart: {sum(c > 0 for c in counts)} answered, "
              f"{duplicates} answered twice")
