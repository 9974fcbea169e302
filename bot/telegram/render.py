"""Rendering a `Reply` for Telegram: HTML text and an inline keyboard.

Buttons on a menu screen carry the prefix `e|` in their callback data: pressing them edits the
message in place (navigation). Buttons under an answer, a suggestion list or the crisis reply
send a new message, so what was said stays on screen. Every button also carries the language of
the screen it stands on (`~kk`), so what it opens is in that language: a person who wrote in
Kazakh gets Kazakh when they press, whatever their Telegram is set to. A button with a link
(WhatsApp, a site) opens it in Telegram's own way and sends the bot nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.language import Lang, is_lang
from bot.reply_types import Reply

EDIT_PREFIX = "e|"
LANG_SEPARATOR = "~"
PARSE_MODE = ParseMode.HTML
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class Rendered:
    """What goes into sendMessage or editMessageText."""

    text: str
    markup: InlineKeyboardMarkup | None


def render(reply: Reply) -> Rendered:
    """A reply as Telegram HTML text and an inline keyboard."""
    prefix = EDIT_PREFIX if reply.kind == "menu" else ""
    suffix = LANG_SEPARATOR + reply.lang
    rows = [[InlineKeyboardButton(b.label, url=b.url) if b.url else
             InlineKeyboardButton(b.label, callback_data=prefix + b.action + suffix)
             for b in row] for row in reply.buttons]
    return Rendered(reply.text, InlineKeyboardMarkup(rows) if rows else None)


@dataclass(frozen=True)
class Callback:
    """A pressed button: its action, whether to edit in place, and the screen's language."""

    action: str
    in_place: bool
    lang: Lang | None


def not_modified(error: BadRequest) -> bool:
    """Tell whether Telegram refused an edit only because nothing would change (a button
    pressed twice): the screen already is what it should be."""
    return "not modified" in error.message.lower()


def parse_callback(data: str) -> Callback:
    """Read the callback data a rendered button carries."""
    in_place = data.startswith(EDIT_PREFIX)
    if in_place:
        data = data[len(EDIT_PREFIX):]
    action, _, lang = data.rpartition(LANG_SEPARATOR)
    if not action or not is_lang(lang):
        return Callback(data, in_place, None)
    return Callback(action, in_place, lang)
