"""Live knowledge: the current snapshot, swapped atomically, and a watcher of the files.

A reload loads and validates in a worker thread, within the loader's bounds (size, values
built, time), and is cancelled when the bot stops. A valid knowledge base replaces the old one
with one reference assignment, so every reply is built from one whole snapshot; an invalid (or
too large) one never replaces anything: the bot keeps answering from the last good one and the
problems are reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError, LoadBudget, Problem, knowledge_files, load

log = logging.getLogger("qoldau.knowledge")

#: How often the files are looked at, and how long they must stay still before a reload
#: (an editor saving several files, or writing one in pieces).
POLL_S = 1.0
SETTLE_S = 0.5


class KnowledgeHolder:
    """The current knowledge snapshot; a reload swaps the one reference."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        # The learned models (the safety net, the topic channel) train beside the answers:
        # until they are ready the rules and the matcher (after a reload, the previous
        # models) answer alone.
        _train(kb)

    @property
    def current(self) -> KnowledgeBase:
        """The snapshot to answer from (never a half-loaded one)."""
        return self._kb

    def swap(self, kb: KnowledgeBase) -> None:
        """Replace the snapshot; its models train while the previous ones serve."""
        if kb.safety is not None:
            kb.safety.inherit(self._kb.safety)
        if kb.learned is not None:
            kb.learned.inherit(self._kb.learned)
        _train(kb)
        self._kb = kb


def _train(kb: KnowledgeBase) -> None:
    for slot in (kb.safety, kb.learned):
        if slot is not None:
            slot.train_in_background()


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: whether the new files went live, and their problems if not."""

    ok: bool
    topics: int
    problems: tuple[Problem, ...] = ()


Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(directory: Path) -> Fingerprint:
    """Paths, sizes and modification times of the knowledge files (a folder's too)."""
    try:
        files = knowledge_files(directory)
        return tuple((str(p.relative_to(directory)), p.stat().st_size, p.stat().st_mtime_ns)
                     for p in files)
    except OSError:
        return ()


async def reload_knowledge(holder: KnowledgeHolder, directory: Path) -> ReloadResult:
    """Load the files in a worker thread; swap them in only if they are valid.

    The load is bounded (size, values built, time: see the loader) and, when the waiting task
    is cancelled (the bot is stopping), cancelled too: it never holds up the process's exit.
    """
    log.info("knowledge reload started")
    try:
        kb = await _load_in_thread(directory, LoadBudget())
    except KnowledgeError as exc:
        # The problems name files and lines of the knowledge base: nothing personal.
        log.warning("knowledge reload refused",
                    extra={"count": len(exc.problems),
                           "problems": [str(p) for p in exc.problems[:50]]})
        return ReloadResult(False, len(holder.current.topics), exc.problems)
    holder.swap(kb)
    log.info("knowledge reloaded", extra={"topics": len(kb.topics)})
    return ReloadResult(True, len(kb.topics))


async def _load_in_thread(directory: Path, budget: LoadBudget) -> KnowledgeBase:
    """`load` in a daemon thread of its own; cancelling the wait cancels the load."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[KnowledgeBase] = loop.create_future()

    def settle(result: KnowledgeBase | None, error: BaseException | None) -> None:
        if done.done():
            return  # the wait was cancelled meanwhile
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result, error = load(directory, budget), None
        except BaseException as exc:
            result, error = None, exc
        # The loop may be gone already (the process is stopping): nobody is waiting then.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, result, error)

    # A daemon thread: a load still running when the process exits never holds it up.
    threading.Thread(target=work, name="knowledge-reload", daemon=True).start()
    try:
        return await done
    except asyncio.CancelledError:
        budget.cancel()
        log.info("knowledge reload cancelled")
        raise


class KnowledgeWatcher:
    """Reload the knowledge base when its files change, and report refused reloads."""

    def __init__(self, directory: Path, holder: KnowledgeHolder,
                 on_result: Callable[[ReloadResult], Awaitable[None]],
                 poll_s: float = POLL_S, settle_s: float = SETTLE_S) -> None:
        self.directory = directory
        self.holder = holder
        self.on_result = on_result
        self.poll_s = poll_s
        self.settle_s = settle_s
        self._seen = fingerprint(directory)

    async def run(self) -> None:
        """Watch until cancelled."""
        while True:
            await asyncio.sleep(self.poll_s)
            current = fingerprint(self.directory)
            if current == self._seen:
                continue
            # Wait until the files stop changing, then load what is there.
            while True:
                await asyncio.sleep(self.settle_s)
                settled = fingerprint(self.directory)
                if settled == current:
                    break
                current = settled
            self._seen = current
            try:
                result = await reload_knowledge(self.holder, self.directory)
                await self.on_result(result)
            except Exception:
                log.exception("knowledge watcher failed; still watching")
