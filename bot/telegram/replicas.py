"""One process on its own, or several replicas sharing one Redis: the choice, made in one place.

Without REDIS_URL the bot keeps everything itself: SQLite in DATA_DIR (updates under way
included), flood counters in memory, python-telegram-bot's AIORateLimiter. With REDIS_URL every
replica shares, through Redis: what the store keeps, the updates under way and the ids of those
already taken (Telegram may deliver an update again when it missed the answer to a delivery),
the flood counters and the outgoing rate limit.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis.asyncio
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter

from bot.config import Settings
from bot.storage import Store
from bot.storage.keys import load_or_create_secret
from bot.storage.memory import MemoryStore
from bot.storage.redis import UNREACHABLE, RedisStore, async_client
from bot.storage.sealed import Sealer
from bot.storage.sqlite import DATABASE_FILE, SQLiteStore
from bot.telegram.flood import FloodGuard
from bot.telegram.flood_redis import RedisFloodCounter
from bot.telegram.inbox import Inbox, LocalInbox, RedisInbox
from bot.telegram.ratelimit import RedisRateLimiter
from bot.telegram.runtime import Runtime

log = logging.getLogger("qoldau.telegram")


@dataclass
class Shared:
    """The parts of the runtime that replicas share (or that this process keeps alone)."""

    store: Store
    secret: bytes
    inbox: Inbox
    flood: FloodGuard
    redis: redis.asyncio.Redis | None


def open_shared(settings: Settings) -> Shared:
    """Open the store, the inbox and the counters: Redis when REDIS_URL is set, else SQLite in
    DATA_DIR and memory; only memory, saying so in one line, when DATA_DIR cannot be used.

    Raise `SecretFileError` when the secret file is unusable (the start must stop).
    """
    configured = settings.user_key_secret.reveal() if settings.user_key_secret else None
    if settings.redis_url is not None:
        assert configured is not None  # the settings require it with REDIS_URL
        secret = configured.encode()
        url = settings.redis_url.reveal()
        client = async_client(url)
        return Shared(RedisStore.from_url(url), secret, RedisInbox(client, Sealer(secret)),
                      FloodGuard(counter=RedisFloodCounter(client)), client)
    secret, store = open_local(settings.data_dir, configured)
    return Shared(store, secret, LocalInbox(store, Sealer(secret)), FloodGuard(), None)


def open_local(data_dir: Path, configured: str | None) -> tuple[bytes, SQLiteStore | MemoryStore]:
    """The secret and the SQLite store in DATA_DIR, or a secret and a store in memory when
    DATA_DIR is unusable (corrupt database, full or read-only disk)."""
    try:
        secret = load_or_create_secret(data_dir, configured)
    except OSError as exc:
        # Keys made with a secret that is not kept must not be stored either: memory only.
        _running_on_memory(data_dir, exc)
        return (configured.encode() if configured else secrets.token_bytes(32)), MemoryStore()
    try:
        return secret, SQLiteStore(data_dir / DATABASE_FILE)
    except (sqlite3.Error, OSError) as exc:
        _running_on_memory(data_dir, exc)
        return secret, MemoryStore()


def _running_on_memory(data_dir: Path, error: BaseException) -> None:
    reason = (f"{error.strerror}: {error.filename}" if isinstance(error, OSError)
              and error.strerror else str(error))
    log.error("DATA_DIR unusable, running on memory: language choices, counts and updates under "
              "way are not kept until it is fixed",
              extra={"data_dir": str(data_dir), "reason": reason})


def make_rate_limiter(runtime: Runtime) -> BaseRateLimiter[Any]:
    """Telegram's limits: shared by the replicas through Redis, or kept by this process."""
    if runtime.redis is not None:
        return RedisRateLimiter(runtime.redis, runtime.secret, max_retries=3)
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
