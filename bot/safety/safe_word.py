"""The safe word: "SOS", "/sos", «көмек», «помогите» or "help" sent alone brings the crisis reply
at any moment, inside a flow or a safety plan too.

A person in danger may have no words for what is happening, or no time to write them; a short
word they can remember must be enough. Only a message that is nothing but such a word counts
("помогите с домашкой" is a question), give or take punctuation, a repeat ("sos sos"), a
"please" or a "me", and a typo in a long word.
"""

from __future__ import annotations

import re
from typing import Final

from rapidfuzz.distance import Levenshtein

from bot.language.normalize import fold
from bot.safety.crisis import detect_crisis

#: The words, per language as written; compared folded, so "комек" and "komek" count too.
SAFE_WORDS: Final = (
    "sos", "сос", "help", "need help", "помогите", "помоги", "спасите", "нужна помощь",
    "көмек", "көмек керек", "көмектесіңдер", "көмектесіңіз", "көмектесші", "құтқарыңдар",
)
#: Words that may stand around the safe word without making it a question.
FILLER: Final = ("please", "pls", "me", "i", "пожалуйста", "пж", "мне", "меня", "маған",
                 "өтінемін", "өтінем")
#: The one command among them ("/sos", "/sos@botname").
COMMAND: Final = "/sos"
#: Longer words forgive one typo ("помогитe", "комектесиндер").
TYPO_MIN = 6

_SAFE: Final = frozenset(fold(word) for word in SAFE_WORDS)
_FILLER: Final = frozenset(fold(word) for word in FILLER)
_COMMAND = re.compile(r"^/([a-z]+)(@\w+)?$", re.IGNORECASE)


def is_safe_word(text: str) -> bool:
    """Tell whether a message is the safe word alone."""
    stripped = text.strip()
    command = _COMMAND.match(stripped)
    if command is not None:
        return "/" + command.group(1).lower() == COMMAND
    words: list[str] = []
    for word in fold(stripped).split():
        if word not in _FILLER and (not words or words[-1] != word):
            words.append(word)
    if not words or len(words) > 2:
        return False
    said = " ".join(words)
    return said in _SAFE or (len(said) >= TYPO_MIN and any(
        Levenshtein.distance(said, safe, score_cutoff=1) <= 1 for safe in _SAFE
        if len(safe) >= TYPO_MIN))


def is_urgent(text: str) -> bool:
    """Tell whether a message must get the crisis reply before anything else: it speaks of a
    crisis, or it is the safe word."""
    return detect_crisis(text) is not None or is_safe_word(text)
