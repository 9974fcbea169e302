"""Forged input is refused: callback data can say anything (a client speaking MTProto sends any
data for any message of the bot), so a vote counts only once, for an answer the bot really sent
on that topic; anything else is ignored without a write."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.storage.sqlite import DATABASE_FILE
from bot.telegram.flood import FloodGuard
from tests.fakes.telegram_api import FakeTelegram, StoredMessage
from tests.telegram.conftest import (
    BOT_USERNAME,
    TOKEN,
    Harness,
    actions,
    button_data,
    make_settings,
    run_bot,
)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PERSON, GROUP = 7101, -100777
MEMBERS = range(7200, 7230)


@pytest_asyncio.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    """A running bot whose flood guard lets thirty presses in a row through."""
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        tg.add_private_user(PERSON, language_code="ru")
        tg.add_group(GROUP, "class 9B parents")
        for member in MEMBERS:
            tg.add_private_user(member, language_code="ru")
        async with run_bot(tg, make_settings(tg, tmp_path / "data")) as running:
            running.runtime.flood = FloodGuard(burst=10**6)
            yield running


def votes_kept(bot: Harness) -> int:
    """How many answers may still get a vote (rows in the database)."""
    with sqlite3.connect(bot.settings.data_dir / DATABASE_FILE) as db:
        return int(db.execute("SELECT count(*) FROM votes").fetchone()[0])


async def press_all(bot: Harness, presses: list[tuple[int, StoredMessage, str]]) -> None:
    """Press (forging the data where needed) and wait until every press was answered."""
    answered = len(bot.tg.calls_to("answerCallbackQuery"))
    for user, message, data in presses:
        bot.tg.press_button(user, message.message_id, data, chat_id=message.chat_id,
                            forged=True)
    await bot.tg.wait_for("answerCallbackQuery", count=answered + len(presses), timeout=20)


async def test_a_vote_for_a_topic_that_does_not_exist_is_ignored(bot: Harness) -> None:
    reply = await bot.say(PERSON, "одиночество")
    assert "fb:+:loneliness" in actions(reply)
    offered = votes_kept(bot)
    assert offered == 1
    await press_all(bot, [(PERSON, reply, "fb:+:no-such-topic~ru"),
                          (PERSON, reply, "fb:-:" + "x" * 50 + "~ru")])
    assert bot.runtime.store.feedback("2000-01-01") == []
    assert votes_kept(bot) == offered  # nothing written, nothing used up
    assert "fb:+:loneliness" in actions(reply)  # the real buttons are still there
    # The answer's own vote still counts.
    await press_all(bot, [(PERSON, reply, button_data(reply, "fb:+:loneliness"))])
    votes = bot.runtime.store.feedback("2000-01-01")
    assert [(v.topic, v.helpful, v.n) for v in votes] == [("loneliness", True, 1)]


async def test_thirty_votes_with_no_answer_behind_them_count_nothing(bot: Harness) -> None:
    menu = await bot.command(PERSON, "/menu")  # a message, but no answer on loneliness
    other = await bot.say(PERSON, "номер полиции")  # an answer, but on another topic
    assert "fb:+:loneliness" not in actions(other)
    forged = [(PERSON, message, "fb:+:loneliness~ru") for message in (menu, other)] * 15
    await press_all(bot, forged)
    assert bot.runtime.store.feedback("2000-01-01") == []


async def test_thirty_votes_on_one_answer_count_once(bot: Harness) -> None:
    # In a group everyone sees the answer and its buttons: thirty people press at once.
    question = f"@{BOT_USERNAME} одиночество"
    reply = await bot.say(MEMBERS[0], question, chat_id=GROUP)
    data = button_data(reply, "fb:+:loneliness")
    await press_all(bot, [(member, reply, data) for member in MEMBERS])
    votes = bot.runtime.store.feedback("2000-01-01")
    assert [(v.topic, v.helpful, v.n) for v in votes] == [("loneliness", True, 1)]
    assert votes_kept(bot) == 0
