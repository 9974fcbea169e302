"""No word typed into a safety plan reaches storage or logs: after plans in three languages
(with a crisis word in the middle), DATA_DIR, every Redis key and value, and the logs are
searched for each answer, and nothing is found."""

from __future__ import annotations

import io
import json
from pathlib import Path

import redis

from bot.config import Secret
from bot.telegram.flood import FloodGuard
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import BOT_USERNAME, TOKEN, Harness, make_settings, run_bot

USERS = {"kk": 6101, "ru": 6102, "en": 6103}
#: What three people type into their plans: names, places, habits.
ANSWERS = {
    "kk": ["Жаңарғүл апайға айтамын", "домбыра тартамын", "Әлихан ағай", "Көкжиек саябағы",
           "мектеп психологы Сәуле"],
    "ru": ["Перестаю отвечать Динаре", "рисую акварелью", "тётя Гульмира",
           "библиотека на Абая", "психолог Салтанат"],
    "en": ["I stop texting Yerlan", "playing the dombra", "aunt Zhibek", "Koktobe library",
           "counsellor Madina"],
}


async def fill_plans(person: Harness) -> None:
    """Three people fill a plan each; one sends a crisis word in the middle."""
    person.tg.enforce_rate_limits = False
    person.runtime.flood = FloodGuard(burst=100_000)
    for lang, user in USERS.items():
        person.tg.add_private_user(user, language_code=lang)
        offer = await person.command(user, "/plan")
        await person.press(user, offer, "e|plan:start")
        for i, answer in enumerate(ANSWERS[lang]):
            if lang == "ru" and i == 2:
                crisis = await person.say(user, "SOS")
                await person.press(user, crisis, "plan:resume")
            reply = await person.say(user, answer)
        assert all(answer in reply.text for answer in ANSWERS[lang])


def words() -> list[str]:
    return [answer for answers in ANSWERS.values() for answer in answers]


def assert_nowhere(data_dir: Path, logs: str) -> None:
    stored = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert logs, "the bot logged nothing at all"
    for word in words():
        assert word.encode() not in stored, word
        assert word not in logs, word
        # JSON logs would escape non-ASCII text: look for that form too.
        assert json.dumps(word)[1:-1] not in logs, word


async def test_no_word_of_a_plan_reaches_the_database_or_the_logs(
        production_logs: io.StringIO, harness: Harness) -> None:
    await fill_plans(harness)
    harness.runtime.store.close()
    assert any(harness.settings.data_dir.glob("qoldau.sqlite3*"))
    assert_nowhere(harness.settings.data_dir, production_logs.getvalue())


async def test_no_word_of_a_plan_reaches_redis(
        production_logs: io.StringIO, tmp_path: Path, redis_url: str) -> None:
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        settings = make_settings(tg, tmp_path / "data", redis_url=Secret(redis_url),
                                 user_key_secret=Secret("s" * 32))
        async with run_bot(tg, settings) as person:
            await fill_plans(person)
    client = redis.Redis.from_url(redis_url)
    try:
        seen: list[bytes] = []
        for key in client.scan_iter():
            seen.append(key)
            kind = client.type(key)
            if kind == b"string":
                seen.append(client.get(key) or b"")
            elif kind == b"hash":
                seen += [part for item in client.hgetall(key).items() for part in item]
            elif kind == b"zset":
                seen += [member for member, _ in client.zrange(key, 0, -1, withscores=True)]
            elif kind == b"set":
                seen += list(client.smembers(key))
            elif kind == b"list":
                seen += client.lrange(key, 0, -1)
            elif kind == b"stream":
                # Updates under way: sealed, but read all the same.
                seen += [part for _, fields in client.xrange(key)
                         for item in fields.items() for part in item]
            else:
                raise AssertionError(f"a Redis type this test does not read: {kind!r}")
        # The chat ids for /clean are there, as numbers only.
        chats = [k for k in client.scan_iter("qoldau:chat:*")]
        assert chats and all(m.isdigit() for k in chats for m in client.zrange(k, 0, -1))
    finally:
        client.close()
    everything = b"\n".join(seen)
    for word in words():
        assert word.encode() not in everything, word
    assert_nowhere(tmp_path / "data", production_logs.getvalue())
