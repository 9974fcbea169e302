"""The global error handler: log without personal data, apologise, keep running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.i18n import translator
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import note_message
from bot.telegram.request import may_have_arrived

log = logging.getLogger("qoldau.telegram")


async def on_error(update: object, context: QoldauContext) -> None:
    """Log the error's type (never the update's content) and apologise to the person."""
    error = context.error
    kind = type(error).__name__ if error else "unknown"
    if isinstance(error, Forbidden):
        # The person blocked the bot or left: nothing to apologise to.
        log.info("recipient unavailable", extra={"error": kind})
        return
    if may_have_arrived(error):
        # Telegram did not answer in time, or the connection broke after the request went out,
        # but it most likely delivered the reply: an apology asking to try again would only
        # bring the same answer twice.
        log.warning("reply may have arrived", extra={"error": kind,
                                                     "update": _update_kind(update)})
        return
    log.error("handler failed", extra={"error": kind,
                                       "update": _update_kind(update)},
              exc_info=(type(error), error, None) if error else None)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.inline_query is not None or update.effective_chat.type != "private":
        return
    lang = getattr(context, "lang", None) or context.bot_data["runtime"].settings.default_language
    _ = translator(lang)
    try:
        apology = await context.bot.send_message(update.effective_chat.id, _(
            "Sorry, something went wrong on my side. Please try again in a moment, or "
            "use /menu."))
        await note_message(context, apology)
    except TelegramError:
        log.warning("apology not sent", extra={"error": kind})


def _update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return "none"
    for kind in ("message", "edited_message", "callback_query", "inline_query"):
        if getattr(update, kind) is not None:
            return kind
    return "other"
