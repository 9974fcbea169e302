"""Matching a question to a topic: an answer, a few suggestions, or the fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.matching.index import OUT_OF_SCOPE, Candidate, MatchIndex

MatchKind = Literal["answer", "suggestions", "fallback"]

# Thresholds on the combined score (0..1), calibrated on shared/eval/dev.yaml and on our own
# paraphrases (tests/data/eval/paraphrases.yaml), as a rule of two numbers rather than a list
# of cases. In words: a topic is answered when it is both good enough and clearly ahead; the
# better the match, the smaller the lead it needs.
#: Below this no topic is answered ...
ANSWER_SCORE = 0.40
#: ... and at it, the best topic must lead the runner-up by this much ...
ANSWER_MARGIN = 0.10
#: ... a lead that shrinks to nothing at this score (a near-copy of an example).
CERTAIN_SCORE = 0.80
#: Below this no topic is offered: the fallback, with the menu and a hotline. Unrelated
#: questions ("погода", "play some music") score under 0.30; real ones in other words over.
SUGGEST_SCORE = 0.30
#: Suggestions are the topics within this distance of the best one.
SUGGEST_SPREAD = 0.15
MAX_SUGGESTIONS = 3


def required_lead(score: float) -> float:
    """How far ahead of the runner-up a topic of this score must be to be answered."""
    if score >= CERTAIN_SCORE:
        return 0.0
    return ANSWER_MARGIN * (CERTAIN_SCORE - score) / (CERTAIN_SCORE - ANSWER_SCORE)


@dataclass(frozen=True)
class Match:
    """What the matcher decided, with the candidates it weighed (best first)."""

    kind: MatchKind
    candidates: tuple[Candidate, ...]

    @property
    def topic(self) -> str | None:
        """The answered topic, if the kind is answer."""
        return self.candidates[0].topic if self.kind == "answer" else None

    @property
    def score(self) -> float:
        """The best candidate's score (0 when there is none)."""
        return self.candidates[0].score if self.candidates else 0.0


def match(index: MatchIndex, text: str) -> Match:
    """Decide between an answer, suggestions and the fallback for a question."""
    scored = index.score(text)
    # Out-of-scope messages ("how to cook beshbarmak") are a topic of their own while scoring:
    # closest to them means the fallback, and an answer must lead them as it leads a topic.
    outside = next((c.score for c in scored if c.topic == OUT_OF_SCOPE), 0.0)
    ranked = [c for c in scored if c.topic != OUT_OF_SCOPE]
    if not ranked or ranked[0].score < SUGGEST_SCORE or outside >= ranked[0].score:
        return Match("fallback", tuple(ranked[:MAX_SUGGESTIONS]))
    best = ranked[0]
    runner_up = max(ranked[1].score if len(ranked) > 1 else 0.0, outside)
    if best.score >= ANSWER_SCORE and best.score - runner_up >= required_lead(best.score):
        return Match("answer", tuple(ranked[:MAX_SUGGESTIONS]))
    close = [c for c in ranked[:MAX_SUGGESTIONS]
             if c.score >= SUGGEST_SCORE and c.score >= best.score - SUGGEST_SPREAD]
    return Match("suggestions", tuple(close))


#: A story touching several topics offers at most this many besides its answer.
MAX_ALSO = 2
#: A part of a message needs this many words to speak of a topic on its own.
CLAUSE_WORDS = 3
_CLAUSE_BREAK = re.compile(r"[.!?;:\n]+|,\s+(?=\w)|\s+(?:but|and also|also|но|а ещё|а еще|ещё и|"
                           r"еще и|тоже|бірақ|сосын|және де)\s+", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """The parts of a message that could each be a question: sentences, and parts of sentences
    joined by a comma or "but", each of at least CLAUSE_WORDS words."""
    parts: list[str] = []
    for piece in _CLAUSE_BREAK.split(text):
        words = piece.split()
        if not words:
            continue
        if parts and (len(words) < CLAUSE_WORDS or len(parts[-1].split()) < CLAUSE_WORDS):
            parts[-1] += " " + piece.strip()
        else:
            parts.append(piece.strip())
    return parts


def also_about(index: MatchIndex, text: str, answered: str) -> tuple[str, ...]:
    """Other topics a story touches: those a part of it, read alone, would be answered with."""
    parts = clauses(text)
    if len(parts) < 2:
        return ()
    found: list[str] = []
    for part in parts:
        topic = match(index, part).topic
        if topic is not None and topic != answered and topic not in found:
            found.append(topic)
    return tuple(found[:MAX_ALSO])
