"""Choosing the person's language once per update, before any other handler runs."""

from __future__ import annotations

from telegram import Update

from bot.language import lang_from_code
from bot.telegram.context import QoldauContext


async def choose_locale(update: object, context: QoldauContext) -> None:
    """Set the update's language: the stored choice, else Telegram's language, else the default."""
    runtime = context.runtime
    default = runtime.settings.default_language
    user = update.effective_user if isinstance(update, Update) else None
    context.user_key = runtime.key(user.id) if user is not None else None
    context.stored_lang = (runtime.store.get_language(context.user_key)
                           if context.user_key else None)
    from_telegram = lang_from_code(user.language_code) if user is not None else None
    context.lang = context.stored_lang or from_telegram or default
