"""A topic of the knowledge base and where it stands in the files.

A leaf module: matching reads topics from here, so the arrow runs one way, from the knowledge
base (which holds a search index) to matching (which reads topics), never back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from bot.knowledge.model import Section
from bot.language import Lang

__all__ = ["Location", "Topic", "TopicText"]


@dataclass(frozen=True)
class Location:
    """Where something stands in the knowledge files."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class TopicText:
    """A topic in one language, its answer rendered to Telegram HTML."""

    title: str
    answer: str
    examples: tuple[str, ...]
    keywords: tuple[str, ...]


#: Topics whose examples may tell of danger or despair, though not crisis topics themselves.
NOT_EVERYDAY: Final = frozenset({"violence-home", "domestic-violence-adult", "worried-adult",
                                 "low-mood"})


@dataclass(frozen=True)
class Topic:
    """One topic of the knowledge base."""

    id: str
    section: Section
    texts: Mapping[Lang, TopicText]
    related: tuple[str, ...]
    sources: tuple[str, ...]
    crisis: bool
    location: Location
    #: Registry ids of the lines shown beside the topic even when it is only suggested.
    urgent_lines: tuple[str, ...] = ()

    @property
    def everyday(self) -> bool:
        """Whether the topic is about everyday life: its examples say nothing is wrong (for the
        safety net), and a message that is one of them nearly word for word is that topic."""
        return not self.crisis and self.id not in NOT_EVERYDAY
