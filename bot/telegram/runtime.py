"""What the running bot shares between handlers: settings, knowledge, store, inbox, flood
guard, and what it holds in memory only (open safety plans, the ids /clean needs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.flows.plan import TTL_S, PlanState
from bot.flows.sessions import Sessions
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.live import KnowledgeHolder
from bot.storage import Store
from bot.storage.keys import message_key, user_key
from bot.telegram.chat_log import ChatLog
from bot.telegram.flood import FloodGuard
from bot.telegram.inbox import Inbox

if TYPE_CHECKING:
    from redis.asyncio import Redis as AsyncRedis


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
