"""The SQLite store upgrades a database kept by an older version in place, keeping its rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.sqlite import MIGRATIONS, SQLiteStore


def _database_at_version(path: Path, version: int) -> None:
    """A database as a bot of an older version left it."""
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        db.executescript(step)
    db.execute(f"PRAGMA user_version = {version}")
    db.execute("INSERT INTO counts VALUES ('2025-03-01', 'grief', 'kk', 'answer', 4)")
    db.execute("INSERT INTO unanswered (day, lang, text) VALUES ('2025-03-01', 'ru', 'как быть')")
    db.close()


def test_a_version_2_database_gains_scores_and_dismissals_and_keeps_its_rows(
        tmp_path: Path) -> None:
    path = tmp_path / "qoldau.sqlite3"
    _database_at_version(path, 2)
    store = SQLiteStore(path)
    assert store.schema_version == len(MIGRATIONS) == 4
    assert [(r.topic, r.n) for r in store.counts("2025-01-01")] == [("grief", 4)]
    assert [r.text for r in store.unanswered("2025-01-01")] == ["как быть"]
    store.record_score("2025-03-01", "answer", 8)
    store.dismiss_themes("2025-03-01", ["ab12"])
    store.close()

    reopened = SQLiteStore(path)  # a second start migrates nothing and loses nothing
    assert [(r.kind, r.bucket, r.n) for r in reopened.scores("2025-01-01")] == [("answer", 8, 1)]
    assert reopened.dismissed_themes() == {"ab12"}
    reopened.close()


def test_a_bucket_outside_0_to_9_is_refused(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "qoldau.sqlite3")
    with pytest.raises(sqlite3.IntegrityError):
        store.record_score("2025-03-01", "answer", 10)
    assert store.scores("2000-01-01") == []
    store.close()
