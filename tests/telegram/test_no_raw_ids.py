"""No raw id anywhere: after a session (private chat, group, buttons, a vote, inline mode, a
crisis message), neither Redis (every key and value), nor its append-only file, nor DATA_DIR, nor
the logs hold a user or chat id, or what was said. What is kept is keyed by HMAC, or sealed."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
from pathlib import Path

import pytest
import redis

from bot.config import Secret
from tests.redis_server import RedisServer
from tests.telegram.conftest import BOT_USERNAME, Harness, button_data
from tests.telegram.webhook_support import fake_telegram, running_bot, webhook_settings

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PERSON, MEMBER, GROUP = 987654321, 987650001, -1009876512345
IDS = (PERSON, MEMBER, GROUP)
SAID = ("Zhanargul Bekova", "тревожусь перед экзаменом", "өлгім келеді", "мне одиноко")



def needles() -> list[str]:
    """Every form a raw id or a message could take in text: ids with and without sign."""
    forms = {str(i) for i in IDS} | {str(abs(i)) for i in IDS} | {str(GROUP)[4:]}
    return sorted(forms) + list(SAID)


def redis_dump(server: RedisServer) -> str:
    """Every key and every value in Redis, as text."""
    client = redis.Redis.from_url(server.url, decode_responses=True)
    lines = []
    read = {
        "string": client.get,
        "hash": client.hgetall,
        "zset": lambda key: client.zrange(key, 0, -1, withscores=True),
        "set": client.smembers,
        "list": lambda key: client.lrange(key, 0, -1),
        "stream": client.xrange,
    }
    for key in client.scan_iter("*"):
        kind = client.type(key)
        lines.append(f"{key} {kind} {read[kind](key)}")
    client.close()
    return "\n".join(lines)


def files_under(directory: Path) -> str:
    """Every byte of every file below a directory (as latin-1 text, to search)."""
    if not directory.exists():
        return ""
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*"))
                    if p.is_file()).decode("latin-1")


def as_an_attacker_reads(text: str) -> str:
    """The text, and whatever its base64-looking runs decode to (as someone reading a copy
    would try): an id hidden in base64 is not hidden."""
    decoded = []
    for run in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
        with contextlib.suppress(ValueError):
            decoded.append(base64.b64decode(run + "=" * (-len(run) % 4)).decode("latin-1"))
    return "\n".join([text, *decoded])


async def session(bot: Harness) -> None:
    """A person and a group talk to the bot the ways people do."""
    tg = bot.tg
    tg.add_private_user(PERSON, first_name="Zhanargul", last_name="Bekova", language_code="ru")
    tg.add_private_user(MEMBER, language_code="ru")
    tg.add_group(GROUP, "9B parents")
    await bot.command(PERSON, "/start")
    menu = await bot.command(PERSON, "/language")
    await bot.press(PERSON, menu, "Қазақша")
    answer = await bot.say(PERSON, "мне одиноко")
    answered = len(tg.calls_to("answerCallbackQuery"))
    tg.press_button(PERSON, answer.message_id, button_data(answer, "fb:+:loneliness"))
    await tg.wait_for("answerCallbackQuery", count=answered + 1)
    await bot.say(PERSON, "тревожусь перед экзаменом")
    await bot.say(PERSON, "өлгім келеді")  # the crisis reply
    await bot.say(MEMBER, f"@{BOT_USERNAME} мне одиноко", chat_id=GROUP)
    tg.inline_query(PERSON, "тревожусь перед экзаменом")
    await tg.wait_for("answerInlineQuery")
    await bot.command(MEMBER, "/hotlines")


@pytest.mark.parametrize("store", ["sqlite", "redis"])
async def test_no_raw_id_in_redis_its_file_data_dir_or_logs(
        store: str, production_logs: io.StringIO, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    data_dir = tmp_path / "data"
    copies: list[tuple[str, str]] = []  # (where, everything there as text)

    def copy_everything(when: str) -> None:
        """What a copy of the machine's disk and of Redis would hold now."""
        if server is not None:
            copies.append((f"Redis keys and values, {when}", redis_dump(server)))
            copies.append((f"Redis append-only file, {when}",
                           files_under(server.directory / "appendonlydir")))
        copies.append((f"DATA_DIR, {when}", files_under(data_dir)))

    async with fake_telegram() as tg:
        server: RedisServer | None = None
        settings = webhook_settings(tg, data_dir)
        if store == "redis":
            server = request.getfixturevalue("own_redis")  # appendonly, on disk, as advised
            settings = webhook_settings(tg, data_dir, redis_url=Secret(server.url))
        async with running_bot("webhook" if server else "polling", tg, settings) as bot:
            await session(bot)
            copy_everything("during the session")  # the write-ahead log holds every change
        copy_everything("after it")
    copies.append(("logs", production_logs.getvalue()))
    if server is not None:
        assert "qoldau:inbox" in copies[1][1]  # the append-only file holds the session
        assert not data_dir.exists()  # replicas keep nothing in DATA_DIR
    else:
        assert "languages" in copies[0][1]  # the database is there
    assert '"reply"' in production_logs.getvalue()
    found = [(where, needle) for where, text in copies for needle in needles()
             if needle in as_an_attacker_reads(text)]
    assert found == []
    for line in production_logs.getvalue().splitlines():
        json.loads(line)
