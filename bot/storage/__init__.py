"""What the bot keeps: the language a person chose (under an anonymous key), anonymous counts,
the anonymous keys of answers that may still get a vote, the updates under way (sealed, until
they are handled), the messages a person asked the bot to send later (a check-in, weekly tips:
the chat id sealed, only while they are wanted) and, only when the operator enables it, redacted
unanswered questions. Never a readable user or chat id, never readable message text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.language import Lang

#: How long an answer's 👍/👎 counts after it was sent.
VOTE_DAYS = 7
#: The messages a person may ask for later: a check-in after a hard moment, weekly tips.
PLANNED_KINDS = ("checkin", "tips")


@dataclass(frozen=True)
class CountRow:
    """How many replies of a kind went out on a day, per topic and language."""

    day: str
    topic: str
    lang: str
    kind: str
    n: int


@dataclass(frozen=True)
class FeedbackRow:
    """How many 👍 or 👎 a topic got on a day, per language."""

    day: str
    topic: str
    lang: str
    helpful: bool
    n: int


@dataclass(frozen=True)
class ScoreRow:
    """How many replies of a kind had their best match score in a bucket on a day (bucket b:
    scores from b/10 up to (b+1)/10, 9 including 1.0)."""

    day: str
    kind: str
    bucket: int
    n: int


@dataclass(frozen=True)
class UnansweredRow:
    """A question the bot could not answer, redacted, dated to the day."""

    day: str
    lang: str
    text: str


@dataclass(frozen=True)
class Planned:
    """A message a person asked the bot to send later: where to (the chat id sealed, so that a
    copy of the store alone cannot reach anyone), in which language and register, which one
    (the kind, and the step of its series) and when (Unix seconds). One per person and kind."""

    user_key: str
    kind: str
    sealed_chat: bytes
    lang: str
    register: str
    step: int
    due: float


class Store(Protocol):
    """Everything the bot keeps, behind one small interface (SQLite, or Redis for replicas)."""

    def get_language(self, user_key: str) -> Lang | None:
        """The language a person chose, if any."""

    def set_language(self, user_key: str, lang: Lang) -> None:
        """Remember a person's language choice."""

    def forget(self, user_key: str) -> bool:
        """Erase everything kept about a person (language, planned messages); tell whether there
        was anything."""

    def record_reply(self, day: str, topic: str, lang: str, kind: str) -> None:
        """Count one reply (no user, no text)."""

    def record_feedback(self, day: str, topic: str, lang: str, helpful: bool) -> None:
        """Count one 👍 or 👎 for a topic."""

    def record_score(self, day: str, kind: str, bucket: int) -> None:
        """Count one reply's best match score, as a bucket 0-9 (no topic, no text)."""

    def save_unanswered(self, day: str, lang: str, text: str) -> None:
        """Keep one redacted unanswered question."""

    def purge_unanswered(self, before_day: str) -> int:
        """Delete unanswered questions older than a day; return how many."""

    def counts(self, since_day: str) -> list[CountRow]:
        """Reply counts from a day on."""

    def feedback(self, since_day: str) -> list[FeedbackRow]:
        """Feedback counts from a day on."""

    def scores(self, since_day: str) -> list[ScoreRow]:
        """Score buckets from a day on."""

    def unanswered(self, since_day: str) -> list[UnansweredRow]:
        """Unanswered questions from a day on."""

    def offer_vote(self, message_key: str, day: str) -> None:
        """Allow one 👍/👎 on an answer the bot sent (keyed by its anonymous message key)."""

    def take_vote(self, message_key: str, since_day: str) -> bool:
        """Use up an answer's one vote; tell whether it was offered (since a day) and unused."""

    def dismiss_themes(self, day: str, keys: Iterable[str]) -> None:
        """Remember themes a moderator dismissed, by keyed hashes of their redacted text."""

    def dismissed_themes(self) -> frozenset[str]:
        """The keyed hashes of every dismissed theme."""

    def plan_message(self, planned: Planned) -> None:
        """Keep a message to send later, replacing the person's earlier one of that kind."""

    def due_messages(self, now: float, limit: int) -> list[tuple[str, str]]:
        """(user key, kind) of up to `limit` planned messages due by now, the most overdue
        first."""

    def claim_message(self, user_key: str, kind: str, now: float,
                      lease_until: float) -> Planned | None:
        """Take a due message to send it: in one step, move its due time to `lease_until` and
        return it as it was; None when it is not due (another replica took it, or it is gone).
        Sent, it is planned again or dropped; a sender that dies leaves it due again at
        `lease_until`."""

    def finish_message(self, user_key: str, kind: str, lease_until: float,
                       then: Planned | None) -> bool:
        """After sending a claimed message: plan the next of its series (`then`) or delete it,
        only if it is still as the claim left it (due at `lease_until`). A person who pressed
        Stop or sent /forget meanwhile is not planned again. Tell whether it was."""

    def drop_message(self, user_key: str, kind: str) -> bool:
        """Delete a planned message; tell whether there was one."""

    def flush(self) -> None:
        """Write what waits in memory to be written (counts), if anything does."""

    def close(self) -> None:
        """Write what waits, and release the store."""


class UpdateJournal(Protocol):
    """Where one process keeps the updates it took from Telegram until they are handled
    (sealed: encrypted with a key derived from the secret), and the ids of those it took."""

    def journal_add(self, update_id: int, sealed: bytes) -> bool:
        """Keep an update, durably, unless it was taken before; tell whether it is new."""

    def journal_done(self, update_id: int) -> None:
        """Delete an update that was handled (its id stays known as taken)."""

    def journal_left(self) -> list[tuple[int, bytes]]:
        """The updates kept and not handled (left by a process that died), oldest first."""
