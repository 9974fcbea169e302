"""Anything that is not text: stickers, voice, photos, files, places, contacts."""

from __future__ import annotations

from telegram import Update

from bot.replies import answer
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import send


async def on_other(update: Update, context: QoldauContext) -> None:
    """Answer a caption like a question; otherwise say kindly that only text can be read."""
    message = update.effective_message
    # A photo's caption is words like any message, and may speak of a crisis.
    # Without one, `answer` of nothing is the bot's one reply for input it cannot read.
    caption = message.caption if message is not None and message.caption else ""
    reply = answer(context.runtime.kb, caption, chosen=context.lang,
                   default=context.runtime.settings.default_language)
    await send(update, context, reply, "other")
