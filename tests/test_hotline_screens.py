"""The Hotlines card and each line's own screen, as a person reads them in kk, ru and en:
who a line is for, what it costs, how to reach it, what happens when you call, and when and
where that was checked."""

from __future__ import annotations

import pytest
from babel.dates import format_date

from bot.console import ConsoleChat
from bot.knowledge import markup
from bot.knowledge.base import KnowledgeBase
from bot.language import LANGS, Lang
from bot.replies import screen
from bot.reply_types import HOTLINE_PREFIX, HOTLINES, MENU, Reply


def actions(reply: Reply) -> list[str]:
    return [button.action for row in reply.buttons for button in row]


def labels(reply: Reply) -> list[str]:
    return [button.label for row in reply.buttons for button in row]


def shown(kb: KnowledgeBase, action: str, lang: Lang) -> Reply:
    reply = screen(kb, action, lang)
    assert reply is not None, action
    return reply


#: What a person reads, per language, on the card and on the 150 line's own screen.
WORDS = {
    "kk": {"free": "тегін", "tap": "төмендегі нөмірді басыңыз",
           "languages": "Тілдері: қазақша, орысша", "cost": "Құны: тегін",
           "who": "Кімге арналған: Балалар мен жастарға",
           "happens": "Хабарласқанда не болады", "checked": "Соңғы рет тексерілген күні: ",
           "answers": "психолог жауап береді"},
    "ru": {"free": "бесплатно", "tap": "Нажмите на номер ниже",
           "languages": "Языки: казахский, русский", "cost": "Стоимость: бесплатно",
           "who": "Для кого: Детям и молодёжи",
           "happens": "Что будет, когда вы позвоните или напишете",
           "checked": "Последняя проверка: ", "answers": "Отвечает психолог"},
    "en": {"free": "free", "tap": "Tap a number below",
           "languages": "Languages: Kazakh, Russian", "cost": "Cost: free",
           "who": "Who it is for: Children and young people",
           "happens": "What happens when you call or write", "checked": "Last checked on ",
           "answers": "A psychologist answers"},
}


# --- The card ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_card_says_who_each_line_is_for_what_it_costs_and_how_to_reach_it(
        kb: KnowledgeBase, lang: Lang) -> None:
    card = shown(kb, HOTLINES, lang)
    text = markup.to_plain(card.text)
    for line in kb.hotlines:
        contact = line.number or line.site
        assert contact is not None
        assert (contact in text) == line.in_menu, contact
        if not line.in_menu:
            continue
        assert line.name[lang] in text
        if line.audience:
            assert line.audience[lang] in text
        if line.chat:
            assert line.chat[lang] in text
    assert "+7 708 106 08 10" in text and "telefon150.kz" in text
    assert f"{kb.hotline('150').audience[lang]} · {WORDS[lang]['free']}" in text  # type: ignore[union-attr]
    assert f"{kb.hotline('101').name[lang]} · {WORDS[lang]['free']}" in text  # type: ignore[union-attr]
    assert WORDS[lang]["tap"] in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_card_fits_a_phone_and_telegram(kb: KnowledgeBase, lang: Lang) -> None:
    card = shown(kb, HOTLINES, lang)
    assert markup.problems(card.text) == []
    # Telegram's limit is 4096; a card this long is already a lot to scroll on a phone.
    assert markup.visible_length(card.text) <= 2000
    # No row of the card is longer than a few phone lines.
    assert max(len(row) for row in markup.to_plain(card.text).splitlines()) <= 140


@pytest.mark.parametrize("lang", LANGS)
def test_the_card_has_a_button_per_line_then_back(kb: KnowledgeBase, lang: Lang) -> None:
    card = shown(kb, HOTLINES, lang)
    listed = [line for line in kb.hotlines if line.in_menu]
    assert actions(card) == [HOTLINE_PREFIX + line.id for line in listed] + [MENU]
    assert labels(card)[:len(listed)] == [line.number or line.site for line in listed]
    assert all(len(row) <= 3 for row in card.buttons)
    for action in actions(card):
        # Telegram callback data: prefix, action and language suffix, under 64 bytes.
        assert len(f"e|{action}~{lang}".encode()) <= 64


# --- A line's own screen -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_line_screen_shows_everything_known_about_it(kb: KnowledgeBase, lang: Lang) -> None:
    line = kb.hotline("150")
    assert line is not None and line.what_happens is not None
    reply = shown(kb, HOTLINE_PREFIX + "150", lang)
    text = markup.to_plain(reply.text)
    assert (reply.kind, reply.lang) == ("menu", lang)
    assert line.name[lang] in text
    assert "150 · WhatsApp +7 708 106 08 10 · telefon150.kz" in text
    for key in ("who", "languages", "cost", "happens", "answers"):
        assert WORDS[lang][key] in text, key
    assert line.what_happens[lang] in text
    day = format_date(line.verified, format="long", locale=lang)
    assert WORDS[lang]["checked"] + day in text
    assert f'<a href="{line.source}">irex.org</a>' in reply.text
    assert actions(reply) == [HOTLINES, MENU]


@pytest.mark.parametrize("lang", LANGS)
def test_every_line_on_the_card_opens_its_screen(kb: KnowledgeBase, lang: Lang) -> None:
    for action in actions(shown(kb, HOTLINES, lang))[:-1]:
        line = kb.hotline(action.removeprefix(HOTLINE_PREFIX))
        assert line is not None
        reply = shown(kb, action, lang)
        assert markup.problems(reply.text) == []
        assert 0 < markup.visible_length(reply.text) <= markup.MESSAGE_LIMIT
        text = markup.to_plain(reply.text)
        assert line.name[lang] in text and (line.number or line.site or "") in text
        if line.what_happens:
            assert line.what_happens[lang] in text
        assert line.source.split("/")[2].removeprefix("www.") in text


def test_a_line_screen_says_only_what_the_registry_knows(kb: KnowledgeBase) -> None:
    # 101 has no source on who answers or in what language: nothing is made up.
    text = markup.to_plain(shown(kb, HOTLINE_PREFIX + "101", "en").text)
    assert "Fire service" in text and "Cost: free" in text
    assert "Languages:" not in text and "What happens" not in text and "Who it is for" not in text


def test_the_emergency_screen_says_what_the_dispatcher_needs(kb: KnowledgeBase) -> None:
    text = markup.to_plain(shown(kb, HOTLINE_PREFIX + "112", "en").text)
    assert "dispatcher" in text and "exact address" in text and "Don't hang up first" in text


def test_111_screen_says_you_can_write_and_what_may_be_passed_on(kb: KnowledgeBase) -> None:
    text = markup.to_plain(shown(kb, HOTLINE_PREFIX + "111", "ru").text)
    assert "текстовый чат через QR-код" in text
    assert "Можно не называть себя" in text and "полицию" in text


@pytest.mark.parametrize("action", ["h:", "h:999", "h:coronavirus2020", "h:150@sec:topics"])
def test_an_unknown_or_unlisted_line_opens_nothing(kb: KnowledgeBase, action: str) -> None:
    assert screen(kb, action, "ru") is None


# --- The console chat --------------------------------------------------------------------------


def test_the_console_opens_a_line_from_the_card_and_goes_back(kb: KnowledgeBase) -> None:
    chat = ConsoleChat(lambda: kb, "ru")
    card = chat.handle("/hotlines")
    assert card is not None and WORDS["ru"]["tap"] in card
    number = next(row.split(".")[0].strip() for row in card.splitlines()
                  if row.strip().endswith(". 111"))
    opened = chat.handle(number)
    assert opened is not None
    assert "Контакт-центр по вопросам семьи" in opened and "Для кого:" in opened
    assert WORDS["ru"]["happens"] in opened
    back = next(row.split(".")[0].strip() for row in opened.splitlines()
                if row.strip().endswith("« Назад"))
    again = chat.handle(back)
    assert again is not None and WORDS["ru"]["tap"] in again
