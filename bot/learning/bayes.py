"""Complement Naive Bayes over TF-IDF features, fitted and scored in plain Python.

The model of Rennie et al. (2003), as scikit-learn's `ComplementNB` computes it: a class is
scored by how unlike the *other* classes the message is, which holds up when classes have few
and uneven examples (a crisis class of hundreds beside everyday messages of thousands).

For class c and feature f, with x_f the message's TF-IDF weight (sublinear tf, L2-normalised):

    score_c = sum_f x_f * (log T_c - log(N_f - n_cf + a))

where n_cf is the weight of f in the examples of c, N_f its weight in all examples, T_c the
complement's total and `a` the smoothing. Split as

    score_c = log T_c * sum_f x_f  -  sum_f x_f * log(N_f + a)  +  sum_f x_f * d_cf,
    d_cf = log(N_f + a) - log(N_f - n_cf + a),

the middle sum is the same for every class and is dropped, and d_cf is zero wherever c has not
seen f: each feature keeps a row of d_cf, one per class, and a message costs one look-up per
feature. Evidence that is tiny (a feature spread over many classes says nothing of any one of
them) is cut to zero at `MIN_EVIDENCE`.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

#: Smoothing of the counts.
ALPHA: Final = 0.3
#: Evidence under this is set to zero.
MIN_EVIDENCE: Final = 0.02
#: Features seen in fewer examples than this are not kept: they would cost memory, not help.
MIN_EXAMPLES: Final = 2

Vector = dict[str, float]


@dataclass(frozen=True)
class Model:
    """A fitted model: the classes, each feature's row, and per row its idf and the evidence
    for each class, in flat arrays (a dict of tuples per feature cost seven times the memory:
    28 MB for the safety net's three models, 4 MB so)."""

    classes: tuple[str, ...]
    #: feature -> its row in `idf` and in `evidence` (rows of len(classes) numbers)
    rows: Mapping[str, int]
    idf: array[float]
    evidence: array[float]
    #: log T_c, multiplied by the message's total weight.
    prior: tuple[float, ...]

    def scores(self, found: Mapping[str, int]) -> list[float]:
        """The score of each class for a message's features (higher is closer)."""
        rows, idf, evidence = self.rows, self.idf, self.evidence
        known = [(r, (1.0 + math.log(n)) * idf[r]) for f, n in found.items()
                 if (r := rows.get(f)) is not None]
        norm = math.sqrt(sum(w * w for _, w in known)) or 1.0
        size = len(self.classes)
        totals = [0.0] * size
        mass = 0.0
        for r, w in known:
            w /= norm
            mass += w
            at = r * size
            for c in range(size):
                totals[c] += w * evidence[at + c]
        return [t + p * mass for t, p in zip(totals, self.prior, strict=True)]

    def margin(self, found: Mapping[str, int], label: str) -> float:
        """How far the class `label` leads the best other class (negative when behind)."""
        scores = self.scores(found)
        mine = scores[self.classes.index(label)]
        return mine - max(s for i, s in enumerate(scores) if self.classes[i] != label)

    def best(self, found: Mapping[str, int]) -> tuple[str, float]:
        """The best class and its lead over the runner-up."""
        scores = self.scores(found)
        ranked = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
        lead = scores[ranked[0]] - scores[ranked[1]] if len(ranked) > 1 else 0.0
        return self.classes[ranked[0]], lead


@dataclass(frozen=True)
class SparseModel:
    """A fitted model with only the evidence that is not zero, for many classes: each row
    keeps the classes it speaks for (a topic model of 46 classes keeps one in ten), so a
    message costs a look-up per feature and per class it names, not per class there is."""

    classes: tuple[str, ...]
    rows: Mapping[str, int]
    idf: array[float]
    #: Row r's classes and evidence are `columns[starts[r]:starts[r + 1]]` and `values`.
    starts: array[int]
    columns: array[int]
    values: array[float]
    prior: tuple[float, ...]

    @classmethod
    def of(cls, model: Model) -> SparseModel:
        """The same model, its zeros left out."""
        size = len(model.classes)
        starts, columns, values = array("I", [0]), array("H"), array("f")
        for r in range(len(model.idf)):
            at = r * size
            for c in range(size):
                if d := model.evidence[at + c]:
                    columns.append(c)
                    values.append(d)
            starts.append(len(columns))
        return cls(model.classes, model.rows, model.idf, starts, columns, values, model.prior)

    def scores(self, found: Mapping[str, int]) -> list[float]:
        """The score of each class for a message's features (as `Model.scores`)."""
        rows, idf, starts, columns, values = (self.rows, self.idf, self.starts, self.columns,
                                              self.values)
        known = [(r, (1.0 + math.log(n)) * idf[r]) for f, n in found.items()
                 if (r := rows.get(f)) is not None]
        norm = math.sqrt(sum(w * w for _, w in known)) or 1.0
        totals = [0.0] * len(self.classes)
        mass = 0.0
        for r, w in known:
            w /= norm
            mass += w
            for i in range(starts[r], starts[r + 1]):
                totals[columns[i]] += w * values[i]
        return [t + p * mass for t, p in zip(totals, self.prior, strict=True)]


def idf_of(docs: Iterable[Mapping[str, int]]) -> dict[str, float]:
    """Smoothed inverse document frequency of the features seen in at least `MIN_EXAMPLES`."""
    df: Counter[str] = Counter()
    n = 0
    for doc in docs:
        df.update(doc.keys())
        n += 1
    return {f: math.log((1 + n) / (1 + k)) + 1.0 for f, k in df.items() if k >= MIN_EXAMPLES}


def vector(found: Mapping[str, int], idf: Mapping[str, float]) -> Vector:
    """A message's TF-IDF weights over the known features, L2-normalised."""
    weights = {f: (1.0 + math.log(n)) * idf[f] for f, n in found.items() if f in idf}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {f: w / norm for f, w in weights.items()}


def class_sums(vectors: Sequence[Vector], labels: Sequence[int], size: int
               ) -> list[defaultdict[str, float]]:
    """The summed weight of each feature in each class."""
    sums: list[defaultdict[str, float]] = [defaultdict(float) for _ in range(size)]
    for vec, label in zip(vectors, labels, strict=True):
        into = sums[label]
        for f, w in vec.items():
            into[f] += w
    return sums


def fit(classes: Sequence[str], idf: Mapping[str, float],
        sums: Sequence[Mapping[str, float]]) -> Model:
    """The model of per-class feature sums (see `class_sums`)."""
    total: defaultdict[str, float] = defaultdict(float)
    for per_class in sums:
        for f, w in per_class.items():
            total[f] += w
    vocabulary = len(idf)
    grand = sum(total.values())
    prior = tuple(math.log(grand - sum(per_class.values()) + ALPHA * vocabulary)
                  for per_class in sums)
    features = [f for f in idf if f in total]
    rows = {sys.intern(f): r for r, f in enumerate(features)}
    size = len(classes)
    evidence = array("f", bytes(4 * size * len(features)))
    for c, per_class in enumerate(sums):
        for f, n in per_class.items():
            r = rows.get(f)
            if r is None:
                continue
            everything = total[f] + ALPHA
            d = math.log(everything) - math.log(everything - n)
            if d >= MIN_EVIDENCE:
                evidence[r * size + c] = d
    return Model(tuple(classes), rows, array("d", (idf[f] for f in features)), evidence, prior)


def train(classes: Sequence[str], docs: Sequence[Mapping[str, int]], labels: Sequence[int]
          ) -> Model:
    """Fit a model on examples' features and class indices."""
    idf = idf_of(docs)
    vectors = [vector(doc, idf) for doc in docs]
    return fit(classes, idf, class_sums(vectors, labels, len(classes)))
