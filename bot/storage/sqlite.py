"""The SQLite store: language choices, anonymous counts, and opt-in redacted questions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from bot.language import Lang, is_lang
from bot.storage import CountRow, FeedbackRow, ScoreRow, UnansweredRow

#: Each step upgrades the schema by one version; the database records the version it has.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE languages (
        user_key TEXT PRIMARY KEY,   -- HMAC of the Telegram user id, never the id itself
        lang     TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
        day      TEXT NOT NULL       -- the day of the last change, no time of day
    );
    """,
    # Version 2: anonymous insight. No user key of any form in these tables.
    """
    CREATE TABLE counts (
        day TEXT NOT NULL, topic TEXT NOT NULL, lang TEXT NOT NULL, kind TEXT NOT NULL,
        n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, topic, lang, kind)
    );
    CREATE TABLE feedback (
        day TEXT NOT NULL, topic TEXT NOT NULL, lang TEXT NOT NULL, helpful INTEGER NOT NULL,
        n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, topic, lang, helpful)
    );
    CREATE TABLE unanswered (
        id INTEGER PRIMARY KEY, day TEXT NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL
    );
    CREATE INDEX unanswered_day ON unanswered (day);
    """,
    # Version 3: the matcher's best score per reply in 0.1-wide buckets (no topic, no text);
    # themes dismissed in `qoldau triage`, by a keyed hash of their redacted text only.
    """
    CREATE TABLE scores (
        day TEXT NOT NULL, kind TEXT NOT NULL,
        bucket INTEGER NOT NULL CHECK (bucket BETWEEN 0 AND 9),
        n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, kind, bucket)
    );
    CREATE TABLE dismissed_themes (
        key TEXT PRIMARY KEY,        -- HMAC of the folded redacted question, never the text
        day TEXT NOT NULL
    );
    """,
)


class SQLiteStore:
    """Language choices in one SQLite file under DATA_DIR."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL survives a crash of the process; only a power cut can lose the last
        # few counts. FULL would wait on a disk sync inside the event loop for every reply.
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Erased rows are overwritten on disk, not left in free pages.
        self._db.execute("PRAGMA secure_delete=ON")
        self._migrate()

    @property
    def schema_version(self) -> int:
        """The schema version the database is at."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._lock:
            version = self.schema_version
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                # One transaction per step: a failed upgrade leaves the previous version.
                statements = [s for s in step.split(";") if s.strip()]
                self._db.execute("BEGIN")
                for statement in statements:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
                self._db.execute("COMMIT")

    def get_language(self, user_key: str) -> Lang | None:
        """The language a person chose, if any."""
        with self._lock:
            row = self._db.execute("SELECT lang FROM languages WHERE user_key = ?",
                                   (user_key,)).fetchone()
        value = row[0] if row else None
        return value if is_lang(value) else None

    def set_language(self, user_key: str, lang: Lang) -> None:
        """Remember a person's language choice."""
        day = datetime.now(UTC).date().isoformat()
        with self._lock:
            self._db.execute(
                "INSERT INTO languages (user_key, lang, day) VALUES (?, ?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET lang = excluded.lang, day = excluded.day",
                (user_key, lang, day))

    def forget(self, user_key: str) -> bool:
        """Erase everything kept about a person."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM languages WHERE user_key = ?", (user_key,))
        return cursor.rowcount > 0

    def record_reply(self, day: str, topic: str, lang: str, kind: str) -> None:
        """Count one reply (no user, no text)."""
        with self._lock:
            self._db.execute(
                "INSERT INTO counts (day, topic, lang, kind, n) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT DO UPDATE SET n = n + 1", (day, topic, lang, kind))

    def record_feedback(self, day: str, topic: str, lang: str, helpful: bool) -> None:
        """Count one 👍 or 👎 for a topic."""
        with self._lock:
            self._db.execute(
                "INSERT INTO feedback (day, topic, lang, helpful, n) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT DO UPDATE SET n = n + 1", (day, topic, lang, int(helpful)))

    def record_score(self, day: str, kind: str, bucket: int) -> None:
        """Count one reply's best match score, as a bucket 0-9."""
        with self._lock:
            self._db.execute(
                "INSERT INTO scores (day, kind, bucket, n) VALUES (?, ?, ?, 1) "
                "ON CONFLICT DO UPDATE SET n = n + 1", (day, kind, bucket))

    def save_unanswered(self, day: str, lang: str, text: str) -> None:
        """Keep one redacted unanswered question."""
        with self._lock:
            self._db.execute("INSERT INTO unanswered (day, lang, text) VALUES (?, ?, ?)",
                             (day, lang, text))

    def purge_unanswered(self, before_day: str) -> int:
        """Delete unanswered questions older than a day."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM unanswered WHERE day < ?", (before_day,))
        return cursor.rowcount

    def counts(self, since_day: str) -> list[CountRow]:
        """Reply counts from a day on."""
        with self._lock:
            rows = self._db.execute("SELECT day, topic, lang, kind, n FROM counts WHERE day >= ? "
                                    "ORDER BY day", (since_day,)).fetchall()
        return [CountRow(*row) for row in rows]

    def feedback(self, since_day: str) -> list[FeedbackRow]:
        """Feedback counts from a day on."""
        with self._lock:
            rows = self._db.execute("SELECT day, topic, lang, helpful, n FROM feedback "
                                    "WHERE day >= ? ORDER BY day", (since_day,)).fetchall()
        return [FeedbackRow(day, topic, lang, bool(helpful), n)
                for day, topic, lang, helpful, n in rows]

    def scores(self, since_day: str) -> list[ScoreRow]:
        """Score buckets from a day on."""
        with self._lock:
            rows = self._db.execute("SELECT day, kind, bucket, n FROM scores WHERE day >= ? "
                                    "ORDER BY day, kind, bucket", (since_day,)).fetchall()
        return [ScoreRow(*row) for row in rows]

    def dismiss_themes(self, day: str, keys: Iterable[str]) -> None:
        """Remember dismissed themes by their keyed hashes."""
        with self._lock:
            self._db.executemany("INSERT INTO dismissed_themes (key, day) VALUES (?, ?) "
                                 "ON CONFLICT DO NOTHING", [(key, day) for key in keys])

    def dismissed_themes(self) -> frozenset[str]:
        """The keyed hashes of every dismissed theme."""
        with self._lock:
            rows = self._db.execute("SELECT key FROM dismissed_themes").fetchall()
        return frozenset(row[0] for row in rows)

    def unanswered(self, since_day: str) -> list[UnansweredRow]:
        """Unanswered questions from a day on."""
        with self._lock:
            rows = self._db.execute("SELECT day, lang, text FROM unanswered WHERE day >= ? "
                                    "ORDER BY day, id", (since_day,)).fetchall()
        return [UnansweredRow(*row) for row in rows]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
