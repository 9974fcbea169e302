"""Risk tiers: crisis, the safety check, or nothing, decided before matching and once after.

`assess` reads the whole message: crisis words first (`crisis.py`), then hints of risk
(`hints.py`). `safety_reply` then decides with what matching found: which topic the crisis
reply offers, what the safety check's "No, but it's hard" opens, and the second net (a message
whose best topic is a crisis topic gets the crisis reply too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from bot.knowledge.base import CrisisForm, KnowledgeBase
from bot.language.normalize import fold
from bot.matching import ANSWER_SCORE, SUGGEST_SCORE, Match
from bot.safety.crisis import CrisisHit, detect_crisis, figures_of_speech, second_net_form
from bot.safety.hints import HINTS, Hint
from bot.safety.patterns import Phrase, PhraseSet, parse_all

Tier = Literal["crisis", "check", "none"]

HINT_LIST: Final[tuple[Phrase[Hint], ...]] = parse_all(HINTS)
_HINTS: Final = PhraseSet(HINT_LIST)


@dataclass(frozen=True)
class Risk:
    """How much risk a message shows, and what was found."""

    tier: Tier
    crisis: CrisisHit | None = None
    hint: Hint | None = None
    phrase: str | None = None


NO_RISK: Final = Risk("none")


def detect_hint(text: str) -> Phrase[Hint] | None:
    """The first hint of risk a message holds, or None."""
    words = fold(text).split()
    found = _HINTS.find(words, figures_of_speech(words)) if words else []
    return found[0].phrase if found else None


def assess(text: str) -> Risk:
    """Crisis, safety check or nothing, for a whole message."""
    hit = detect_crisis(text)
    if hit is not None:
        return Risk("crisis", crisis=hit, phrase=hit.phrase)
    hint = detect_hint(text)
    if hint is not None:
        return Risk("check", hint=hint.kind, phrase=hint.text)
    return NO_RISK


#: The topics each crisis form may lead to; matching picks the closest, the family's the rest.
FORM_TOPICS: Final[dict[CrisisForm, tuple[str, ...]]] = {
    "oneself": ("suicide-crisis", "self-harm"),
    "someone_else": ("worried-adult", "self-harm", "suicide-crisis"),
    # Being hurt: whether it is a child or an adult; "online safety tips, my stepfather hits
    # me" is about the stepfather, however well the first words match.
    "hurt_now": ("violence-home", "domestic-violence-adult", "sexual-abuse"),
}
#: Topics offered beside a form's own when matching finds them closest: photos demanded online
#: are sexual abuse, and online safety says what to do with the account.
NEARBY: Final[dict[CrisisForm, tuple[str, ...]]] = {"hurt_now": ("online-safety",)}
#: What the safety check's "No, but it's hard" leads to when matching found nothing closer.
GENTLE_TOPIC: Final = "low-mood"
#: The topic for someone worried about another person (the safety check's third button).
WORRIED_TOPIC: Final = "worried-adult"


@dataclass(frozen=True)
class SafetyReply:
    """The reply the safety layer decided on: its tier, form and the topics it offers."""

    tier: Literal["crisis", "check"]
    form: CrisisForm = "oneself"
    topic: str | None = None
    also: str | None = None


def safety_reply(kb: KnowledgeBase, text: str, found: Match) -> SafetyReply | None:
    """The crisis reply or the safety check a message needs, given what matching found."""
    risk = assess(text)
    if risk.crisis is not None:
        # The family's topic first (refined by matching for the general families), then the
        # closest topic of the same form, or near it, that matching found, if another.
        form, default = risk.crisis.form, risk.crisis.topic
        topic = _closest(kb, found, FORM_TOPICS[form], default) if risk.crisis.general else (
            default)
        nearby = _closest(kb, found, FORM_TOPICS[form] + NEARBY.get(form, ()), default)
        return SafetyReply("crisis", form, topic, nearby)
    if risk.tier == "check":
        # Only a hint: ask directly, as counsellors do, rather than guess.
        return SafetyReply("check", topic=_gentle_topic(kb, found))
    net = _crisis_topic(kb, found)
    if net is not None:
        # The second net: words no phrase list knows, but matching says they are a crisis.
        return SafetyReply("crisis", second_net_form(net, text), net)
    return None


def _closest(kb: KnowledgeBase, found: Match, allowed: tuple[str, ...], default: str) -> str:
    """The best-ranked of the allowed topics that matching offered, or the default."""
    for candidate in found.candidates:
        if candidate.topic in allowed and candidate.score >= SUGGEST_SCORE and (
                candidate.topic in kb.topics):
            return candidate.topic
    return default


def _crisis_topic(kb: KnowledgeBase, found: Match) -> str | None:
    """A crisis topic that matching answers with, sure as of a short question (a long story
    is answered on less, and its everyday words must not make a crisis of it)."""
    best = found.topic
    if best is None or best not in kb.topics or found.score < ANSWER_SCORE:
        return None
    return best if kb.topic(best).crisis else None


def _gentle_topic(kb: KnowledgeBase, found: Match) -> str | None:
    """The topic the safety check's "No, but it's hard" opens: the best ordinary one."""
    for candidate in found.candidates[:1]:
        if candidate.score >= SUGGEST_SCORE and not kb.topic(candidate.topic).crisis:
            return candidate.topic
    return GENTLE_TOPIC if GENTLE_TOPIC in kb.topics else None
