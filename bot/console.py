"""The console chat: the same brain as the Telegram bot, in a terminal.

Replies are rendered as plain text with numbered options; typing a number presses that button.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot.i18n import translator
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.markup import to_plain
from bot.language import LANGS, Lang, is_lang
from bot.replies import (
    FORGET,
    HOTLINES,
    MENU,
    SET_LANG_PREFIX,
    Button,
    Reply,
    answer,
    main_menu,
    parse_feedback,
    screen,
)


def render_plain(reply: Reply) -> tuple[str, list[Button]]:
    """A reply as console text with numbered options, and the buttons in that numbering."""
    buttons = [button for row in reply.buttons for button in row]
    lines = [to_plain(reply.text)]
    if buttons:
        lines.append("")
        lines += [f"  {number}. {button.label}" for number, button in enumerate(buttons, 1)]
    return "\n".join(lines), buttons


@dataclass
class ConsoleChat:
    """One console conversation: the chosen language and the options on screen."""

    kb: Callable[[], KnowledgeBase]
    lang: Lang
    options: list[Button] = field(default_factory=list)
    #: The language of the reply the options belong to: a Kazakh answer's buttons open in Kazakh.
    options_lang: Lang | None = None

    def start(self) -> str:
        """The welcome: how to use the console, and the main menu."""
        _ = translator(self.lang)
        intro = _("Console chat. Type a question, a number to choose an option, "
                  "/lang kk|ru|en to switch language, /hotlines, /menu, or /quit.")
        return intro + "\n\n" + self._show(main_menu(self.kb(), self.lang))

    def handle(self, line: str) -> str | None:
        """Answer one line typed by the person; None means the chat is over."""
        text = line.strip()
        command, _, argument = text.partition(" ")
        if command in ("/quit", "/exit"):
            return None
        if command == "/lang":
            if is_lang(argument.strip()):
                self.lang = argument.strip()  # type: ignore[assignment]
                return self._show(main_menu(self.kb(), self.lang))
            return "/lang " + "|".join(LANGS)
        if command in ("/menu", "/start", "/help"):
            return self._show(main_menu(self.kb(), self.lang))
        if command == "/hotlines":
            return self._press(HOTLINES)
        if text.isdigit() and 1 <= int(text) <= len(self.options):
            return self._press(self.options[int(text) - 1].action, self.options_lang)
        return self._show(answer(self.kb(), text, chosen=self.lang))

    def _press(self, action: str, lang: Lang | None = None) -> str:
        if action.startswith(SET_LANG_PREFIX) and is_lang(action[len(SET_LANG_PREFIX):]):
            self.lang = action[len(SET_LANG_PREFIX):]  # type: ignore[assignment]
            action = MENU
        if action == FORGET:
            _ = translator(self.lang)
            return _("The console chat keeps nothing, so there is nothing to erase.")
        if parse_feedback(action) is not None:
            _ = translator(lang or self.lang)
            return _("Thank you! This helps us improve the answers.")
        reply = screen(self.kb(), action, lang or self.lang)
        return self._show(reply or main_menu(self.kb(), self.lang))

    def _show(self, reply: Reply) -> str:
        text, self.options = render_plain(reply)
        self.options_lang = reply.lang
        return text


def run_console(kb: Callable[[], KnowledgeBase], lang: Lang, stdin: TextIO | None = None,
                stdout: TextIO | None = None) -> None:
    """Run a console conversation until /quit or end of input."""
    # Looked up at call time, not import time: sys.stdin may have been replaced since.
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    chat = ConsoleChat(kb, lang)
    print(chat.start(), file=stdout)
    while True:
        print("\n> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            print(file=stdout)
            return
        reply = chat.handle(line)
        if reply is None:
            return
        print(reply, file=stdout)
