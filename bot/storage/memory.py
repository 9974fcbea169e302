"""The store of last resort: this process's memory, when DATA_DIR cannot be used.

A corrupt database, a full or read-only disk: the bot keeps answering rather than stop. Choices
and counts live only until the process ends, updates under way are not kept through a crash, and
`ping` says the configured store is away, so /readyz reports the replica as degraded.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import replace

from bot.language import Lang
from bot.storage import (
    PLANNED_KINDS,
    CountRow,
    FeedbackRow,
    Planned,
    ScoreRow,
    UnansweredRow,
)

#: How many update ids, votes and language choices are remembered at most.
REMEMBERED = 100_000


class MemoryStore:
    """Everything the bot keeps, in memory, bounded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._languages: OrderedDict[str, Lang] = OrderedDict()
        self._counts: Counter[tuple[str, str, str, str]] = Counter()
        self._feedback: Counter[tuple[str, str, str, bool]] = Counter()
        self._scores: Counter[tuple[str, str, int]] = Counter()
        self._dismissed: dict[str, str] = {}
        self._unanswered: list[UnansweredRow] = []
        self._votes: OrderedDict[str, str] = OrderedDict()
        self._taken: OrderedDict[int, None] = OrderedDict()
        self._planned: dict[tuple[str, str], Planned] = {}

    @staticmethod
    def _remember(table: OrderedDict[str, str] | OrderedDict[str, Lang]
                  | OrderedDict[int, None]) -> None:
        while len(table) > REMEMBERED:
            table.popitem(last=False)

    def ping(self) -> bool:
        """False: the store the settings name is not in use (the bot runs degraded)."""
        return False

    def get_language(self, user_key: str) -> Lang | None:
        """The language a person chose, if any."""
        return self._languages.get(user_key)

    def set_language(self, user_key: str, lang: Lang) -> None:
        """Remember a person's language choice until the process ends."""
        with self._lock:
            self._languages[user_key] = lang
            self._remember(self._languages)

    def forget(self, user_key: str) -> bool:
        """Erase everything kept about a person."""
        with self._lock:
            planned = [self._planned.pop((user_key, kind), None) for kind in PLANNED_KINDS]
            return (self._languages.pop(user_key, None) is not None
                    or any(p is not None for p in planned))

    def plan_message(self, planned: Planned) -> None:
        """Keep a message to send later, until the process ends."""
        if planned.kind not in PLANNED_KINDS:
            raise ValueError(f"unknown kind of planned message: {planned.kind}")
        with self._lock:
            self._planned[(planned.user_key, planned.kind)] = planned

    def due_messages(self, now: float, limit: int) -> list[tuple[str, str]]:
        """Planned messages due by now, the most overdue first."""
        with self._lock:
            due = sorted((p for p in self._planned.values() if p.due <= now),
                         key=lambda p: p.due)
        return [(p.user_key, p.kind) for p in due[:limit]]

    def claim_message(self, user_key: str, kind: str, now: float,
                      lease_until: float) -> Planned | None:
        """Take a due message: its due time moves to the lease's end."""
        with self._lock:
            planned = self._planned.get((user_key, kind))
            if planned is None or planned.due > now:
                return None
            self._planned[(user_key, kind)] = replace(planned, due=lease_until)
            return planned

    def finish_message(self, user_key: str, kind: str, lease_until: float,
                       then: Planned | None) -> bool:
        """Plan the next of a sent message's series, or delete it, if still as claimed."""
        with self._lock:
            planned = self._planned.get((user_key, kind))
            if planned is None or planned.due != lease_until:
                return False
            if then is None:
                del self._planned[(user_key, kind)]
            else:
                self._planned[(user_key, kind)] = then
            return True

    def drop_message(self, user_key: str, kind: str) -> bool:
        """Delete a planned message."""
        with self._lock:
            return self._planned.pop((user_key, kind), None) is not None

    def record_reply(self, day: str, topic: str, lang: str, kind: str) -> None:
        """Count one reply."""
        with self._lock:
            self._counts[(day, topic, lang, kind)] += 1

    def record_feedback(self, day: str, topic: str, lang: str, helpful: bool) -> None:
        """Count one 👍 or 👎."""
        with self._lock:
            self._feedback[(day, topic, lang, helpful)] += 1

    def save_unanswered(self, day: str, lang: str, text: str) -> None:
        """Keep one redacted unanswered question."""
        with self._lock:
            self._unanswered.append(UnansweredRow(day, lang, text))
            del self._unanswered[:-REMEMBERED]

    def purge_unanswered(self, before_day: str) -> int:
        """Delete unanswered questions older than a day."""
        with self._lock:
            kept = [row for row in self._unanswered if row.day >= before_day]
            purged, self._unanswered = len(self._unanswered) - len(kept), kept
        return purged

    def counts(self, since_day: str) -> list[CountRow]:
        """Reply counts from a day on."""
        return [CountRow(*key, n) for key, n in sorted(self._counts.items())
                if key[0] >= since_day]

    def feedback(self, since_day: str) -> list[FeedbackRow]:
        """Feedback counts from a day on."""
        return [FeedbackRow(*key, n) for key, n in sorted(self._feedback.items())
                if key[0] >= since_day]

    def unanswered(self, since_day: str) -> list[UnansweredRow]:
        """Unanswered questions from a day on."""
        return [row for row in self._unanswered if row.day >= since_day]

    def record_score(self, day: str, kind: str, bucket: int) -> None:
        """Count one reply's best match score, as a bucket 0-9."""
        with self._lock:
            self._scores[(day, kind, bucket)] += 1

    def scores(self, since_day: str) -> list[ScoreRow]:
        """Score buckets from a day on."""
        return [ScoreRow(*key, n) for key, n in sorted(self._scores.items())
                if key[0] >= since_day]

    def dismiss_themes(self, day: str, keys: Iterable[str]) -> None:
        """Remember dismissed themes by their keyed hashes."""
        with self._lock:
            for key in keys:
                self._dismissed.setdefault(key, day)

    def dismissed_themes(self) -> frozenset[str]:
        """The keyed hashes of every dismissed theme."""
        return frozenset(self._dismissed)

    def offer_vote(self, message_key: str, day: str) -> None:
        """Allow one vote on an answer."""
        with self._lock:
            self._votes[message_key] = day
            self._remember(self._votes)

    def take_vote(self, message_key: str, since_day: str) -> bool:
        """Use up an answer's one vote."""
        with self._lock:
            day = self._votes.pop(message_key, None)
        return day is not None and day >= since_day

    def journal_add(self, update_id: int, sealed: bytes) -> bool:
        """Remember an update id (nothing survives the process); tell whether it is new."""
        with self._lock:
            if update_id in self._taken:
                return False
            self._taken[update_id] = None
            self._remember(self._taken)
        return True

    def journal_done(self, update_id: int) -> None:
        """Nothing to delete: the update itself was never kept."""

    def journal_left(self) -> list[tuple[int, bytes]]:
        """Nothing is ever left: memory does not survive the process."""
        return []

    def flush(self) -> None:
        """Nothing waits: counts are in memory already."""

    def close(self) -> None:
        """Nothing to release."""
