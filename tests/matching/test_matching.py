"""Matching: a question reaches its topic however it is typed; what the bot does not know gets
the fallback, never a confident wrong answer."""

from __future__ import annotations

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.language import LANGS, Lang
from bot.language.normalize import fold
from bot.matching import match
from bot.replies import answer


def readable(value: object) -> str | None:
    """Test ids in ASCII: text in other scripts as its folded skeleton ("анам" -> "anam")."""
    if not isinstance(value, str) or value.isascii():
        return None
    return fold(value) or None


def test_every_example_question_gets_its_own_topic(kb: KnowledgeBase) -> None:
    misses = []
    total = 0
    for topic in kb.topics.values():
        for lang in LANGS:
            for example in topic.texts[lang].examples:
                total += 1
                reply = answer(kb, example, chosen=lang)
                if not reply.leads_to(topic.id):
                    got = reply.topic or ",".join(reply.suggested) or "-"
                    misses.append(f"  {topic.id} [{lang}] {example!r}: {reply.kind} {got} "
                                  f"({reply.score:.2f})")
    assert total > 28 * 3 * 8
    assert not misses, f"{len(misses)} of {total} examples miss their topic:\n" + "\n".join(
        misses)


OUT_OF_SCOPE = [
    # weather
    ("какая завтра погода в Алматы", "ru"), ("будет ли дождь в выходные", "ru"),
    ("ертең ауа райы қандай болады", "kk"), ("what's the weather like tomorrow", "en"),
    # sports
    ("кто выиграл чемпионат по футболу", "ru"), ("счёт матча Кайрат Астана", "ru"),
    ("футболдан кім жеңді", "kk"), ("who won the football match yesterday", "en"),
    # shopping
    ("где купить кроссовки дешево", "ru"), ("сколько стоит айфон", "ru"),
    ("дүкен қашан ашылады", "kk"), ("нан қанша тұрады", "kk"),
    ("where can I buy cheap sneakers", "en"), ("how much does an iphone cost", "en"),
    ("рецепт борща", "ru"), ("recipe for pancakes", "en"),
    # keyboard mashing
    ("фывапролдж", "ru"), ("ыврапрывапр", "ru"), ("йцукен", "kk"), ("asdfghjkl", "en"),
    ("zxcvbnm qwe", "en"),
]


@pytest.mark.parametrize(("text", "lang"), OUT_OF_SCOPE, ids=readable)
def test_out_of_scope_message_gets_the_fallback(kb: KnowledgeBase, text: str, lang: Lang) -> None:
    reply = answer(kb, text, chosen=lang)
    assert reply.kind == "fallback", (reply.kind, reply.topic, reply.suggested)
    assert reply.lang == lang
    assert "150" in reply.text  # a person to talk to
    assert reply.buttons, "the fallback offers the menu"


HELP = {"hotline-150", "onlinehealth", "emergency", "about"}

GENERIC = [
    # One generic word is in dozens of examples: it must not pick one of them with confidence.
    ("помощь", "ru", HELP), ("помогите", "ru", HELP), ("нужна помощь", "ru", HELP),
    ("help", "en", HELP), ("help me", "en", HELP), ("I need help", "en", HELP),
    ("көмек", "kk", HELP), ("көмек керек", "kk", HELP),
    ("вопрос", "ru", {"about"}), ("question", "en", {"about"}), ("сұрақ", "kk", {"about"}),
    ("номер", "ru", {"hotline-150", "emergency"}),
    ("number", "en", {"hotline-150", "emergency"}),
]


@pytest.mark.parametrize(("text", "lang", "sensible"), GENERIC, ids=readable)
def test_a_generic_word_gives_no_confident_wrong_answer(
        kb: KnowledgeBase, text: str, lang: Lang, sensible: set[str]) -> None:
    reply = answer(kb, text, chosen=lang)
    assert reply.kind != "answer" or reply.topic in sensible, (
        f"{text!r} answered with {reply.topic} ({reply.score:.2f}); "
        f"sensible: {sorted(sensible)} or suggestions")


TYPED_OTHERWISE = [
    # Kazakh on a Russian keyboard.
    ("жалгыздыктан не истеймин", "kk", "loneliness"),
    ("анам кайтыс болды", "kk", "grief"),
    ("куйзелис", "kk", "stress-anxiety"),
    ("кашыктан оку киын", "kk", "distance-learning"),
    ("салауатты тамактану", "kk", "healthy-lifestyle"),
    ("деректеримди калай оширемин", "kk", "privacy"),
    ("мугедек бала", "kk", "group-disabilities"),
    ("аурухана кызметкерлерине кенес", "kk", "group-health-workers"),
    ("интернетте бопсалау", "kk", "online-safety"),
    ("ресми акпарат", "kk", "covid-info"),
    ("сеним телефоны", "kk", "hotline-150"),
    # Typos.
    ("мне очень адиноко", "ru", "loneliness"),
    ("выгарел на работе", "ru", "burnout"),
    ("тривога", "ru", "stress-anxiety"),
    ("дестанционка замучила", "ru", "distance-learning"),
    ("вы сахраняете мои данные", "ru", "privacy"),
    ("телефон даверия", "ru", "hotline-150"),
    ("онлайн психалог", "ru", "onlinehealth"),
    ("самаизоляция", "ru", "group-self-isolation"),
    ("кибербулинг", "ru", "online-safety"),
    ("lonelyness", "en", "loneliness"),
    ("burnuot", "en", "burnout"),
    ("anxeity", "en", "stress-anxiety"),
    ("disabilites", "en", "group-disabilities"),
    ("quarantene", "en", "group-self-isolation"),
    ("cyberbulling", "en", "online-safety"),
    # Latin letters.
    ("telefon doverya", "ru", "hotline-150"),
    ("jalgyz sezinemin", "kk", "loneliness"),
]


@pytest.mark.parametrize(("text", "lang", "topic"), TYPED_OTHERWISE, ids=readable)
def test_typos_and_other_keyboards_find_the_topic(
        kb: KnowledgeBase, text: str, lang: Lang, topic: str) -> None:
    reply = answer(kb, text, chosen=lang)
    assert (reply.kind, reply.topic) == ("answer", topic), (reply.kind, reply.suggested)
    assert reply.lang == lang


def test_the_matcher_ranks_candidates_best_first(kb: KnowledgeBase) -> None:
    found = match(kb.index, "анам кайтыс болды")
    scores = [c.score for c in found.candidates]
    assert scores == sorted(scores, reverse=True)
    assert found.topic == "grief"


def test_the_matcher_has_nothing_to_say_about_nothing(kb: KnowledgeBase) -> None:
    assert match(kb.index, "").kind == "fallback"
    assert match(kb.index, "!!!").kind == "fallback"
