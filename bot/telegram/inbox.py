"""Updates are kept until they are handled, so that a crash loses none that Telegram let go of.

Telegram forgets an update once the bot acknowledges it: by answering 200 to the webhook's POST,
or by asking getUpdates for the next offset. So each update is first made durable, in the store
the bot already runs, and only then acknowledged; it is deleted once it was handled, and a
process that starts first handles what a dead one left.

- One process (SQLite in DATA_DIR): the update goes into the `inbox` table, in the transaction
  that records its id as taken.
- Replicas (Redis): a stream with a consumer group. In one script, a replica records the id as
  taken, adds the update (XADD) and reads one entry for itself (XREADGROUP), which stays pending
  until it is acknowledged and deleted (XACK, XDEL) once handled. A replica that starts reads its
  own pending entries first (a restarted replica keeps its name: host and port, or
  REPLICA_NAME); every replica renews the entries it works on (XCLAIM … JUSTID) and takes over
  (XAUTOCLAIM) those a dead replica left idle for `CLAIM_IDLE_S`.

An update holds ids and message text, so it is kept sealed: AES-GCM under a key derived from
the anonymous keys' secret, never in the clear. An update id recorded as taken is never taken
again, so an update Telegram delivers twice is answered once; only the sends under way at the
moment of a crash can be repeated, when their update is handled again after the restart.

While the store is away (Redis down, a failing disk), updates are handled from memory: they are
answered, but a crash meanwhile can lose the ones under way (one warning per outage).
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Protocol

import redis.asyncio
from cryptography.exceptions import InvalidTag
from redis.exceptions import ResponseError
from telegram import Bot, Update

from bot.storage import UpdateJournal
from bot.storage.redis import DEFAULT_PREFIX, UNREACHABLE, Breaker
from bot.storage.sealed import Sealer

log = logging.getLogger("qoldau.telegram.inbox")

#: Telegram gives up redelivering an update after a day.
TAKEN_TTL_S = 24 * 3600
#: How many taken update ids a process remembers in memory (while its store is away).
TAKEN_IN_MEMORY = 100_000
#: An entry pending this long on a replica that stopped renewing it is taken over.
CLAIM_IDLE_S = 30.0
#: How often a replica renews its entries and looks for entries to take over.
TEND_EVERY_S = 5.0
#: A consumer with nothing pending, silent this long, is removed from the group.
FORGET_CONSUMER_S = 3600.0
GROUP = "bot"
BATCH = 100


class TakenIds:
    """Update ids already taken, in this process's memory (bounded)."""

    def __init__(self, size: int = TAKEN_IN_MEMORY) -> None:
        self.size = size
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        """Record an id; tell whether it is new here."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


class Inbox(Protocol):
    """Where updates wait, durably, from the moment they are taken until they are handled."""

    #: The name this process reads under (replicas: its consumer name in the group).
    consumer: str

    def bind(self, bot: Bot) -> None:
        """The bot that updates read back from the store belong to."""

    async def accept(self, update: Update) -> list[Update]:
        """Keep an update (durably, before it is acknowledged); return the updates this process
        handles now (none when the update was taken before)."""

    async def done(self, update: Update) -> None:
        """Delete an update that was handled."""

    async def left(self) -> list[Update]:
        """At start: the updates a process that died left unhandled."""

    async def tend(self) -> list[Update]:
        """Now and then: renew what this process works on; return what a dead one left."""


class _Sealed:
    """Turning updates into sealed bytes and back."""

    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer
        self.bot: Bot | None = None
        self.consumer = f"{socket.gethostname()}:polling"

    def bind(self, bot: Bot) -> None:
        """The bot that updates read back belong to."""
        self.bot = bot

    def seal(self, update: Update) -> bytes:
        data = json.dumps(update.to_dict(), ensure_ascii=False, separators=(",", ":"))
        return self.sealer.seal(update.update_id, data.encode())

    def unseal(self, update_id: int, sealed: bytes) -> Update | None:
        """The update, or None (logged, without its content) when it cannot be read back."""
        try:
            data = json.loads(self.sealer.open(update_id, sealed))
            return Update.de_json(data, self.bot)
        except (InvalidTag, ValueError, TypeError, KeyError) as exc:
            # Sealed with another USER_KEY_SECRET, or damaged: nobody can read it, ever.
            log.warning("update under way unreadable: dropped", extra={"error": type(exc).__name__})
            return None


class LocalInbox(_Sealed):
    """One process: updates under way in the SQLite store (or memory, if DATA_DIR is unusable)."""

    def __init__(self, journal: UpdateJournal, sealer: Sealer) -> None:
        super().__init__(sealer)
        self.journal = journal
        self.taken = TakenIds()
        self._failing = False

    def _failed(self, error: BaseException) -> None:
        if not self._failing:
            self._failing = True
            log.warning("updates under way not kept: handled from memory",
                        extra={"error": type(error).__name__})

    def _worked(self) -> None:
        if self._failing:
            self._failing = False
            log.info("updates under way kept again")

    async def accept(self, update: Update) -> list[Update]:
        """Keep the update in the database, then hand it over (unless taken before)."""
        here = self.taken.first_time(update.update_id)
        try:
            new = self.journal.journal_add(update.update_id, self.seal(update))
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            new = here
        else:
            self._worked()
        return [update] if new else []

    async def done(self, update: Update) -> None:
        """Delete the handled update."""
        try:
            self.journal.journal_done(update.update_id)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)

    async def left(self) -> list[Update]:
        """The updates the last process left unhandled."""
        try:
            rows = self.journal.journal_left()
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)
            return []
        updates = []
        for update_id, sealed in rows:
            self.taken.first_time(update_id)
            update = self.unseal(update_id, sealed)
            if update is None:
                await self._drop(update_id)
            else:
                updates.append(update)
        return updates

    async def _drop(self, update_id: int) -> None:
        try:
            self.journal.journal_done(update_id)
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)

    async def tend(self) -> list[Update]:
        """Nothing to renew or take over: one process is alone with its database."""
        return []


# KEYS: the taken id, the stream. ARGV: taken TTL, update id, sealed update, group, consumer.
# Returns nil when the id was taken before; else one unread entry for this consumer (nearly
# always the one just added), as XREADGROUP gives it.
ACCEPT = """
redis.pcall('XGROUP', 'CREATE', KEYS[2], ARGV[4], '0', 'MKSTREAM')
if not redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then return false end
redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'u', ARGV[3])
return redis.call('XREADGROUP', 'GROUP', ARGV[4], ARGV[5], 'COUNT', 1, 'STREAMS', KEYS[2], '>')
"""

Entry = tuple[str, dict[str, str] | None]


class RedisInbox(_Sealed):
    """Replicas: updates under way in a Redis stream read through one consumer group."""

    def __init__(self, client: redis.asyncio.Redis, sealer: Sealer,
                 prefix: str = DEFAULT_PREFIX, claim_idle_s: float = CLAIM_IDLE_S) -> None:
        super().__init__(sealer)
        self.client = client
        self.prefix = prefix
        self.stream = f"{prefix}inbox"
        self.claim_idle_s = claim_idle_s
        self.breaker = Breaker("updates under way")
        self.taken = TakenIds()
        #: update id → stream entry id, for the updates this replica works on.
        self.entries: dict[int, str] = {}
        self._unacknowledged: list[str] = []
        self._accept = client.register_script(ACCEPT)
        self._tended = 0

    async def accept(self, update: Update) -> list[Update]:
        """Record the id, add the update and read one entry for this replica, in one step."""
        update_id = update.update_id
        here = self.taken.first_time(update_id)
        if self.breaker.available():
            sealed = base64.b64encode(self.seal(update)).decode("ascii")
            try:
                reply = await self._accept(
                    keys=[f"{self.prefix}update:{update_id}", self.stream],
                    args=[TAKEN_TTL_S, update_id, sealed, GROUP, self.consumer])
            except UNREACHABLE as exc:
                self.breaker.failed(exc)
            else:
                self.breaker.succeeded()
                entries = _script_entries(reply)
                return await self._take(entries, given=update)
        return [update] if here else []

    async def done(self, update: Update) -> None:
        """Acknowledge and delete the handled update's entry (later, if Redis is away now)."""
        entry = self.entries.pop(update.update_id, None)
        if entry is None:
            return  # handled from memory while Redis was away
        try:
            await self._acknowledge([entry])
        except UNREACHABLE as exc:
            self.breaker.failed(exc)
            self._unacknowledged.append(entry)

    async def _acknowledge(self, entries: list[str]) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.xack(self.stream, GROUP, *entries)
        pipe.xdel(self.stream, *entries)
        await pipe.execute()

    async def left(self) -> list[Update]:
        """This replica's own pending entries (it died while working on them), then whatever
        a dead replica left."""
        try:
            try:
                await self.client.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):  # BUSYGROUP: the group is there already
                    raise
            entries: list[Entry] = []
            last = "0-0"
            while True:
                batch = _read(await self.client.xreadgroup(
                    GROUP, self.consumer, {self.stream: last}, count=BATCH))
                if not batch:
                    break
                entries += batch
                last = batch[-1][0]
        except UNREACHABLE as exc:
            self.breaker.failed(exc)
            return []
        mine = await self._take(entries)
        return mine + await self.tend()

    async def tend(self) -> list[Update]:
        """Renew the entries this replica works on; take over those a dead replica left."""
        if not self.breaker.available():
            return []
        entries: list[Entry] = []
        try:
            if self._unacknowledged:
                await self._acknowledge(self._unacknowledged)
                self._unacknowledged = []
            working: list[Any] = list(self.entries.values())
            for start in range(0, len(working), BATCH):
                # Claiming one's own entries resets their idle time: "still working on these".
                await self.client.xclaim(self.stream, GROUP, self.consumer, 0,
                                         working[start:start + BATCH], justid=True)
            start_id = "0-0"
            for _ in range(10):
                reply: Any = await self.client.xautoclaim(
                    self.stream, GROUP, self.consumer, int(self.claim_idle_s * 1000),
                    start_id=start_id, count=BATCH)
                next_id, claimed = str(reply[0]), reply[1]
                entries += [(str(entry_id), fields) for entry_id, fields in claimed]
                if next_id == "0-0":
                    break
                start_id = next_id
            # Entries added but never read (a script cut short): any replica may take them.
            entries += _read(await self.client.xreadgroup(
                GROUP, self.consumer, {self.stream: ">"}, count=BATCH))
            self._tended += 1
            if self._tended % max(1, int(FORGET_CONSUMER_S / TEND_EVERY_S / 10)) == 0:
                await self._forget_idle_consumers()
        except UNREACHABLE as exc:
            self.breaker.failed(exc)
        else:
            self.breaker.succeeded()
        return await self._take(entries)

    async def _forget_idle_consumers(self) -> None:
        """Remove consumers of replicas long gone (nothing pending: nothing is lost)."""
        for consumer in await self.client.xinfo_consumers(self.stream, GROUP):
            if (consumer["name"] != self.consumer and int(consumer["pending"]) == 0
                    and int(consumer["idle"]) > FORGET_CONSUMER_S * 1000):
                await self.client.xgroup_delconsumer(self.stream, GROUP, consumer["name"])

    async def _take(self, entries: Iterable[Entry], given: Update | None = None,
                    ) -> list[Update]:
        """The updates of entries this replica now works on; unreadable ones are dropped."""
        updates: list[Update] = []
        dropped: list[str] = []
        for entry_id, fields in entries:
            if not fields or "id" not in fields or "u" not in fields:
                dropped.append(entry_id)  # deleted meanwhile: handled already
                continue
            update_id = int(fields["id"])
            self.taken.first_time(update_id)
            if update_id in self.entries:
                self.entries[update_id] = entry_id
                continue  # already under way here
            if given is not None and update_id == given.update_id:
                update: Update | None = given
            else:
                update = self.unseal(update_id, base64.b64decode(fields["u"]))
            if update is None:
                dropped.append(entry_id)
                continue
            self.entries[update_id] = entry_id
            updates.append(update)
        if dropped:
            try:
                await self._acknowledge(dropped)
            except UNREACHABLE as exc:
                self.breaker.failed(exc)
        return updates


def _read(reply: Any) -> list[Entry]:
    """The entries of an XREADGROUP reply: [[stream, [(id, fields), ...]]]."""
    return [(str(entry_id), fields) for _stream, items in reply or () for entry_id, fields in items]


def _script_entries(reply: Any) -> list[Entry]:
    """The entries of a raw XREADGROUP reply returned by a script."""
    if not reply:
        return []
    entries: list[Entry] = []
    for _stream, items in reply:
        for entry_id, flat in items:
            fields = dict(zip(flat[::2], flat[1::2], strict=True)) if flat else None
            entries.append((str(entry_id), fields))
    return entries


def replica_name(configured: str | None, port: int | None) -> str:
    """The name a replica reads updates under: kept across restarts, so that a restarted
    replica finds the updates it was working on when it died."""
    if configured:
        return configured
    return f"{socket.gethostname()}:{port if port is not None else 'polling'}"
