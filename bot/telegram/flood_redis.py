"""The flood guard's counters in Redis, so replicas behind one proxy count a person once.

Per anonymous user key (never the id): a sorted set of recent message times that expires with
the window, and a quiet-period key that expires with the quiet period. While Redis is away, each
replica counts in its own memory, so a flood is still slowed down.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.asyncio

from bot.storage.redis import DEFAULT_PREFIX, Breaker
from bot.telegram.flood import MemoryFloodCounter

T = TypeVar("T")


class RedisFloodCounter:
    """Counts in Redis; falls back to this process's memory while Redis is away."""

    def __init__(self, client: redis.asyncio.Redis, prefix: str = DEFAULT_PREFIX,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.prefix = prefix
        self.clock = clock
        self.local = MemoryFloodCounter()
        self.breaker = Breaker("flood")

    async def _try(self, call: Callable[[], Awaitable[T]], fallback: Callable[[], Awaitable[T]],
                   ) -> T:
        return await self.breaker.attempt(call, fallback)

    async def is_quiet(self, key: str) -> bool:
        """Whether the person is in a quiet period after a warning."""

        async def ask() -> bool:
            return bool(await self.client.exists(f"{self.prefix}quiet:{key}"))

        return await self._try(ask, lambda: self.local.is_quiet(key))

    async def add(self, key: str, window_s: float) -> int:
        """Count one message now; return how many within the window."""

        async def count() -> int:
            now = self.clock()
            times = f"{self.prefix}flood:{key}"
            pipe = self.client.pipeline(transaction=True)
            pipe.zremrangebyscore(times, "-inf", now - window_s)
            pipe.zadd(times, {uuid.uuid4().hex[:12]: now})
            pipe.zcard(times)
            pipe.pexpire(times, int(window_s * 1000) + 1000)
            result = await pipe.execute()
            return int(result[2])

        return await self._try(count, lambda: self.local.add(key, window_s))

    async def silence(self, key: str, seconds: float) -> None:
        """Start a quiet period and forget the counted messages."""

        async def silence() -> None:
            pipe = self.client.pipeline(transaction=True)
            pipe.set(f"{self.prefix}quiet:{key}", 1, px=int(seconds * 1000))
            pipe.delete(f"{self.prefix}flood:{key}")
            await pipe.execute()

        await self._try(silence, lambda: self.local.silence(key, seconds))
