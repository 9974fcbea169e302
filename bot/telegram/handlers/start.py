"""/start, /help and /menu: the welcome and the main menu."""

from __future__ import annotations

from telegram import Update

from bot.i18n import translator
from bot.knowledge.markup import escape
from bot.replies import main_menu, welcome
from bot.reply_types import Reply
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import send


async def start(update: Update, context: QoldauContext) -> None:
    """Send the welcome, a language choice on first contact, and the main menu."""
    reply = welcome(context.runtime.kb, context.lang, first_contact=context.stored_lang is None)
    await send(update, context, reply, "command")


async def show_help(update: Update, context: QoldauContext) -> None:
    """Explain how to use the bot, with the main menu."""
    _ = translator(context.lang)
    text = escape(_(
        "Write your question in your own words, in Kazakh, Russian or English, or use the "
        "menu.\n\n/menu: the main menu\n/hotlines: help lines\n/calm: calm down, step by "
        "step\n/plan: my safety plan\n/sos: help now\n/language: change the "
        "language\n/privacy: what I keep\n/forget: erase what I keep about you\n/clean: "
        "erase this chat"))
    menu = main_menu(context.runtime.kb, context.lang)
    await send(update, context, Reply("menu", context.lang, text, menu.buttons), "command")


async def show_menu(update: Update, context: QoldauContext) -> None:
    """Send the main menu."""
    await send(update, context, main_menu(context.runtime.kb, context.lang), "command")
