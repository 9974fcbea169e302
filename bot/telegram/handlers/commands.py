"""/hotlines, /language, /privacy, /forget, and unknown commands."""

from __future__ import annotations

from telegram import Update

from bot.i18n import translator
from bot.knowledge.markup import escape
from bot.replies import about_menu, hotlines_card, language_menu, main_menu
from bot.reply_types import Reply
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import send
from bot.telegram.handlers.plan import drop_plan


async def show_hotlines(update: Update, context: QoldauContext) -> None:
    """Send every help line with its number."""
    await send(update, context, hotlines_card(context.runtime.kb, context.lang), "command")


async def choose_language(update: Update, context: QoldauContext) -> None:
    """Offer the language choice."""
    await send(update, context, language_menu(context.lang), "command")


async def show_privacy(update: Update, context: QoldauContext) -> None:
    """Say what the bot keeps and how to erase it."""
    await send(update, context, about_menu(context.runtime.kb, context.lang), "command")


async def forget_reply(context: QoldauContext) -> Reply:
    """Erase what is kept about the person and say so."""
    runtime = context.runtime
    erased = context.user_key is not None and await runtime.stored(runtime.store.forget,
                                                                   context.user_key)
    lang = context.lang
    _ = translator(lang)
    text = (_("Done: I erased your language choice. I keep nothing else about you.") if erased
            else _("I keep nothing about you, so there was nothing to erase."))
    if drop_plan(context):
        text += " " + _("Your unfinished plan is erased too.")
    # The ids of this chat's messages stay (never their text), so that /clean still works.
    text += " " + _("For 48 hours I only remember which messages in this chat are yours and "
                    "mine, not what they say, so that /clean can delete them.")
    return Reply("menu", lang, escape(text), main_menu(context.runtime.kb, lang).buttons)


async def forget(update: Update, context: QoldauContext) -> None:
    """Erase everything stored about the person and confirm."""
    await send(update, context, await forget_reply(context), "command")
    context.stored_lang = None


async def unknown_command(update: Update, context: QoldauContext) -> None:
    """Answer a command the bot does not know, with the menu."""
    _ = translator(context.lang)
    text = escape(_("I don't know this command. Here is the menu; /help explains the rest."))
    menu = main_menu(context.runtime.kb, context.lang)
    await send(update, context, Reply("menu", context.lang, text, menu.buttons), "command")
