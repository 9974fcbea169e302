"""Conversations in progress, held in this process's memory only, each for a limited time.

The Telegram bot keeps each person's open safety plan here, under their anonymous key; the
console chat keeps its one plan the same way. Nothing here is ever written to disk, Redis or a
log, so a restart forgets everything, as promised. A session lives at most `ttl_s` from the
moment it was opened: answering does not extend it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

#: Expired sessions are swept at most this often (each lookup also checks its own).
SWEEP_S = 60.0


class Sessions(Generic[T]):
    """Values by key, each forgotten `ttl_s` seconds after it was opened."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._items: dict[str, tuple[T, float]] = {}
        self._next_sweep = clock() + SWEEP_S

    def open(self, key: str, value: T) -> None:
        """Start a session (replacing any open one), with the whole time ahead of it."""
        self._sweep()
        self._items[key] = (value, self.clock() + self.ttl_s)

    def get(self, key: str) -> T | None:
        """The open session of a key, if it has not expired."""
        self._sweep()
        item = self._items.get(key)
        if item is None:
            return None
        if self.clock() >= item[1]:
            del self._items[key]
            return None
        return item[0]

    def update(self, key: str, value: T | None) -> None:
        """Carry an open session forward (None closes it); its deadline stays as it was."""
        item = self._items.get(key)
        if value is None or item is None or self.clock() >= item[1]:
            self._items.pop(key, None)
            return
        self._items[key] = (value, item[1])

    def drop(self, key: str) -> bool:
        """Close a session; tell whether one was open."""
        return self._items.pop(key, None) is not None

    def __len__(self) -> int:
        self._sweep(force=True)
        return len(self._items)

    def _sweep(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_S
        for key in [k for k, (_, deadline) in self._items.items() if now >= deadline]:
            del self._items[key]
