"""What the running bot shares between handlers: settings, knowledge, store, flood guard."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Settings
from bot.knowledge.base import KnowledgeBase
from bot.storage import Store
from bot.storage.keys import user_key
from bot.telegram.flood import FloodGuard


class KnowledgeHolder:
    """The current knowledge snapshot; a reload swaps the one reference, atomically."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb

    @property
    def current(self) -> KnowledgeBase:
        """The snapshot to answer from (never a half-loaded one)."""
        return self._kb

    def swap(self, kb: KnowledgeBase) -> None:
        """Replace the snapshot."""
        self._kb = kb


@dataclass
class Runtime:
    """Shared state of the running bot, kept in `application.bot_data['runtime']`."""

    settings: Settings
    knowledge: KnowledgeHolder
    store: Store
    secret: bytes
    flood: FloodGuard = field(default_factory=FloodGuard)

    @property
    def kb(self) -> KnowledgeBase:
        """The current knowledge base."""
        return self.knowledge.current

    def key(self, user_id: int) -> str:
        """The anonymous key of a Telegram user."""
        return user_key(user_id, self.secret)
