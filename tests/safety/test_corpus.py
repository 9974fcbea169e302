"""The safety corpus (tests/data/safety/corpus.yaml): crisis, risk and hard-negative messages by
kind and language, Kazakh in three scripts, written apart from the phrase lists to measure them.

Crisis recall is held at 1.00: every crisis message gets the crisis reply, in its form."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.evaluation import SafetyItem, read_safety
from bot.knowledge.base import KnowledgeBase
from bot.replies import answer

CORPUS = read_safety()


def label(item: SafetyItem) -> str:
    """A test id: tier, kind, language and the start of the message, folded to ASCII."""
    from bot.language.normalize import fold

    return f"{item.tier}-{item.kind}-{item.lang}-{fold(item.text)[:40]}"


def test_the_corpus_covers_every_kind_in_every_language_and_script() -> None:
    kinds = Counter((i.tier, i.kind, i.lang) for i in CORPUS)
    for tier, kind in (("crisis", "explicit"), ("crisis", "idiom"), ("crisis", "coded"),
                       ("crisis", "someone_else"), ("crisis", "hurt_now"),
                       ("crisis", "sexual_abuse"), ("check", "hint"), ("none", "hard_negative"),
                       ("none", "ordinary")):
        for lang in ("kk", "ru", "en"):
            assert kinds[(tier, kind, lang)] >= 5, (tier, kind, lang)
    scripts = {i.script for i in CORPUS if i.lang == "kk"}
    assert scripts == {"cyrillic", "keyboard", "latin"}


@pytest.mark.parametrize("item", [i for i in CORPUS if i.tier == "crisis"], ids=label)
def test_every_crisis_message_gets_the_crisis_reply_in_its_form(
        kb: KnowledgeBase, item: SafetyItem) -> None:
    reply = answer(kb, item.text)
    assert reply.kind == "crisis"
    assert item.form is not None
    form = kb.crisis.forms[item.form]  # type: ignore[index]
    # An adult writing of their child or pupil is addressed as an adult (сіз, вы).
    assert reply.text in (form.text(reply.lang, "teen"), form.text(reply.lang, "adult"))


@pytest.mark.parametrize("item", [i for i in CORPUS if i.tier == "check"], ids=label)
def test_every_hint_gets_the_safety_check_or_the_crisis_reply(
        kb: KnowledgeBase, item: SafetyItem) -> None:
    assert answer(kb, item.text).kind in ("check", "crisis")


@pytest.mark.parametrize("item", [i for i in CORPUS if i.tier == "none"], ids=label)
def test_ordinary_and_figurative_messages_raise_no_alarm(
        kb: KnowledgeBase, item: SafetyItem) -> None:
    assert answer(kb, item.text).kind not in ("check", "crisis")
