"""A per-person flood guard: dozens of messages in seconds get one "please slow down".

It keeps, per anonymous key, only the times of recent messages and forgets people who went
quiet. One person flooding costs the others nothing: the check is a few dictionary operations
(or two Redis round trips when replicas share the counters), and the guard never waits.

The counting lives behind `FloodCounter`: in this process's memory (`MemoryFloodCounter`), or
in Redis so that replicas behind one proxy see the same person as one
(`bot.telegram.flood_redis.RedisFloodCounter`). The decision is the same either way.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

Verdict = Literal["pass", "warn", "drop"]

#: More than this many messages ...
BURST = 20
#: ... within this many seconds is a flood.
WINDOW_S = 10.0
#: After the warning, messages are dropped in silence for this long.
QUIET_S = 30.0


class FloodCounter(Protocol):
    """Where the flood guard counts a person's recent messages."""

    async def is_quiet(self, key: str) -> bool:
        """Whether the person is in a quiet period after a warning."""

    async def add(self, key: str, window_s: float) -> int:
        """Count one message now; return how many the person sent within the last window."""

    async def silence(self, key: str, seconds: float) -> None:
        """Start a quiet period and forget the counted messages."""


@dataclass
class MemoryFloodCounter:
    """Counts in this process's memory: times of recent messages per anonymous key."""

    clock: Callable[[], float] = time.monotonic
    _recent: dict[str, deque[float]] = field(default_factory=dict)
    _quiet_until: dict[str, float] = field(default_factory=dict)

    async def is_quiet(self, key: str) -> bool:
        """Whether the person is in a quiet period after a warning."""
        if self._quiet_until.get(key, 0.0) > self.clock():
            return True
        self._quiet_until.pop(key, None)
        return False

    async def add(self, key: str, window_s: float) -> int:
        """Count one message now; return how many within the window."""
        now = self.clock()
        times = self._recent.setdefault(key, deque())
        while times and now - times[0] > window_s:
            times.popleft()
        times.append(now)
        if len(self._recent) > 10_000:
            self._forget_idle(now, window_s)
        return len(times)

    async def silence(self, key: str, seconds: float) -> None:
        """Start a quiet period and forget the counted messages."""
        self._recent.pop(key, None)
        self._quiet_until[key] = self.clock() + seconds

    def _forget_idle(self, now: float, window_s: float) -> None:
        for key in [k for k, t in self._recent.items() if not t or now - t[-1] > window_s]:
            del self._recent[key]


@dataclass
class FloodGuard:
    """Decide per message whether to pass it, warn once, or drop it."""

    burst: int = BURST
    window_s: float = WINDOW_S
    quiet_s: float = QUIET_S
    counter: FloodCounter = field(default_factory=MemoryFloodCounter)

    async def check(self, key: str) -> Verdict:
        """Record a message from a person and decide what to do with it."""
        if await self.counter.is_quiet(key):
            return "drop"
        if await self.counter.add(key, self.window_s) > self.burst:
            await self.counter.silence(key, self.quiet_s)
            return "warn"
        return "pass"
