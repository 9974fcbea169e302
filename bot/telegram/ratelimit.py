"""Telegram's outgoing limits, kept by every replica together through one Redis.

Telegram allows a bot about 30 messages a second in all, about one a second into one chat (with
short bursts), and 20 a minute into one group. Replicas that each kept their own limit would
together send N times too much, so each send first reserves a slot in buckets shared in Redis:
the chat's (named by the chat's anonymous key, never its id), then the bot's. A bucket is a
GCRA ("generic cell rate algorithm"): one key holding the theoretical time of the next free
slot, updated by a Lua script with Redis's own clock.

A chat's slot is reserved ahead: the send sleeps once until its turn. The bot-wide slot is taken
only at the moment of sending (one waiting send per replica asks Redis, the others queue behind
it), so a replica whose event loop ran late never lets several reserved sends out at once.

A 429 answer is still possible (another bot process, Telegram's own judgement): it is retried
like AIORateLimiter does, after `retry_after`, and it pauses every replica's sends for that long.
While Redis is away, each replica keeps the same limits in its own memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import redis.asyncio
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.storage.keys import chat_key
from bot.storage.redis import DEFAULT_PREFIX, UNREACHABLE, Breaker

log = logging.getLogger("qoldau.telegram.ratelimit")

JSONDict = dict[str, Any]


@dataclass(frozen=True)
class Limit:
    """A steady rate with a short burst on top."""

    per_s: float
    burst: int

    @property
    def interval_ms(self) -> float:
        """Milliseconds between two sends at the steady rate."""
        return 1000.0 / self.per_s

    @property
    def tolerance_ms(self) -> float:
        """How far ahead of the steady rate a burst may run."""
        return self.interval_ms * (self.burst - 1)


#: The whole bot: 27 a second, no burst, so that a second never holds more than Telegram's 30
#: even when an event loop runs a little late.
BOT = Limit(per_s=27.0, burst=1)
#: One private chat: one a second, with a burst of three (a reply and two menus).
PRIVATE_CHAT = Limit(per_s=1.0, burst=3)
#: One group: 20 a minute.
GROUP_CHAT = Limit(per_s=20 / 60, burst=3)

# KEYS[1]: the bucket; KEYS[2]: the pause set after a 429. ARGV: interval and tolerance in ms.
# Returns the ms to wait for the slot it reserved (0: send now), or -ms of pause left (nothing
# reserved: ask again after the pause).
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return -paused end
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now) + 1000)
local wait = tat - tolerance - now
if wait < 0 then return 0 end
return math.ceil(wait)
"""


# The same, but a slot is taken only when it is free now: returns 0 (taken, send now), the ms
# until the next free slot, or -ms of pause left.
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return -paused end
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait > 0 then return math.ceil(wait) end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now) + 1000)
return 0
"""


class LocalBuckets:
    """The same reservations in this process's memory, for while Redis is away."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._next: dict[str, float] = {}
        self.paused_until = 0.0

    def reserve(self, key: str, limit: Limit, take_now: bool = False) -> float:
        """Reserve a slot (or with take_now, take one only if free now); return the seconds to
        wait for it, or -seconds of pause left (nothing taken: ask again)."""
        now = self.clock() * 1000
        if self.paused_until * 1000 > now:
            return -(self.paused_until * 1000 - now) / 1000
        tat = max(self._next.get(key, now), now)
        wait = max(0.0, tat - limit.tolerance_ms - now) / 1000
        if take_now and wait > 0:
            return wait
        self._next[key] = tat + limit.interval_ms
        if len(self._next) > 10_000:
            self._next = {k: v for k, v in self._next.items() if v > now}
        return 0.0 if take_now else wait


def retry_after_s(error: RetryAfter) -> float:
    """The seconds Telegram asked to wait."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class RedisRateLimiter(BaseRateLimiter[int]):
    """Throttle sends through buckets shared in Redis; retry 429 answers after `retry_after`."""

    def __init__(self, client: redis.asyncio.Redis, secret: bytes, max_retries: int = 3,
                 prefix: str = DEFAULT_PREFIX, bot: Limit = BOT,
                 private_chat: Limit = PRIVATE_CHAT, group_chat: Limit = GROUP_CHAT) -> None:
        self.client = client
        self.secret = secret
        self.max_retries = max_retries
        self.prefix = prefix
        self.limits = {"bot": bot, "private": private_chat, "group": group_chat}
        self.local = LocalBuckets()
        self.breaker = Breaker("rate limit")
        self._reserve = client.register_script(RESERVE)
        self._take = client.register_script(TAKE)
        self._bot_turn = asyncio.Lock()

    async def initialize(self) -> None:
        """Nothing to prepare: the Redis connection opens on first use."""

    async def shutdown(self) -> None:
        """Nothing to release: the Redis client belongs to the runtime."""

    async def _slot(self, bucket: str, limit: Limit, take_now: bool) -> float:
        """Reserve (or take) a slot in a bucket: seconds to wait, or -seconds of pause."""
        if self.breaker.available():
            script = self._take if take_now else self._reserve
            try:
                ms = await script(
                    keys=[f"{self.prefix}rate:{bucket}", f"{self.prefix}rate:pause"],
                    args=[limit.interval_ms, limit.tolerance_ms])
            except UNREACHABLE as exc:
                self.breaker.failed(exc)
            else:
                self.breaker.succeeded()
                return int(ms) / 1000
        return self.local.reserve(bucket, limit, take_now)

    async def _wait_for_chat(self, chat_id: int | str, limit: Limit) -> None:
        """Reserve the chat's next slot and sleep until it comes."""
        # The bucket is named by the chat's anonymous key: a private chat's id is a person's.
        bucket = f"chat:{chat_key(chat_id, self.secret)}"
        while (wait := await self._slot(bucket, limit, take_now=False)) < 0:
            await asyncio.sleep(-wait)
        if wait:
            await asyncio.sleep(wait)

    async def _wait_for_bot(self) -> None:
        """Take a bot-wide slot the moment one is free (one waiter per replica asks Redis)."""
        async with self._bot_turn:
            while wait := await self._slot("bot", self.limits["bot"], take_now=True):
                await asyncio.sleep(abs(wait))

    async def _pause_everyone(self, seconds: float) -> None:
        """Hold every replica's sends for a while after Telegram said 429."""
        self.local.paused_until = time.monotonic() + seconds
        if self.breaker.available():
            with contextlib.suppress(*UNREACHABLE):
                await self.client.set(f"{self.prefix}rate:pause", 1, px=int(seconds * 1000))

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for the chat's and the bot's turn, send, and retry after a 429."""
        max_retries = rate_limit_args if rate_limit_args is not None else self.max_retries
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        for attempt in range(max_retries + 1):
            if chat_id is not None:
                # Only messages into chats count towards Telegram's limits (not answers to
                # button presses or inline queries, which must be quick).
                kind = "private" if isinstance(chat_id, int) and chat_id > 0 else "group"
                await self._wait_for_chat(chat_id, self.limits[kind])
                await self._wait_for_bot()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == max_retries:
                    log.warning("rate limit: giving up", extra={"method": endpoint,
                                                                "retries": max_retries})
                    raise
                pause = retry_after_s(exc) + 0.1
                log.info("rate limit: retry", extra={"method": endpoint, "after_s": pause})
                await self._pause_everyone(pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")
