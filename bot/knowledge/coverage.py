"""How complete the knowledge is: registry entries checked lately, and every language of a topic
about as rich as its richest. `qoldau lint` warns by these rules and the report marks by them,
so the two never disagree."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.knowledge.base import Hotline
from bot.knowledge.topic import Topic
from bot.language import LANGS, Lang
from bot.language.normalize import FORMAT_CHARACTERS

#: A registry entry checked longer ago than this may have changed: check it again.
STALE_AFTER_DAYS = 180
#: A language with fewer examples (or keywords) than this share of the topic's richest language
#: is a thin translation: people asking in it are understood less surely.
THIN_SHARE = 0.6

Field = Literal["examples", "keywords"]
FIELDS: tuple[Field, ...] = ("examples", "keywords")


def days_since_verified(hotline: Hotline, today: date) -> int:
    """How many days ago the entry was last checked against its source."""
    return (today - hotline.verified).days


def is_stale(hotline: Hotline, today: date) -> bool:
    """Whether the entry was last checked more than STALE_AFTER_DAYS ago."""
    return days_since_verified(hotline, today) > STALE_AFTER_DAYS


def counts(topic: Topic) -> dict[Lang, dict[Field, int]]:
    """How many examples and keywords the topic has in each language."""
    return {lang: {field: len(getattr(topic.texts[lang], field)) for field in FIELDS}
            for lang in LANGS}


@dataclass(frozen=True)
class Gap:
    """A language in which a topic has far fewer examples or keywords than in another."""

    topic: str
    lang: Lang
    field: Field
    count: int
    richest: Lang
    richest_count: int


def translation_gaps(topic: Topic) -> list[Gap]:
    """The languages thinner than THIN_SHARE of the topic's richest, per field."""
    by_lang = counts(topic)
    gaps = []
    for field in FIELDS:
        richest = max(LANGS, key=lambda lang: by_lang[lang][field])
        most = by_lang[richest][field]
        gaps += [Gap(topic.id, lang, field, by_lang[lang][field], richest, most)
                 for lang in LANGS if by_lang[lang][field] < THIN_SHARE * most]
    return gaps


@dataclass(frozen=True)
class Invisible:
    """An invisible format character (a soft hyphen, a zero-width space …) in a text."""

    line: int
    column: int
    char: str

    @property
    def name(self) -> str:
        """The character's code point and Unicode name, as U+00AD SOFT HYPHEN."""
        return f"U+{ord(self.char):04X} {unicodedata.name(self.char, 'FORMAT CHARACTER')}"


def invisible_characters(text: str) -> list[Invisible]:
    """Every format character (Unicode category Cf) in a file's text, with line and column
    (1-based); a byte-order mark opening the file is the file's, not the text's, and a zero-width
    joiner inside an emoji (🤦‍♀️, 👨‍👩‍👧) is the emoji's."""
    found = []
    for match in FORMAT_CHARACTERS.finditer(text):
        char, offset = match.group(), match.start()
        if offset == 0 and char == "\ufeff":
            continue
        if char == "\u200d" and 0 < offset < len(text) - 1 and _emoji_part(text[offset - 1]) \
                and _emoji_part(text[offset + 1]):
            continue
        line = text.count("\n", 0, offset) + 1
        found.append(Invisible(line, offset - text.rfind("\n", 0, offset), char))
    return found


def _emoji_part(char: str) -> bool:
    """A pictograph, a skin tone or a variation selector: what a joined emoji is made of."""
    return unicodedata.category(char) == "So" or "\U0001f3fb" <= char <= "\U0001f3ff" or (
        char == "\ufe0f")
