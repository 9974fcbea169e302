"""`python -m bench.profile`: the CPU time of a text update, part by part, beside the echo bot.

No timing is asserted (the machines are noisy): only that every part is measured, that the
parts add up to the total, and that the timers are gone afterwards.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

import bot.matching
import bot.replies
from bench.pipeline import fake_available
from bench.profile import CLOCK, FAKE, PARTS, REST, format_profile, instrument, profile
from tests.conftest import KNOWLEDGE_DIR

pytestmark = pytest.mark.skipif(not fake_available(), reason="the fake Bot API is unavailable")


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return profile(KNOWLEDGE_DIR, count=30, users=10)


def test_the_parts_of_our_update_add_up_to_its_total(result: dict[str, Any]) -> None:
    parts = result["parts_us"]
    for name in ("inbox: seal (JSON, AES-GCM)", "inbox: insert (SQLite)", "matching",
                 "safety: crisis rules", "reply: rendering", "logging",
                 "telegram: send (HTTP client)", FAKE, REST):
        assert name in parts, name
    assert math.isclose(sum(parts.values()), result["cpu_us_per_update"], rel_tol=0.01)
    assert result["calls_per_update"]["matching"] == pytest.approx(1.0)


def test_the_echo_bot_has_none_of_our_parts(result: dict[str, Any]) -> None:
    echo = result["echo_parts_us"]
    assert "matching" not in echo and "inbox: seal (JSON, AES-GCM)" not in echo
    assert echo["telegram: send (HTTP client)"] > 0
    table = format_profile(result)
    assert "the bot alone" in table and "ours / echo" in table


def test_every_part_names_functions_that_exist() -> None:
    restore = instrument()  # raises if a module or a function is gone
    try:
        assert hasattr(bot.matching.match, "__wrapped__")
        assert bot.replies.match is bot.matching.match  # wrapped where it is imported, too
    finally:
        restore()
    assert not hasattr(bot.matching.match, "__wrapped__")
    assert not hasattr(bot.replies.match, "__wrapped__")
    assert len({name for name, _ in PARTS}) == len(PARTS)


def test_a_coroutine_is_timed_only_while_it_runs() -> None:
    async def waits() -> str:
        await asyncio.sleep(0.05)
        return "done"

    from bench.profile import _timer

    timed = _timer(waits, "waiting")
    CLOCK.reset()
    assert asyncio.run(timed()) == "done"
    # 50 ms asleep cost no CPU: what is counted is the coroutine's own two steps.
    assert CLOCK.spent["waiting"] < 0.02
    assert CLOCK.calls["waiting"] == 1
