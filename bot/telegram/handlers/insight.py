"""Anonymous insight from the conversation: reply counts, 👍/👎, opt-in unanswered questions."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.i18n import translator
from bot.insight.counting import count
from bot.replies import Reply
from bot.telegram.context import QoldauContext
from bot.telegram.render import not_modified, parse_callback

log = logging.getLogger("qoldau.telegram")


def today() -> date:
    """Today in UTC: counts are dated to the day, never timed."""
    return datetime.now(UTC).date()


def count_reply(context: QoldauContext, reply: Reply, question: str | None = None) -> None:
    """Count a reply (bot/insight/counting.py), keeping the redacted question of a fallback
    when the operator enabled it. A failing store never costs the person their answer."""
    settings = context.runtime.settings
    keep = settings.unanswered_retention_days if settings.store_unanswered else None
    try:
        count(context.runtime.store, reply, today(), question, keep)
    except Exception:
        log.warning("insight not recorded", exc_info=True)


async def on_feedback(update: Update, context: QoldauContext, topic: str,
                      helpful: bool) -> None:
    """Count a 👍 or 👎 once per answer: the buttons go away after the vote."""
    query = update.callback_query
    if query is None:
        return
    _ = translator(context.lang)
    try:
        context.runtime.store.record_feedback(today().isoformat(), topic, context.lang, helpful)
    except Exception:
        log.warning("feedback not recorded", exc_info=True)
    await query.answer(_("Thank you! This helps us improve the answers."))
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        rows = [row for row in message.reply_markup.inline_keyboard
                if not any(parse_callback(b.callback_data or "").action.startswith("fb:")
                           for b in row if isinstance(b.callback_data, str))]
        try:
            await message.edit_reply_markup(InlineKeyboardMarkup(rows))
        except BadRequest as exc:
            if not not_modified(exc):
                raise
