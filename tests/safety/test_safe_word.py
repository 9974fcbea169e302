"""The safe word: a word alone brings the crisis reply; the same word in a question does not."""

from __future__ import annotations

import pytest

from bot.safety.safe_word import is_safe_word, is_urgent


@pytest.mark.parametrize("text", [
    "SOS", "sos", "Sos!", "/sos", "/sos@qoldau_bot", "sos sos sos", "СОС",
    "help", "HELP!!!", "help me", "please help", "хелп",
    "помогите", "Помогите!", "помогите пожалуйста", "помоги мне", "помогити", "спасите",
    "көмек", "Көмек!", "комек", "komek", "көмек керек", "көмектесіңдер", "маған көмектесіңіз",
])
def test_the_safe_word_alone_counts(text: str) -> None:
    assert is_safe_word(text)


@pytest.mark.parametrize("text", [
    "/help", "/start", "помогите с домашкой", "help me with my homework", "что такое sos",
    "помощь", "көмек желілері қандай", "спасибо", "", "   ", "😭", "sos помогите мне решить задачу",
])
def test_a_question_with_the_word_in_it_is_no_safe_word(text: str) -> None:
    assert not is_safe_word(text)


def test_urgent_means_a_crisis_or_the_safe_word() -> None:
    assert is_urgent("хочу умереть") and is_urgent("SOS")
    assert not is_urgent("как справиться со стрессом")
