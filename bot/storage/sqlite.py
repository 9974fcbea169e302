"""The SQLite store: language choices, anonymous counts, votes still open, updates under way,
messages a person asked for later (a check-in, weekly tips) and opt-in redacted questions."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.language import Lang, is_lang
from bot.storage import VOTE_DAYS, CountRow, FeedbackRow, Planned, ScoreRow, UnansweredRow
from bot.storage.keys import private_dir

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
    # Version 3: updates under way, kept until handled so that a crash loses none; the ids of
    # updates taken (an update id says nothing of a person); answers that may get one vote.
    """
    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY,
        sealed    BLOB NOT NULL      -- the update, encrypted with a key derived from the secret
    );
    CREATE TABLE taken (update_id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
    CREATE INDEX taken_at ON taken (at);
    CREATE TABLE votes (
        message_key TEXT PRIMARY KEY,  -- HMAC of chat, message and topic, never the ids
        day         TEXT NOT NULL
    );
    CREATE INDEX votes_day ON votes (day);
    """,
    # Version 4: the matcher's best score per reply in 0.1-wide buckets (no topic, no text);
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
    # Version 5: messages a person asked the bot to send later, kept only while wanted.
    """
    CREATE TABLE planned (
        user_key    TEXT NOT NULL,   -- HMAC of the Telegram user id, never the id itself
        kind        TEXT NOT NULL,   -- 'checkin' or 'tips'
        sealed_chat BLOB NOT NULL,   -- the chat id, encrypted with a key derived from the secret
        lang        TEXT NOT NULL,
        register    TEXT NOT NULL,
        step        INTEGER NOT NULL,
        due         REAL NOT NULL,   -- Unix seconds
        PRIMARY KEY (user_key, kind)
    );
    CREATE INDEX planned_due ON planned (due);
    """,
)
#: The database's file name in DATA_DIR.
DATABASE_FILE = "qoldau.sqlite3"
#: Telegram gives up redelivering an update after a day: its id need not be remembered longer.
TAKEN_KEEP_S = 24 * 3600
#: Old taken ids and votes are purged at most this often.
PURGE_EVERY_S = 3600.0
#: Reply and score counts wait in memory at most about this long, then are written in one
#: transaction: two fewer writes for every message. A crash loses these seconds of counts, never
#: an update or a language choice; reading the counts, `flush` and `close` write them first.
COUNTS_EVERY_S = 2.0
FILE_MODE = 0o600


class SQLiteStore:
    """What the bot keeps, in one SQLite file under DATA_DIR, readable by its owner only."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._next_purge = 0.0
        self._counts: Counter[tuple[str, str, str, str]] = Counter()
        self._scores: Counter[tuple[str, str, int]] = Counter()
        self._counts_due: float | None = None
        if readonly:
            # For `qoldau report`: reads what is there, never creates or changes a file.
            self._db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True,
                                       check_same_thread=False, isolation_level=None)
            return
        private_dir(path.parent)
        _create_private(path)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL survives a crash of the process; only a power cut can lose the
            # last few writes. FULL would wait on a disk sync inside the event loop every time.
            self._db.execute("PRAGMA synchronous=NORMAL")
            # Erased rows are overwritten on disk, not left in free pages.
            self._db.execute("PRAGMA secure_delete=ON")
            # A damaged file is found now, at start, not by a person's first message.
            verdict = self._db.execute("PRAGMA quick_check(1)").fetchone()[0]
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed ({verdict})")
            self._migrate()
        except BaseException:
            self._db.close()
            raise
        for suffix in ("-wal", "-shm"):
            # SQLite gives these the database's mode; older versions of the bot left 0644.
            _restrict(path.with_name(path.name + suffix))

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
        """Erase everything kept about a person, from the write-ahead log too."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM languages WHERE user_key = ?", (user_key,))
            planned = self._db.execute("DELETE FROM planned WHERE user_key = ?", (user_key,))
            # The WAL still holds the page as it was until a checkpoint copies the zeroed page
            # into the database; TRUNCATE then empties the WAL file.
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cursor.rowcount > 0 or planned.rowcount > 0

    def record_reply(self, day: str, topic: str, lang: str, kind: str) -> None:
        """Count one reply (no user, no text), written within `COUNTS_EVERY_S`."""
        with self._lock:
            self._counts[(day, topic, lang, kind)] += 1
            self._write_counts_when_due()

    def record_feedback(self, day: str, topic: str, lang: str, helpful: bool) -> None:
        """Count one 👍 or 👎 for a topic."""
        with self._lock:
            self._db.execute(
                "INSERT INTO feedback (day, topic, lang, helpful, n) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT DO UPDATE SET n = n + 1", (day, topic, lang, int(helpful)))

    def record_score(self, day: str, kind: str, bucket: int) -> None:
        """Count one reply's best match score, as a bucket 0-9, written within
        `COUNTS_EVERY_S`."""
        if not 0 <= bucket <= 9:
            # Refused now, as the table would: a wrong row must never hold back the others.
            raise sqlite3.IntegrityError("CHECK constraint failed: bucket BETWEEN 0 AND 9")
        with self._lock:
            self._scores[(day, kind, bucket)] += 1
            self._write_counts_when_due()

    def flush(self) -> None:
        """Write the counts that wait in memory."""
        with self._lock:
            self._write_counts()

    def _write_counts_when_due(self) -> None:
        now = time.monotonic()
        if self._counts_due is None:
            self._counts_due = now + COUNTS_EVERY_S
        elif now >= self._counts_due:
            self._write_counts()

    def _write_counts(self) -> None:
        """Add what waits to the tables in one transaction (the lock held)."""
        if not self._counts and not self._scores:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT INTO counts (day, topic, lang, kind, n) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO UPDATE SET n = n + excluded.n",
                [(*key, n) for key, n in self._counts.items()])
            self._db.executemany(
                "INSERT INTO scores (day, kind, bucket, n) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO UPDATE SET n = n + excluded.n",
                [(*key, n) for key, n in self._scores.items()])
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise  # kept in memory: the next write tries again
        self._counts.clear()
        self._scores.clear()
        self._counts_due = None

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
            self._write_counts()
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
            self._write_counts()
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

    # ---- answers that may get a vote --------------------------------------------------------

    def offer_vote(self, message_key: str, day: str) -> None:
        """Allow one 👍/👎 on an answer the bot sent."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO votes (message_key, day) VALUES (?, ?)",
                             (message_key, day))
            self._purge(day)

    def take_vote(self, message_key: str, since_day: str) -> bool:
        """Use up an answer's one vote; tell whether it was there."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM votes WHERE message_key = ? AND day >= ?",
                                      (message_key, since_day))
        return cursor.rowcount > 0

    def _purge(self, today: str) -> None:
        """Forget taken update ids and votes past their time (at most once an hour)."""
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + PURGE_EVERY_S
        oldest_vote = (date.fromisoformat(today) - timedelta(days=VOTE_DAYS)).isoformat()
        self._db.execute("DELETE FROM votes WHERE day < ?", (oldest_vote,))
        self._db.execute("DELETE FROM taken WHERE at < ?", (int(time.time()) - TAKEN_KEEP_S,))

    # ---- messages to send later -------------------------------------------------------------

    def plan_message(self, planned: Planned) -> None:
        """Keep a message to send later, replacing the person's earlier one of that kind."""
        with self._lock:
            self._db.execute(
                "INSERT INTO planned (user_key, kind, sealed_chat, lang, register, step, due) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(user_key, kind) DO UPDATE SET "
                "sealed_chat = excluded.sealed_chat, lang = excluded.lang, "
                "register = excluded.register, step = excluded.step, due = excluded.due",
                (planned.user_key, planned.kind, planned.sealed_chat, planned.lang,
                 planned.register, planned.step, planned.due))

    def due_messages(self, now: float, limit: int) -> list[tuple[str, str]]:
        """Planned messages due by now, the most overdue first."""
        with self._lock:
            rows = self._db.execute("SELECT user_key, kind FROM planned WHERE due <= ? "
                                    "ORDER BY due LIMIT ?", (now, limit)).fetchall()
        return [(str(key), str(kind)) for key, kind in rows]

    def claim_message(self, user_key: str, kind: str, now: float,
                      lease_until: float) -> Planned | None:
        """Take a due message: its due time moves to the lease's end, in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT sealed_chat, lang, register, step, due FROM planned "
                    "WHERE user_key = ? AND kind = ? AND due <= ?",
                    (user_key, kind, now)).fetchone()
                if row is not None:
                    self._db.execute("UPDATE planned SET due = ? WHERE user_key = ? AND kind = ?",
                                     (lease_until, user_key, kind))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if row is None:
            return None
        sealed, lang, register, step, due = row
        return Planned(user_key, kind, bytes(sealed), lang, register, int(step), float(due))

    def finish_message(self, user_key: str, kind: str, lease_until: float,
                       then: Planned | None) -> bool:
        """Plan the next of a sent message's series, or delete it, if still as claimed."""
        with self._lock:
            if then is None:
                cursor = self._db.execute(
                    "DELETE FROM planned WHERE user_key = ? AND kind = ? AND due = ?",
                    (user_key, kind, lease_until))
            else:
                cursor = self._db.execute(
                    "UPDATE planned SET sealed_chat = ?, lang = ?, register = ?, step = ?, "
                    "due = ? WHERE user_key = ? AND kind = ? AND due = ?",
                    (then.sealed_chat, then.lang, then.register, then.step, then.due,
                     user_key, kind, lease_until))
        return cursor.rowcount > 0

    def drop_message(self, user_key: str, kind: str) -> bool:
        """Delete a planned message."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM planned WHERE user_key = ? AND kind = ?",
                                      (user_key, kind))
        return cursor.rowcount > 0

    # ---- updates under way (UpdateJournal) --------------------------------------------------

    def journal_add(self, update_id: int, sealed: bytes) -> bool:
        """Keep an update until it is handled, unless it was taken before."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                taken = self._db.execute("INSERT OR IGNORE INTO taken (update_id, at) "
                                         "VALUES (?, ?)", (update_id, int(time.time())))
                new = taken.rowcount > 0
                if new:
                    self._db.execute("INSERT INTO inbox (update_id, sealed) VALUES (?, ?)",
                                     (update_id, sealed))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            if new:
                self._purge(datetime.now(UTC).date().isoformat())
        return new

    def journal_done(self, update_id: int) -> None:
        """Delete a handled update."""
        with self._lock:
            self._db.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))

    def journal_left(self) -> list[tuple[int, bytes]]:
        """The updates kept and not handled, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT update_id, sealed FROM inbox "
                                    "ORDER BY update_id").fetchall()
        return [(int(update_id), bytes(sealed)) for update_id, sealed in rows]

    def ping(self) -> bool:
        """Whether the database answers."""
        try:
            with self._lock:
                self._db.execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def close(self) -> None:
        """Write the counts that wait, and close the database."""
        with self._lock:
            try:
                self._write_counts()
            finally:
                self._db.close()


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only, or make an existing one so."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    os.close(fd)
    _restrict(path)


def _restrict(path: Path) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
            path.chmod(FILE_MODE)
    except FileNotFoundError:
        pass
