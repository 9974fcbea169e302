"""Language detection: the reply comes in the language the person wrote in."""

from __future__ import annotations

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.language import Lang
from bot.language.detect import detect
from bot.language.normalize import fold


def readable(value: object) -> str | None:
    """Test ids in ASCII: text in other scripts as its folded skeleton ("анам" -> "anam")."""
    if not isinstance(value, str) or value.isascii():
        return None
    return fold(value) or None


CLEAR = [
    # Kazakh with its own letters.
    ("Маған психологпен сөйлесу керек", "kk"),
    ("Баламмен қалай сөйлесемін", "kk"),
    ("Мен қатты шаршадым, не істеймін", "kk"),
    ("Қазақстанда психолог кеңесі тегін бе", "kk"),
    # Kazakh on a Russian keyboard (no ә ғ қ ң ө ұ ү һ і).
    ("маган психологпен сойлесу керек", "kk"),
    ("баламмен калай сойлесемин", "kk"),
    ("кайда хабарласуга болады", "kk"),
    ("сабак онлайн отеди бирак интернет жок", "kk"),
    # Kazakh in Latin letters: plain, 2018 accents, 2021 letters.
    ("qaida habarlasuga bolady", "kk"),
    ("magan komek kerek", "kk"),
    ("maǵan kómek kerek", "kk"),
    ("mağan kömek kerek", "kk"),
    ("balam mektepke barmaidy", "kk"),
    ("kenes kerek", "kk"),
    # Russian.
    ("Мне нужна помощь психолога", "ru"),
    ("Как помочь ребёнку с учёбой дома", "ru"),
    ("Что делать если постоянно тревожно", "ru"),
    ("мой ребенок не хочет учиться онлайн, что делать?", "ru"),
    # Russian in Latin letters.
    ("mne nuzhna pomoshch psihologa", "ru"),
    ("kak pomoch rebenku s uchyoboi", "ru"),
    ("chto delat esli trevozhno", "ru"),
    ("psiholog nuzhen", "ru"),
    # English.
    ("I need to talk to someone", "en"),
    ("How can I help my child with online school", "en"),
    ("where can I find a psychologist", "en"),
    # Short messages.
    ("рахмет", "kk"),
    ("жоқ", "kk"),
    ("сәлеметсіз бе", "kk"),
    ("привет", "ru"),
    ("спасибо большое", "ru"),
    ("нет", "ru"),
    ("thanks a lot", "en"),
    ("hello", "en"),
    # Mixed: a name or a word of another language inside a sentence.
    ("Менің балам онлайн сабаққа қосыла алмайды, WhatsApp арқылы жазуға бола ма", "kk"),
    ("Можно написать в WhatsApp на телефон доверия?", "ru"),
    ("Как зайти на onlinehealth если нет интернета", "ru"),
    ("is the onlinehealth.kz consultation free", "en"),
    ("stress at work, менің басым ауырады, не істеймін", "kk"),
    ("психолог керек", "kk"),
    ("психолог нужен", "ru"),
]


@pytest.mark.parametrize(("text", "lang"), CLEAR, ids=readable)
def test_language_of_a_clear_message(kb: KnowledgeBase, text: str, lang: Lang) -> None:
    assert detect(text, kb.lexicon, chosen=None).lang == lang


@pytest.mark.parametrize(("text", "lang"), CLEAR, ids=readable)
@pytest.mark.parametrize("chosen", ["kk", "ru", "en"])
def test_a_clear_message_wins_over_the_chosen_language(
        kb: KnowledgeBase, text: str, lang: Lang, chosen: Lang) -> None:
    assert detect(text, kb.lexicon, chosen=chosen).lang == lang


AMBIGUOUS = [
    # Words Kazakh and Russian share, names written alike in every language, numbers.
    "стресс", "психолог", "ковид", "телефон", "карантин", "онлайн", "психолог онлайн",
    "да", "не", "psiholog", "covid", "onlinehealth", "whatsapp", "telefon doveria", "150",
    "1406?", "ok",
]


@pytest.mark.parametrize("text", AMBIGUOUS, ids=readable)
@pytest.mark.parametrize("chosen", ["kk", "ru"])
def test_when_unsure_the_chosen_language_wins(
        kb: KnowledgeBase, text: str, chosen: Lang) -> None:
    assert detect(text, kb.lexicon, chosen=chosen).lang == chosen


@pytest.mark.parametrize(("text", "default"), [
    ("стресс", "kk"), ("стресс", "ru"), ("психолог", "kk"), ("психолог", "ru"),
    ("ковид", "kk"), ("ковид", "ru"), ("150", "kk"), ("150", "ru"), ("150", "en"),
])
def test_when_unsure_and_nothing_chosen_the_default_wins(
        kb: KnowledgeBase, text: str, default: Lang) -> None:
    assert detect(text, kb.lexicon, chosen=None, default=default).lang == default


@pytest.mark.parametrize("text", ["стресс", "психолог", "ковид"], ids=readable)
def test_a_cyrillic_word_is_not_english(kb: KnowledgeBase, text: str) -> None:
    assert detect(text, kb.lexicon, chosen=None, default="en").lang in ("kk", "ru")


@pytest.mark.parametrize("text", ["", "   ", "😭😭", "?!", "\x00"])
def test_nothing_to_read_keeps_the_chosen_language(kb: KnowledgeBase, text: str) -> None:
    assert detect(text, kb.lexicon, chosen="kk").lang == "kk"
    assert detect(text, kb.lexicon, chosen=None, default="en").lang == "en"


def test_long_message_is_detected_by_its_words(kb: KnowledgeBase) -> None:
    kazakh = "Маған кеңес керек, баламмен қалай сөйлесемін білмеймін. " * 200
    russian = "Мне нужен совет, я не знаю как говорить с ребёнком. " * 200
    assert detect(kazakh, kb.lexicon, chosen="ru").lang == "kk"
    assert detect(russian, kb.lexicon, chosen="kk").lang == "ru"
