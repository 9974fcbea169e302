"""Updates per second through the whole Application, beside a minimal echo bot.

Both bots long-poll their own in-process fake Bot API (tests/fakes/telegram_api.py) on
127.0.0.1, with the fake's rate limits off, and take turns: N text updates (dev questions from
many people) are queued at once and the clock runs until every one is answered. Each round
times both bots back to back; `pipeline_vs_echo` is the median of the rounds' ratios.

Ours is `build_application` with a runtime from `make_runtime` (a temporary DATA_DIR), started
and stopped as `qoldau run` does, its flood guard given a burst no benchmark reaches, and
`AIORateLimiter(overall_max_rate=0)` in place of the shipped limiter: Telegram's 30 messages/s
lifted, so the number says what our handlers cost rather than what Telegram allows, while a
limiter stays in the path. The echo bot is one MessageHandler replying with the text, with the
same concurrency and connection pool. In the full run, ours is also timed as shipped, 30
messages/s and all.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

from bench import ROOT
from bot.config import Secret, Settings
from bot.telegram.app import build_application, make_runtime, on_shutdown, on_startup
from bot.telegram.flood import FloodGuard
from bot.telegram.runtime import Runtime

TOKEN = "123456789:AAHbench-token-for-the-fake-server-0123"
#: The people who write: ids from here on, as many as `users`.
FIRST_USER = 700_000_001
#: What `build_application` uses: the echo bot gets the same, so only the handlers differ.
CONCURRENT_UPDATES = 64
POOL_SIZE = 64
#: Give up when a batch is not answered in this long: something is broken, not slow.
BATCH_TIMEOUT_S = 120.0

AnyApp = Application[Any, Any, Any, Any, Any, Any]


def fake_api() -> Any:
    """The fake Bot API module of the tests (imported from the repository root)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("tests.fakes.telegram_api")


def fake_available() -> bool:
    """Tell whether the fake can run: it needs aiohttp and the shared Bot API description."""
    try:
        fake_api().find_spec_path()
    except (ImportError, FileNotFoundError):
        return False
    return True


class Sent:
    """Counts the sendMessage calls the fake answered, reading only calls not counted yet."""

    def __init__(self, tg: Any) -> None:
        self.tg = tg
        self.seen = 0
        self.pending: list[Any] = []
        self.ok = 0
        self.failed: list[str] = []

    def count(self) -> int:
        """How many messages were sent so far."""
        calls = self.tg.calls
        self.pending.extend(calls[self.seen:])
        self.seen = len(calls)
        waiting = []
        for call in self.pending:
            if not call.done:
                waiting.append(call)
            elif call.method == "sendMessage":
                if call.ok:
                    self.ok += 1
                else:
                    self.failed.append(f"{call.status} {call.description}")
        self.pending = waiting
        return self.ok


async def batch(tg: Any, sent: Sent, asked: Sequence[str], count: int,
                 users: int) -> tuple[float, float]:
    """Queue `count` questions at once; return updates per second until all are answered,
    per second of wall time and per second of this process's CPU time."""
    target = sent.count() + count
    for i in range(count):
        tg.send_text(FIRST_USER + i % users, asked[i % len(asked)])
    # Nothing runs until this coroutine yields: the clocks start with the first update.
    start, cpu_start = perf_counter(), process_time()
    while sent.count() < target:
        if sent.failed:
            raise RuntimeError(f"the fake Bot API refused a message: {sent.failed[0]}")
        if perf_counter() - start > BATCH_TIMEOUT_S:
            raise RuntimeError(f"{target - sent.ok} of {count} updates unanswered "
                               f"after {BATCH_TIMEOUT_S:.0f} s")
        await asyncio.sleep(0.002)
    return count / (perf_counter() - start), count / (process_time() - cpu_start)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the message's text."""
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


def echo_app(tg: Any) -> AnyApp:
    app = (tg.application_builder().concurrent_updates(CONCURRENT_UPDATES)
           .connection_pool_size(POOL_SIZE).build())
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app  # type: ignore[no-any-return]


@contextlib.asynccontextmanager
async def running(app: AnyApp, ours: bool) -> AsyncIterator[AnyApp]:
    """The application, polling (ours with its start-up and shutdown, as `qoldau run` has)."""
    async with app:
        if ours:
            await on_startup(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if ours:
                await on_shutdown(app)


async def bench_runtime(settings: Settings) -> Runtime:
    """The bot's runtime with a flood guard no benchmark reaches, its net trained: the net
    judges every message measured, and its training takes no core from them."""
    runtime = dataclasses.replace(make_runtime(settings), flood=FloodGuard(burst=10**9))
    await asyncio.to_thread(runtime.kb.train_models)
    return runtime


def our_app(settings: Settings, runtime: Runtime, tg: Any) -> AnyApp:
    """Our Application on a fake, with Telegram's 30 messages/s lifted (a limiter stays in the
    path): what the handlers cost, not what Telegram allows."""
    here = dataclasses.replace(settings, telegram_api_base_url=tg.base_url)
    return build_application(here, dataclasses.replace(runtime, settings=here),
                             rate_limiter=AIORateLimiter(overall_max_rate=0, max_retries=3))


async def _measure(knowledge_dir: Path, asked: Sequence[str], count: int, rounds: int,
                   users: int, shipped_count: int) -> dict[str, Any]:
    fake = fake_api()
    echo_rates: list[tuple[float, float]] = []
    our_rates: list[tuple[float, float]] = []
    shipped: float | None = None
    with tempfile.TemporaryDirectory(prefix="qoldau-bench-") as data:
        settings = Settings(telegram_bot_token=Secret(TOKEN), knowledge_dir=knowledge_dir,
                            data_dir=Path(data), log_level="WARNING")
        runtime = await bench_runtime(settings)
        try:
            async with (fake.FakeTelegram(token=TOKEN) as tg_echo,
                        fake.FakeTelegram(token=TOKEN) as tg_ours):
                tg_echo.enforce_rate_limits = tg_ours.enforce_rate_limits = False
                ours = our_app(settings, runtime, tg_ours)
                async with running(echo_app(tg_echo), False), running(ours, True):
                    echo_sent, our_sent = Sent(tg_echo), Sent(tg_ours)
                    warm = min(count, users)  # everyone has written once
                    await batch(tg_echo, echo_sent, asked, warm, users)
                    await batch(tg_ours, our_sent, asked, warm, users)
                    for turn in range(rounds):
                        # Back to back, in turns (echo first, then ours first), so that what
                        # else the machine does weighs on both alike.
                        if turn % 2:
                            our_rates.append(await batch(tg_ours, our_sent, asked, count, users))
                        echo_rates.append(await batch(tg_echo, echo_sent, asked, count, users))
                        if not turn % 2:
                            our_rates.append(await batch(tg_ours, our_sent, asked, count, users))
            if shipped_count:
                async with fake.FakeTelegram(token=TOKEN) as tg_shipped:
                    tg_shipped.enforce_rate_limits = False
                    # A fresh DATA_DIR: this fake numbers its updates from 1 again, and the bot
                    # never takes an update id twice.
                    here = dataclasses.replace(settings, data_dir=Path(data) / "shipped",
                                               telegram_api_base_url=tg_shipped.base_url)
                    second = make_runtime(here)
                    as_shipped = build_application(here, dataclasses.replace(
                        second, flood=FloodGuard(burst=10**9)))
                    try:
                        async with running(as_shipped, True):
                            shipped, _ = await batch(tg_shipped, Sent(tg_shipped), asked,
                                                      shipped_count, users)
                    finally:
                        second.store.close()
        finally:
            runtime.store.close()
    # Rates: the best round of each (noise only ever slows a round down). The ratio: the median
    # of each round's, as the two batches of a round ran under the same conditions.
    pairs = list(zip(our_rates, echo_rates, strict=True))
    return {
        "updates_per_s": round(max(r for r, _ in our_rates), 1),
        "echo_updates_per_s": round(max(r for r, _ in echo_rates), 1),
        "pipeline_vs_echo": round(statistics.median(o[0] / e[0] for o, e in pairs), 3),
        # Per CPU second of this process (the fake's share included): steadier than wall
        # time on a shared machine, but blind to time spent waiting, e.g. on the disk.
        "updates_per_cpu_s": round(max(c for _, c in our_rates), 1),
        "echo_updates_per_cpu_s": round(max(c for _, c in echo_rates), 1),
        "pipeline_vs_echo_cpu": round(statistics.median(o[1] / e[1] for o, e in pairs), 3),
        "shipped_updates_per_s": round(shipped, 1) if shipped is not None else None,
        "pipeline_rounds": [round(r, 1) for r, _ in our_rates],
        "echo_rounds": [round(r, 1) for r, _ in echo_rates],
        "pipeline_updates": count,
        "pipeline_users": users,
    }


def bench_pipeline(knowledge_dir: Path, asked: Sequence[str], count: int, rounds: int,
                   users: int = 100, shipped_count: int = 0) -> dict[str, Any]:
    """Updates per second of our Application and of the echo bot, in alternating rounds."""
    return asyncio.run(_measure(knowledge_dir, asked, count, rounds, users, shipped_count))
