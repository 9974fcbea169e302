"""Rendering a `Reply` for Telegram: HTML text and an inline keyboard.

Buttons on a menu screen carry the prefix `e|` in their callback data: pressing them edits the
message in place (navigation). Buttons under an answer, a suggestion list or the crisis reply
send a new message, so what was said stays on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

from bot.replies import Reply

EDIT_PREFIX = "e|"
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
    rows = [[InlineKeyboardButton(b.label, callback_data=prefix + b.action) for b in row]
            for row in reply.buttons]
    return Rendered(reply.text, InlineKeyboardMarkup(rows) if rows else None)


def parse_callback(data: str) -> tuple[str, bool]:
    """The action of a callback, and whether to edit the message in place."""
    if data.startswith(EDIT_PREFIX):
        return data[len(EDIT_PREFIX):], True
    return data, False
