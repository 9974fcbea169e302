"""Inline mode: `@botname 150` in any chat offers line and topic cards to share."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update

from bot.replies import share_cards
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import log
from bot.telegram.render import NO_PREVIEW, PARSE_MODE


async def on_inline_query(update: Update, context: QoldauContext) -> None:
    """Offer cards matching what the person typed after the bot's name."""
    query = update.inline_query
    if query is None:
        return
    runtime = context.runtime
    cards = share_cards(runtime.kb, query.query, context.lang,
                        runtime.settings.default_language)
    results = [
        InlineQueryResultArticle(
            id=card.id, title=card.title, description=card.description or None,
            input_message_content=InputTextMessageContent(
                card.text, parse_mode=PARSE_MODE, link_preview_options=NO_PREVIEW))
        for card in cards
    ]
    # The cards are in the asker's language: Telegram must not show them to others.
    await query.answer(results, cache_time=300, is_personal=True)
    log.info("inline", extra={"results": len(results), "lang": context.lang})
