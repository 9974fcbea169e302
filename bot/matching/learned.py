"""The learned topic channel: a classifier of which topic answers a message, beside the fuzzy
matcher.

The fuzzy matcher (`index.py`) is good at what is near its examples: typos, keywords, the
closest example to show. It knows no word it has not seen, and a story in other words than
the examples falls under its thresholds. This channel learns from every topic's examples,
keywords and title, from the writers' topic examples (`knowledge/topic-examples/`, one file
per writer: what people really write) and from the out-of-scope list as "none", and ranks all
topics for any message. `fuse` in `bot.matching` decides with both.

One Complement Naive Bayes model (`bot.learning.bayes`) over the same features as the safety
net (`bot.learning.features`: character n-grams and stems of the fold, so Kazakh endings and
the three scripts meet), scored from sparse rows: about 0.2 ms a message. It trains in a
process of its own when the knowledge loads and again on a reload, while the previous model
(or the fuzzy matcher alone) answers (`bot.learning.slot`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from bot.learning import bayes
from bot.learning.features import features, read, table
from bot.learning.slot import Learner, ModelSlot

log = logging.getLogger("qoldau.matching")

#: The class of messages that are not the bot's job (the fallback).
NONE: Final = "none"


@dataclass(frozen=True)
class TopicExample:
    """One training example: a message and the topic that answers it (or `NONE`)."""

    text: str
    topic: str
    writer: str | None = None


@dataclass(frozen=True)
class Ranking:
    """The channel's reading of a message: topics best first, and how far the best leads."""

    topics: tuple[str, ...]
    #: The best class's score minus the runner-up's (log-odds-like; 0 when they tie).
    lead: float
    #: Every class the channel knows (crisis topics are not among them).
    known: frozenset[str] = field(repr=False)

    @property
    def best(self) -> str:
        """The best class: a topic id, or `NONE`."""
        return self.topics[0]


@dataclass(frozen=True)
class TopicModel:
    """The trained channel."""

    model: bayes.SparseModel
    examples: int
    known: frozenset[str]

    @classmethod
    def train(cls, examples: Sequence[TopicExample]) -> TopicModel:
        """Train on examples (each example counts once; a topic's many examples make it
        no more likely a priori, as Complement Naive Bayes scores against the rest)."""
        classes = sorted({e.topic for e in examples})
        _, docs = table([read(e.text) for e in examples])
        dense = bayes.train(classes, docs, [classes.index(e.topic) for e in examples])
        return cls(bayes.SparseModel.of(dense), len(examples), frozenset(classes))

    @property
    def classes(self) -> tuple[str, ...]:
        """The topics it knows, and `NONE`."""
        return self.model.classes

    def rank(self, text: str, keep: int = 4) -> Ranking | None:
        """The `keep` best classes for a message (None when it has no known feature)."""
        found = features(read(text))
        if not found or not any(f in self.model.rows for f in found):
            return None
        scores = self.model.scores(found)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], self.classes[i]))
        lead = scores[order[0]] - scores[order[1]] if len(order) > 1 else 0.0
        return Ranking(tuple(self.classes[i] for i in order[:keep]), lead, self.known)


def _probe(model: TopicModel) -> None:
    model.rank("probe")


#: How the channel is trained, and the models trained so far in this process.
LEARNER: Final = Learner("topic-channel", TopicModel, TopicModel.train, _probe)

TopicSlot = ModelSlot[TopicExample, TopicModel]


def topic_slot(examples: Sequence[TopicExample]) -> TopicSlot:
    """The slot of a snapshot's topic channel."""
    return ModelSlot(LEARNER, examples)


def ranking(slot: TopicSlot | None, text: str) -> Ranking | None:
    """The channel's ranking of a message, or None: without a model (not trained yet, or
    training failed), and if it fails (logged, never the text): the matcher decides alone."""
    try:
        model = slot.current if slot is not None else None
        return model.rank(text) if model is not None else None
    except Exception as error:
        log.error("topic channel failed on a message; the matcher decides alone",
                  extra={"reason": type(error).__name__})
        return None
