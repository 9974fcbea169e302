"""A per-person flood guard: dozens of messages in seconds get one "please slow down".

It keeps, per anonymous key, only the times of recent messages, in memory, and forgets people
who went quiet. One person flooding costs the others nothing: the check is a few dictionary
operations, and the guard never waits.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["pass", "warn", "drop"]

#: More than this many messages ...
BURST = 20
#: ... within this many seconds is a flood.
WINDOW_S = 10.0
#: After the warning, messages are dropped in silence for this long.
QUIET_S = 30.0


@dataclass
class FloodGuard:
    """Decide per message whether to pass it, warn once, or drop it."""

    burst: int = BURST
    window_s: float = WINDOW_S
    quiet_s: float = QUIET_S
    clock: Callable[[], float] = time.monotonic
    _recent: dict[str, deque[float]] = field(default_factory=dict)
    _quiet_until: dict[str, float] = field(default_factory=dict)

    def check(self, key: str) -> Verdict:
        """Record a message from a person and decide what to do with it."""
        now = self.clock()
        if self._quiet_until.get(key, 0.0) > now:
            return "drop"
        self._quiet_until.pop(key, None)
        times = self._recent.setdefault(key, deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        times.append(now)
        if len(times) > self.burst:
            times.clear()
            self._quiet_until[key] = now + self.quiet_s
            return "warn"
        if len(self._recent) > 10_000:
            self._forget_idle(now)
        return "pass"

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, t in self._recent.items() if not t or now - t[-1] > self.window_s]:
            del self._recent[key]
