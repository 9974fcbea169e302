"""The check-ins' screens: the offer under a hard moment, the check-in itself, and what each
answer brings. Pure: the channel decides whether it can come back later and so offer one.

Their buttons carry all the bot needs to answer them ("fu:hard:t:one": "Still hard", to a
teenager, on a single check-in), so nothing about the person is kept between a check-in and
its answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal, get_args

from bot.knowledge.base import FollowUp, FollowUpLabel, FollowUpText, KnowledgeBase, Register
from bot.language import Lang
from bot.reply_types import Button, Reply

PREFIX: Final = "fu:"
#: What a check-in is: the one the person chose, one of the series after "Better", its last.
Place = Literal["one", "mid", "last"]
_REGISTERS: Final[dict[str, Register]] = {"t": "teen", "a": "adult"}


@dataclass(frozen=True)
class Pressed:
    """A check-in button pressed: which, whom the texts speak to, and on which check-in."""

    name: FollowUpLabel
    register: Register
    place: Place = "one"


def action(name: FollowUpLabel, register: Register, place: Place = "one") -> str:
    """The action of a check-in button (short: Telegram allows 64 bytes of callback data)."""
    return f"{PREFIX}{name}:{register[0]}:{place}"


def parse(action_: str) -> Pressed | None:
    """The button an action names, or None if it is not a check-in button (or forged)."""
    if not action_.startswith(PREFIX):
        return None
    name, _, rest = action_[len(PREFIX):].partition(":")
    register, _, place = rest.partition(":")
    if (name not in get_args(FollowUpLabel) or register not in _REGISTERS
            or place not in get_args(Place)):
        return None
    return Pressed(name, _REGISTERS[register], place)  # type: ignore[arg-type]


def _button(texts: FollowUp, name: FollowUpLabel, lang: Lang, register: Register,
            place: Place = "one") -> Button:
    return Button(texts.label(name, lang), action(name, register, place))


def with_offer(kb: KnowledgeBase, reply: Reply) -> Reply:
    """A hard moment's reply with the offer of a check-in: one line, and its three buttons
    above the last row (the menu); the reply itself where none can be offered."""
    texts = kb.follow_up
    if texts is None or not reply.checkin:
        return reply
    lang, register = reply.lang, reply.register
    row = tuple(_button(texts, name, lang, register) for name in ("soon", "evening", "decline"))
    buttons = (*reply.buttons[:-1], row, *reply.buttons[-1:])
    return replace(reply, text=reply.text + "\n\n" + texts.text("offer", lang, register),
                   buttons=buttons)


def checkin_screen(kb: KnowledgeBase, lang: Lang, register: Register,
                   place: Place = "one") -> Reply | None:
    """The check-in: a neutral first line (a lock screen shows it), Better / Still hard /
    Stop."""
    texts = kb.follow_up
    if texts is None:
        return None
    row = tuple(_button(texts, name, lang, register, place)
                for name in ("better", "hard", "stop"))
    return Reply("menu", lang, texts.text("checkin", lang, register), (row,),
                 register=register)


def said(kb: KnowledgeBase, name: FollowUpText, lang: Lang, register: Register,
         more: bool = False) -> Reply | None:
    """A short line after a check-in button; with `more`, the offer of the series."""
    texts = kb.follow_up
    if texts is None:
        return None
    rows = ((_button(texts, "more", lang, register), _button(texts, "no_more", lang, register)),
            ) if more else ()
    return Reply("menu", lang, texts.text(name, lang, register), rows, register=register)
