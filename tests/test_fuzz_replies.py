"""Bad input: whatever a person sends, the bot answers with a message Telegram accepts.

Property-based (Hypothesis): any Unicode up to 10,000 characters, words of the three languages
buried in noise (emoji, RTL and zero-width marks, control characters, combining marks, HTML),
and one word repeated until the message is huge.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import get_args

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.knowledge import markup
from bot.knowledge.base import KnowledgeBase
from bot.language import LANGS, Lang
from bot.language.normalize import clean, fold
from bot.replies import answer
from bot.reply_types import Reply, ReplyKind
from bot.safety.crisis import detect_crisis
from bot.safety.phrases import PHRASES
from bot.telegram.render import render
from tests.fakes.telegram_api import is_valid_button_url

#: Telegram's limits on an inline button: its text, and its callback data in bytes.
BUTTON_TEXT_LIMIT = 64
CALLBACK_DATA_LIMIT = 64

KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "knowledge"

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- Strategies ---------------------------------------------------------------------------------

#: Every code point a Telegram message can hold: all categories but surrogates.
any_char = st.characters(exclude_categories=["Cs"])

EMOJI = ["😭", "💔", "🙏", "👍🏽", "❤️‍🔥", "🏳️‍🌈", "👨‍👩‍👧‍👦", "🇰🇿", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "☰", "🆘"]
MARKS = [
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
    "\u2068", "\u2069", "\u061c",  # direction marks and isolates
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e",  # zero-width
    "\x00", "\x07", "\x08", "\x1b", "\x7f", "\x85", "\x9f", "\r", "\n", "\t", "\v", "\f",
    "\u2028", "\u2029", "\u3000", "\u00a0",  # controls and odd spaces
    "\u0301", "\u0308", "\u0483", "\u0489", "\u20dd", "\u0336",  # combining marks
    "<", ">", "&", "&amp;", "&lt", '"', "'", "<b>", "</i>", "<a href=x>", "{150}", "{", "}",
    "\ufffd", "\U000e0001", "\U0010ffff", "İ", "ß", "ﬃ", "ǅ", "Ⅻ", "٣", "²",
]
WORDS = [
    # Russian, Kazakh (Cyrillic, Russian keyboard, Latin), English, and mixed spellings.
    "привет", "помогите", "мне", "плохо", "тревога", "одиноко", "телефон", "доверия", "буллинг",
    "бьют", "дома", "психолог", "школа", "ребенок", "ребёнок", "умереть", "хочу", "не", "жить",
    "сәлем", "көмек", "керек", "маған", "жаман", "қорқамын", "мектеп", "ата-ана", "өлгім",
    "келеді", "кенес", "коңил", "salem", "komek", "kerek", "qorqamyn", "ölgim", "keledi",
    "hello", "help", "me", "i", "feel", "alone", "anxious", "hotline", "bullying", "suicide",
    "kill", "myself", "150", "111", "1406", "112", "telefon150.kz", "WhatsApp", "covid19",
    "ковид-19", "hochu", "umeret", "xoчy", "тrevoga", "sx", "skh", "q", "ǵ", "ı",
]
CRISIS_PHRASES = [
    " ".join(word.split("|")[0].rstrip("*") for word in text.split())
    for by_lang in PHRASES.values() for texts in by_lang.values() for text in texts
]
#: Every example question of the knowledge base, so that noise also lands on real answers.
EXAMPLES = sorted({
    example
    for path in sorted(KNOWLEDGE_DIR.glob("*.yaml"))
    for topic in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("topics", [])
    for lang in LANGS
    for example in topic[lang]["examples"]
})

#: Pieces may be longer than one character (entities, tags, emoji sequences): joined lists.
noise = st.lists(st.sampled_from(MARKS + EMOJI) | any_char, max_size=4).map("".join)
word = st.sampled_from(WORDS)
#: A question the knowledge base knows, mangled by the noise: answers and their buttons.
question = st.sampled_from(EXAMPLES)

any_unicode = st.text(any_char, max_size=10_000)
noise_only = st.lists(st.sampled_from(MARKS + EMOJI), max_size=200).map("".join)


@st.composite
def words_in_noise(draw: st.DrawFn) -> str:
    """Words of the three languages, a known question or a crisis phrase, glued with noise."""
    pieces = draw(st.lists(word | question | st.sampled_from(CRISIS_PHRASES), max_size=3))
    pieces += draw(st.lists(word, max_size=30))
    pieces = draw(st.permutations(pieces))
    glue = draw(st.lists(noise, min_size=len(pieces), max_size=len(pieces)))
    case = draw(st.sampled_from([str, str.lower, str.upper, str.title]))
    return "".join(case(piece) + n for piece, n in zip(pieces, glue, strict=True))


@st.composite
def repeated_word(draw: st.DrawFn) -> str:
    """One word (or phrase) repeated until the message is up to 10,000 characters long."""
    unit = draw(word | question | st.text(any_char, min_size=1, max_size=200))
    separator = draw(st.sampled_from(["", " ", "\n", "\u200b", "-", "😭"]))
    times = draw(st.integers(1, 10_000 // (len(unit) + len(separator)) + 1))
    return ((unit + separator) * times)[:10_000]


@st.composite
def long_unicode(draw: st.DrawFn) -> str:
    """Arbitrary Unicode and noise, tiled to thousands of characters."""
    chunk = draw(st.lists(any_char | st.sampled_from(MARKS + EMOJI), min_size=1, max_size=500)
                 .map("".join))
    return (chunk * draw(st.integers(1, 10_000 // len(chunk) + 1)))[:10_000]


messages = any_unicode | words_in_noise() | repeated_word() | noise_only | long_unicode()
languages = st.sampled_from([None, *LANGS])
defaults = st.sampled_from(LANGS)

# --- Properties ---------------------------------------------------------------------------------


def assert_sendable(reply: Reply) -> None:
    """What Telegram would accept, and what a person can read and press."""
    assert isinstance(reply, Reply)
    assert reply.kind in get_args(ReplyKind)
    assert reply.lang in LANGS
    assert reply.text.strip()
    assert markup.problems(reply.text) == []
    assert markup.visible_length(reply.text) <= markup.MESSAGE_LIMIT
    for row in reply.buttons:
        assert row, "an empty row of buttons"
        for button in row:
            assert button.label.strip()
            assert len(button.label) <= BUTTON_TEXT_LIMIT, button.label
    rendered = render(reply)
    assert rendered.text == reply.text
    if rendered.markup is not None:
        for row in rendered.markup.inline_keyboard:
            for button in row:
                if button.url is not None:  # one tap to a person: a link Telegram accepts
                    assert is_valid_button_url(button.url), button.url
                    continue
                data = button.callback_data
                assert isinstance(data, str)
                assert 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT, data


@FUZZ
@given(text=messages, chosen=languages, default=defaults)
def test_any_message_gets_a_reply_telegram_accepts(kb: KnowledgeBase, text: str,
                                                   chosen: Lang | None, default: Lang) -> None:
    assert_sendable(answer(kb, text, chosen, default))


@FUZZ
@given(text=messages)
def test_crisis_detection_never_fails_and_is_deterministic(text: str) -> None:
    first = detect_crisis(text)
    assert detect_crisis(text) == first
    assert detect_crisis(clean(text)) == first


@QUICK
@given(text=words_in_noise() | st.text(any_char, max_size=300))
@example(text="QX").via("found by Hypothesis: q -> k, x -> h made 'kh', folded only next time")
@example(text="iskhod").via("'skh' -> 'sh' -> 'w': must meet 'исход'")
def test_folding_twice_changes_nothing(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@QUICK
@given(text=words_in_noise() | st.text(any_char, max_size=300))
def test_cleaned_text_has_no_control_or_format_characters(text: str) -> None:
    cleaned = clean(text)
    assert not [ch for ch in cleaned if unicodedata.category(ch) in ("Cc", "Cf")], ascii(cleaned)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert clean(cleaned) == cleaned
