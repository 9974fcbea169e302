"""Risk tiers: crisis, the safety check, or nothing, decided before matching.

`assess` reads the whole message: crisis words first (`crisis.py`), then hints of risk
(`hints.py`). After matching, `replies.answer` looks once more: a message whose best topic is a
crisis topic gets the crisis reply too (the second net).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from bot.language.normalize import fold
from bot.safety.crisis import CrisisHit, detect_crisis, figures_of_speech
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
