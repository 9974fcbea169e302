"""Matching a question to a topic: an answer, a few suggestions, or the fallback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.matching.index import Candidate, MatchIndex

MatchKind = Literal["answer", "suggestions", "fallback"]

# Thresholds on the combined score (0..1), calibrated on shared/eval/dev.yaml and on the
# knowledge base's own examples (see tests/matching). In words:
#: sure enough to answer with one topic ...
ANSWER_SCORE = 0.50
#: ... when the runner-up is at least this far behind (otherwise: suggestions) ...
ANSWER_MARGIN = 0.06
#: ... or always, when the match is this close to an example.
CERTAIN_SCORE = 0.80
#: Below this no topic is offered: the fallback, with the menu and a hotline.
SUGGEST_SCORE = 0.33
#: Suggestions are the topics within this distance of the best one.
SUGGEST_SPREAD = 0.15
MAX_SUGGESTIONS = 3


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
    ranked = index.score(text)
    if not ranked or ranked[0].score < SUGGEST_SCORE:
        return Match("fallback", tuple(ranked[:MAX_SUGGESTIONS]))
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if best.score >= CERTAIN_SCORE or (
        best.score >= ANSWER_SCORE and best.score - runner_up >= ANSWER_MARGIN
    ):
        return Match("answer", tuple(ranked[:MAX_SUGGESTIONS]))
    close = [c for c in ranked[:MAX_SUGGESTIONS]
             if c.score >= SUGGEST_SCORE and c.score >= best.score - SUGGEST_SPREAD]
    return Match("suggestions", tuple(close))
