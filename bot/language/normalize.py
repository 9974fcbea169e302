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
#: Control characters (category Cc) and the line and paragraph separators: each is a break
#: between words, so it becomes a space.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: Format characters (category Cf, Unicode 14 as in Python 3.11; a test checks the list against
#: `unicodedata`): soft hyphens, zero-width spaces and joiners, direction marks, the byte-order
#: mark, tags. They show nothing, so they are removed, not made a space: "су\u00adицид" and
#: "у\u200bмереть" are the words they look like, whether pasted from a web page or typed to hide
#: a word from a filter.
FORMAT_CHARACTERS = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
                     "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
                     "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
                     "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """Return the text in NFC without format characters (soft hyphens, zero-width ones), with
    control characters made spaces and white space collapsed."""
    text = unicodedata.normalize("NFC", remove_format(text))
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def remove_format(text: str) -> str:
    """The text without its invisible format characters (Unicode category Cf)."""
    return FORMAT_CHARACTERS.sub("", text)


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
    # Format characters first: a soft hyphen or a zero-width space inside a word must not
    # split it (the knowledge files are folded without `clean`).
    lowered = _SIGN_APOSTROPHE.sub("", unicodedata.normalize("NFKC", remove_format(text)).lower())
    # Fold word by word (cached); anything that is not a letter or digit separates words.
    parts = re.split(r"[^\w]+|_", lowered)
    return " ".join(fold_word(p) for p in parts if p)
