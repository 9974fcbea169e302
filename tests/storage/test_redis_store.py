"""The Redis store keeps what SQLite keeps, under keys without user ids, and degrades when
Redis goes away instead of stopping the bot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.storage import Store
from bot.storage.keys import user_key
from bot.storage.redis import RedisStore, StoreUnavailable
from tests.redis_server import RedisServer
from tests.storage.conftest import open_store

SECRET = b"test-secret"
USER_ID = 987654321


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store the bot can run on, empty."""
    opened = open_store(request.param, request, tmp_path)
    yield opened
    opened.close()


def test_language_choice_is_kept_and_forgotten(store: Store) -> None:
    key = user_key(USER_ID, SECRET)
    assert store.get_language(key) is None
    store.set_language(key, "kk")
    store.set_language(key, "en")
    assert store.get_language(key) == "en"
    assert store.get_language(user_key(USER_ID + 1, SECRET)) is None
    assert store.forget(key) is True
    assert store.get_language(key) is None
    assert store.forget(key) is False


def test_counts_feedback_and_unanswered_read_back_alike(store: Store) -> None:
    store.record_reply("2025-03-01", "exam-stress", "kk", "answer")
    store.record_reply("2025-03-01", "exam-stress", "kk", "answer")
    store.record_reply("2025-03-02", "", "ru", "fallback")
    store.record_feedback("2025-03-02", "exam-stress", "kk", True)
    store.record_feedback("2025-03-02", "exam-stress", "kk", False)
    store.record_feedback("2025-03-02", "exam-stress", "kk", True)
    store.save_unanswered("2025-02-01", "ru", "как быть")
    store.save_unanswered("2025-03-02", "en", "same words")
    store.save_unanswered("2025-03-02", "en", "same words")

    counts = sorted((r.day, r.topic, r.lang, r.kind, r.n) for r in store.counts("2025-03-01"))
    assert counts == [("2025-03-01", "exam-stress", "kk", "answer", 2),
                      ("2025-03-02", "", "ru", "fallback", 1)]
    assert [r.n for r in store.counts("2025-03-02")] == [1]
    votes = sorted((r.helpful, r.n) for r in store.feedback("2025-03-01"))
    assert votes == [(False, 1), (True, 2)]
    assert [(r.day, r.text) for r in store.unanswered("2025-01-01")] == [
        ("2025-02-01", "как быть"), ("2025-03-02", "same words"), ("2025-03-02", "same words")]
    assert store.purge_unanswered("2025-03-01") == 1
    assert [r.day for r in store.unanswered("2025-01-01")] == ["2025-03-02", "2025-03-02"]


def test_score_buckets_and_dismissed_themes_read_back_alike(store: Store) -> None:
    store.record_score("2025-03-01", "answer", 9)
    store.record_score("2025-03-01", "answer", 9)
    store.record_score("2025-03-01", "fallback", 1)
    store.record_score("2025-03-02", "suggestions", 3)
    assert sorted((r.day, r.kind, r.bucket, r.n) for r in store.scores("2025-03-01")) == [
        ("2025-03-01", "answer", 9, 2), ("2025-03-01", "fallback", 1, 1),
        ("2025-03-02", "suggestions", 3, 1)]
    assert [(r.kind, r.n) for r in store.scores("2025-03-02")] == [("suggestions", 1)]

    assert store.dismissed_themes() == frozenset()
    store.dismiss_themes("2025-03-02", ["a1b2", "c3d4"])
    store.dismiss_themes("2025-03-03", ["a1b2"])
    store.dismiss_themes("2025-03-03", [])
    assert store.dismissed_themes() == {"a1b2", "c3d4"}


def test_redis_keys_hold_no_user_id(redis_url: str) -> None:
    store = RedisStore.from_url(redis_url)
    key = user_key(USER_ID, SECRET)
    store.set_language(key, "kk")
    store.record_reply("2025-03-01", "exam-stress", "kk", "answer")
    store.save_unanswered("2025-03-01", "kk", "redacted words")
    store.record_score("2025-03-01", "answer", 7)
    store.dismiss_themes("2025-03-01", ["0123abcd"])
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    dump = []
    for name in client.scan_iter("*"):
        kind = client.type(name)
        value = (client.hgetall(name) if kind == "hash" else
                 client.zrange(name, 0, -1) if kind == "zset" else client.get(name))
        dump.append(f"{name} {value}")
    client.close()
    store.close()
    everything = "\n".join(dump)
    assert f"qoldau:lang:{key}" in everything
    assert str(USER_ID) not in everything
    # Counts and questions are anonymous: no user key of any form next to them.
    assert everything.count(key) == 1


def test_redis_going_away_degrades_and_coming_back_recovers(own_redis: RedisServer) -> None:
    store = RedisStore.from_url(own_redis.url)
    key = user_key(USER_ID, SECRET)
    store.set_language(key, "kk")
    assert store.ping()

    own_redis.stop()
    # Answers go on: no language found (Telegram's is used), new choices and counts dropped.
    assert store.get_language(key) is None
    store.set_language(user_key(USER_ID + 1, SECRET), "en")
    store.record_reply("2025-03-01", "exam-stress", "kk", "answer")
    store.save_unanswered("2025-03-01", "kk", "words")
    # What must not pretend refuses: "erased" or "no questions" would be untrue.
    with pytest.raises(StoreUnavailable):
        store.forget(key)
    with pytest.raises(StoreUnavailable):
        store.counts("2025-01-01")
    assert not store.ping()

    own_redis.start()
    assert store.ping()
    assert store.get_language(key) == "kk"  # kept on Redis's disk through the restart
    assert store.get_language(user_key(USER_ID + 1, SECRET)) is None  # dropped while down
    assert store.forget(key) is True
    store.close()
