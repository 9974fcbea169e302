"""The learned second net: a classifier of crisis, safety check or nothing, beside the rules.

The phrase rules (`crisis.py`, `hints.py`) catch the wording their authors imagined; this net
learns from safety examples in the knowledge files (any file with a `safety_examples` list:
the writers' batches in `knowledge/safety-examples/`, one file per writer) and catches
wordings no rule knows. A message is a crisis if the rules *or* the net say so (`risk.py`).
Moderators extend it by adding examples; a reload retrains it in the background.

Three small Complement Naive Bayes models (`bot.learning.bayes`) over the same features:

- the tier: crisis, check or none, over every example (everyday topic examples and the
  out-of-scope list count as "none", at `EVERYDAY_WEIGHT`: they are what people write when
  nothing is wrong);
- the crisis form: oneself, someone_else, hurt_now, someone_hurt, over the crisis examples;
- the speaker: teen or adult, over the examples that say who writes (the register of the reply).

The net fires crisis when the crisis class leads the others by at least `crisis_at`, and the
safety check when crisis-or-check leads "none" by `check_at`. Both thresholds are set out of
fold at every training (`bot.learning.calibration`): the score that 2 % of the negative
examples reach when scored by a model trained without their writer's batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from bot.learning import bayes
from bot.learning.calibration import fold_of, threshold
from bot.learning.features import features, read, table
from bot.learning.slot import Learner, ModelSlot

Tier = Literal["crisis", "check", "none"]
TIERS: Final[tuple[Tier, ...]] = ("crisis", "check", "none")
FORMS: Final = ("oneself", "someone_else", "hurt_now", "someone_hurt")
SPEAKERS: Final = ("teen", "adult")
#: How much an everyday example (a topic's, the out-of-scope list's) counts as "none" beside
#: a writer's example: they are many and easy, and at full weight they drown the crisis
#: class, most of all in English (writer-held-out crisis recall 0.80 at 1.0, 0.87 at 0.25).
EVERYDAY_WEIGHT: Final = 0.25
#: The form model is believed over the rules' form when it leads by this much.
FORM_LEAD: Final = 0.5
#: The speaker model is believed that an adult writes when it leads by this much. Writer-held-
#: out over 2,258 labelled messages, beside the rules' own reading («я мама», "my son"):
#: at 0 it calls 209 of 1,534 teenagers adults, at 1.0 79, at 2.0 23, at 3.0 13 (0.8 %), while
#: still finding some of the adults the rules miss. A frightened teenager addressed as an
#: adult (сіз, вы, and an adult's options) is the worse error of the two.
SPEAKER_LEAD: Final = 3.0


@dataclass(frozen=True)
class Example:
    """One training example: a message and what it is."""

    text: str
    tier: Tier
    form: str | None = None
    speaker: str | None = None
    writer: str | None = None
    #: How much the example counts: everyday messages, many and easy, count for less.
    weight: float = 1.0


@dataclass(frozen=True)
class Verdict:
    """What the net says of a message."""

    tier: Tier
    crisis_score: float
    check_score: float
    form: str | None
    form_lead: float
    speaker: str | None
    speaker_lead: float = 0.0


@dataclass(frozen=True)
class SafetyNet:
    """The trained models and their out-of-fold thresholds."""

    tiers: bayes.Model
    forms: bayes.Model | None
    speakers: bayes.Model | None
    crisis_at: float
    check_at: float
    examples: int

    @classmethod
    def train(cls, examples: Sequence[Example]) -> SafetyNet:
        """Train on examples; the thresholds from folds trained without each writer."""
        folded = [read(e.text) for e in examples]
        labels = [TIERS.index(e.tier) for e in examples]
        idf, docs = table(folded)
        writers = sorted({e.writer for e in examples if e.writer})
        folds = [fold_of(f, e.writer, writers) for f, e in zip(folded, examples, strict=True)]

        def vectors(fold: int | None = None) -> list[bayes.Vector]:
            """The weighted vectors of one fold's examples (of all, without a fold), made
            when needed rather than all kept."""
            return [_scaled(bayes.vector(d, idf), e.weight)
                    for d, e, g in zip(docs, examples, folds, strict=True)
                    if fold is None or g == fold]

        total = bayes.class_sums(vectors(), labels, len(TIERS))
        crisis_neg: list[float] = []
        check_neg: list[float] = []
        for f in sorted(set(folds)):
            sums = bayes.class_sums(vectors(f),
                                    [y for y, g in zip(labels, folds, strict=True) if g == f],
                                    len(TIERS))
            model = bayes.fit(TIERS, idf, _subtracted(total, sums))
            for doc, label, g, e in zip(docs, labels, folds, examples, strict=True):
                # Calibrated on the writers' negatives: hard ones (games, jokes, a parent's
                # question) and their everyday stories, not the topics' short examples,
                # which no model mistakes.
                if g == f and TIERS[label] == "none" and e.writer is not None:
                    scores = model.scores(doc)
                    crisis_neg.append(_crisis_margin(scores))
                    check_neg.append(_risk_margin(scores))
        crisis_docs = [(d, FORMS.index(e.form)) for d, e in zip(docs, examples, strict=True)
                       if e.tier == "crisis" and e.form in FORMS]
        spoken = [(d, SPEAKERS.index(e.speaker)) for d, e in zip(docs, examples, strict=True)
                  if e.speaker in SPEAKERS]
        return cls(
            tiers=bayes.fit(TIERS, idf, total),
            forms=_trained(FORMS, crisis_docs),
            speakers=_trained(SPEAKERS, spoken),
            crisis_at=threshold(crisis_neg),
            check_at=threshold(check_neg),
            examples=len(examples),
        )

    def judge(self, text: str) -> Verdict:
        """The tier, form and speaker the net sees in a message."""
        found = features(read(text))
        if not found:
            return Verdict("none", 0.0, 0.0, None, 0.0, None)
        scores = self.tiers.scores(found)
        crisis, risk = _crisis_margin(scores), _risk_margin(scores)
        tier: Tier = "crisis" if crisis >= self.crisis_at else (
            "check" if risk >= self.check_at else "none")
        form, lead = self.forms.best(found) if self.forms else (None, 0.0)
        speaker, by = self.speakers.best(found) if self.speakers else (None, 0.0)
        return Verdict(tier, crisis - self.crisis_at, risk - self.check_at, form, lead,
                       speaker, by)


def _scaled(vector: bayes.Vector, weight: float) -> bayes.Vector:
    return vector if weight == 1.0 else {f: w * weight for f, w in vector.items()}


def _crisis_margin(scores: Sequence[float]) -> float:
    crisis, check, none = scores
    return crisis - max(check, none)


def _risk_margin(scores: Sequence[float]) -> float:
    crisis, check, none = scores
    return max(crisis, check) - none


def _trained(classes: Sequence[str], labelled: Sequence[tuple[Counter[str], int]]
             ) -> bayes.Model | None:
    present = {label for _, label in labelled}
    if len(present) < 2:
        return None
    docs = [d for d, _ in labelled]
    return bayes.train(classes, docs, [label for _, label in labelled])


def _subtracted(total: Sequence[dict[str, float]], part: Sequence[dict[str, float]]
                ) -> list[dict[str, float]]:
    out = [dict(t) for t in total]
    for into, sums in zip(out, part, strict=True):
        for f, w in sums.items():
            left = into[f] - w
            if left > 1e-12:
                into[f] = left
            else:
                del into[f]
    return out


def _probe(net: SafetyNet) -> None:
    net.judge("probe")


#: How the safety net is trained, and the nets trained so far in this process.
LEARNER: Final = Learner("safety-net", SafetyNet, SafetyNet.train, _probe)


def net_slot(examples: Sequence[Example]) -> NetSlot:
    """The slot of a snapshot's safety net."""
    return ModelSlot(LEARNER, examples)


NetSlot = ModelSlot[Example, SafetyNet]
