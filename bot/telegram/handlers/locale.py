"""Choosing the person's language once per update, before any other handler runs."""

from __future__ import annotations

import logging

from telegram import Update

from bot.language import lang_from_code
from bot.telegram.context import QoldauContext

log = logging.getLogger("qoldau.telegram")


async def choose_locale(update: object, context: QoldauContext) -> None:
    """Set the update's language: the stored choice, else Telegram's language, else the default."""
    runtime = context.runtime
    default = runtime.settings.default_language
    user = update.effective_user if isinstance(update, Update) else None
    from_telegram = lang_from_code(user.language_code) if user is not None else None
    # Set before anything can fail: every later handler, the crisis path first, needs it.
    context.lang = from_telegram or default
    context.stored_lang = None
    context.user_key = context.key(user.id) if user is not None else None
    if context.user_key is None:
        return
    try:
        context.stored_lang = await runtime.stored(runtime.store.get_language, context.user_key)
    except Exception:
        log.warning("stored language unavailable", exc_info=True)
    context.lang = context.stored_lang or context.lang
