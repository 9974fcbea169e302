"""One process on its own, or several replicas sharing one Redis: the choice, made in one place.

Without REDIS_URL the bot keeps everything itself: SQLite in DATA_DIR, flood counters in memory,
python-telegram-bot's AIORateLimiter. With REDIS_URL every replica shares, through Redis: what
the store keeps, the flood counters, the outgoing rate limit, and the ids of the updates already
taken (Telegram may deliver an update again when it missed the answer to a delivery).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import redis.asyncio
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter

from bot.config import Settings
from bot.storage import Store
from bot.storage.redis import DEFAULT_PREFIX, UNREACHABLE, Breaker, RedisStore, async_client
from bot.storage.sqlite import SQLiteStore
from bot.telegram.flood import FloodGuard
from bot.telegram.flood_redis import RedisFloodCounter
from bot.telegram.ratelimit import RedisRateLimiter
from bot.telegram.runtime import Runtime

log = logging.getLogger("qoldau.telegram")

#: Telegram gives up redelivering an update after a day.
SEEN_TTL_S = 24 * 3600
#: How many update ids one process remembers while Redis is away.
SEEN_IN_MEMORY = 100_000


@dataclass
class Shared:
    """The parts of the runtime that replicas share (or that this process keeps alone)."""

    store: Store
    flood: FloodGuard
    redis: redis.asyncio.Redis | None


def open_shared(settings: Settings) -> Shared:
    """Open the store and counters: Redis when REDIS_URL is set, else SQLite and memory."""
    if settings.redis_url is None:
        return Shared(SQLiteStore(settings.data_dir / "qoldau.sqlite3"), FloodGuard(), None)
    url = settings.redis_url.reveal()
    client = async_client(url)
    return Shared(RedisStore.from_url(url), FloodGuard(counter=RedisFloodCounter(client)),
                  client)


def make_rate_limiter(runtime: Runtime) -> BaseRateLimiter[Any]:
    """Telegram's limits: shared by the replicas through Redis, or kept by this process."""
    if runtime.redis is not None:
        return RedisRateLimiter(runtime.redis, max_retries=3)
    # Waits out 429 answers and keeps within ~30 messages/s and 20/min per group.
    return AIORateLimiter(max_retries=3)


async def close_shared(app: Application) -> None:  # type: ignore[type-arg]
    """Close the asyncio Redis client, once the application has stopped using it."""
    runtime: Runtime = app.bot_data["runtime"]
    if runtime.redis is not None:
        with contextlib.suppress(*UNREACHABLE):
            await runtime.redis.aclose()


def store_reachable(store: Store) -> bool:
    """Whether the store answers now (a blocking call: run it in a thread)."""
    ping = getattr(store, "ping", None)
    try:
        if callable(ping):
            return bool(ping())
        store.get_language("readiness-probe")
    except Exception:
        return False
    return True


class SeenUpdates:
    """The ids of updates already taken, so one delivered twice is answered once."""

    def __init__(self, client: redis.asyncio.Redis | None, prefix: str = DEFAULT_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self.breaker = Breaker("seen updates")
        self._local: OrderedDict[int, None] = OrderedDict()

    def _first_time_here(self, update_id: int) -> bool:
        if update_id in self._local:
            return False
        self._local[update_id] = None
        if len(self._local) > SEEN_IN_MEMORY:
            self._local.popitem(last=False)
        return True

    async def first_time(self, update_id: int) -> bool:
        """Record an update id; tell whether no replica has taken it before."""
        here = self._first_time_here(update_id)
        if self.client is None or not self.breaker.available():
            return here
        try:
            taken = await asyncio.wait_for(self.client.set(
                f"{self.prefix}update:{update_id}", 1, nx=True, ex=SEEN_TTL_S), timeout=1.0)
        except (TimeoutError, *UNREACHABLE) as exc:
            self.breaker.failed(exc)
            return here
        self.breaker.succeeded()
        return bool(taken)
