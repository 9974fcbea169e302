"""The flood guard decides alike whether it counts in memory or in Redis, and replicas sharing
Redis see one flooding person as one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import redis.asyncio

from bot.storage.redis import async_client
from bot.telegram.flood import FloodGuard, MemoryFloodCounter
from bot.telegram.flood_redis import RedisFloodCounter
from tests.redis_server import RedisServer


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest_asyncio.fixture
async def client(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    """An asyncio client of the test's Redis."""
    connection = async_client(redis_url)
    yield connection
    await connection.aclose()


async def verdicts(guard: FloodGuard, key: str, n: int) -> list[str]:
    """What the guard says to n messages in a row."""
    return [await guard.check(key) for _ in range(n)]


@pytest.mark.parametrize("where", ["memory", "redis"])
async def test_burst_then_one_warning_then_silence_then_back(
        where: str, request: pytest.FixtureRequest) -> None:
    clock = Clock()
    if where == "memory":
        counter: MemoryFloodCounter | RedisFloodCounter = MemoryFloodCounter(clock=clock)
    else:
        counter = RedisFloodCounter(async_client(request.getfixturevalue("redis_url")),
                                    clock=clock)
    guard = FloodGuard(burst=5, window_s=10, quiet_s=30, counter=counter)
    assert await verdicts(guard, "a", 5) == ["pass"] * 5
    assert await guard.check("b") == "pass"  # someone else is not slowed down
    assert await verdicts(guard, "a", 3) == ["warn", "drop", "drop"]
    if where == "memory":
        clock.now += 31
    else:
        await counter.client.delete("qoldau:quiet:a")  # Redis's own clock ends the quiet
    assert await guard.check("a") == "pass"
    clock.now += 11  # the window slides: old messages no longer count
    assert await verdicts(guard, "a", 5) == ["pass"] * 5
    if isinstance(counter, RedisFloodCounter):
        await counter.client.aclose()


async def test_two_replicas_count_one_person_once(client: redis.asyncio.Redis) -> None:
    replica_a = FloodGuard(burst=6, counter=RedisFloodCounter(client))
    replica_b = FloodGuard(burst=6, counter=RedisFloodCounter(client))
    said = [await (replica_a if i % 2 else replica_b).check("person") for i in range(9)]
    assert said == ["pass"] * 6 + ["warn", "drop", "drop"]
    keys = [key async for key in client.scan_iter("qoldau:*")]
    assert sorted(keys) == ["qoldau:quiet:person"]  # the HMAC key only, never an id


async def test_without_redis_each_replica_still_slows_a_flood(own_redis: RedisServer) -> None:
    connection = async_client(own_redis.url)
    guard = FloodGuard(burst=3, counter=RedisFloodCounter(connection))
    assert await guard.check("person") == "pass"
    own_redis.stop()
    assert await verdicts(guard, "person", 4) == ["pass"] * 3 + ["warn"]
    own_redis.start()
    await connection.aclose()
