"""Crisis first: any message that speaks of suicide, self-harm or being hurt right now gets the
crisis reply before anything else — also as a command's words ("/start хочу умереть"), as a
photo's caption, in an edit, or from someone the flood guard would otherwise silence. So does the
safe word ("SOS", "/sos", «көмек», «помогите», "help" alone), inside a safety plan too."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.replies import answer
from bot.safety.safe_word import is_urgent
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import in_group, send
from bot.telegram.handlers.plan import after_crisis
from bot.telegram.handlers.questions import ADDRESSED_TO_BOT


async def crisis_first(update: object, context: QoldauContext) -> None:
    """Send the crisis reply and stop, when a message's words speak of a crisis."""
    if not isinstance(update, Update) or update.callback_query or update.inline_query:
        return
    message = update.effective_message
    text = (message.text or message.caption or "") if message is not None else ""
    if not text or not is_urgent(text):
        return
    if in_group(update) and not ADDRESSED_TO_BOT.check_update(update):
        return  # the bot only speaks in a group when spoken to
    runtime = context.runtime
    # The same reply path as any message: `answer` puts the crisis reply first.
    reply = answer(runtime.kb, text, chosen=context.lang,
                   default=runtime.settings.default_language)
    # An open safety plan waits, one button away, while the crisis reply is read.
    await send(update, context, after_crisis(context, reply), "crisis")
    raise ApplicationHandlerStop
