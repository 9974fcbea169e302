"""What a reply is: its text, its buttons and the actions they trigger.

Its own module so that everything that builds screens (the reply logic in `bot.replies`, the
guided flows and the safety plan in `bot.flows`) imports it, and none of them imports the other
back. Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.knowledge.base import Register
from bot.language import Lang
from bot.matching.index import Candidate

ReplyKind = Literal["answer", "suggestions", "fallback", "crisis", "check", "empty", "menu"]

# Menu actions (also Telegram callback data: keep them short, under 64 bytes).
MENU, HOTLINES, CRISIS, LANGUAGE = "menu", "hotlines", "crisis", "lang"
ABOUT, FORGET = "about", "forget"
GROUPS, TOPICS, EVERYDAY = "sec:groups", "sec:topics", "sec:everyday"
TOPIC_PREFIX, SET_LANG_PREFIX = "t:", "lang:"
#: "h:150" opens a line's own screen from the Hotlines card.
HOTLINE_PREFIX = "h:"
#: "t:grief@sec:topics" opens a topic from the Topics menu, with Back to it.
BACK_SEPARATOR = "@"
#: "fb:+:grief" says the answer on grief helped, "fb:-:grief" that it did not.
FEEDBACK_PREFIX = "fb:"
#: "Help me write it" (first messages for WhatsApp); erasing this chat (Telegram's /clean).
WRITE, CLEAN = "write", "clean"


@dataclass(frozen=True)
class Button:
    """A button: what it says and the action it triggers (or the link it opens)."""

    label: str
    action: str
    #: A link to open instead of an action (WhatsApp, a site): nothing comes back to the bot.
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the bot says: Telegram HTML text, button rows, and why it said it."""

    kind: ReplyKind
    lang: Lang
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    topic: str | None = None
    score: float = 0.0
    candidates: tuple[Candidate, ...] = field(default=())
    #: Other topics the message touches, offered beside the answer.
    also: tuple[str, ...] = ()
    #: Whom a check-in offered under it speaks to: a teenager (сен, ты) or an adult (сіз, вы).
    register: Register = "teen"
    #: A hard moment (the crisis reply, calm-now finished, the answer for the worried): where
    #: a channel that can come back later may offer a check-in (bot/followup).
    checkin: bool = False

    def leads_to(self, topic_id: str) -> bool:
        """Whether the reply takes the person to the topic: answers it, starts its flow (the
        calm-now exercise), asks the safety check that leads on to it, or is the crisis reply
        offering it."""
        if self.kind in ("answer", "menu", "check", "crisis") and self.topic == topic_id:
            return True
        return self.kind == "crisis" and topic_id in self.suggested

    @property
    def suggested(self) -> tuple[str, ...]:
        """Topic ids the reply's buttons open, in order."""
        return tuple(b.action.removeprefix(TOPIC_PREFIX).partition(BACK_SEPARATOR)[0]
                     for row in self.buttons for b in row if b.action.startswith(TOPIC_PREFIX))
