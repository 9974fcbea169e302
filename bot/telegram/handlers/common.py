"""What every handler needs: sending a reply, logging it without personal data, and noting its
id for /clean."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.reply_types import Reply
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.insight import count_reply, offer_vote
from bot.telegram.render import NO_PREVIEW, PARSE_MODE, not_modified, render

log = logging.getLogger("qoldau.telegram")


def log_reply(update_kind: str, reply: Reply) -> None:
    """Log what kind of reply went out: never the text, never who."""
    log.info("reply", extra={"update": update_kind, "kind": reply.kind, "topic": reply.topic,
                             "lang": reply.lang, "score": round(reply.score, 3)})


async def note_message(context: QoldauContext, message: Message | None) -> None:
    """Note the id and date of a private chat's message (never its text), so that /clean can
    delete it within Telegram's 48 hours."""
    if message is None or message.chat.type != ChatType.PRIVATE:
        return
    runtime = context.runtime
    try:
        await runtime.chat_log.note(context.key(message.chat.id), message.message_id,
                                    message.date.timestamp())
    except Exception:
        # Never worth losing a reply over: /clean then misses this one message.
        log.warning("message id not noted", exc_info=True)


def in_group(update: Update) -> bool:
    """Tell whether the update comes from a group or supergroup."""
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def send(update: Update, context: QoldauContext, reply: Reply,
               update_kind: str = "message", question: str | None = None) -> Message | None:
    """Send a reply into the update's chat (quoting the message in groups), and count it."""
    chat = update.effective_chat
    if chat is None:
        return None
    rendered = render(reply)
    message = update.effective_message
    reply_to = message.message_id if message is not None and in_group(update) else None
    sent = await context.bot.send_message(
        chat.id, rendered.text, parse_mode=PARSE_MODE, reply_markup=rendered.markup,
        link_preview_options=NO_PREVIEW,
        reply_parameters=({"message_id": reply_to, "allow_sending_without_reply": True}
                          if reply_to else None))  # type: ignore[arg-type]
    log_reply(update_kind, reply)
    await count_reply(context, reply, question)
    await offer_vote(context, reply, sent)
    await note_message(context, sent)
    return sent


async def edit_or_send(update: Update, context: QoldauContext, reply: Reply, in_place: bool,
                       update_kind: str = "button") -> None:
    """Show a reply in the message whose button was pressed, or as a new message."""
    query = update.callback_query
    message = query.message if query is not None else None
    if not in_place or not isinstance(message, Message):
        await send(update, context, reply, update_kind)
        return
    rendered = render(reply)
    try:
        await message.edit_text(rendered.text, parse_mode=PARSE_MODE,
                                reply_markup=rendered.markup, link_preview_options=NO_PREVIEW)
    except BadRequest as exc:
        # The same button pressed twice: the screen is already what it should be.
        if not not_modified(exc):
            raise
    log_reply(update_kind, reply)
