"""The SQLite store of language choices, with a versioned schema."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from bot.language import Lang, is_lang

#: Each step upgrades the schema by one version; the database records the version it has.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE languages (
        user_key TEXT PRIMARY KEY,   -- HMAC of the Telegram user id, never the id itself
        lang     TEXT NOT NULL CHECK (lang IN ('kk', 'ru', 'en')),
        day      TEXT NOT NULL       -- the day of the last change, no time of day
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
                self._db.execute("BEGIN")
                self._db.execute(step)
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

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
