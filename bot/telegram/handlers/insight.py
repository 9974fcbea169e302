"""Anonymous insight from the conversation: reply counts, 👍/👎 (one per answer sent), opt-in
redacted unanswered questions."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.i18n import translator
from bot.insight.counting import count
from bot.insight.redact import vocabulary
from bot.replies import parse_feedback
from bot.reply_types import Reply
from bot.storage import VOTE_DAYS
from bot.telegram.context import QoldauContext
from bot.telegram.render import not_modified, parse_callback

log = logging.getLogger("qoldau.telegram")


def today() -> date:
    """Today in UTC: counts are dated to the day, never timed."""
    return datetime.now(UTC).date()


async def count_reply(context: QoldauContext, reply: Reply, question: str | None = None,
                      ) -> None:
    """Count a reply (bot/insight/counting.py), keeping the redacted question of a fallback
    when the operator enabled it. A failing store never costs the person their answer."""
    runtime = context.runtime
    settings = runtime.settings
    keep = settings.unanswered_retention_days if settings.store_unanswered else None
    # The knowledge base's vocabulary only serves redaction: built when a question may be kept.
    known = vocabulary(runtime.kb) if keep is not None and reply.kind == "fallback" else (
        frozenset())
    try:
        await runtime.stored(count, runtime.store, reply, today(), question, keep, known)
    except Exception:
        log.warning("insight not recorded", exc_info=True)


async def offer_vote(context: QoldauContext, reply: Reply, sent: Message | None) -> None:
    """Let an answer with 👍/👎 get one vote: keep its anonymous key (chat, message and topic
    hashed together) for VOTE_DAYS. A failing store costs only that vote."""
    topic = next((found[0] for row in reply.buttons for button in row
                  if (found := parse_feedback(button.action)) is not None), None)
    if topic is None or sent is None:
        return
    runtime = context.runtime
    try:
        await runtime.stored(runtime.store.offer_vote,
                             runtime.answer_key(sent.chat.id, sent.message_id, topic),
                             today().isoformat())
    except Exception:
        log.warning("vote not offered", exc_info=True)


async def on_feedback(update: Update, context: QoldauContext, topic: str,
                      helpful: bool) -> None:
    """Count a 👍 or 👎 once per answer the bot sent on that topic; the buttons then go away.

    Anything else (a topic that does not exist, a message that was no answer on it, a second
    vote, a vote after VOTE_DAYS) is ignored without a write: callback data can be forged.
    """
    query = update.callback_query
    if query is None:
        return
    runtime = context.runtime
    message = query.message
    counted = False
    if topic in runtime.kb.topics and isinstance(message, Message):
        key = runtime.answer_key(message.chat.id, message.message_id, topic)
        since = (today() - timedelta(days=VOTE_DAYS)).isoformat()
        lang = context.lang

        def vote() -> bool:
            if not runtime.store.take_vote(key, since):
                return False
            runtime.store.record_feedback(today().isoformat(), topic, lang, helpful)
            return True

        try:
            counted = await runtime.stored(vote)
        except Exception:
            log.warning("feedback not recorded", exc_info=True)
    if not counted:
        await query.answer()
        return
    _ = translator(context.lang)
    await query.answer(_("Thank you! This helps us improve the answers."))
    if isinstance(message, Message) and message.reply_markup is not None:
        rows = [row for row in message.reply_markup.inline_keyboard
                if not any(parse_callback(b.callback_data or "").action.startswith("fb:")
                           for b in row if isinstance(b.callback_data, str))]
        try:
            await message.edit_reply_markup(InlineKeyboardMarkup(rows))
        except BadRequest as exc:
            if not not_modified(exc):
                raise
