"""Anonymity: after a conversation, neither the database nor the logs hold what was said,
who said it, or the token."""

from __future__ import annotations

import io
import json

import pytest

from tests.telegram.conftest import TOKEN, Harness, buttons

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

USER_ID = 987654321
SECRET_WORDS = ("Zhanargul", "тревожусь перед экзаменом", "өлгім келеді", "my stepdad hits me")



async def test_nothing_personal_is_stored_or_logged(
        production_logs: io.StringIO, harness: Harness) -> None:
    harness.tg.add_private_user(USER_ID, first_name="Zhanargul", language_code="ru")
    menu = await harness.command(USER_ID, "/language")
    await harness.press(USER_ID, menu, "Қазақша")
    for text in SECRET_WORDS[1:]:
        reply = await harness.say(USER_ID, text)
        assert buttons(reply)
    harness.tg.inline_query(USER_ID, "тревожусь перед экзаменом")
    await harness.tg.wait_for("answerInlineQuery")
    harness.tg.fail_next("sendMessage", status=500)
    await harness.say(USER_ID, "тревожусь перед экзаменом снова")

    # The language choice is stored, under an anonymous key.
    assert harness.runtime.store.get_language(harness.runtime.key(USER_ID)) == "kk"
    database = b"".join(p.read_bytes() for p in harness.settings.data_dir.glob("qoldau.sqlite3*"))
    logs = production_logs.getvalue()
    assert logs, "the bot logged nothing at all"
    for line in logs.splitlines():
        json.loads(line)  # every log line is one JSON object
    for needle in (*SECRET_WORDS, str(USER_ID), TOKEN, TOKEN.split(":")[1]):
        assert needle.encode() not in database, needle
        assert needle not in logs, needle
    events = [json.loads(line) for line in logs.splitlines()]
    assert any(e["event"] == "reply" and e.get("kind") == "crisis" for e in events)


async def test_forget_leaves_no_trace_in_the_database(harness: Harness) -> None:
    harness.tg.add_private_user(USER_ID, language_code="ru")
    menu = await harness.command(USER_ID, "/language")
    await harness.press(USER_ID, menu, "English")
    key = harness.runtime.key(USER_ID).encode()
    await harness.command(USER_ID, "/forget")
    harness.runtime.store.close()
    database = b"".join(p.read_bytes() for p in harness.settings.data_dir.glob("qoldau.sqlite3*"))
    assert key not in database
