"""Which language a message is written in: Kazakh, Russian or English.

Short messages, Kazakh typed on a Russian keyboard, Latin transliteration and mixed text are
the normal case here, so detection weighs evidence word by word:

* a letter only Kazakh has (ә ғ қ ң ө ұ ү һ і) is strong evidence for Kazakh;
* a Cyrillic word is looked up in Kazakh and Russian lexicons with Kazakh letters folded to their
  Russian-keyboard twins ("кенес" is found as "кеңес");
* a Latin word is looked up in English first, then, transliterated, in Kazakh and Russian;
* function words count more than content words; a word both languages share counts for little.

The lexicons are built from the knowledge base itself (every example, keyword, title and answer is
written in a known language) plus the function words of `stopwords`. When the evidence does not
decide, the person's chosen language wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.language import LANGS, Lang
from bot.language.normalize import KAZAKH_LETTERS, KAZAKH_TWINS, clean, fold_word
from bot.language.stopwords import STOPWORDS

_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_KAZAKH_LATIN = frozenset("áǵńóúıūý")

# Evidence weights. A function word is the surest sign of a language; a content word the
# knowledge base uses in only one language is good evidence; a Kazakh letter settles most cases.
KAZAKH_LETTER_WEIGHT = 2.0
FUNCTION_WORD_WEIGHT = 1.5
LEXICON_WEIGHT = 1.0
SHARED_WORD_WEIGHT = 0.2
SUFFIX_WEIGHT = 0.5
#: The languages written in Cyrillic (English words are looked up apart).
CYRILLIC_LANGS: tuple[Lang, ...] = ("kk", "ru")
LATIN_IN_CYRILLIC = 0.25
#: Less than this lead over the runner-up is "unsure": the person's chosen language wins.
SURE_MARGIN = 0.75

# Endings typical of one language, for Cyrillic words in no lexicon (Kazakh letters folded).
_KK_ENDINGS = ("нын", "нин", "дын", "дин", "тын", "тин", "мын", "мин", "пын", "пин", "сыз",
               "сиз", "лар", "лер", "дар", "дер", "тар", "тер", "ды", "ди", "уга", "уге", "дыр",
               "дир", "тыр", "тир", "майды", "мейди", "гым", "гим", "кым", "ким", "йды", "йди")
_RU_ENDINGS = ("ться", "тся", "ость", "ение", "ание", "ый", "ий", "ой", "ая", "ое", "ые", "ие",
               "ому", "ему", "ого", "его", "ешь", "ишь", "ют", "ят", "ать", "ять", "ить", "еть")


def _keyboard_fold(word: str) -> str:
    """Fold a Cyrillic word the way a Russian keyboard would type it."""
    return word.lower().replace("ё", "е").translate(KAZAKH_TWINS)


@dataclass(frozen=True)
class Lexicon:
    """Word forms known per language, in two foldings: keyboard (Cyrillic) and ASCII."""

    cyrillic: Mapping[Lang, frozenset[str]] = field(default_factory=dict)
    latin: Mapping[Lang, frozenset[str]] = field(default_factory=dict)
    function: Mapping[Lang, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, texts: Mapping[Lang, Iterable[str]]) -> Lexicon:
        """Build the lexicons from texts known to be in each language."""
        cyr: dict[Lang, set[str]] = {lang: set() for lang in LANGS}
        lat: dict[Lang, set[str]] = {lang: set() for lang in LANGS}
        for lang in LANGS:
            for text in texts.get(lang, ()):
                for word in _WORD.findall(text.lower()):
                    if len(word) < 2:
                        continue
                    if _CYRILLIC.search(word):
                        cyr[lang].add(_keyboard_fold(word))
                    if lang == "en":
                        lat[lang].add(word)
                    else:
                        lat[lang].add(fold_word(_keyboard_fold(word)))
        return cls(
            cyrillic={lang: frozenset(words) for lang, words in cyr.items()},
            latin={lang: frozenset(words) for lang, words in lat.items()},
            function=STOPWORDS,
        )


@dataclass(frozen=True)
class Detection:
    """The detected language, whether the evidence was clear, and the evidence per language."""

    lang: Lang
    sure: bool
    scores: Mapping[Lang, float]


def detect(text: str, lexicon: Lexicon, chosen: Lang | None, default: Lang = "ru") -> Detection:
    """Detect the language of a message; when unsure, prefer the person's chosen language."""
    scores: dict[Lang, float] = dict.fromkeys(LANGS, 0.0)
    words = _WORD.findall(clean(text).lower())
    cyrillic = [w for w in words if _CYRILLIC.search(w)]
    latin = [w for w in words if not _CYRILLIC.search(w)]
    for word in cyrillic:
        _score_cyrillic(word, lexicon, scores)
    # In a Cyrillic message, Latin words are mostly names ("onlinehealth", "WhatsApp", "covid"):
    # they count, but far less than the words around them.
    latin_share = LATIN_IN_CYRILLIC if cyrillic else 1.0
    for word in latin:
        latin_scores = dict.fromkeys(LANGS, 0.0)
        _score_latin(word, lexicon, latin_scores)
        for lang in LANGS:
            scores[lang] += latin_share * latin_scores[lang]
    latin_words = len(latin)

    # On a tie the default language ranks first: a tie is no evidence against it.
    ranked = sorted(LANGS, key=lambda lang: (scores[lang], lang == default), reverse=True)
    best, second = ranked[0], ranked[1]
    lead = scores[best] - scores[second]
    if scores[best] > 0 and lead >= SURE_MARGIN:
        return Detection(best, True, scores)
    if chosen is not None and (scores[best] <= 0 or scores[chosen] >= scores[best] - SURE_MARGIN):
        return Detection(chosen, False, scores)
    if scores[best] > 0:
        return Detection(best, False, scores)
    if words and latin_words == len(words):
        return Detection("en", False, scores)
    return Detection(default, False, scores)


def _score_cyrillic(word: str, lexicon: Lexicon, scores: dict[Lang, float]) -> None:
    if any(ch in KAZAKH_LETTERS for ch in word):
        scores["kk"] += KAZAKH_LETTER_WEIGHT
        return
    key = _keyboard_fold(word)
    ascii_key = fold_word(key)
    function = [lang for lang in CYRILLIC_LANGS if ascii_key in lexicon.function.get(lang, ())]
    if len(function) == 1:
        scores[function[0]] += FUNCTION_WORD_WEIGHT
        return
    if len(function) == 2:  # "да", "не": a function word of both languages tells neither
        scores["kk"] += SHARED_WORD_WEIGHT
        scores["ru"] += SHARED_WORD_WEIGHT
        return
    known = [lang for lang in CYRILLIC_LANGS if key in lexicon.cyrillic.get(lang, ())]
    if len(known) == 1:
        scores[known[0]] += LEXICON_WEIGHT
    elif len(known) == 2:
        for lang in known:
            scores[lang] += SHARED_WORD_WEIGHT
    elif len(key) >= 4:
        if key.endswith(_KK_ENDINGS):
            scores["kk"] += SUFFIX_WEIGHT
        if key.endswith(_RU_ENDINGS):
            scores["ru"] += SUFFIX_WEIGHT


def _score_latin(word: str, lexicon: Lexicon, scores: dict[Lang, float]) -> None:
    if any(ch in _KAZAKH_LATIN for ch in word):
        scores["kk"] += KAZAKH_LETTER_WEIGHT
        return
    if word in lexicon.function.get("en", ()) and len(word) > 1:
        scores["en"] += FUNCTION_WORD_WEIGHT
        return
    key = fold_word(word)
    if word in lexicon.latin.get("en", ()):
        # A name every language writes in Latin letters ("covid", "onlinehealth") tells little.
        shared = all(key in lexicon.latin.get(lang, ()) for lang in CYRILLIC_LANGS)
        scores["en"] += SHARED_WORD_WEIGHT if shared else LEXICON_WEIGHT
        return
    known = [lang for lang in CYRILLIC_LANGS if key in lexicon.latin.get(lang, ())]
    function = [lang for lang in CYRILLIC_LANGS if key in lexicon.function.get(lang, ())]
    if len(function) == 1 and len(key) > 2:
        scores[function[0]] += LEXICON_WEIGHT
    elif len(known) == 1:
        scores[known[0]] += LEXICON_WEIGHT
    elif len(known) == 2:
        for lang in known:
            scores[lang] += SHARED_WORD_WEIGHT
