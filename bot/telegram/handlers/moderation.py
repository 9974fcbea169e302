"""Moderators' commands (/reload, /stats) and the knowledge reload reports they receive.

Only ids in MODERATOR_IDS reach these handlers; anyone else gets the ordinary reply to an
unknown command.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.i18n import plural_translator, translator
from bot.insight.stats import stats_text
from bot.insight.summary import build_insight
from bot.knowledge.live import ReloadResult, reload_knowledge
from bot.knowledge.markup import MESSAGE_LIMIT
from bot.language import Lang
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.insight import today
from bot.telegram.render import PARSE_MODE
from bot.telegram.runtime import Runtime

log = logging.getLogger("qoldau.telegram")

#: /stats looks this many days back, today included.
STATS_DAYS = 7


def reload_report(result: ReloadResult, lang: Lang) -> str:
    """A reload's outcome as a message: the topic count, or every problem with its place."""
    _ = translator(lang)
    ngettext = plural_translator(lang)
    if result.ok:
        return escape(ngettext("Knowledge base reloaded: {n} topic is live.",
                               "Knowledge base reloaded: {n} topics are live.",
                               result.topics).format(n=result.topics))
    count = len(result.problems)
    head = escape(ngettext("The knowledge base was NOT updated: {n} problem. The bot keeps "
                           "answering from the last good version. Fix it and save again:",
                           "The knowledge base was NOT updated: {n} problems. The bot keeps "
                           "answering from the last good version. Fix these and save again:",
                           count).format(n=count))
    body: list[str] = []
    shown = 0
    for problem in result.problems:
        line = escape(str(problem))
        if len(head) + sum(map(len, body)) + len(line) + 40 > MESSAGE_LIMIT - 200:
            break
        body.append(line)
        shown += 1
    more = len(result.problems) - shown
    tail = ("\n" + escape(_("…and {n} more: run qoldau validate.").format(n=more))) if more else ""
    return f"{head}\n<pre>{chr(10).join(body)}</pre>{tail}"


async def notify_moderators(app: Application, result: ReloadResult) -> None:  # type: ignore[type-arg]
    """Tell every moderator about a refused reload, with its problems."""
    runtime: Runtime = app.bot_data["runtime"]
    if result.ok:
        return
    for moderator in runtime.settings.moderator_ids:
        lang = await runtime.stored(runtime.store.get_language, runtime.key(moderator)) or \
            runtime.settings.default_language
        try:
            await app.bot.send_message(moderator, reload_report(result, lang),
                                       parse_mode=PARSE_MODE)
        except TelegramError as exc:
            # A moderator who never wrote to the bot cannot be written to.
            log.warning("moderator not notified", extra={"error": type(exc).__name__})


async def reload_command(update: Update, context: QoldauContext) -> None:
    """Reload the knowledge base now and report the result."""
    runtime = context.runtime
    result = await reload_knowledge(runtime.knowledge, runtime.settings.knowledge_dir)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id,
                                       reload_report(result, context.lang),
                                       parse_mode=PARSE_MODE)


async def stats_command(update: Update, context: QoldauContext) -> None:
    """Show the last 7 days at a glance."""
    runtime = context.runtime
    # Grouping unanswered themes can take a while: off the event loop.
    insight = await asyncio.to_thread(build_insight, runtime.store, today(), STATS_DAYS)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id,
                                       stats_text(insight, runtime.kb, context.lang),
                                       parse_mode=PARSE_MODE)
