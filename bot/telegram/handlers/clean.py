"""Erase this chat (/clean, or the button under About and privacy): after one confirmation,
delete the private chat's messages of the last 48 hours, the person's and the bot's, then leave
one neutral message that says what could not be deleted.

Telegram lets a bot delete any message of a private chat, in batches of up to 100 ids, for 48
hours after it was sent; it cannot list them, so `ChatLog` keeps their ids (only the ids).
"""

from __future__ import annotations

import logging
from typing import Final

from telegram import Update
from telegram.error import BadRequest

from bot.i18n import translator
from bot.knowledge.markup import escape
from bot.language import Lang
from bot.reply_types import CLEAN, MENU, Button, Reply
from bot.telegram.chat_log import KEEP_S
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import edit_or_send, in_group, note_message, send
from bot.telegram.handlers.plan import drop_plan
from bot.telegram.render import parse_callback

log = logging.getLogger("qoldau.telegram")

CLEAN_YES: Final = CLEAN + ":yes"
CLEAN_NO: Final = CLEAN + ":no"
#: deleteMessages takes at most 100 ids a call.
BATCH: Final = 100


def question(lang: Lang) -> Reply:
    """The one confirmation before anything is deleted."""
    _ = translator(lang)
    text = escape(_("Delete the messages of this chat from the last 48 hours, yours and mine? "
                    "This cannot be undone."))
    return Reply("menu", lang, text, ((Button(_("Yes, delete"), CLEAN_YES),
                                       Button(_("Cancel"), CLEAN_NO)),))


def result(lang: Lang, failed: int, whole_window: bool) -> Reply:
    """What is left in the chat afterwards: neutral words only, and what could not be done."""
    _ = translator(lang)
    parts = [_("Done. A bot can only delete messages from the last 48 hours: delete older ones "
               "yourself (tap and hold a message, then Delete), or clear the chat from its "
               "menu.")]
    if failed:
        parts.append(_("Some messages could not be deleted; you can delete them the same way."))
    if not whole_window:
        parts.append(_("I could only find messages sent since my last restart; delete earlier "
                       "ones the same way."))
    return Reply("menu", lang, escape(" ".join(parts)), ((Button("☰ " + _("Menu"), MENU),),))


async def ask(update: Update, context: QoldauContext) -> None:
    """Ask once before erasing the chat (an open safety plan is erased at once)."""
    if in_group(update):
        _ = translator(context.lang)
        await send(update, context, Reply("menu", context.lang, escape(_(
            "I can erase only a private chat with me.")), ()), "command")
        return
    drop_plan(context)
    await send(update, context, question(context.lang), "command")


async def on_button(update: Update, context: QoldauContext) -> None:
    """Ask, cancel, or erase the chat."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    pressed = parse_callback(query.data or "")
    if pressed.lang is not None:
        context.lang = pressed.lang
    _ = translator(context.lang)
    if in_group(update):
        await query.answer(_("I can erase only a private chat with me."), show_alert=True)
        return
    await query.answer()
    if pressed.action == CLEAN_NO:
        reply = Reply("menu", context.lang, escape(_("Nothing was deleted.")),
                      ((Button("☰ " + _("Menu"), MENU),),))
        await edit_or_send(update, context, reply, pressed.in_place)
        return
    drop_plan(context)
    if pressed.action != CLEAN_YES:
        await edit_or_send(update, context, question(context.lang), pressed.in_place)
        return
    failed = await erase(context, chat.id)
    whole = context.runtime.chat_log.reach_s() >= KEEP_S
    await send(update, context, result(context.lang, failed, whole), "clean")


async def erase(context: QoldauContext, chat_id: int) -> int:
    """Delete every noted message of the chat still within 48 hours; return how many could
    not be deleted."""
    runtime = context.runtime
    chat_key = runtime.key(chat_id)
    ids = await runtime.chat_log.recent(chat_key)
    failed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        try:
            await context.bot.delete_messages(chat_id, batch)
        except BadRequest:
            # One message Telegram will not delete (past its 48 hours) refuses the whole
            # call: then one by one, so that every other one still goes.
            for message_id in batch:
                try:
                    await context.bot.delete_message(chat_id, message_id)
                except BadRequest as exc:
                    if "not found" not in exc.message.lower():  # already deleted: fine
                        failed += 1
    await runtime.chat_log.forget(chat_key, ids)
    log.info("chat erased", extra={"messages": len(ids), "failed": failed})
    return failed


async def note_incoming(update: object, context: QoldauContext) -> None:
    """Note the id of each message a person sends in a private chat (never its text)."""
    if isinstance(update, Update) and update.message is not None:
        await note_message(context, update.message)
