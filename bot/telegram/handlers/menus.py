"""Menu buttons: navigation edits the message in place; answers open as new messages."""

from __future__ import annotations

from telegram import Message, Update
from telegram.error import BadRequest

from bot.i18n import translator
from bot.knowledge.markup import escape
from bot.language import is_lang
from bot.replies import LANGUAGE_NAMES, main_menu, parse_feedback, screen
from bot.reply_types import FORGET, SET_LANG_PREFIX
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.commands import forget_reply
from bot.telegram.handlers.common import log_reply, send
from bot.telegram.handlers.insight import on_feedback
from bot.telegram.render import NO_PREVIEW, PARSE_MODE, not_modified, parse_callback, render


async def on_button(update: Update, context: QoldauContext) -> None:
    """Open the screen a button points to."""
    query = update.callback_query
    if query is None:
        return
    pressed = parse_callback(query.data or "")
    action, in_place = pressed.action, pressed.in_place
    if pressed.lang is not None:
        context.lang = pressed.lang  # the language of the screen the button stands on
    runtime = context.runtime
    feedback = parse_feedback(action)
    if feedback is not None:
        await on_feedback(update, context, *feedback)
        return
    notice: str | None = None
    if action.startswith(SET_LANG_PREFIX) and is_lang(action[len(SET_LANG_PREFIX):]):
        lang = action[len(SET_LANG_PREFIX):]
        if context.user_key is not None:
            await runtime.stored(runtime.store.set_language, context.user_key,
                                 lang)  # type: ignore[arg-type]
        context.lang = context.stored_lang = lang  # type: ignore[assignment]
        _ = translator(context.lang)
        reply = main_menu(runtime.kb, context.lang, escape(_("Language: {name}. ").format(
            name=LANGUAGE_NAMES[context.lang])) + escape(_(
                "Choose a topic, or just write your question.")))
    elif action == FORGET:
        reply = await forget_reply(context)
    else:
        found = screen(runtime.kb, action, context.lang)
        if found is None:
            # A button from an older knowledge base, or a forged one.
            _ = translator(context.lang)
            notice = _("This button is out of date. Here is the menu.")
            found, in_place = main_menu(runtime.kb, context.lang), False
        reply = found
    await query.answer(notice)
    message = query.message
    if in_place and isinstance(message, Message):
        rendered = render(reply)
        try:
            await message.edit_text(rendered.text, parse_mode=PARSE_MODE,
                                    reply_markup=rendered.markup,
                                    link_preview_options=NO_PREVIEW)
        except BadRequest as exc:
            # The same button pressed twice: the screen is already what it should be.
            if not not_modified(exc):
                raise
        log_reply("button", reply)
    else:
        await send(update, context, reply, "button")
