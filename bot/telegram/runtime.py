"""What the running bot shares between handlers: settings, knowledge, store, inbox, flood
guard, and what it holds in memory only (open safety plans, the ids /clean needs)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from bot.config import Settings
from bot.flows.plan import TTL_S, PlanState
from bot.flows.sessions import Sessions
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.live import KnowledgeHolder
from bot.storage import Store
from bot.storage.keys import message_key, user_key
from bot.storage.redis import RedisStore
from bot.telegram.chat_log import ChatLog
from bot.telegram.flood import FloodGuard
from bot.telegram.inbox import Inbox

if TYPE_CHECKING:
    from redis.asyncio import Redis as AsyncRedis

P = ParamSpec("P")
T = TypeVar("T")

#: How many updates are handled at once (each may be waiting on the store).
CONCURRENT_UPDATES = 64


@dataclass
class Runtime:
    """Shared state of the running bot, kept in `application.bot_data['runtime']`."""

    settings: Settings
    knowledge: KnowledgeHolder
    store: Store
    secret: bytes
    #: Where updates wait, durably, until handled (the store's, or Redis's with replicas).
    inbox: Inbox
    flood: FloodGuard = field(default_factory=FloodGuard)
    #: The Redis that replicas share (flood counters, rate limit); None: this process alone.
    redis: AsyncRedis | None = None
    #: Open safety plans by anonymous key: in this process's memory only, never in the store
    #: or Redis, each for at most 30 minutes (with replicas, a plan stays with one replica).
    plans: Sessions[PlanState] = field(default_factory=lambda: Sessions(TTL_S))
    #: The ids (only the ids) of private chats' messages of the last 48 hours, for /clean.
    chat_log: ChatLog = field(default_factory=ChatLog)
    #: The threads that wait on a store across the network (Redis), one per update handled.
    _store_threads: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    async def stored(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Call the store without the event loop waiting for it: a Redis store (the Store
        protocol is synchronous) is called in a thread, so a slow Redis delays nobody else's
        reply; SQLite and memory answer at once from this host, and are called directly."""
        if not isinstance(self.store, RedisStore):
            return call(*args, **kwargs)
        if self._store_threads is None:
            self._store_threads = ThreadPoolExecutor(CONCURRENT_UPDATES,
                                                     thread_name_prefix="store")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._store_threads, partial(call, *args, **kwargs))

    @property
    def kb(self) -> KnowledgeBase:
        """The current knowledge base."""
        return self.knowledge.current

    def key(self, user_id: int) -> str:
        """The anonymous key of a Telegram user."""
        return user_key(user_id, self.secret)

    def answer_key(self, chat_id: int, message_id: int, topic: str) -> str:
        """The anonymous key of an answer the bot sent on a topic (for its one vote)."""
        return message_key(chat_id, message_id, topic, self.secret)
