"""Free text: a question in a private chat, a mention in a group, or an edited message.

An edited message is answered again, as a new reply: people edit to fix a typo, and the
answer to what they meant is more useful than the answer to what they mistyped. A crisis
phrase added in an edit gets the crisis reply like any other message.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import filters

from bot.i18n import translator
from bot.knowledge.markup import escape
from bot.replies import answer
from bot.reply_types import Reply
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import in_group, log_reply, send
from bot.telegram.handlers.insight import count_reply, offer_vote
from bot.telegram.render import NO_PREVIEW, PARSE_MODE, render


class AddressedToBot(filters.MessageFilter):
    """Group messages that mention the bot or reply to one of its messages."""

    def filter(self, message: object) -> bool:
        from telegram import Message

        if not isinstance(message, Message):
            return False
        bot = message.get_bot()
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            return True
        text = message.text or message.caption or ""
        return bool(bot.username) and f"@{bot.username}".lower() in text.lower()


ADDRESSED_TO_BOT = AddressedToBot()


async def on_text(update: Update, context: QoldauContext) -> None:
    """Answer a question: crisis first, then an answer, suggestions or the fallback."""
    message = update.effective_message
    if message is None:
        return
    text = message.text or message.caption or ""
    if in_group(update) and context.bot.username:
        text = re.sub(f"@{re.escape(context.bot.username)}", " ", text, flags=re.IGNORECASE)
    runtime = context.runtime
    reply = answer(runtime.kb, text, chosen=context.lang,
                   default=runtime.settings.default_language)
    kind = "edited" if update.edited_message is not None else "message"
    if in_group(update):
        await _send_in_group(update, context, reply)
        log_reply(kind, reply)
        await count_reply(context, reply, text)
    else:
        await send(update, context, reply, kind, question=text)


async def _send_in_group(update: Update, context: QoldauContext, reply: Reply) -> None:
    """Answer in a group, quoting the question, with a way to a private chat."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    _ = translator(reply.lang)
    text = reply.text + "\n\n" + escape(_(
        "For a personal question, write to me in a private chat: nobody else will see it."))
    rendered = render(reply)
    rows = list(rendered.markup.inline_keyboard) if rendered.markup else []
    if context.bot.username:
        rows.append((InlineKeyboardButton(_("Private chat"),
                                          url=f"https://t.me/{context.bot.username}"),))
    sent = await context.bot.send_message(
        chat.id, text, parse_mode=PARSE_MODE, reply_markup=InlineKeyboardMarkup(rows),
        link_preview_options=NO_PREVIEW,
        reply_parameters={"message_id": message.message_id,  # type: ignore[arg-type]
                          "allow_sending_without_reply": True})
    await offer_vote(context, reply, sent)
