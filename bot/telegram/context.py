"""The callback context of Qoldau's handlers: the runtime, and the locale chosen per update."""

from __future__ import annotations

from typing import Any, cast

from telegram.ext import CallbackContext, ExtBot

from bot.language import Lang
from bot.telegram.runtime import Runtime


class QoldauContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any],
                                    dict[Any, Any]]):
    """Context with the runtime and the person's language, set once before any handler runs."""

    lang: Lang
    #: The language the person chose and we stored (None before a choice).
    stored_lang: Lang | None
    #: The anonymous key of the person (None for updates without a user).
    user_key: str | None

    @property
    def runtime(self) -> Runtime:
        """The running bot's shared state."""
        return cast(Runtime, self.bot_data["runtime"])

    def key(self, telegram_id: int) -> str:
        """The anonymous key of a user id or a private chat's id (the same number), worked out
        once per update: the locale, the chat log and the reply all need it."""
        keys: dict[int, str] = self.__dict__.setdefault("_keys", {})
        if telegram_id not in keys:
            keys[telegram_id] = self.runtime.key(telegram_id)
        return keys[telegram_id]
