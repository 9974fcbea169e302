"""From questions the bot could not answer to an answer: people ask through Telegram (the real
bot, STORE_UNANSWERED on, an empty store), a moderator lists the redacted themes with
`qoldau triage --list --json`, adds one to a topic with `qoldau add-example`, and `qoldau ask`
answers it with that topic."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import BOT_USERNAME, ROOT, TOKEN, actions, make_settings, run_bot

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PERSON = 7101
#: Questions the bot has no topic for (it answers each with the fallback), as people write
#: them: an e-mail address and a phone number in two of them.
ASKED = [
    "сосед по общаге храпит и включает музыку ночью",
    "дочь боится ходить к стоматологу, пишите на aigerim@mail.ru",
    "Сосед по общаге храпит и включает музыку ночью!",
    "мамам в декрете тяжело, звоните 87015554433",
]
THEME = "сосед по общаге храпит и включает музыку ночью"


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#") or " # " in line]


async def test_unanswered_questions_become_an_example_the_bot_then_answers(
        tmp_path: Path, cli_env: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    knowledge, data = tmp_path / "knowledge", tmp_path / "data"
    shutil.copytree(ROOT / "knowledge", knowledge)
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        tg.add_private_user(PERSON, language_code="ru")
        settings = make_settings(tg, data, knowledge_dir=knowledge, store_unanswered=True)
        async with run_bot(tg, settings) as h:
            assert h.runtime.store.unanswered("2000-01-01") == []  # an empty store
            for question in ASKED:
                reply = await h.say(PERSON, question)
                assert "hotlines" in actions(reply), f"not the fallback: {question}"
            for _ in range(200):
                if len(h.runtime.store.unanswered("2000-01-01")) == len(ASKED):
                    break
                await asyncio.sleep(0.02)

    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("DATA_DIR", str(data))
    assert main(["triage", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    themes = [theme["questions"] for theme in listed["themes"]]
    assert themes[0] == [THEME, "Сосед по общаге храпит и включает музыку ночью!"]  # twice
    assert sorted(themes[1:]) == [
        ["дочь боится ходить к стоматологу, пишите на [email]"],
        ["мамам в декрете тяжело, звоните [phone]"]]
    assert "aigerim" not in json.dumps(listed) and "8701" not in json.dumps(listed)

    school = knowledge / "school.yaml"
    before = school.read_text(encoding="utf-8")
    assert main(["add-example", "friends-peers", "--lang", "ru", THEME]) == 0
    out = capsys.readouterr().out
    after = school.read_text(encoding="utf-8")
    added = [line for line in out.splitlines() if line.startswith("+") and line[1:2] != "+"]
    removed = [line for line in out.splitlines() if line.startswith("-") and line[1:2] != "-"]
    assert (added, removed) == ([f"+        - {THEME}"], [])
    assert _comments(before) and _comments(after) == _comments(before)  # every comment kept
    assert "Validation: the knowledge base is valid." in out

    assert main(["ask", THEME, "--json"]) == 0
    answered = json.loads(capsys.readouterr().out)
    assert (answered["kind"], answered["topic"]) == ("answer", "friends-peers")
    # The theme the bot now answers has left the triage list; the others stay.
    assert main(["triage", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["answered_now"] == 1 and len(listed["themes"]) == 2
