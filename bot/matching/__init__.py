"""Matching a question to a topic: an answer, a few suggestions, or the fallback."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from bot.language.normalize import fold
from bot.matching.index import OUT_OF_SCOPE, Candidate, MatchIndex

MatchKind = Literal["answer", "suggestions", "fallback"]

# Thresholds on the combined score (0..1), calibrated on shared/eval/dev.yaml, dev-long.yaml
# and our own paraphrases (tests/data/eval/paraphrases.yaml), as a rule of a few numbers rather
# than a list of cases. In words: a topic is answered when it is both good enough and clearly
# ahead; the better the match, the smaller the lead it needs. A long message is held to lower
# numbers, since most of its words are about the person's day and no topic covers them.
#: Below this no topic of a short question is answered ...
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
#: Questions up to SHORT_WORDS words are held to the numbers above; from LONG_WORDS words on,
#: to LONG_FACTOR of them (linearly between). On the development stories the right topic was
#: ranked first for most long messages that fell under the short-question numbers.
SHORT_WORDS, LONG_WORDS = 6, 20
LONG_FACTOR = 0.60


def length_factor(words: int) -> float:
    """How much of the short-question thresholds a message of this many words must reach."""
    if words <= SHORT_WORDS:
        return 1.0
    if words >= LONG_WORDS:
        return LONG_FACTOR
    return 1.0 - (1.0 - LONG_FACTOR) * (words - SHORT_WORDS) / (LONG_WORDS - SHORT_WORDS)


def required_lead(score: float, factor: float = 1.0) -> float:
    """How far ahead of the runner-up a topic of this score must be to be answered."""
    certain, answer = CERTAIN_SCORE * factor, ANSWER_SCORE * factor
    if score >= certain:
        return 0.0
    return ANSWER_MARGIN * factor * (certain - score) / (certain - answer)


@dataclass(frozen=True)
class Match:
    """What the matcher decided, with the candidates it weighed (best first)."""

    kind: MatchKind
    candidates: tuple[Candidate, ...]
    #: How close the message is to the out-of-scope messages.
    outside: float = 0.0

    @property
    def topic(self) -> str | None:
        """The answered topic, if the kind is answer."""
        return self.candidates[0].topic if self.kind == "answer" else None

    @property
    def score(self) -> float:
        """The best candidate's score (0 when there is none)."""
        return self.candidates[0].score if self.candidates else 0.0


def match(index: MatchIndex, text: str) -> Match:
    """Decide between an answer, suggestions and the fallback for a message.

    A story of several parts that is not answered as a whole is answered with the topic its
    parts are answered with, when that topic is also the whole story's best, or when two
    parts agree.
    """
    found = decide(index.score(text), len(fold(text).split()))
    if found.kind == "answer" or not found.candidates or found.outside >= found.score:
        return found
    parts = clauses(text)
    if len(parts) < 2:
        return found
    votes = Counter(topic for part in parts
                    if (topic := decide(index.score(part), len(fold(part).split())).topic))
    for topic, count in votes.most_common():
        if topic == found.candidates[0].topic or count >= 2:
            first = [c for c in found.candidates if c.topic == topic]
            if first:
                rest = tuple(c for c in found.candidates if c.topic != topic)
                return Match("answer", (first[0], *rest), found.outside)
    return found


def decide(scored: list[Candidate], words: int) -> Match:
    """Decide between an answer, suggestions and the fallback, given every topic's score."""
    factor = length_factor(words)
    # Out-of-scope messages ("how to cook beshbarmak") are a topic of their own while scoring:
    # closest to them means the fallback, and an answer must lead them as it leads a topic.
    outside = next((c.score for c in scored if c.topic == OUT_OF_SCOPE), 0.0)
    ranked = [c for c in scored if c.topic != OUT_OF_SCOPE]
    suggest = SUGGEST_SCORE * factor
    if not ranked or ranked[0].score < suggest or outside >= ranked[0].score:
        return Match("fallback", tuple(ranked[:MAX_SUGGESTIONS]), outside)
    best = ranked[0]
    runner_up = max(ranked[1].score if len(ranked) > 1 else 0.0, outside)
    if best.score >= ANSWER_SCORE * factor and (
            best.score - runner_up >= required_lead(best.score, factor)):
        return Match("answer", tuple(ranked[:MAX_SUGGESTIONS]), outside)
    close = [c for c in ranked[:MAX_SUGGESTIONS]
             if c.score >= suggest and c.score >= best.score - SUGGEST_SPREAD]
    return Match("suggestions", tuple(close), outside)


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
        topic = decide(index.score(part), len(fold(part).split())).topic
        if topic is not None and topic != answered and topic not in found:
            found.append(topic)
    return tuple(found[:MAX_ALSO])
