"""The ids /clean needs: kept 48 hours at most, ids only, in memory or in Redis for replicas."""

from __future__ import annotations

import redis.asyncio

from bot.telegram.chat_log import KEEP_S, ChatLog


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_ids_older_than_48_hours_are_left_out_and_forgotten() -> None:
    clock = Clock()
    log = ChatLog(clock=clock)
    await log.note("chat", 1, clock.now)
    clock.now += KEEP_S - 3600
    await log.note("chat", 2, clock.now)
    await log.note("other", 9, clock.now)
    assert await log.recent("chat") == [1, 2]
    clock.now += 3600  # message 1 is 48 hours old now
    assert await log.recent("chat") == [2]
    await log.forget("chat", [2])
    assert await log.recent("chat") == [] and await log.recent("other") == [9]


async def test_memory_reaches_back_only_as_far_as_the_process_ran() -> None:
    clock = Clock()
    log = ChatLog(clock=clock)
    clock.now += 3600
    assert log.reach_s() == 3600
    clock.now += 2 * KEEP_S
    assert log.reach_s() == KEEP_S


async def test_replicas_share_the_ids_through_redis(redis_url: str) -> None:
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        one, two = ChatLog(client), ChatLog(client)
        await one.note("chat", 5, one.clock())
        await two.note("chat", 6, two.clock())
        assert await one.recent("chat") == [5, 6] and one.reach_s() == KEEP_S
        ttl = await client.ttl("qoldau:chat:chat")
        assert 0 < ttl <= KEEP_S  # Redis forgets them by itself
        await two.forget("chat", [5, 6])
        assert await one.recent("chat") == []
    finally:
        await client.aclose()


async def test_without_redis_a_replica_keeps_ids_in_memory() -> None:
    client = redis.asyncio.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        log = ChatLog(client)
        await log.note("chat", 7, log.clock())
        assert await log.recent("chat") == [7]
    finally:
        await client.aclose()
