"""The loaded knowledge base: immutable, with its search index built once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from bot.knowledge.model import AgeGroup, Cost, FlowKind, Section
from bot.knowledge.topic import Location, Topic
from bot.language import Lang

if TYPE_CHECKING:
    from bot.language.detect import Lexicon
    from bot.matching.index import MatchIndex
    from bot.matching.learned import TopicSlot
    from bot.safety.net import NetSlot


@dataclass(frozen=True)
class Hotline:
    """A line or site of the registry, with what a person should know before they call."""

    id: str
    number: str | None
    whatsapp: str | None
    site: str | None
    name: Mapping[Lang, str]
    note: Mapping[Lang, str] | None
    in_menu: bool
    #: Who the line is for; None where no source says.
    audience: Mapping[Lang, str] | None
    #: The languages it answers in; empty where no source says.
    languages: tuple[Lang, ...]
    cost: Cost | None
    #: How to write instead of calling, if it has a text chat.
    chat: Mapping[Lang, str] | None
    what_happens: Mapping[Lang, str] | None
    #: The day the entry was last checked against `source`.
    verified: date
    source: str


#: The forms of the crisis reply, chosen by what the message says.
CrisisForm = Literal["oneself", "someone_else", "hurt_now", "someone_hurt"]
CRISIS_FORMS: tuple[CrisisForm, ...] = ("oneself", "someone_else", "hurt_now", "someone_hurt")
#: Who the reply speaks to: a teenager (сен, ты) or an adult (сіз, вы).
Register = Literal["teen", "adult"]


@dataclass(frozen=True)
class CrisisText:
    """One form of the crisis reply per language (Telegram HTML) and the topics it offers."""

    texts: Mapping[Lang, str]
    buttons: tuple[str, ...]
    #: The same reply addressed to an adult; the teen texts where the file has none.
    adult: Mapping[Lang, str] | None = None

    def text(self, lang: Lang, register: Register = "teen") -> str:
        """The reply in a language, addressed as the register says."""
        if register == "adult" and self.adult is not None:
            return self.adult[lang]
        return self.texts[lang]


@dataclass(frozen=True)
class SafetyCheck:
    """The warm, direct question asked when a message only hints at risk."""

    texts: Mapping[Lang, str]
    #: Per language: the labels of "yes", "no, but it's hard", "I'm worried about someone".
    labels: Mapping[Lang, tuple[str, str, str]]
    #: The question addressed to an adult, where the file has it.
    adult: Mapping[Lang, str] | None = None

    def text(self, lang: Lang, register: Register = "teen") -> str:
        """The question in a language, addressed as the register says."""
        if register == "adult" and self.adult is not None:
            return self.adult[lang]
        return self.texts[lang]


@dataclass(frozen=True)
class CrisisReply:
    """The crisis reply in its three forms, and the safety check."""

    forms: Mapping[CrisisForm, CrisisText]
    check: SafetyCheck

    @property
    def texts(self) -> Mapping[Lang, str]:
        """The reply about oneself: the one sent when nothing tells which form fits."""
        return self.forms["oneself"].texts

    @property
    def buttons(self) -> tuple[str, ...]:
        """The topics the reply about oneself offers."""
        return self.forms["oneself"].buttons


#: The names of the check-ins' texts and buttons (follow-up.yaml).
FollowUpText = Literal["offer", "accepted_soon", "accepted_evening", "declined", "checkin",
                       "better", "series_on", "series_done", "hard", "stopped"]
FollowUpLabel = Literal["soon", "evening", "decline", "better", "hard", "stop", "more",
                        "no_more"]


@dataclass(frozen=True)
class FollowUp:
    """What the bot says when it offers, sends and ends a check-in."""

    texts: Mapping[FollowUpText, Mapping[Register, Mapping[Lang, str]]]
    labels: Mapping[FollowUpLabel, Mapping[Lang, str]]

    def text(self, name: FollowUpText, lang: Lang, register: Register) -> str:
        """A text in a language, to a teenager or to an adult."""
        return self.texts[name][register][lang]

    def label(self, name: FollowUpLabel, lang: Lang) -> str:
        """A button's label in a language."""
        return self.labels[name][lang]


@dataclass(frozen=True)
class Tip:
    """A weekly tip for parents of children of an age, with its title, per language."""

    id: str
    age: AgeGroup
    titles: Mapping[Lang, str]
    texts: Mapping[Lang, str]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    """An immutable snapshot of the knowledge files; a reload builds a new one."""

    topics: Mapping[str, Topic]
    hotlines: tuple[Hotline, ...]
    crisis: CrisisReply
    #: Messages the bot should not answer with a topic, per language (may be empty).
    out_of_scope: Mapping[Lang, tuple[str, ...]]
    index: MatchIndex
    lexicon: Lexicon
    directory: str
    #: Conversations with steps (flows.yaml), by id; none when the file is absent.
    flows: Mapping[str, Flow] = field(default_factory=lambda: MappingProxyType({}))
    #: "Help me write it": first messages that open a line's WhatsApp already written.
    first_messages: FirstMessages | None = None
    #: The learned safety net, trained from the safety examples (None: the rules alone).
    safety: NetSlot | None = None
    #: The learned topic channel, trained from the topics and the writers' topic examples.
    learned: TopicSlot | None = None
    #: Check-ins after a hard moment (follow-up.yaml); None: the bot offers none.
    follow_up: FollowUp | None = None
    #: Weekly tips for parents (tips.yaml), in the order they are sent; empty: no /tips.
    tips: tuple[Tip, ...] = ()

    def tips_for(self, age: AgeGroup) -> tuple[Tip, ...]:
        """The tips for parents of children of an age, in order."""
        return tuple(tip for tip in self.tips if tip.age == age)

    def train_models(self) -> None:
        """Train the learned models now, where they are not trained yet (tests, benches)."""
        for slot in (self.safety, self.learned):
            if slot is not None:
                slot.trained()

    def topic(self, topic_id: str) -> Topic:
        """Return a topic by id (KeyError if there is none)."""
        return self.topics[topic_id]

    def hotline(self, hotline_id: str) -> Hotline | None:
        """A line or site of the registry by id, if there is one."""
        return next((h for h in self.hotlines if h.id == hotline_id), None)

    def section(self, section: Section) -> tuple[Topic, ...]:
        """Topics listed under a menu section, in file order."""
        return tuple(t for t in self.topics.values() if t.section == section)


@dataclass(frozen=True)
class FlowStep:
    """One step of a flow: its text per language (Telegram HTML), and for a plan the heading
    its answer stands under in the finished plan."""

    texts: Mapping[Lang, str]
    heading: Mapping[Lang, str] | None


@dataclass(frozen=True)
class Flow:
    """A conversation with steps: calm-now (guided) or the safety plan (plan)."""

    id: str
    kind: FlowKind
    title: Mapping[Lang, str]
    intro: Mapping[Lang, str] | None
    steps: tuple[FlowStep, ...]
    done: Mapping[Lang, str]
    #: Topics under whose answers a button starts the flow.
    topics: tuple[str, ...]
    #: Whole messages that start it at once, folded (see bot.flows.triggers).
    triggers: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class FirstMessages:
    """First messages to a line's WhatsApp, each in every language."""

    line: str
    texts: tuple[Mapping[Lang, str], ...]
