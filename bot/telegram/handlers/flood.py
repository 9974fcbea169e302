"""The flood guard's place in the pipeline: after the locale, before every feature."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.i18n import translator
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import note_message


async def guard_flood(update: object, context: QoldauContext) -> None:
    """Stop an update from a person who floods: warn once, then stay silent for a while."""
    if not isinstance(update, Update) or context.user_key is None:
        return
    if update.inline_query is not None:
        return  # Telegram itself paces inline queries; they cost no message.
    verdict = await context.runtime.flood.check(context.user_key)
    if verdict == "pass":
        return
    if verdict == "warn" and update.effective_chat is not None:
        _ = translator(context.lang)
        warning = await context.bot.send_message(update.effective_chat.id, _(
            "You are sending messages very fast. Please slow down a little: "
            "I will answer again in half a minute."))
        await note_message(context, warning)
    if update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop
