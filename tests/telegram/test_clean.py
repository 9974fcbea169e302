"""Erase this chat: /clean (or the button under About and privacy), one confirmation, then every
message of the private chat from the last 48 hours is deleted, the person's and the bot's, and
one neutral message says what could not be deleted."""

from __future__ import annotations

import time

import pytest

from bot.telegram.chat_log import KEEP_S
from bot.telegram.flood import FloodGuard
from tests.telegram.conftest import BOT_USERNAME, Harness, actions

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

USER = 5101
#: Words that must not stand in what the chat shows once erased.
SENSITIVE = ("SOS", "кризис", "суицид", "умереть", "жить", "план", "помощ", "150", "доверия",
             "паник", "психолог")


@pytest.fixture
def quick(harness: Harness) -> Harness:
    harness.tg.enforce_rate_limits = False
    harness.runtime.flood = FloodGuard(burst=100_000)
    harness.tg.add_private_user(USER, language_code="ru")
    return harness


async def test_clean_erases_every_message_of_the_last_48_hours_and_says_what_it_could_not(
        quick: Harness) -> None:
    tg = quick.tg
    await quick.say(USER, "мне одиноко")
    old = [m.message_id for m in tg.messages_in(USER)]
    # Two days pass, for Telegram and for the bot alike: those two are past the limit now.
    tg.clock = quick.runtime.chat_log.clock = lambda: time.time() + 49 * 3600
    await quick.command(USER, "/start")
    calm = await quick.command(USER, "/calm")
    await quick.press(USER, calm, "e|flow:calm-now:1")
    await quick.say(USER, "SOS")
    await quick.say(USER, "паника")
    question = await quick.command(USER, "/clean")
    assert "48" in question.text and {"e|clean:yes", "e|clean:no"} <= set(actions(question))
    assert len(tg.messages_in(USER)) > 10
    done = await quick.press(USER, question, "e|clean:yes")

    left = tg.messages_in(USER)
    # Everything of the last 48 hours is gone, the person's messages too; what is older
    # stays, and one neutral message says plainly that a bot cannot delete it, and how to.
    assert [m.message_id for m in left] == [*old, done.message_id]
    assert "48" in done.text and "удалите сами" in done.text
    assert not any(word.lower() in done.text.lower() for word in SENSITIVE)
    assert actions(done) == ["e|menu"]
    # The bot never asked Telegram for what it knew it could not do.
    assert all(c.ok for c in tg.calls_to("deleteMessages"))
    assert all(1 <= len(c.params["message_ids"]) <= 100 for c in tg.calls_to("deleteMessages"))


async def test_messages_telegram_refuses_are_reported_and_the_others_still_go(
        quick: Harness) -> None:
    tg = quick.tg
    await quick.say(USER, "мне одиноко")
    # Telegram's clock is ahead of the bot's: it refuses those two, though the bot thought
    # them fresh. One refused id fails the whole batch, so the bot goes one by one.
    tg.age_messages(USER, 49 * 3600)
    old = [m.message_id for m in tg.messages_in(USER)]
    await quick.say(USER, "паника")
    question = await quick.command(USER, "/clean")
    done = await quick.press(USER, question, "e|clean:yes")
    assert [m.message_id for m in tg.messages_in(USER)] == [*old, done.message_id]
    assert "удалить не удалось" in done.text
    refused = [c for c in tg.calls if c.status == 400]
    assert {c.method for c in refused} == {"deleteMessages", "deleteMessage"}
    assert len([c for c in refused if c.method == "deleteMessage"]) == 2
    # Refusals this test provoked on purpose: the harness checks there were no others.
    tg.calls[:] = [c for c in tg.calls if c not in refused]


async def test_more_than_100_messages_go_in_batches(quick: Harness) -> None:
    tg = quick.tg
    for i in range(60):
        tg.send_text(USER, f"сообщение номер {i}")
    # The 60 are handled together, so the bot can work for longer than any quiet spell before
    # its first answer goes out: wait for the answers, then for quiet.
    await tg.wait_for("sendMessage", count=60, timeout=60)
    await tg.wait_idle(timeout=30, quiet=0.3)
    assert len(tg.messages_in(USER)) >= 120
    question = await quick.command(USER, "/clean")
    done = await quick.press(USER, question, "e|clean:yes")
    assert [m.message_id for m in tg.messages_in(USER)] == [done.message_id]
    sizes = [len(c.params["message_ids"]) for c in tg.calls_to("deleteMessages") if c.ok]
    assert len(sizes) >= 2 and max(sizes) == 100
    assert "удалить не удалось" not in done.text


async def test_after_a_restart_clean_says_how_far_back_it_reaches(quick: Harness) -> None:
    await quick.say(USER, "мне одиноко")
    question = await quick.command(USER, "/clean")
    done = await quick.press(USER, question, "e|clean:yes")
    # This process started moments ago: it knows only the messages since.
    assert "перезапуска" in done.text
    quick.runtime.chat_log.started -= KEEP_S
    question = await quick.command(USER, "/clean")
    done = await quick.press(USER, question, "e|clean:yes")
    assert "перезапуска" not in done.text


async def test_cancel_deletes_nothing(quick: Harness) -> None:
    await quick.say(USER, "мне одиноко")
    question = await quick.command(USER, "/clean")
    before = len(quick.tg.messages_in(USER))
    cancelled = await quick.press(USER, question, "e|clean:no")
    assert cancelled.message_id == question.message_id and "Ничего не удалено" in cancelled.text
    assert len(quick.tg.messages_in(USER)) == before
    assert quick.tg.calls_to("deleteMessages") == []


async def test_erase_this_chat_stands_under_about_and_privacy(quick: Harness) -> None:
    about = await quick.command(USER, "/privacy")
    question = await quick.press(USER, about, "e|clean")
    assert question.message_id == about.message_id and "e|clean:yes" in actions(question)
    done = await quick.press(USER, question, "e|clean:yes")
    assert [m.message_id for m in quick.tg.messages_in(USER)] == [done.message_id]


async def test_the_privacy_answer_explains_auto_delete_and_archiving(quick: Harness) -> None:
    for lang, words in (("ru", ("автоудален", "архив", "/clean")),
                        ("kk", ("автоматты", "мұрағат", "/clean")),
                        ("en", ("auto-delete", "archive", "/clean"))):
        text = quick.runtime.kb.topic("privacy").texts[lang].answer.lower()  # type: ignore[arg-type]
        assert all(word in text for word in words), (lang, words)


async def test_a_group_is_not_erased(quick: Harness) -> None:
    quick.tg.add_group(-5200, "Class")
    reply = await quick.command(USER, f"/clean@{BOT_USERNAME}", chat_id=-5200)
    assert "личный чат" in reply.text
    assert quick.tg.calls_to("deleteMessages") == []
