"""What the person reads and which buttons they get, from `answer` (free text) and `screen`
(a menu button): the one reply path Telegram, the console and the CLI share."""

from __future__ import annotations

import random
import time

import pytest

from bot.flows import PLAN_PREFIX
from bot.knowledge import markup
from bot.knowledge.base import KnowledgeBase
from bot.language import LANGS, Lang
from bot.replies import answer, screen
from bot.reply_types import (
    ABOUT,
    CLEAN,
    CRISIS,
    FORGET,
    GROUPS,
    HOTLINES,
    LANGUAGE,
    MENU,
    SET_LANG_PREFIX,
    TOPIC_PREFIX,
    TOPICS,
    WRITE,
    Reply,
)


def actions(reply: Reply) -> list[str]:
    return [button.action for row in reply.buttons for button in row]


# --- Nothing to read --------------------------------------------------------------------------

NOTHING = ["", "   \n\t ", "😭😭😭", "🙏", "👍🏽❤️‍🔥", "?!...", "\x00\x01\x02\x7f",
           "\u200b\u2060\ufeff"]


@pytest.mark.parametrize("text", NOTHING, ids=["empty", "spaces", "emoji", "one-emoji",
                                               "emoji-sequence", "punctuation", "control",
                                               "zero-width"])
@pytest.mark.parametrize("chosen", LANGS)
def test_nothing_to_read_gets_the_menu_in_the_chosen_language(
        kb: KnowledgeBase, text: str, chosen: Lang) -> None:
    reply = answer(kb, text, chosen=chosen)
    assert (reply.kind, reply.lang) == ("empty", chosen)
    assert actions(reply) == [MENU]
    assert markup.problems(reply.text) == []
    assert markup.to_plain(reply.text).strip()


def test_nothing_to_read_without_a_chosen_language_uses_the_default(kb: KnowledgeBase) -> None:
    assert answer(kb, "😭", chosen=None, default="kk").lang == "kk"
    assert answer(kb, "😭", chosen=None, default="en").lang == "en"


def test_the_empty_reply_is_translated(kb: KnowledgeBase) -> None:
    texts = {answer(kb, "🙂", chosen=lang).text for lang in LANGS}
    assert len(texts) == 3


# --- An answer --------------------------------------------------------------------------------


@pytest.mark.parametrize("chosen", LANGS)
def test_an_answer_is_the_topic_in_the_language_of_the_person(
        kb: KnowledgeBase, chosen: Lang) -> None:
    reply = answer(kb, "стресс", chosen=chosen)
    assert (reply.kind, reply.topic, reply.lang) == ("answer", "stress-anxiety", chosen)
    assert reply.text == kb.topic("stress-anxiety").texts[chosen].answer


def test_an_answer_offers_its_related_topics_then_the_menu(kb: KnowledgeBase) -> None:
    reply = answer(kb, "анам кайтыс болды", chosen="kk")
    topic = kb.topic("grief")
    assert reply.topic == "grief"
    assert list(reply.suggested) == list(topic.related)
    labels = [b.label for row in reply.buttons for b in row if b.action.startswith(TOPIC_PREFIX)]
    assert labels == [kb.topic(t).texts["kk"].title for t in topic.related]
    assert [b.action for b in reply.buttons[-1]] == [MENU]


def test_a_related_topic_button_opens_that_topic(kb: KnowledgeBase) -> None:
    reply = answer(kb, "lonelyness", chosen="en")
    button = reply.buttons[0][0]
    opened = screen(kb, button.action, "en")
    assert opened is not None
    assert opened.topic == reply.suggested[0]
    assert opened.text == kb.topic(reply.suggested[0]).texts["en"].answer


def test_suggestions_offer_topics_and_the_menu(kb: KnowledgeBase) -> None:
    # Vague: quarrels, divorce and violence at home all fit.
    reply = answer(kb, "family", chosen="en")
    assert reply.kind == "suggestions"
    assert 1 <= len(reply.suggested) <= 3
    assert all(screen(kb, TOPIC_PREFIX + t, "en") is not None for t in reply.suggested)
    assert actions(reply)[-1] == MENU


@pytest.mark.parametrize("chosen", LANGS)
def test_the_fallback_offers_the_menu_the_hotlines_and_a_person(
        kb: KnowledgeBase, chosen: Lang) -> None:
    reply = answer(kb, "asdfghjkl qwertyuiop", chosen=chosen)
    assert reply.kind == "fallback"
    # One tap to a person (WhatsApp and first messages for it, the sites), then the menu.
    assert [a for a in actions(reply) if a] == [WRITE, MENU, HOTLINES]
    assert [b.url for row in reply.buttons for b in row if b.url] == [
        "https://wa.me/77081060810", "https://telefon150.kz", "https://onlinehealth.kz"]
    assert "150" in markup.to_plain(reply.text)
    assert markup.problems(reply.text) == []


def test_a_10000_character_message_is_answered_quickly(kb: KnowledgeBase) -> None:
    rng = random.Random(7)
    words = ["стресс", "мектеп", "covid", "мама", "online", "жалғыз", "school", "help", "и"]
    text = " ".join(rng.choice(words) for _ in range(2000))[:10_000]
    started = time.perf_counter()
    reply = answer(kb, text, chosen="ru")
    assert time.perf_counter() - started < 2.0
    assert markup.problems(reply.text) == []


# --- Screens ----------------------------------------------------------------------------------

SCREENS = [MENU, HOTLINES, CRISIS, LANGUAGE, ABOUT, GROUPS, TOPICS]


@pytest.mark.parametrize("action", SCREENS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_screen_is_valid_telegram_html(kb: KnowledgeBase, action: str, lang: Lang) -> None:
    reply = screen(kb, action, lang)
    assert reply is not None
    assert reply.lang == lang
    assert markup.problems(reply.text) == []
    assert 0 < markup.visible_length(reply.text) <= markup.MESSAGE_LIMIT
    assert reply.buttons
    for row in reply.buttons:
        for button in row:
            assert button.label.strip()
            assert len(button.action.encode()) <= 64  # Telegram's limit on callback data


@pytest.mark.parametrize("lang", LANGS)
def test_every_menu_button_leads_somewhere(kb: KnowledgeBase, lang: Lang) -> None:
    # Choosing a language, "Forget me", erasing the chat and the safety plan's buttons change
    # state, so the front end handles them; a link button has no action.
    dead = [f"{action} -> {target}" for action in SCREENS
            for target in actions(screen(kb, action, lang))  # type: ignore[arg-type]
            if target and not target.startswith((SET_LANG_PREFIX, PLAN_PREFIX))
            and target not in (FORGET, CLEAN) and screen(kb, target, lang) is None]
    assert dead == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_menu_is_translated(kb: KnowledgeBase, lang: Lang) -> None:
    labels = {tuple(b.label for row in screen(kb, MENU, other).buttons  # type: ignore[union-attr]
                    for b in row) for other in LANGS}
    assert len(labels) == 3


@pytest.mark.parametrize("lang", LANGS)
def test_the_hotlines_card_lists_the_lines(kb: KnowledgeBase, lang: Lang) -> None:
    text = markup.to_plain(screen(kb, HOTLINES, lang).text)  # type: ignore[union-attr]
    for line in kb.hotlines:
        shown = line.number or line.site
        assert shown is not None
        assert (shown in text) == line.in_menu, shown
    assert "+7 708 106 08 10" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_help_now_button_gives_the_crisis_reply(kb: KnowledgeBase, lang: Lang) -> None:
    reply = screen(kb, CRISIS, lang)
    assert reply is not None
    assert (reply.kind, reply.text) == ("crisis", kb.crisis.texts[lang])
    assert reply.suggested == kb.crisis.forms["oneself"].buttons


@pytest.mark.parametrize("lang", LANGS)
def test_every_topic_opens_from_its_button(kb: KnowledgeBase, lang: Lang) -> None:
    for topic_id, topic in kb.topics.items():
        reply = screen(kb, TOPIC_PREFIX + topic_id, lang)
        assert reply is not None, topic_id
        assert reply.text == topic.texts[lang].answer


@pytest.mark.parametrize("action", ["", "t:", "t:no-such-topic", "sec:nothing", "unknown",
                                    "t:grief@sec:nothing"])
def test_a_stale_or_unknown_button_opens_nothing(kb: KnowledgeBase, action: str) -> None:
    assert screen(kb, action, "ru") is None


@pytest.mark.parametrize("text", ["help", "помогите", "көмек керек", "SOS", "/sos"])
def test_the_safe_word_alone_gets_the_crisis_reply(kb: KnowledgeBase, text: str) -> None:
    reply = answer(kb, text)
    assert reply.kind == "crisis"
    assert MENU in actions(reply)


def test_a_bare_word_that_is_no_safe_word_gets_the_menu_not_a_guess(kb: KnowledgeBase) -> None:
    reply = answer(kb, "number")
    assert reply.kind == "fallback"
    assert MENU in actions(reply)
