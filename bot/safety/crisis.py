"""Crisis detection: runs first on every message, whatever the matcher would say.

It never depends on the matcher's thresholds. A phrase of `phrases.PHRASES` is found when each
of its words stands in the message, in any order, within `WINDOW` words of each other. Words are
compared on the folded skeleton and forgive one typo (two in long words), so "хочю умереть",
"ölgim keledi" and "suicidal" all count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import Levenshtein

from bot.language.normalize import fold
from bot.safety.phrases import FAMILY_TOPIC, PHRASES, Family

#: How far apart (in words) the words of one phrase may stand.
WINDOW: Final = 6
#: Words at least this long forgive one typo; at least `LONG_WORD`, two.
TYPO_MIN, LONG_WORD = 5, 10


@dataclass(frozen=True)
class Term:
    """One word of a phrase: its alternatives, folded, each exact or a prefix."""

    options: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Phrase:
    """A crisis phrase of one family, as written in `phrases.py`."""

    family: Family
    lang: str
    text: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class CrisisHit:
    """A detected crisis: its family, the topic to offer, and the phrase that matched."""

    family: Family
    topic: str
    phrase: str


def _parse(family: Family, lang: str, text: str) -> Phrase:
    terms = []
    for word in text.split():
        options = []
        for option in word.split("|"):
            prefix = option.endswith("*")
            folded = fold(option.rstrip("*"))
            if len(folded.split()) != 1:
                # "self-harm" would fold to two words; the list must spell them apart.
                raise ValueError(f"crisis phrase {text!r}: {option!r} is not one word")
            options.append((folded, prefix))
        terms.append(Term(tuple(options)))
    return Phrase(family, lang, text, tuple(terms))


PHRASE_LIST: Final[tuple[Phrase, ...]] = tuple(
    _parse(family, lang, text)
    for family, by_lang in PHRASES.items()
    for lang, texts in by_lang.items()
    for text in texts
)
_TERMS: Final[tuple[Term, ...]] = tuple(dict.fromkeys(t for p in PHRASE_LIST for t in p.terms))


def _option_matches(word: str, option: str, prefix: bool) -> bool:
    if word == option or (prefix and word.startswith(option)):
        return True
    if len(option) < TYPO_MIN or len(word) < TYPO_MIN:
        # A short word with one letter changed is another word: "өлең" (a poem) is not "өлейін".
        return False
    allowed = 2 if len(option) >= LONG_WORD else 1
    if prefix:
        # The word's beginning against the stem, the typo possibly adding or dropping a letter.
        return any(Levenshtein.distance(word[: len(option) + d], option,
                                        score_cutoff=allowed) <= allowed for d in (-1, 0, 1))
    return Levenshtein.distance(word, option, score_cutoff=allowed) <= allowed


# Options by first letter: a typo in the very first letter is rare, and looking only at the
# options that share it keeps a 10,000-character message fast.
_BY_FIRST: Final[dict[str, tuple[tuple[Term, str, bool], ...]]] = {
    letter: tuple((t, o, p) for t in _TERMS for o, p in t.options if o[:1] == letter)
    for letter in {o[:1] for t in _TERMS for o, _ in t.options}
}


@lru_cache(maxsize=65536)
def _terms_of(word: str) -> frozenset[Term]:
    """The phrase words a message word stands for."""
    return frozenset(t for t, o, p in _BY_FIRST.get(word[:1], ()) if _option_matches(word, o, p))


def detect_crisis(text: str) -> CrisisHit | None:
    """Return the crisis a message speaks of, or None."""
    words = fold(text).split()
    if not words:
        return None
    positions: dict[Term, list[int]] = defaultdict(list)
    for i, word in enumerate(words):
        for term in _terms_of(word):
            positions[term].append(i)
    for phrase in PHRASE_LIST:
        if all(term in positions for term in phrase.terms) and _close(phrase, positions):
            return CrisisHit(phrase.family, FAMILY_TOPIC[phrase.family], phrase.text)
    return None


def _close(phrase: Phrase, positions: dict[Term, list[int]]) -> bool:
    """Tell whether the phrase's words stand within WINDOW of one another somewhere."""
    first, *rest = phrase.terms
    for start in positions[first]:
        if all(any(abs(p - start) <= WINDOW for p in positions[t]) for t in rest):
            return True
    return False
