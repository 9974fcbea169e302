"""Redaction keeps names out of realistic messages (tests/data/redaction.yaml): names, places,
schools and classes in Kazakh, Russian and English, Cyrillic and Latin, given in passing."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.insight.redact import redact, vocabulary
from bot.knowledge.base import KnowledgeBase
from tests.conftest import TEST_DATA

MESSAGES: list[dict[str, Any]] = yaml.safe_load(
    (TEST_DATA / "redaction.yaml").read_text(encoding="utf-8"))


def has_word(text: str, word: str) -> bool:
    """Whether a word stands in the text as a whole word, in any case."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("message", MESSAGES, ids=[m["text"][:40] for m in MESSAGES])
def test_names_places_schools_and_classes_are_gone(message: dict[str, Any],
                                                    kb: KnowledgeBase) -> None:
    kept = redact(message["text"], vocabulary(kb))
    assert [word for word in message["gone"] if has_word(kept, str(word))] == [], kept
    assert [word for word in message["kept"] if not has_word(kept, str(word))] == [], kept
    assert not any(ch.isdigit() for ch in kept)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
def test_any_text_is_redacted_without_error_or_digits(text: str) -> None:
    kept = redact(text, frozenset({"ent", "stres*"}))
    assert not any(ch in "0123456789" for ch in kept)
