"""Folding: a word matches however it was typed, in whichever script."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.language.normalize import (
    clean,
    fold,
    has_letters_or_digits,
    kazakh_letter_count,
    remove_format,
    tokens,
)
from bot.replies import answer


@pytest.mark.parametrize("spellings", [
    # Kazakh letters, a Russian keyboard without them, Latin transliteration.
    ("кеңес", "кенес", "kenes", "Кеңес", "КЕҢЕС"),
    ("қазақ", "казак", "qazaq", "kazak", "QAZAQ"),
    ("өмір", "омир", "omir", "ömir", "ómir"),
    ("сәлем", "салем", "salem", "sälem", "sálem"),
    ("жақсы", "жаксы", "jaqsy", "zhaksy", "jaksi"),
    ("шаршадым", "sharshadym", "şarşadym"),
    ("ұйықтай", "уйыктай", "uiyqtai", "ūiyqtai"),
    ("ағай", "агай", "aǵai", "ağai"),
    ("көңіл", "коңил", "kóńil", "köñil", "konil"),
    # Russian: ё and е, common Latin spellings of ж, ш, ч, ц, х, я, ю, й, ы.
    ("ребёнок", "ребенок", "rebenok"),
    ("жизнь", "zhizn", "jizn"),
    ("центр", "tsentr", "centr"),
    ("хорошо", "horosho", "khorosho"),
    ("семья", "semya", "semia"),
    ("подъезд", "podezd"),
    ("йога", "yoga", "ioga"),
    ("чат", "chat"),
])
def test_spellings_of_one_word_fold_alike(spellings: tuple[str, ...]) -> None:
    assert {fold(s) for s in spellings} == {fold(spellings[0])}, [fold(s) for s in spellings]


@pytest.mark.parametrize(("a", "b"), [
    ("ёлка", "елка"),
    ("Ёжик", "ежик"),
    ("всё", "все"),
])
def test_yo_is_e(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("typed", "meant"), [
    ("приввет", "привет"),
    ("телефоооон", "телефон"),
    ("helllo", "hello"),
    ("пжлст плиииз", "пжлст плиз"),
    # next to a digraph (ts, zh, sh ...) as well
    ("hitts", "hits"),
    ("beatss", "beats"),
    ("подъезжать", "podezhat"),
])
def test_doubled_letters_collapse(typed: str, meant: str) -> None:
    assert fold(typed) == fold(meant)


@pytest.mark.parametrize(("text", "words"), [
    ("150ге", ["150", "ge"]),
    ("1406-ға қоңырау", ["1406", "ga", "konirau"]),
    ("covid19", ["covid", "19"]),
    ("ковид-19", ["kovid", "19"]),
    ("116-16", ["116", "16"]),
])
def test_letters_and_digits_are_split(text: str, words: list[str]) -> None:
    assert tokens(text) == words


@pytest.mark.parametrize(("text", "folded"), [
    ("Привет!!! Как дела???", "privet kak dela"),
    ("«Кеңес» — керек...", "kenes kerek"),
    ("help, please :)", "help please"),
    ("💔 мне плохо 😭😭", "mne ploho"),
    ("👍", ""),
    ("snake_case-word", "snake case word"),
])
def test_fold_drops_punctuation_and_emoji(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_forgives_unicode_lookalikes() -> None:
    assert fold("Ｈｅｌｌｏ") == fold("hello")  # full-width letters
    assert fold("ﬁle") == fold("file")  # a ligature
    assert fold("и\u0306ога") == fold("йога")  # й typed as и + combining breve


@pytest.mark.parametrize(("text", "cleaned"), [
    ("a\x00b", "a b"),
    ("a\u2028b", "a b"),  # a line separator is a break between words
    ("стресс\u200b керек", "стресс керек"),  # zero-width space
    ("\ufeffсәлем", "сәлем"),  # byte-order mark
    ("hi\u202eereht", "hiereht"),  # right-to-left override: removed, not made a space
    ("  много   \t пробелов \n\n ", "много пробелов"),
    ("e\u0301", "\u00e9"),  # composed to NFC
])
def test_clean_removes_control_characters_and_extra_space(text: str, cleaned: str) -> None:
    assert clean(text) == cleaned


@pytest.mark.parametrize(("text", "cleaned"), [
    ("пси\u00adхолог", "психолог"),  # soft hyphen
    ("у\u200bмереть", "умереть"),  # zero-width space
    ("кө\u200cмек\u200d", "көмек"),  # zero-width non-joiner and joiner
    ("\u2066stress\u2069 \u2060help", "stress help"),  # isolates and word joiner
    ("жал\u180eғыз", "жалғыз"),  # Mongolian vowel separator
    ("sad\U000e0041", "sad"),  # a tag character
])
def test_clean_removes_format_characters_inside_words(text: str, cleaned: str) -> None:
    assert clean(text) == cleaned
    assert fold(text) == fold(cleaned)


def test_every_format_character_is_removed_and_nothing_else() -> None:
    """The list in normalize.py is the Unicode category Cf of this Python, no more, no less."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Cs":
            continue
        assert (remove_format(char) == "") is (unicodedata.category(char) == "Cf"), hex(code)


def test_a_soft_hyphen_hides_no_word_from_matching_or_the_crisis_reply(kb: KnowledgeBase) -> None:
    assert answer(kb, "одино\u00adчество", chosen="ru").topic == "loneliness"
    assert answer(kb, "хочу у\u00adме\u200bреть", chosen="ru").kind == "crisis"


def test_clean_keeps_what_a_person_wrote() -> None:
    """Punctuation and emoji stay in the text; only matching (fold) ignores them."""
    assert clean("Сәлем! 🙂 Как дела?") == "Сәлем! 🙂 Как дела?"


@pytest.mark.parametrize(("text", "readable"), [
    ("привет", True),
    ("150", True),
    ("😭😭😭", False),
    ("?!...", False),
    ("\x00\x01\x02", False),
    ("   ", False),
])
def test_has_letters_or_digits(text: str, readable: bool) -> None:
    assert has_letters_or_digits(clean(text)) is readable


def test_kazakh_letter_count() -> None:
    assert kazakh_letter_count("Қазақстан әке") == 3
    assert kazakh_letter_count("Казахстан") == 0
