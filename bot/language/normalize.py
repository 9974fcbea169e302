"""Text cleaning and script folding.

Every comparison in the bot happens on a *skeleton*: lower case, one ASCII alphabet for Cyrillic,
Kazakh Cyrillic, Kazakh Latin and English, and doubled letters collapsed. "Кеңес", "кенес" and
"kenes" all fold to the same skeleton, so a question matches in whatever script it was typed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Kazakh letters absent from the Russian keyboard, and what people type instead.
KAZAKH_TWINS = str.maketrans("әғқңөұүһі", "агкноуухи")
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

# Cyrillic (after the Kazakh twins) to ASCII. Chosen to meet the common ways people
# transliterate Russian and Kazakh by hand ("zh", "sh", "ch", "ya", "yu").
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}
# Kazakh Latin alphabets (2017-2021 variants) and other Latin diacritics.
_LATIN = {
    "á": "a", "ä": "a", "ǵ": "g", "ğ": "g", "ı": "i", "í": "i", "ń": "n", "ñ": "n",
    "ó": "o", "ö": "o", "ú": "u", "ü": "u", "ū": "u", "ý": "y", "ş": "sh", "ç": "ch",
    "é": "e", "è": "e", "q": "k",
}
_TO_ASCII = str.maketrans({**_CYRILLIC, **_LATIN})

# After transliteration, digraphs become one letter so that "zh"/"j", "kh"/"h", "ts"/"c"
# and "sh"/"ch" spelled either way meet, and "y" and "i" (ы/и/й) are one vowel.
_DIGRAPHS = (("shch", "w"), ("sh", "w"), ("ch", "c"), ("zh", "j"), ("kh", "h"), ("ts", "c"),
             ("x", "h"), ("y", "i"))
_DOUBLED = re.compile(r"([a-z])\1+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Return the text in NFC with control characters removed and white space collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def has_letters_or_digits(text: str) -> bool:
    """Tell whether a text holds anything to read (not only emoji, punctuation or space)."""
    return any(ch.isalnum() for ch in text)


def kazakh_letter_count(text: str) -> int:
    """Count letters that only Kazakh uses (ә ғ қ ң ө ұ ү һ і)."""
    return sum(1 for ch in text if ch in KAZAKH_LETTERS)


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """Fold one lower-case word to its ASCII skeleton."""
    # Collapse doubled letters before the digraphs too, or "hitts" ("hi" + "ts" + "s") would
    # not meet "hits", nor "подъезжать" ("zzh") meet "podezhat".
    word = _DOUBLED.sub(r"\1", word.translate(KAZAKH_TWINS).translate(_TO_ASCII))
    # Until nothing changes: a replacement can make a new digraph ("skh" -> "sh" -> "w",
    # "sx" -> "sh"), and "iskhod" must meet "исход". Each pass shortens the word or ends.
    folded = None
    while folded != word:
        folded = word
        for digraph, single in _DIGRAPHS:
            word = word.replace(digraph, single)
        word = _DOUBLED.sub(r"\1", word)
    return word


def fold(text: str) -> str:
    """Fold a text to its skeleton: words of a-z and 0-9 separated by single spaces."""
    words = _LETTER_DIGIT.sub(" ", _NOT_WORD.sub(" ", _split_words(text))).split()
    return " ".join(words)


def tokens(text: str) -> list[str]:
    """Split a text into folded words."""
    return fold(text).split()


#: An apostrophe for the Russian soft or hard sign in Latin transliteration ("b'yut", "sem'ya"),
#: dropped as the sign is: a consonant before it, a vowel after. "don't" and "I'm" keep theirs.
_SIGN_APOSTROPHE = re.compile(r"(?<=[bcdfgjklmnpqrstvwxz])['’ʼ](?=[aeiouy])")


def _split_words(text: str) -> str:
    lowered = _SIGN_APOSTROPHE.sub("", unicodedata.normalize("NFKC", text).lower())
    # Fold word by word (cached); anything that is not a letter or digit separates words.
    parts = re.split(r"[^\w]+|_", lowered)
    return " ".join(fold_word(p) for p in parts if p)
