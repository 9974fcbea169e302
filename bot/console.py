"""The console chat: the same brain as the Telegram bot, in a terminal.

Replies are rendered as plain text with numbered options; typing a number presses that button
(a link button prints its address). Like the Telegram bot, it keeps an open safety plan in
memory only, for at most 30 minutes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot.flows import CALM_NOW, FLOW_PREFIX, SAFETY_PLAN
from bot.flows.plan import (
    RESUME,
    TTL_S,
    PlanState,
    answer_plan,
    parse_plan_action,
    pause,
    plan_closed,
    resume,
    skip_question,
    start_plan,
    stopped_plan,
    with_resume,
)
from bot.flows.sessions import Sessions
from bot.i18n import translator
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.markup import to_plain
from bot.language import LANGS, Lang, is_lang
from bot.replies import answer, main_menu, parse_feedback, screen
from bot.reply_types import CLEAN, FORGET, HOTLINES, MENU, SET_LANG_PREFIX, Button, Reply
from bot.safety.safe_word import is_urgent

#: The console has one person: its one open plan goes under this key.
PLAN_KEY = "console"


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
    #: The open safety plan, in memory only.
    plans: Sessions[PlanState] = field(default_factory=lambda: Sessions(TTL_S))

    def start(self) -> str:
        """The welcome: how to use the console, and the main menu."""
        _ = translator(self.lang)
        intro = _("Console chat. Type a question, a number to choose an option, "
                  "/lang kk|ru|en to switch language, /hotlines, /calm, /plan, /menu, "
                  "or /quit.")
        return intro + "\n\n" + self._show(main_menu(self.kb(), self.lang))

    def handle(self, line: str) -> str | None:
        """Answer one line typed by the person; None means the chat is over."""
        text = line.strip()
        command, _, argument = text.partition(" ")
        if command in ("/quit", "/exit"):
            return None
        pressed = (self.options[int(text) - 1] if text.isdigit()
                   and 1 <= int(text) <= len(self.options) else None)
        if (text.startswith("/") and command != "/plan") or (
                pressed is not None and not pressed.url
                and parse_plan_action(pressed.action) is None):
            # Another command or option (as a Telegram button would): the plan waits.
            self._pause_plan()
        if command == "/lang":
            if is_lang(argument.strip()):
                self.lang = argument.strip()  # type: ignore[assignment]
                return self._show(main_menu(self.kb(), self.lang))
            return "/lang " + "|".join(LANGS)
        if command in ("/menu", "/start", "/help"):
            return self._show(main_menu(self.kb(), self.lang))
        if command == "/hotlines":
            return self._press(HOTLINES)
        if command == "/calm":
            return self._press(FLOW_PREFIX + CALM_NOW)
        if command == "/plan":
            # An open plan (paused by a crisis word, say) goes on; otherwise its first page.
            if self.plans.get(PLAN_KEY) is not None:
                return self._press(RESUME)
            return self._press(FLOW_PREFIX + SAFETY_PLAN)
        if command in ("/forget", "/clean"):
            return self._press(FORGET if command == "/forget" else CLEAN)
        if text.isdigit() and 1 <= int(text) <= len(self.options):
            button = self.options[int(text) - 1]
            if button.url:
                _ = translator(self.options_lang or self.lang)
                return _("Open this link: {url}").format(url=button.url)
            return self._press(button.action, self.options_lang)
        plan = self.plans.get(PLAN_KEY)
        if plan is not None and not plan.paused and not is_urgent(text):
            reply, plan = answer_plan(self.kb(), plan, text)
            self.plans.update(PLAN_KEY, plan)
            return self._show(reply)
        reply = answer(self.kb(), text, chosen=self.lang)
        if plan is not None and reply.kind == "crisis":
            # Crisis first, inside a plan too; the plan waits, one button away.
            self.plans.update(PLAN_KEY, pause(plan))
            reply = with_resume(reply)
        return self._show(reply)

    def _press(self, action: str, lang: Lang | None = None) -> str:
        if action.startswith(SET_LANG_PREFIX) and is_lang(action[len(SET_LANG_PREFIX):]):
            self.lang = action[len(SET_LANG_PREFIX):]  # type: ignore[assignment]
            action = MENU
        if action in (FORGET, CLEAN):
            if self.plans.drop(PLAN_KEY):
                return self._show(stopped_plan(self.lang))
            _ = translator(self.lang)
            if action == CLEAN:
                return _("The console chat sends nothing anywhere: to clear it, clear your "
                         "terminal.")
            return _("The console chat keeps nothing, so there is nothing to erase.")
        plan_action = parse_plan_action(action)
        if plan_action is not None:
            return self._show(self._plan(*plan_action, lang or self.lang))
        if parse_feedback(action) is not None:
            _ = translator(lang or self.lang)
            return _("Thank you! This helps us improve the answers.")
        reply = screen(self.kb(), action, lang or self.lang)
        return self._show(reply or main_menu(self.kb(), self.lang))

    def _pause_plan(self) -> None:
        plan = self.plans.get(PLAN_KEY)
        if plan is not None and not plan.paused:
            self.plans.update(PLAN_KEY, pause(plan))

    def _plan(self, name: str, step: int | None, lang: Lang) -> Reply:
        """Start, skip, stop or resume the safety plan."""
        open_plan = self.plans.get(PLAN_KEY)
        if name == "start" and open_plan is not None and open_plan.step > 0:
            name = "resume"  # a second Start goes on; Stop throws the answers away
        if name == "start":
            started = start_plan(self.kb(), lang)
            if started is None:
                return main_menu(self.kb(), lang)
            reply, state = started
            self.plans.open(PLAN_KEY, state)
            return reply
        plan = self.plans.get(PLAN_KEY)
        if name == "stop":
            self.plans.drop(PLAN_KEY)
            return stopped_plan(lang)
        if plan is None:
            return plan_closed(lang)
        moved = resume(self.kb(), plan) if name == "resume" else skip_question(
            self.kb(), plan, step)
        if moved is None:
            # A Skip under a question already answered: the open one again.
            moved = resume(self.kb(), plan)
        reply, moved_to = moved
        self.plans.update(PLAN_KEY, moved_to)
        return reply

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
