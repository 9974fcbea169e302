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

import logging
import os
import pickle
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from bot.language.contacts import replace_contacts
from bot.language.normalize import fold
from bot.learning import bayes
from bot.learning.calibration import fold_of, threshold
from bot.learning.features import features

log = logging.getLogger("qoldau.safety")

Tier = Literal["crisis", "check", "none"]
TIERS: Final[tuple[Tier, ...]] = ("crisis", "check", "none")
FORMS: Final = ("oneself", "someone_else", "hurt_now", "someone_hurt")
SPEAKERS: Final = ("teen", "adult")
#: How long training apart may take before the bot trains in its own process instead.
TRAIN_TIMEOUT_S: Final = 300
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
        folded = [_read(e.text) for e in examples]
        labels = [TIERS.index(e.tier) for e in examples]
        # Two passes: which features are kept, then each example's kept features, each string
        # once. Held all at once, 9,500 examples' own n-gram strings were most of training's
        # memory (peak 376 MB).
        idf = bayes.idf_of(features(text) for text in folded)
        same = {f: f for f in idf}
        docs = [Counter({same[f]: n for f, n in features(text).items() if f in same})
                for text in folded]
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
        found = features(_read(text))
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


def _read(text: str) -> str:
    """What the net reads of a message: its fold, without links, e-mails, @handles and phone
    numbers."""
    return fold(replace_contacts(text))


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


def train_apart(examples: Sequence[Example]) -> SafetyNet:
    """Train in a process of its own (`bot.safety.trainer`) and take back only the model.

    Training builds a feature table per example and per fold (270 MB at its peak for 6,400
    examples), and Python keeps most of that heap after it is freed: trained in the bot's own
    process the net would leave it at 220 MB instead of 80. Apart, the bot also keeps its
    core for answering. Only where no process can be started does it train here; a child that
    fails, is killed or times out raises `TrainingFailed` (the caller serves the previous net or
    the rules), never a second training in the bot."""
    # The child finds this very `bot` package, wherever the bot was started from: it runs in
    # the package's folder, and that folder comes first on its path.
    home = str(Path(__file__).resolve().parents[2])
    paths = [home, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    try:
        done = subprocess.run([sys.executable, "-m", "bot.safety.trainer"],
                              input=pickle.dumps(tuple(examples)), capture_output=True,
                              timeout=TRAIN_TIMEOUT_S, cwd=home,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
    except OSError as error:  # no process could be started
        log.warning("safety net trains in the bot's process",
                    extra={"reason": type(error).__name__})
        return SafetyNet.train(examples)
    except subprocess.TimeoutExpired:
        raise TrainingFailed(f"no net after {TRAIN_TIMEOUT_S} s") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise TrainingFailed(f"the trainer exited with {done.returncode}: {' '.join(tail)}")
    try:
        net = pickle.loads(done.stdout)
    except Exception as error:  # a child of other code (updated on disk) or cut short
        raise TrainingFailed(f"the trainer's net could not be read: {error!r}") from None
    if not isinstance(net, SafetyNet):
        raise TrainingFailed("the trainer sent something else than a net")
    net.judge("probe")  # a net of other code fails here, not in front of a person
    return net


class TrainingFailed(Exception):
    """The safety net could not be trained; the rules (or the previous net) keep judging."""


class _Trained:
    """Nets already trained in this process, by their examples: a reload that changed no
    example (an answer reworded) serves at once, and two slots of the same examples train
    once, one after the other, never side by side."""

    def __init__(self, keep: int = 1) -> None:
        self._keep = keep
        self._nets: dict[tuple[Example, ...], SafetyNet] = {}
        self._lock = threading.Lock()
        self._training = threading.Lock()

    def get(self, examples: tuple[Example, ...]) -> SafetyNet | None:
        with self._lock:
            return self._nets.get(examples)

    def train(self, examples: tuple[Example, ...]) -> SafetyNet:
        with self._training:
            net = self.get(examples)
            if net is None:
                net = train_apart(examples)
                with self._lock:
                    self._nets[examples] = net
                    while len(self._nets) > self._keep:
                        del self._nets[next(iter(self._nets))]
            return net


_TRAINED: Final = _Trained()


class NetSlot:
    """The net a knowledge snapshot serves with, trained once, in the background if asked.

    A reload builds a new slot that serves the previous net (`inherit`) until its own is
    trained, so answers never wait for training; the console, the CLI and the eval train at
    the first message instead (`current`).
    """

    def __init__(self, examples: Sequence[Example]) -> None:
        self.examples = tuple(examples)
        self._net: SafetyNet | None = None
        self._previous: SafetyNet | None = None
        self._lock = threading.Lock()
        self._background: threading.Thread | None = None
        self._failed = False

    def inherit(self, older: NetSlot | None) -> None:
        """Serve the older slot's net until this one is trained."""
        if older is not None:
            self._previous = older._net or older._previous

    def train_in_background(self) -> None:
        """Start training on a thread of its own (once); at once if these examples were
        trained already."""
        with self._lock:
            if self._net is not None or self._background is not None or not self.examples:
                return
            self._net = _TRAINED.get(self.examples)
            if self._net is not None:
                return
            self._background = threading.Thread(target=self.trained, name="safety-net",
                                                daemon=True)
            self._background.start()

    def trained(self) -> SafetyNet | None:
        """The net, training it now if that has not happened (None without examples, or
        when training failed: then it is not tried again for this snapshot)."""
        if self._net is None and self.examples and not self._failed:
            try:
                net = _TRAINED.train(self.examples)
            except Exception as error:  # never a reply lost to training: the rules judge
                self._failed = True
                log.error("safety net training failed; the rules judge alone",
                          extra={"reason": str(error)[:200]})
                return None
            with self._lock:
                self._net = self._net or net
        return self._net

    @property
    def current(self) -> SafetyNet | None:
        """The net to judge with now: while training runs in the background, the previous
        one (or none: the rules alone); otherwise trained at first use."""
        if self._net is not None:
            return self._net
        if self._background is not None or self._failed:
            # Trained, or being trained, off the answering path; never inline here.
            return self._net or self._previous
        return self.trained()
