"""The SQLite store upgrades a database kept by an older version in place, keeping its rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import Planned
from bot.storage.sqlite import COUNTS_EVERY_S, MIGRATIONS, SQLiteStore


def _database_at_version(path: Path, version: int) -> None:
    """A database as a bot of an older version left it."""
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        db.executescript(step)
    db.execute(f"PRAGMA user_version = {version}")
    db.execute("INSERT INTO counts VALUES ('2025-03-01', 'grief', 'kk', 'answer', 4)")
    db.execute("INSERT INTO unanswered (day, lang, text) VALUES ('2025-03-01', 'ru', 'как быть')")
    db.close()


def test_a_version_2_database_gains_scores_dismissals_and_plans_and_keeps_its_rows(
        tmp_path: Path) -> None:
    path = tmp_path / "qoldau.sqlite3"
    _database_at_version(path, 2)
    store = SQLiteStore(path)
    assert store.schema_version == len(MIGRATIONS) == 5
    assert [(r.topic, r.n) for r in store.counts("2025-01-01")] == [("grief", 4)]
    assert [r.text for r in store.unanswered("2025-01-01")] == ["как быть"]
    store.record_score("2025-03-01", "answer", 8)
    store.dismiss_themes("2025-03-01", ["ab12"])
    store.plan_message(Planned("k" * 32, "tips", b"sealed", "ru", "adult", 0, 100.0))
    store.close()

    reopened = SQLiteStore(path)  # a second start migrates nothing and loses nothing
    assert [(r.kind, r.bucket, r.n) for r in reopened.scores("2025-01-01")] == [("answer", 8, 1)]
    assert reopened.dismissed_themes() == {"ab12"}
    assert reopened.due_messages(100.0, 10) == [("k" * 32, "tips")]
    reopened.close()


def test_a_bucket_outside_0_to_9_is_refused(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "qoldau.sqlite3")
    with pytest.raises(sqlite3.IntegrityError):
        store.record_score("2025-03-01", "answer", 10)
    assert store.scores("2000-01-01") == []
    store.close()


def test_counts_are_written_together_within_seconds_and_at_close(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "qoldau.sqlite3"
    store = SQLiteStore(path)
    reader = SQLiteStore(path, readonly=True)  # as `qoldau report` reads, from another process
    now = [1000.0]
    monkeypatch.setattr("bot.storage.sqlite.time.monotonic", lambda: now[0])
    store.record_reply("2025-03-01", "grief", "kk", "answer")
    store.record_score("2025-03-01", "answer", 7)
    assert reader.counts("2025-01-01") == [] and reader.scores("2025-01-01") == []
    now[0] += COUNTS_EVERY_S
    store.record_reply("2025-03-01", "grief", "kk", "answer")  # due: all three written
    assert [(r.topic, r.n) for r in reader.counts("2025-01-01")] == [("grief", 2)]
    assert [(r.bucket, r.n) for r in reader.scores("2025-01-01")] == [(7, 1)]
    store.record_reply("2025-03-01", "", "ru", "fallback")
    store.flush()  # what the running bot does every few seconds
    assert len(reader.counts("2025-01-01")) == 2
    store.record_reply("2025-03-01", "", "ru", "fallback")
    store.close()
    assert {(r.topic, r.n) for r in reader.counts("2025-01-01")} == {("grief", 2), ("", 2)}
    reader.close()


def test_the_store_itself_reads_counts_not_written_yet(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "qoldau.sqlite3")
    store.record_reply("2025-03-01", "grief", "kk", "answer")
    store.record_score("2025-03-01", "answer", 3)
    assert [(r.topic, r.n) for r in store.counts("2025-01-01")] == [("grief", 1)]
    assert [(r.bucket, r.n) for r in store.scores("2025-01-01")] == [(3, 1)]
    store.close()


def test_a_wrong_bucket_holds_back_no_other_count(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "qoldau.sqlite3")
    store.record_score("2025-03-01", "answer", 2)
    with pytest.raises(sqlite3.IntegrityError):
        store.record_score("2025-03-01", "answer", -1)
    store.flush()
    assert [(r.bucket, r.n) for r in store.scores("2000-01-01")] == [(2, 1)]
    store.close()
