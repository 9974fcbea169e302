"""Matching a question to a topic: an answer, a few suggestions, or the fallback."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from bot.language.normalize import fold
from bot.matching.index import OUT_OF_SCOPE, Candidate, MatchIndex
from bot.matching.learned import NONE, Ranking

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
    #: Every topic the fuzzy matcher scored, best first (for `fuse`).
    scored: tuple[Candidate, ...] = field(default=(), repr=False, compare=False)

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
    scored = index.score(text)
    found = decide(scored, len(fold(text).split()))
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
                return Match("answer", (first[0], *rest), found.outside, found.scored)
    return found


def decide(scored: list[Candidate], words: int) -> Match:
    """Decide between an answer, suggestions and the fallback, given every topic's score."""
    factor = length_factor(words)
    # Out-of-scope messages ("how to cook beshbarmak") are a topic of their own while scoring:
    # closest to them means the fallback, and an answer must lead them as it leads a topic.
    outside = next((c.score for c in scored if c.topic == OUT_OF_SCOPE), 0.0)
    ranked = [c for c in scored if c.topic != OUT_OF_SCOPE]
    suggest = SUGGEST_SCORE * factor
    every = tuple(ranked)
    if not ranked or ranked[0].score < suggest or outside >= ranked[0].score:
        return Match("fallback", tuple(ranked[:MAX_SUGGESTIONS]), outside, every)
    best = ranked[0]
    runner_up = max(ranked[1].score if len(ranked) > 1 else 0.0, outside)
    if best.score >= ANSWER_SCORE * factor and (
            best.score - runner_up >= required_lead(best.score, factor)):
        return Match("answer", tuple(ranked[:MAX_SUGGESTIONS]), outside, every)
    close = [c for c in ranked[:MAX_SUGGESTIONS]
             if c.score >= suggest and c.score >= best.score - SUGGEST_SPREAD]
    return Match("suggestions", tuple(close), outside, every)


# How the learned channel (`learned.py`) and the fuzzy matcher decide together. Calibrated
# writer-held-out (`python -m bench.topics_lowo`, and a simulation of these numbers over its
# folds): each writer's topic batch answered by a channel trained without it, over the batches
# in the knowledge; one more (w6) is held out for `qoldau eval`. In words: the
# channel is the better judge of *which* topic (it learned from what people write, the matcher
# only from the examples), the matcher of near-copies and of topics the channel does not know
# (crisis topics: the safety layer's). So the channel's best topic is answered when the
# matcher also named it or when it leads its runner-up clearly; its "none" is the fallback;
# when it hesitates, the matcher's decision stands.
# Two cases stay the matcher's alone:
# - a short question (up to SHORT_WORDS words): the matcher is near its examples there, and the
#   channel has little to read (on the one word "family" it ranked group-disabilities first;
#   writer-held-out, of 15 short messages where the two disagreed the matcher was right in 11);
# - an answer at CERTAIN_SCORE or more, a near-copy of an example (no writer's message scored so
#   high where they disagreed; the lint's check that each example finds its topic needs it).
# Over the 3,814 messages of 15 writers (the mean of the writers), top-1 0.685 → 0.839 and
# fallback accuracy 0.886 → 0.914; held-out w6 0.684 → 0.848. The leads below moved top-1
# by under a point anywhere between 0 and 0.3, fallback accuracy by about one.
#: The channel's lead (`Ranking.lead`) at which it overrules the matcher's answer, or answers
#: a topic the matcher only hesitated on without naming it ...
LEARNED_LEAD = 0.1
#: ... and at which it answers where the matcher fell back, or falls back where the matcher
#: answered: an out-of-scope question answered with a topic is the worse error.
FALLBACK_LEAD = 0.3


def heeds_channel(found: Match, words: int) -> bool:
    """Whether the learned channel has a say on a message of this many words that the
    matcher reads as `found` (when not, it need not even be asked)."""
    return words > SHORT_WORDS and not (
        found.kind == "answer" and found.score >= CERTAIN_SCORE)  # a near-copy of an example


def fuse(found: Match, ranking: Ranking | None, words: int) -> Match:
    """The decision of the fuzzy matcher (`found`) and the learned channel together, for a
    message of this many words."""
    if ranking is None or not heeds_channel(found, words):
        return found
    best, lead = ranking.best, ranking.lead
    if found.kind == "answer":
        if (found.topic == best or found.topic not in ranking.known
                or lead < (FALLBACK_LEAD if best == NONE else LEARNED_LEAD)):
            return found
        return _fallback(found) if best == NONE else _answered(found, best)
    if best == NONE:
        return _fallback(found)
    if any(c.topic == best for c in found.candidates) or lead >= (
            FALLBACK_LEAD if found.kind == "fallback" else LEARNED_LEAD):
        return _answered(found, best)
    if found.kind == "fallback":
        return found
    # Hesitant between topics the matcher also hesitates on: the channel's best comes first.
    return Match("suggestions", _first(found, best), found.outside, found.scored)


def _answered(found: Match, topic: str) -> Match:
    return Match("answer", _first(found, topic), found.outside, found.scored)


def _fallback(found: Match) -> Match:
    return Match("fallback", found.candidates, found.outside, found.scored)


def _first(found: Match, topic: str) -> tuple[Candidate, ...]:
    """The matcher's candidates with `topic` first (its own score, 0 if it scored none)."""
    mine = next((c for c in found.scored if c.topic == topic), None) or next(
        (c for c in found.candidates if c.topic == topic), None) or Candidate(
        topic, 0.0, 0.0, 0.0, 0.0, "")
    rest = tuple(c for c in found.candidates if c.topic != topic)
    return (mine, *rest)[:MAX_SUGGESTIONS]


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
