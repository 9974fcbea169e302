"""Where the CPU time of one text update goes, part by part, beside the echo bot.

`python -m bench.profile [--updates N] [--json]` runs N text updates (dev questions from 100
people) through our Application and through the echo bot of `bench.pipeline`, each on its own
in-process fake Bot API, as shipped otherwise: log level INFO (into a null stream), the net
trained before the first update, Telegram's 30 messages/s lifted as in the pipeline bench.

Each part's functions are wrapped in a timer of the event loop thread's CPU time; a part's
time leaves out the parts called inside it, so the parts add up to the total, the process's CPU
time per update. A coroutine is timed step by step, only while it runs, never while it waits.
The timers cost a few microseconds a call, counted in the part that makes the call.

The echo bot has the same Telegram parts (python-telegram-bot's dispatch, its HTTP client,
polling, the event loop): the difference of the two totals is what our handlers cost. The fake
server's handlers are Telegram's work, not the bot's, and are shown apart.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import io
import json
import logging
import sys
import tempfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from time import process_time, thread_time
from typing import Any

from bench import ROOT
from bench.matcher import questions
from bench.pipeline import (
    TOKEN,
    Sent,
    batch,
    bench_runtime,
    echo_app,
    fake_api,
    our_app,
    running,
)
from bot.config import Secret, Settings
from bot.knowledge.loader import load
from bot.logs import setup_logging

#: Each part and the functions it times, as module:attribute (a class's method:
#: module:Class.method). A function imported by name elsewhere is wrapped there too.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("inbox: seal (JSON, AES-GCM)", ("bot.telegram.inbox:_Sealed.seal",)),
    ("inbox: insert (SQLite)", ("bot.storage.sqlite:SQLiteStore.journal_add",)),
    ("inbox: delete (SQLite)", ("bot.storage.sqlite:SQLiteStore.journal_done",)),
    ("chat log for /clean", ("bot.telegram.chat_log:ChatLog.note",)),
    ("flood counters", ("bot.telegram.flood:FloodGuard.check",)),
    ("anonymous keys (HMAC)", ("bot.storage.keys:user_key", "bot.storage.keys:message_key")),
    ("stored language", ("bot.storage.sqlite:SQLiteStore.get_language",)),
    ("counting and the vote", ("bot.insight.counting:count",
                               "bot.storage.sqlite:SQLiteStore.offer_vote")),
    ("redaction", ("bot.insight.redact:redact",)),
    ("language detection", ("bot.language.detect:detect",)),
    ("safety: safe word", ("bot.safety.safe_word:is_urgent", "bot.safety.safe_word:is_safe_word")),
    ("safety: crisis rules", ("bot.safety.crisis:read_crisis",
                              "bot.safety.crisis:figures_of_speech")),
    ("safety: hints and policy", ("bot.safety.risk:safety_reply",)),
    ("safety: learned net", ("bot.safety.net:SafetyNet.judge",)),
    ("matching", ("bot.matching:match",)),
    ("matching: topic channel", ("bot.matching.learned:TopicModel.rank",
                                 "bot.matching:fuse")),
    ("reply: building", ("bot.replies:answer",)),
    ("reply: rendering", ("bot.telegram.render:render",)),
    ("logging", ("logging:Logger._log",)),
    ("our handlers' glue", ("bot.telegram.handlers.questions:on_text",
                            "bot.telegram.handlers.crisis:crisis_first",
                            "bot.telegram.handlers.locale:choose_locale",
                            "bot.telegram.handlers.flood:guard_flood",
                            "bot.telegram.handlers.clean:note_incoming",
                            "bot.telegram.handlers.plan:pause_after_other",
                            "bot.telegram.handlers.common:send",
                            "bot.telegram.durable:UpdateQueue.put",
                            "bot.telegram.durable:DurableApplication.process_update")),
    ("telegram: send (HTTP client)", ("telegram.ext:ExtBot.send_message",)),
    ("telegram: dispatch", ("telegram.ext:Application.process_update",)),
    # Telegram's work, not the bot's: left out of the bot's own time.
    (FAKE := "the fake Bot API's handlers (Telegram's side)",
     ("tests.fakes.telegram_api:FakeTelegram._handle_api",)),
)
#: What no part holds: the fake server, polling, the event loop.
REST = "HTTP on both sides, polling, the event loop"


class Clock:
    """CPU time per part, exclusive of the parts called inside it."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list[Any]] = []  # [part, started, time of the parts inside]

    def enter(self, part: str) -> None:
        self._stack.append([part, thread_time(), 0.0])

    def leave(self) -> None:
        part, started, inside = self._stack.pop()
        took = thread_time() - started
        self.spent[part] = self.spent.get(part, 0.0) + took - inside
        if self._stack:
            self._stack[-1][2] += took

    def reset(self) -> None:
        self.spent.clear()
        self.calls.clear()


CLOCK = Clock()


def _stepped(coroutine: Any, part: str) -> Generator[Any, Any, Any]:
    """Drive a coroutine, timing each of its steps (never the waits between them)."""
    value: Any = None
    error: BaseException | None = None
    while True:
        CLOCK.enter(part)
        try:
            yielded = coroutine.throw(error) if error is not None else coroutine.send(value)
        except StopIteration as stop:
            CLOCK.leave()
            return stop.value
        except BaseException:
            CLOCK.leave()
            raise
        CLOCK.leave()
        try:
            value, error = (yield yielded), None
        except BaseException as exc:
            value, error = None, exc


class _Timed:
    def __init__(self, coroutine: Any, part: str) -> None:
        self.coroutine, self.part = coroutine, part

    def __await__(self) -> Generator[Any, Any, Any]:
        return _stepped(self.coroutine, self.part)


def _timer(function: Callable[..., Any], part: str) -> Callable[..., Any]:
    if asyncio.iscoroutinefunction(function):
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            CLOCK.calls[part] = CLOCK.calls.get(part, 0) + 1
            return await _Timed(function(*args, **kwargs), part)
        timed_async.__wrapped__ = function  # type: ignore[attr-defined]
        return timed_async

    def timed(*args: Any, **kwargs: Any) -> Any:
        CLOCK.calls[part] = CLOCK.calls.get(part, 0) + 1
        CLOCK.enter(part)
        try:
            return function(*args, **kwargs)
        finally:
            CLOCK.leave()
    timed.__wrapped__ = function  # type: ignore[attr-defined]
    return timed


def _wrap(where: str, part: str) -> Iterator[tuple[Any, str, Any]]:
    """Wrap one function wherever it is held; yield (holder, name, original) to undo."""
    module_name, _, path = where.partition(":")
    holder: Any = importlib.import_module(module_name)
    *owners, name = path.split(".")
    for owner in owners:
        holder = getattr(holder, owner)
    original = holder.__dict__[name] if isinstance(holder, type) else getattr(holder, name)
    timed = _timer(original, part)
    yield holder, name, original
    setattr(holder, name, timed)
    if isinstance(holder, type):
        return
    for module in list(sys.modules.values()):  # `from x import f` elsewhere
        space = getattr(module, "__dict__", None)
        if space is not None and module is not holder:
            for attr, value in list(space.items()):
                if value is original:
                    yield module, attr, original
                    setattr(module, attr, timed)


def instrument() -> Callable[[], None]:
    """Wrap every part's functions; return what undoes it."""
    undo: list[tuple[Any, str, Any]] = []
    for part, places in PARTS:
        for where in places:
            undo.extend(_wrap(where, part))

    def restore() -> None:
        for holder, name, original in reversed(undo):
            setattr(holder, name, original)
    return restore


async def _profiled(tg: Any, asked: list[str], count: int, users: int,
                    ) -> tuple[float, dict[str, float], dict[str, float]]:
    """CPU µs per update in all and per part, and calls per update of each part, for `count`
    updates answered."""
    sent = Sent(tg)
    await batch(tg, sent, asked, min(count, users), users)  # everyone has written once
    CLOCK.reset()
    start = process_time()
    await batch(tg, sent, asked, count, users)
    total = process_time() - start
    parts = {part: spent / count * 1e6 for part, spent in CLOCK.spent.items()}
    parts[REST] = (total - sum(CLOCK.spent.values())) / count * 1e6
    calls = {part: n / count for part, n in CLOCK.calls.items()}
    return total / count * 1e6, parts, calls


async def _measure(knowledge_dir: Path, count: int, users: int) -> dict[str, Any]:
    fake = fake_api()  # importable by name from here on, for `instrument`
    asked, _ = questions(load(knowledge_dir))
    # As shipped: INFO, one JSON line per reply (into nothing here).
    setup_logging("INFO", stream=_Null())
    with tempfile.TemporaryDirectory(prefix="qoldau-profile-") as data:
        settings = Settings(telegram_bot_token=Secret(TOKEN), knowledge_dir=knowledge_dir,
                            data_dir=Path(data))
        runtime = await bench_runtime(settings)
        restore = instrument()
        try:
            async with fake.FakeTelegram(token=TOKEN) as tg_echo:
                tg_echo.enforce_rate_limits = False
                async with running(echo_app(tg_echo), False):
                    echo_total, echo_parts, _ = await _profiled(tg_echo, asked, count, users)
            async with fake.FakeTelegram(token=TOKEN) as tg:
                tg.enforce_rate_limits = False
                async with running(our_app(settings, runtime, tg), True):
                    our_total, our_parts, our_calls = await _profiled(tg, asked, count, users)
        finally:
            restore()
            runtime.store.close()
            logging.getLogger().handlers.clear()
    return {"updates": count, "users": users, "calls_per_update": {
                p: round(v, 2) for p, v in our_calls.items()},
            "cpu_us_per_update": round(our_total, 1),
            "echo_cpu_us_per_update": round(echo_total, 1),
            "parts_us": {p: round(v, 1) for p, v in our_parts.items()},
            "echo_parts_us": {p: round(v, 1) for p, v in echo_parts.items()}}


class _Null(io.TextIOBase):
    """A stream that keeps nothing: the log lines are formatted, then dropped."""

    def write(self, text: str) -> int:
        return len(text)


def profile(knowledge_dir: Path, count: int = 400, users: int = 100) -> dict[str, Any]:
    """The profile of `count` text updates through our Application and the echo bot."""
    return asyncio.run(_measure(knowledge_dir, count, users))


def format_profile(result: dict[str, Any]) -> str:
    """The profile as a table: µs of CPU per update, ours beside the echo bot's."""
    ours, echo = result["parts_us"], result["echo_parts_us"]
    names = [name for name, _ in PARTS] + [REST]
    lines = [f"CPU µs per text update, {result['updates']} updates from {result['users']} "
             "people (parts exclude the parts inside them)",
             f"  {'part':<44}{'ours':>9}{'echo':>9}{'calls':>7}"]
    for name in names:
        if name in ours or name in echo:
            calls = result["calls_per_update"].get(name)
            lines.append(f"  {name:<44}{ours.get(name, 0.0):>9,.0f}{echo.get(name, 0.0):>9,.0f}"
                         + (f"{calls:>7.2f}" if calls is not None else ""))
    own, echo_own = (result["cpu_us_per_update"] - ours.get(FAKE, 0.0),
                     result["echo_cpu_us_per_update"] - echo.get(FAKE, 0.0))
    lines += [f"  {'all':<44}{result['cpu_us_per_update']:>9,.0f}"
              f"{result['echo_cpu_us_per_update']:>9,.0f}",
              f"  {'the bot alone (all but the fake’s handlers)':<44}{own:>9,.0f}"
              f"{echo_own:>9,.0f}",
              f"  ours / echo: {result['cpu_us_per_update'] / result['echo_cpu_us_per_update']:.2f}"
              f" in all, {own / echo_own:.2f} the bot alone"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = profile(ROOT / "knowledge", args.updates)
    print(json.dumps(result, ensure_ascii=False) if args.json else format_profile(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
