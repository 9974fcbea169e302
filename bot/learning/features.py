"""What a learned model reads of a message: character n-grams and word stems of the fold.

The fold (`bot.language.normalize.fold`) already brings Kazakh, Russian and English, Cyrillic,
Latin and keyboard-Kazakh to one ASCII skeleton, so «өлгім», «олгим» and "olgim" are the same
word here. On it:

- character 3- to 5-grams of each word padded with spaces: typos, endings and new words that
  share a root still meet ("kazinoga", "kazino");
- word stems, cut at five letters and with Kazakh and Russian endings stripped (`stem`), alone
  and in pairs: "не хочу жить" and «өмір сүргім келмейді» are phrases, not letters.

Only the head and the tail of a long message are read (`HEAD_CHARS`, `TAIL_CHARS`): what a
model weighs is there, and reading all of a 10,000-character message would cost time for
nothing. The phrase rules read the whole of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Final

from bot.language.contacts import replace_contacts
from bot.language.normalize import fold
from bot.learning.bayes import idf_of

#: How much of a long folded message the models read: its start, and its end (a farewell or
#: a plan often closes a long story).
HEAD_CHARS: Final = 360
TAIL_CHARS: Final = 140
#: The character n-gram lengths.
GRAM_SIZES: Final = (3, 4, 5)
#: Stems are cut to this many letters.
STEM_LETTERS: Final = 5

#: Endings stripped from folded words, longest first: Kazakh case, plural, possessive and verb
#: endings (folded: «ға» is "ga", «ды» is "di"), and common Russian ones. The stem keeps at
#: least `MIN_STEM` letters, so short words are left whole.
_ENDING_WORDS: Final = """
    lardin lerdin dardin derdin tardin terdin larga lerge darga derge targa terge
    larim lerim larin lerin lari leri dari deri tari teri lar ler dar der tar ter
    dan den tan ten nan nen ga ge ka ke na ne da de ta te di ti ni in nin din tin
    men ben pen im mi si i gan gen kan ken ip p atin etin iti ytin amin emin
    gim kim gin kin gisi kisi
    ami ais aia aet at et it ut ia ie ii oi ei ih ov ev om em ah ax ogo ego omu emu oe ye
"""
_ENDINGS: Final = tuple(sorted(set(_ENDING_WORDS.split()), key=len, reverse=True))
MIN_STEM: Final = 3


def stem(word: str) -> str:
    """A folded word without its ending (at most two endings, stem of three letters or more)."""
    return _stem(word)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    for _ in range(2):
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                word = word[: -len(ending)]
                break
        else:
            break
    return word[:STEM_LETTERS]


def window(folded: str) -> str:
    """The part of a folded message the models read."""
    if len(folded) <= HEAD_CHARS + TAIL_CHARS:
        return folded
    return folded[:HEAD_CHARS] + " " + folded[-TAIL_CHARS:]


def features(folded: str) -> Counter[str]:
    """The features of a folded message and how often each occurs."""
    words = window(folded).split()
    padded = [f" {w} " for w in words]
    found = [p[i:i + size] for size in GRAM_SIZES for p in padded
             for i in range(len(p) - size + 1)]
    stems = [_stem(w) for w in words]
    found += ["w:" + s for s in stems]
    found += [f"b:{a}_{b}" for a, b in pairwise(stems)]
    return Counter(found)


def read(text: str) -> str:
    """What a model reads of a message: its fold, without links, e-mails, @handles and phone
    numbers."""
    return fold(replace_contacts(text))


def table(folded: Sequence[str]) -> tuple[dict[str, float], list[Counter[str]]]:
    """The idf of the features kept (`bayes.idf_of`), and each text's kept features.

    Two passes: which features are kept, then each text's kept features, each string held
    once. Held all at once, 9,500 examples' own n-gram strings were most of training's memory
    (peak 376 MB)."""
    idf = idf_of(features(text) for text in folded)
    same = {f: f for f in idf}
    return idf, [Counter({same[f]: n for f, n in features(text).items() if f in same})
                 for text in folded]
