"""What the bot keeps about a person: only the language they chose, under an anonymous key."""

from __future__ import annotations

from typing import Protocol

from bot.language import Lang


class Store(Protocol):
    """The store of language choices, keyed by an anonymous user key (never a raw id)."""

    def get_language(self, user_key: str) -> Lang | None:
        """The language a person chose, if any."""

    def set_language(self, user_key: str, lang: Lang) -> None:
        """Remember a person's language choice."""

    def forget(self, user_key: str) -> bool:
        """Erase everything kept about a person; tell whether there was anything."""

    def close(self) -> None:
        """Release the store."""
