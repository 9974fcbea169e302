"""The Redis store, for several replicas of the bot sharing what it keeps.

Keys hold no user or chat id: a language choice is kept under the anonymous HMAC user key
only, counts are hashes per day, and unanswered questions one sorted set scored by day, so a
retention purge is a single range delete. (The updates under way, the flood counters and the
rate-limit buckets have keys of their own: see bot/telegram/inbox.py, flood_redis.py and
ratelimit.py.)

    qoldau:lang:<user key>       hash  lang, day
    qoldau:counts:<day>          hash  ["topic", "lang", "kind"] → n
    qoldau:feedback:<day>        hash  ["topic", "lang", 0|1] → n
    qoldau:scores:<day>          hash  ["kind", bucket 0-9] → n
    qoldau:days                  zset  days that have counts, feedback or scores (score YYYYMMDD)
    qoldau:unanswered            zset  [id, "day", "lang", "text"] (score YYYYMMDD)
    qoldau:vote:<message key>    string  an answer's one 👍/👎, unused (expires in VOTE_DAYS)
    qoldau:dismissed             hash  keyed hash of a dismissed theme → day
    qoldau:planned:<kind>:<user key>  hash  sealed chat id (base64), lang, register, step
    qoldau:planned               zset  "<kind>:<user key>" → due (Unix seconds)

Keys are only ever added: the scores and the dismissed themes came with SQLite's schema 4, and
a Redis written before simply has none yet (nothing to migrate).

When Redis cannot be reached the bot keeps answering (see `Breaker`): a language is not found
(the person's Telegram language is used), a new choice and the counts are dropped with a warning.
Only what must not pretend is refused with `StoreUnavailable`: erasing a person's data (saying
"erased" would be a lie) and the moderators' reports (zero counts would be a lie too).

The Store protocol is synchronous (shared with SQLite and memory), so this store uses redis-py's
blocking client with short timeouts, and the bot never calls it on the event loop: its handlers
go through `Runtime.stored`, which runs these calls in a pool of threads, so a slow Redis delays
only the person whose update waits on it (the breaker is thread-safe; the client's connection
pool hands each thread its own connection).
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import TypeVar

import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from bot.language import Lang, is_lang
from bot.storage import (
    PLANNED_KINDS,
    VOTE_DAYS,
    CountRow,
    FeedbackRow,
    Planned,
    ScoreRow,
    UnansweredRow,
)

log = logging.getLogger("qoldau.redis")

#: Redis on the same host or LAN answers in well under a millisecond; waiting longer than this
#: would hold up every person's answer, so such a Redis counts as down.
CONNECT_TIMEOUT_S = 0.25
COMMAND_TIMEOUT_S = 0.5
#: After a failure, Redis is left alone this long before the next try.
RETRY_AFTER_S = 1.0
DEFAULT_PREFIX = "qoldau:"
#: Failures that mean "Redis is not there now" (restarting, loading, unreachable).
# Any Redis error degrades, not only a lost connection: a full Redis ("OOM command not
# allowed") or a replica after failover ("READONLY") must not stop the bot answering.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, RedisError, OSError)

T = TypeVar("T")


class StoreUnavailable(RuntimeError):
    """The store cannot be reached now; nothing was read or changed."""


class Breaker:
    """Remembers that Redis is down, so calls skip it for a moment instead of each waiting for
    a timeout; says once when Redis goes away and once when it is back."""

    def __init__(self, name: str, retry_after_s: float = RETRY_AFTER_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.retry_after_s = retry_after_s
        self.clock = clock
        self.down = False
        self._next_try = 0.0
        self._lock = threading.Lock()

    def available(self) -> bool:
        """Whether to try Redis now (always while it works; once a second while it is down)."""
        return not self.down or self.clock() >= self._next_try

    def failed(self, error: BaseException) -> None:
        """Record a failed call."""
        with self._lock:
            self._next_try = self.clock() + self.retry_after_s
            if self.down:
                return
            self.down = True
        log.warning("redis unavailable", extra={"part": self.name,
                                                "error": type(error).__name__})

    def succeeded(self) -> None:
        """Record a call that worked."""
        if not self.down:
            return
        with self._lock:
            was_down, self.down = self.down, False
        if was_down:
            log.info("redis back", extra={"part": self.name})

    async def attempt(self, call: Callable[[], Awaitable[T]],
                      fallback: Callable[[], Awaitable[T]]) -> T:
        """Redis when it answers, the fallback (this process's memory) otherwise; each try
        tells the breaker whether Redis is there."""
        if self.available():
            try:
                result = await call()
            except UNREACHABLE as exc:
                self.failed(exc)
            else:
                self.succeeded()
                return result
        return await fallback()


def sync_client(url: str) -> redis.Redis:
    """A blocking client that gives up fast (one immediate retry, for a connection that
    Redis closed while restarting)."""
    return redis.Redis.from_url(url, decode_responses=True,
                                socket_connect_timeout=CONNECT_TIMEOUT_S,
                                socket_timeout=COMMAND_TIMEOUT_S, retry=Retry(NoBackoff(), 1))


def async_client(url: str) -> redis.asyncio.Redis:
    """An asyncio client that gives up fast, like `sync_client`."""
    return redis.asyncio.Redis.from_url(url, decode_responses=True,
                                        socket_connect_timeout=CONNECT_TIMEOUT_S,
                                        socket_timeout=COMMAND_TIMEOUT_S,
                                        retry=Retry(NoBackoff(), 1))


#: Take a due planned message: move its due time to the lease's end and return its fields (with
#: the due time it had), in one step, so that of two replicas only one takes it. A message
#: whose fields are gone (erased meanwhile) is removed from the schedule.
CLAIM_PLANNED = """
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not due) or tonumber(due) > tonumber(ARGV[2]) then return false end
local fields = redis.call('HGETALL', KEYS[2])
if #fields == 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return false
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
table.insert(fields, 'due')
table.insert(fields, due)
return fields
"""


#: After sending: plan the next message of the series (ARGV[3..]) or delete the message, only if
#: its due time is still the claim's lease end (a person who pressed Stop meanwhile stays
#: erased).
FINISH_PLANNED = """
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not due) or tonumber(due) ~= tonumber(ARGV[2]) then return 0 end
if #ARGV < 3 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
  return 1
end
redis.call('HSET', KEYS[2], 'sealed', ARGV[4], 'lang', ARGV[5], 'register', ARGV[6],
           'step', ARGV[7])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
"""


def day_score(day: str) -> int:
    """A day (YYYY-MM-DD) as a sortable number (YYYYMMDD)."""
    return int(day.replace("-", ""))


class RedisStore:
    """Everything the bot keeps, in Redis, shared by every replica."""

    def __init__(self, client: redis.Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self.breaker = Breaker("store")

    @classmethod
    def from_url(cls, url: str, prefix: str = DEFAULT_PREFIX) -> RedisStore:
        """Connect lazily to the Redis at url (nothing is sent until the first command)."""
        return cls(sync_client(url), prefix)

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def _try(self, call: Callable[[], T], fallback: T) -> T:
        """Run a command; if Redis is down, return fallback (the caller degrades)."""
        if not self.breaker.available():
            return fallback
        try:
            result = call()
        except UNREACHABLE as exc:
            self.breaker.failed(exc)
            return fallback
        self.breaker.succeeded()
        return result

    def _must(self, call: Callable[[], T]) -> T:
        """Run a command; if Redis is down, raise StoreUnavailable."""
        if not self.breaker.available():
            raise StoreUnavailable("Redis is unavailable")
        try:
            result = call()
        except UNREACHABLE as exc:
            self.breaker.failed(exc)
            raise StoreUnavailable("Redis is unavailable") from exc
        self.breaker.succeeded()
        return result

    def ping(self) -> bool:
        """Whether Redis answers now (always asks, even while the breaker is open)."""
        try:
            self.client.ping()
        except UNREACHABLE as exc:
            self.breaker.failed(exc)
            return False
        self.breaker.succeeded()
        return True

    # ---- a person's language ----------------------------------------------------------------

    def get_language(self, user_key: str) -> Lang | None:
        """The language a person chose, if any (None while Redis is down)."""
        value = self._try(lambda: self.client.hget(self._key("lang", user_key), "lang"), None)
        return value if is_lang(value) else None

    def set_language(self, user_key: str, lang: Lang) -> None:
        """Remember a person's language choice (dropped, with a warning, while Redis is down)."""
        day = datetime.now(UTC).date().isoformat()
        self._try(lambda: self.client.hset(self._key("lang", user_key),
                                           mapping={"lang": lang, "day": day}), None)

    def forget(self, user_key: str) -> bool:
        """Erase everything kept about a person; raise StoreUnavailable while Redis is down."""
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self._key("lang", user_key))
        for kind in PLANNED_KINDS:
            pipe.delete(self._key("planned", kind, user_key))
            pipe.zrem(self._key("planned"), f"{kind}:{user_key}")
        return any(self._must(pipe.execute))

    # ---- messages to send later -------------------------------------------------------------

    def plan_message(self, planned: Planned) -> None:
        """Keep a message to send later; raise StoreUnavailable while Redis is down (the person
        must not be told "I'll write" when nothing was kept)."""
        if planned.kind not in PLANNED_KINDS:
            raise ValueError(f"unknown kind of planned message: {planned.kind}")
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self._key("planned", planned.kind, planned.user_key), mapping={
            "sealed": base64.b64encode(planned.sealed_chat).decode(), "lang": planned.lang,
            "register": planned.register, "step": planned.step})
        pipe.zadd(self._key("planned"), {f"{planned.kind}:{planned.user_key}": planned.due})
        self._must(pipe.execute)

    def due_messages(self, now: float, limit: int) -> list[tuple[str, str]]:
        """Planned messages due by now, the most overdue first (none while Redis is down)."""
        members: list[object] = self._try(lambda: list(self.client.zrangebyscore(
            self._key("planned"), "-inf", now, start=0, num=limit)), [])
        due = []
        for member in members:
            kind, _, key = str(member).partition(":")
            due.append((key, kind))
        return due

    def claim_message(self, user_key: str, kind: str, now: float,
                      lease_until: float) -> Planned | None:
        """Take a due message, atomically (one replica wins); None while Redis is down."""
        fields = self._try(lambda: self.client.eval(
            CLAIM_PLANNED, 2, self._key("planned"), self._key("planned", kind, user_key),
            f"{kind}:{user_key}", now, lease_until), None)
        if not fields:
            return None
        values = dict(zip(fields[::2], fields[1::2], strict=True))
        return Planned(user_key, kind, base64.b64decode(values["sealed"]), values["lang"],
                       values["register"], int(values["step"]), float(values["due"]))

    def finish_message(self, user_key: str, kind: str, lease_until: float,
                       then: Planned | None) -> bool:
        """Plan the next of a sent message's series, or delete it, if still as claimed; False
        while Redis is down (the message is then due again when its lease ends)."""
        fields: list[str | float | int] = [] if then is None else [
            then.due, base64.b64encode(then.sealed_chat).decode(), then.lang, then.register,
            then.step]
        return bool(self._try(lambda: self.client.eval(
            FINISH_PLANNED, 2, self._key("planned"), self._key("planned", kind, user_key),
            f"{kind}:{user_key}", repr(lease_until), *fields), 0))

    def drop_message(self, user_key: str, kind: str) -> bool:
        """Delete a planned message; raise StoreUnavailable while Redis is down."""
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self._key("planned", kind, user_key))
        pipe.zrem(self._key("planned"), f"{kind}:{user_key}")
        return any(self._must(pipe.execute))

    # ---- anonymous counts -------------------------------------------------------------------

    def _count(self, table: str, day: str, field: list[str | int]) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hincrby(self._key(table, day), json.dumps(field, ensure_ascii=False), 1)
        pipe.zadd(self._key("days"), {day: day_score(day)})
        self._try(pipe.execute, None)

    def record_reply(self, day: str, topic: str, lang: str, kind: str) -> None:
        """Count one reply (no user, no text); dropped while Redis is down."""
        self._count("counts", day, [topic, lang, kind])

    def record_feedback(self, day: str, topic: str, lang: str, helpful: bool) -> None:
        """Count one 👍 or 👎 for a topic; dropped while Redis is down."""
        self._count("feedback", day, [topic, lang, int(helpful)])

    def record_score(self, day: str, kind: str, bucket: int) -> None:
        """Count one reply's best match score, as a bucket 0-9; dropped while Redis is down."""
        self._count("scores", day, [kind, bucket])

    def save_unanswered(self, day: str, lang: str, text: str) -> None:
        """Keep one redacted unanswered question; dropped while Redis is down."""

        def save() -> None:
            number = self.client.incr(self._key("unanswered", "seq"))
            member = json.dumps([number, day, lang, text], ensure_ascii=False)
            self.client.zadd(self._key("unanswered"), {member: day_score(day)})

        self._try(save, None)

    def purge_unanswered(self, before_day: str) -> int:
        """Delete unanswered questions older than a day; return how many."""
        return int(self._must(lambda: self.client.zremrangebyscore(
            self._key("unanswered"), "-inf", f"({day_score(before_day)}")))

    def _days(self, since_day: str) -> list[str]:
        days = self.client.zrangebyscore(self._key("days"), day_score(since_day), "+inf")
        return [str(day) for day in days]

    def _tables(self, table: str, since_day: str) -> list[tuple[str, list[str | int], int]]:
        def read() -> list[tuple[str, list[str | int], int]]:
            rows = []
            for day in self._days(since_day):
                for field, n in self.client.hgetall(self._key(table, day)).items():
                    rows.append((day, json.loads(field), int(n)))
            return sorted(rows, key=lambda row: (row[0], *map(str, row[1])))

        return self._must(read)

    def counts(self, since_day: str) -> list[CountRow]:
        """Reply counts from a day on; raise StoreUnavailable while Redis is down."""
        return [CountRow(day, str(topic), str(lang), str(kind), n)
                for day, (topic, lang, kind), n in self._tables("counts", since_day)]

    def feedback(self, since_day: str) -> list[FeedbackRow]:
        """Feedback counts from a day on; raise StoreUnavailable while Redis is down."""
        return [FeedbackRow(day, str(topic), str(lang), bool(helpful), n)
                for day, (topic, lang, helpful), n in self._tables("feedback", since_day)]

    def scores(self, since_day: str) -> list[ScoreRow]:
        """Score buckets from a day on; raise StoreUnavailable while Redis is down."""
        return [ScoreRow(day, str(kind), int(bucket), n)
                for day, (kind, bucket), n in self._tables("scores", since_day)]

    def dismiss_themes(self, day: str, keys: Iterable[str]) -> None:
        """Remember dismissed themes; raise StoreUnavailable while Redis is down (a moderator
        must not believe a theme is gone when it is not)."""
        pipe = self.client.pipeline(transaction=True)
        for key in keys:
            pipe.hsetnx(self._key("dismissed"), key, day)  # the first dismissal's day stays
        self._must(pipe.execute)

    def dismissed_themes(self) -> frozenset[str]:
        """The keyed hashes of every dismissed theme; raise StoreUnavailable while Redis is
        down."""
        return frozenset(str(key) for key in self._must(
            lambda: self.client.hkeys(self._key("dismissed"))))

    def unanswered(self, since_day: str) -> list[UnansweredRow]:
        """Unanswered questions from a day on; raise StoreUnavailable while Redis is down."""
        members = self._must(lambda: self.client.zrangebyscore(
            self._key("unanswered"), day_score(since_day), "+inf"))
        rows = sorted((json.loads(str(member)) for member in members),
                      key=lambda row: (row[1], row[0]))
        return [UnansweredRow(day, lang, text) for _, day, lang, text in rows]

    # ---- answers that may get a vote --------------------------------------------------------

    def offer_vote(self, message_key: str, day: str) -> None:
        """Allow one 👍/👎 on an answer, for VOTE_DAYS; dropped while Redis is down."""
        self._try(lambda: self.client.set(self._key("vote", message_key), 1,
                                          ex=VOTE_DAYS * 24 * 3600), None)

    def take_vote(self, message_key: str, since_day: str) -> bool:
        """Use up an answer's one vote (expired ones are gone already); False while down."""
        return bool(self._try(lambda: self.client.delete(self._key("vote", message_key)), 0))

    def flush(self) -> None:
        """Nothing waits: each count went to Redis as it came."""

    def close(self) -> None:
        """Close the connections."""
        self.client.close()
