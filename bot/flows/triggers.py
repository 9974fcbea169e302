"""Whole messages that start a flow at once: "паника", "дем алу жаттығуы", "calm me down".

A person in panic should not have to find a menu. A trigger counts only as the whole message
(folded like every text, so "дем алу жаттыгуы" and "dem alu jattyghuy" count too, with a typo
forgiven in a longer one); a longer message that only mentions panic is a question for the
matcher.
"""

from __future__ import annotations

from typing import Final

from rapidfuzz.distance import Levenshtein

from bot.knowledge.base import KnowledgeBase
from bot.language.normalize import fold

#: Triggers are short; a longer message is a question.
MAX_WORDS: Final = 6
#: Triggers at least this long forgive one typo; at least `LONG`, two.
TYPO_MIN, LONG = 6, 12


def triggered_flow(kb: KnowledgeBase, text: str) -> str | None:
    """The id of the flow a message starts, or None."""
    folded = fold(text)
    if not folded or len(folded.split()) > MAX_WORDS:
        return None
    for flow in kb.flows.values():
        for trigger in flow.triggers:
            if folded == trigger:
                return flow.id
            allowed = 2 if len(trigger) >= LONG else 1 if len(trigger) >= TYPO_MIN else 0
            if allowed and Levenshtein.distance(folded, trigger,
                                                score_cutoff=allowed) <= allowed:
                return flow.id
    return None
