"""What every handler needs: sending a reply, and logging it without personal data."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType

from bot.replies import Reply
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.insight import count_reply, offer_vote
from bot.telegram.render import NO_PREVIEW, PARSE_MODE, render

log = logging.getLogger("qoldau.telegram")


def log_reply(update_kind: str, reply: Reply) -> None:
    """Log what kind of reply went out: never the text, never who."""
    log.info("reply", extra={"update": update_kind, "kind": reply.kind, "topic": reply.topic,
                             "lang": reply.lang, "score": round(reply.score, 3)})


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
    count_reply(context, reply, question)
    offer_vote(context, reply, sent)
    return sent
