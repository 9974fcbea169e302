"""Moderators: live reload without restart, errors delivered to them, /stats, /reload, 👍/👎,
and opt-in redacted unanswered questions."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.insight.summary import score_bucket
from bot.replies import answer
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import (
    BOT_USERNAME,
    ROOT,
    TOKEN,
    Harness,
    actions,
    button_data,
    make_settings,
    run_bot,
)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

MODERATOR, PERSON = 7001, 7002


@pytest_asyncio.fixture
async def moderated(tmp_path: Path) -> AsyncIterator[Harness]:
    """A running bot with a moderator, its own copy of the knowledge, unanswered kept."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        tg.add_private_user(MODERATOR, language_code="en")
        tg.add_private_user(PERSON, language_code="ru")
        settings = make_settings(tg, tmp_path / "data", knowledge_dir=knowledge,
                                 moderator_ids=frozenset({MODERATOR}), store_unanswered=True)
        async with run_bot(tg, settings) as running:
            yield running


async def _until(condition: object, timeout: float = 30.0) -> None:
    """Wait for a condition. Generous: a reload loads the whole knowledge base in a thread
    (2.4 s alone on a slow machine, 10 s seen beside a net training for the previous test)."""
    for _ in range(int(timeout / 0.05)):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_broken_edit_keeps_old_answers_and_tells_moderators(moderated: Harness) -> None:
    h = moderated
    hotlines = h.settings.knowledge_dir / "hotlines.yaml"
    selfhelp = h.settings.knowledge_dir / "selfhelp.yaml"
    before = await h.say(PERSON, "одиночество")
    # A moderator breaks the file: a placeholder to nowhere and bad markup.
    text = selfhelp.read_text(encoding="utf-8")
    selfhelp.write_text(text.replace("{150}", "{151}", 1).replace("<b>", "<div>", 1),
                        encoding="utf-8")
    # The moderator has not chosen a language: the report comes in the default, Russian.
    await _until(lambda: any("НЕ обновлена" in m.text for m in h.tg.sent_messages(MODERATOR)))
    report = next(m for m in h.tg.sent_messages(MODERATOR) if "НЕ обновлена" in m.text)
    assert "selfhelp.yaml:" in report.text and "{151}" in report.text and "<div>" in report.text
    still = await h.say(PERSON, "одиночество")
    assert still.text == before.text
    assert hotlines.exists()

    # The fix: a valid edit is live within seconds, without restart.
    selfhelp.write_text(text.replace("Одиночество", "Одиночество и тоска", 1),
                        encoding="utf-8")
    await _until(lambda: "Одиночество и тоска" in h.runtime.kb.topic("loneliness")
                 .texts["ru"].title)
    menu = await h.command(PERSON, "/menu")
    topics = await h.press(PERSON, menu, "e|sec:topics")
    assert "Одиночество и тоска" in [b["text"] for b in topics.buttons]


async def test_reload_and_stats_are_for_moderators_only(moderated: Harness) -> None:
    h = moderated
    reply = await h.command(MODERATOR, "/reload")
    assert "Knowledge base reloaded" in reply.text
    await h.say(PERSON, "одиночество")
    stats = await h.command(MODERATOR, "/stats")
    assert "Last 7 days" in stats.text and "Replies:" in stats.text
    for command in ("/reload", "/stats"):
        refused = await h.command(PERSON, command)
        assert "не знаю такой команды" in refused.text


async def test_feedback_counts_once_per_answer(moderated: Harness) -> None:
    h = moderated
    reply = await h.say(PERSON, "одиночество")
    assert "fb:+:loneliness" in actions(reply)
    answers = len(h.tg.calls_to("answerCallbackQuery"))
    h.tg.press_button(PERSON, reply.message_id, button_data(reply, "fb:+:loneliness"))
    await h.tg.wait_for("answerCallbackQuery", count=answers + 1)
    await _until(lambda: "fb:+:loneliness" not in actions(reply))
    assert "menu" in actions(reply)  # only the vote buttons went away
    votes = h.runtime.store.feedback("2000-01-01")
    assert [(v.topic, v.helpful, v.n) for v in votes] == [("loneliness", True, 1)]


async def test_unanswered_questions_are_kept_redacted_when_enabled(moderated: Harness) -> None:
    h = moderated
    reply = await h.say(PERSON, "меня зовут Айгерим, где купить дешёвый телефон +7 701 555 44 33")
    assert "menu" in actions(reply)
    await _until(lambda: bool(h.runtime.store.unanswered("2000-01-01")))
    kept = h.runtime.store.unanswered("2000-01-01")
    assert len(kept) == 1
    assert "Айгерим" not in kept[0].text and "701" not in kept[0].text
    assert "телефон" in kept[0].text
    counts = h.runtime.store.counts("2000-01-01")
    assert {(c.kind, c.lang) for c in counts} == {("fallback", "ru")}
    # The score is counted in its tenth, with nothing else.
    assert [(s.kind, s.n) for s in h.runtime.store.scores("2000-01-01")] == [("fallback", 1)]


async def test_suggestions_are_counted_under_the_first_topic_offered(moderated: Harness) -> None:
    h = moderated
    expected = answer(h.runtime.kb, "советы для папы", chosen="ru")
    assert expected.kind == "suggestions", "the question must get suggestions for this test"
    reply = await h.say(PERSON, "советы для папы")
    first = next(a for a in actions(reply) if a.startswith("t:")).removeprefix("t:")
    assert first.split("@")[0] == expected.suggested[0]
    await _until(lambda: bool(h.runtime.store.scores("2000-01-01")))
    counts = h.runtime.store.counts("2000-01-01")
    assert [(c.kind, c.topic, c.n) for c in counts] == [("suggestions", expected.suggested[0], 1)]
    [score] = h.runtime.store.scores("2000-01-01")
    assert (score.kind, score.bucket, score.n) == ("suggestions", score_bucket(expected.score), 1)
