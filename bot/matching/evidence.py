"""Topic evidence: which topic a whole message's words point to, however long it is.

The three measures of `index.py` ask how well the message is *covered* by one example or one
topic. A story of four sentences is never covered well: most of its words are about the person's
day, and its share of topic words is small even when every topic word in it points the same way.
This measure adds up instead of dividing: a multinomial naive Bayes over folded word stems (the
first `STEM` letters), trained on every example, keyword and title. Each stem adds how much more
often it is written in a topic than in the knowledge base as a whole, so "умер" and "похороны"
add up to grief whatever else the message says. The result is a probability over topics.

It ranks well (on the long development messages it puts the right topic first more often than
the coverage measures) but it is sure of itself even for a message about cooking: it never
decides alone. `index.py` adds a share of it to the coverage score.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.language.stopwords import ALL_STOPWORDS

#: Letters kept of each word: Russian and Kazakh endings fall away ("тревогой", "тревожно" →
#: "trevo"), five being what worked best on the development messages (four merges too many words,
#: six keeps too many endings).
STEM = 5
#: Added to every count, so a stem a topic never uses costs that topic, but not infinitely.
SMOOTHING = 0.1
#: A keyword or title was chosen to point to its topic: it counts this many examples.
CURATED_WEIGHT = 2
#: The probability is softmax(log-likelihood / TEMPERATURE).
TEMPERATURE = 1.0
#: Evidence needs this many known stems to count in full: one or two words ("погода") are not
#: evidence of anything, however sure the arithmetic is.
FULL_EVIDENCE = 4


def stems(words: Iterable[str]) -> list[str]:
    """Stems of the folded words that carry meaning (no function words, no numbers)."""
    return [w[:STEM] for w in words if len(w) > 1 and not w.isdigit() and w not in ALL_STOPWORDS]


@dataclass(frozen=True)
class Evidence:
    """Log-probabilities of stems per topic, built once with the index."""

    #: stem -> topic -> log P(stem | topic), only where the topic uses the stem.
    present: Mapping[str, Mapping[str, float]]
    #: topic -> log P(a stem the topic never uses | topic).
    absent: Mapping[str, float]

    @classmethod
    def build(cls, docs: Iterable[tuple[str, Sequence[str], bool]]) -> Evidence:
        """Count stems per topic from (topic, folded words, curated) documents."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for topic, words, curated in docs:
            for stem in set(stems(words)):
                counts[topic][stem] += CURATED_WEIGHT if curated else 1
        vocabulary = {s for c in counts.values() for s in c}
        size = max(len(vocabulary), 1)
        totals = {t: sum(c.values()) + SMOOTHING * size for t, c in counts.items()}
        present: dict[str, dict[str, float]] = defaultdict(dict)
        for topic, counter in counts.items():
            for stem, n in counter.items():
                present[stem][topic] = math.log((n + SMOOTHING) / totals[topic])
        absent = {t: math.log(SMOOTHING / total) for t, total in totals.items()}
        return cls(dict(present), absent)

    def weights(self, words: Sequence[str]) -> dict[str, float]:
        """P(topic | the message's known stems), scaled down when fewer than FULL_EVIDENCE
        stems are known; empty when none is."""
        known = [s for s in stems(words) if s in self.present]
        scale = min(1.0, len(known) / FULL_EVIDENCE)
        return {t: p * scale for t, p in self.probabilities(known).items()}

    def probabilities(self, words: Sequence[str]) -> dict[str, float]:
        """P(topic | the message's known stems); empty when no stem is known."""
        known = [s for s in stems(words) if s in self.present]
        if not known:
            return {}
        score = {t: len(known) * a for t, a in self.absent.items()}
        for stem in known:
            for topic, logp in self.present[stem].items():
                score[topic] += logp - self.absent[topic]
        top = max(score.values())
        weights = {t: math.exp((v - top) / TEMPERATURE) for t, v in score.items()}
        total = sum(weights.values())
        return {t: w / total for t, w in weights.items()}
