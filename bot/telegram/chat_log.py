"""The ids of a private chat's recent messages: what /clean needs to erase the chat, nothing more.

A bot cannot list the messages of a chat; to delete them it must know their ids. So the bot notes
the id and the date of each message of a private chat, the person's and its own (never the
text, never who sent it), under the chat's anonymous key, and forgets each after 48 hours, when
Telegram would no longer let a bot delete it anyway.

One process keeps them in its memory (a restart forgets them, and /clean then says how far back
it can reach). Replicas share them through Redis, so a chat is erased whichever replica saw its
messages: one sorted set per chat key, message id → date, expiring 48 hours after the newest.

    qoldau:chat:<chat key>     zset  message id → date (Unix seconds)
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Final, TypeVar, cast

import redis.asyncio

from bot.storage.redis import DEFAULT_PREFIX, Breaker

T = TypeVar("T")

#: Telegram lets a bot delete a message for 48 hours after it was sent.
KEEP_S: Final = 48 * 3600
#: A message this close to the limit may pass it while the chat is being erased: left out.
MARGIN_S: Final = 60
#: How often memory is swept of ids past the limit.
SWEEP_S: Final = 600


class ChatLog:
    """Message ids of private chats for 48 hours: in memory, or in Redis for replicas."""

    def __init__(self, client: redis.asyncio.Redis | None = None, prefix: str = DEFAULT_PREFIX,
                 clock: Callable[[], float] = time.time, keep_s: float = KEEP_S) -> None:
        self.client = client
        self.prefix = prefix
        self.clock = clock
        self.keep_s = keep_s
        self.started = clock()
        self.breaker = Breaker("chat log")
        self._local: dict[str, dict[int, float]] = {}
        self._next_sweep = self.started + SWEEP_S

    def reach_s(self) -> float:
        """How far back the ids reach: 48 hours, or this process's age when it keeps them."""
        if self.client is not None:
            return self.keep_s
        return min(self.keep_s, self.clock() - self.started)

    async def note(self, chat_key: str, message_id: int, sent_at: float) -> None:
        """Note one message of a chat."""

        async def remote() -> None:
            assert self.client is not None
            key = self._key(chat_key)
            pipe = self.client.pipeline(transaction=True)
            pipe.zadd(key, {str(message_id): sent_at})
            pipe.zremrangebyscore(key, "-inf", self.clock() - self.keep_s)
            pipe.expire(key, int(self.keep_s))
            await pipe.execute()

        async def local() -> None:
            self._local.setdefault(chat_key, {})[message_id] = sent_at
            self._sweep()

        await self._try(remote, local)

    async def recent(self, chat_key: str) -> list[int]:
        """The ids of a chat's messages a bot may still delete, oldest first."""
        since = self.clock() - self.keep_s + MARGIN_S

        async def remote() -> list[int]:
            assert self.client is not None
            found = await self.client.zrangebyscore(self._key(chat_key), since, "+inf")
            return [int(cast(str | bytes, i)) for i in found]

        kept = self._local.get(chat_key, {})
        here = [i for i, at in kept.items() if at >= since]

        async def nothing() -> list[int]:
            return []

        return sorted(set(here) | set(await self._try(remote, nothing)))

    async def forget(self, chat_key: str, message_ids: Iterable[int]) -> None:
        """Forget ids (the messages are gone)."""
        ids = list(message_ids)
        kept = self._local.get(chat_key, {})
        for message_id in ids:
            kept.pop(message_id, None)
        if not kept:
            self._local.pop(chat_key, None)

        async def remote() -> None:
            assert self.client is not None
            if ids:
                await self.client.zrem(self._key(chat_key), *[str(i) for i in ids])

        async def nothing() -> None:
            return None

        await self._try(remote, nothing)

    def _key(self, chat_key: str) -> str:
        return f"{self.prefix}chat:{chat_key}"

    async def _try(self, call: Callable[[], Awaitable[T]],
                   fallback: Callable[[], Awaitable[T]]) -> T:
        """Redis when there is one and it answers; this process's memory otherwise."""
        if self.client is None:
            return await fallback()
        return await self.breaker.attempt(call, fallback)

    def _sweep(self) -> None:
        now = self.clock()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_S
        for chat_key in list(self._local):
            kept = {i: at for i, at in self._local[chat_key].items() if at > now - self.keep_s}
            if kept:
                self._local[chat_key] = kept
            else:
                del self._local[chat_key]
