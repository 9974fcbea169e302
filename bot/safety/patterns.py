"""Phrases written as people write them, and finding them in a message.

A phrase is words separated by spaces, alternatives by `|`, and a word ending in `*` matches any
ending (Russian and Kazakh change endings: "умереть", "умру", "умираю"), and a word ending in `!`
forgives no typo (short words whose one-letter neighbours mean something else: "rape" is not
"race"). The words of a phrase may
stand in any order, within `WINDOW` words of each other, so "жить не хочу" is "не хочу жить".
Everything is folded like the matcher folds it (see `bot.language.normalize`), so Kazakh typed on a
Russian keyboard and Latin transliteration ("hochu umeret", "olgim keledi") are caught by the same
lines, and small typos are tolerated: one in a word of eight letters or more, two from ten.

Crisis families (`phrases.py`), the hints that ask for the safety check (`hints.py`) and the
figures of speech that must not alarm ("умираю со смеху", `phrases.HYPERBOLE`) are all written
this way and found by one `PhraseSet`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Generic, TypeVar

from rapidfuzz.distance import Levenshtein

from bot.language.normalize import fold

#: How far apart (in words) the words of one phrase may stand.
WINDOW: Final = 6
#: Words at least this long forgive one typo; at least `LONG_WORD`, two. Shorter words have
#: too many neighbours: «өлеңін» (a poem) is one letter from «өлемін», «қорқып» (afraid)
#: from «қорқыт» (threaten), «привет» from «прибьёт»; a scan of every word of the knowledge
#: base found such pairs down to seven letters.
TYPO_MIN, LONG_WORD = 8, 10

K = TypeVar("K", bound=str)


@dataclass(frozen=True)
class Term:
    """One word of a phrase: its alternatives, folded, each a prefix or not, typos or not."""

    options: tuple[tuple[str, bool, bool], ...]


@dataclass(frozen=True)
class Phrase(Generic[K]):
    """A phrase of one kind (a crisis family, a hint, a figure of speech) in one language."""

    kind: K
    lang: str
    text: str
    terms: tuple[Term, ...]

    @property
    def family(self) -> K:
        """The kind of the phrase (for crisis phrases, their family)."""
        return self.kind


@dataclass(frozen=True)
class Found(Generic[K]):
    """A phrase found in a message, and the positions of the words that make it up."""

    phrase: Phrase[K]
    positions: tuple[int, ...]


def parse(kind: K, lang: str, text: str) -> Phrase[K]:
    """Turn one written phrase into its folded terms (ValueError if an option is two words)."""
    terms = []
    for word in text.split():
        options = []
        for option in word.split("|"):
            exact = option.endswith("!")
            prefix = option.rstrip("!").endswith("*")
            folded = fold(option.rstrip("*!"))
            if len(folded.split()) != 1:
                # "self-harm" would fold to two words; the list must spell them apart.
                raise ValueError(f"phrase {text!r}: {option!r} is not one word")
            options.append((folded, prefix, exact))
        terms.append(Term(tuple(options)))
    return Phrase(kind, lang, text, tuple(terms))


def parse_all(phrases: Mapping[K, Mapping[str, Sequence[str]]]) -> tuple[Phrase[K], ...]:
    """Parse a table of kind -> language -> phrases, in order."""
    return tuple(parse(kind, lang, text) for kind, by_lang in phrases.items()
                 for lang, texts in by_lang.items() for text in texts)


def option_matches(word: str, option: str, prefix: bool, exact: bool = False) -> bool:
    """Tell whether a message word is this option, forgiving a typo in a long word."""
    if word == option or (prefix and word.startswith(option)):
        return True
    if exact or len(option) < TYPO_MIN or len(word) < TYPO_MIN:
        # A short word with one letter changed is another word: "өлең" (a poem) is not "өлейін".
        return False
    allowed = 2 if len(option) >= LONG_WORD else 1
    if prefix:
        # The word's beginning against the stem, the typo possibly adding or dropping a letter.
        return any(Levenshtein.distance(word[: len(option) + d], option,
                                        score_cutoff=allowed) <= allowed for d in (-1, 0, 1))
    return Levenshtein.distance(word, option, score_cutoff=allowed) <= allowed


class PhraseSet(Generic[K]):
    """A list of phrases, ready to be found in folded messages."""

    def __init__(self, phrases: Iterable[Phrase[K]]) -> None:
        self.phrases = tuple(phrases)
        terms = tuple(dict.fromkeys(t for p in self.phrases for t in p.terms))
        # Options by first letter: a typo in the very first letter is rare, and looking only at
        # the options that share it keeps a 10,000-character message fast.
        by_first: dict[str, list[tuple[Term, str, bool, bool]]] = defaultdict(list)
        for term in terms:
            for option, prefix, exact in term.options:
                by_first[option[:1]].append((term, option, prefix, exact))
        self._by_first = {letter: tuple(entries) for letter, entries in by_first.items()}
        self.terms_of = lru_cache(maxsize=65536)(self._terms_of)
        # Each phrase under its first word: a message is tried only against the phrases whose
        # first word it has, not against the whole list.
        starting: dict[Term, list[int]] = defaultdict(list)
        for i, phrase in enumerate(self.phrases):
            starting[phrase.terms[0]].append(i)
        self._starting = {term: tuple(ids) for term, ids in starting.items()}

    def _terms_of(self, word: str) -> frozenset[Term]:
        """The phrase words a message word stands for."""
        return frozenset(t for t, o, p, e in self._by_first.get(word[:1], ())
                         if option_matches(word, o, p, e))

    def find(self, words: Sequence[str], skip: frozenset[int] = frozenset()
             ) -> list[Found[K]]:
        """Every phrase that stands in the words, in list order; words at `skip` don't count."""
        positions: dict[Term, list[int]] = defaultdict(list)
        for i, word in enumerate(words):
            if i not in skip:
                for term in self.terms_of(word):
                    positions[term].append(i)
        found = []
        tried = sorted(i for term in positions for i in self._starting.get(term, ()))
        for phrase in (self.phrases[i] for i in tried):  # in list order
            if all(term in positions for term in phrase.terms):
                at = _close(phrase.terms, positions)
                if at is not None:
                    found.append(Found(phrase, at))
        return found


def _close(terms: tuple[Term, ...], positions: Mapping[Term, list[int]]
           ) -> tuple[int, ...] | None:
    """Positions of the phrase's words standing within WINDOW of its first word, if any."""
    first, *rest = terms
    for start in positions[first]:
        at = [start]
        for term in rest:
            near = [p for p in positions[term] if abs(p - start) <= WINDOW]
            if not near:
                break
            at.append(min(near, key=lambda p: abs(p - start)))
        else:
            return tuple(at)
    return None
