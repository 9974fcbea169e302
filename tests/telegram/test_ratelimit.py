"""The outgoing rate limit is one for all replicas sharing Redis, and 429s are still retried."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import redis.asyncio
from telegram.error import RetryAfter

from bot.storage.redis import async_client
from bot.telegram.ratelimit import Limit, RedisRateLimiter
from tests.redis_server import RedisServer

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

# Fast limits, so the tests take a fraction of a second; the algorithm is the same.
FAST_BOT = Limit(per_s=50, burst=1)
FAST_CHAT = Limit(per_s=5, burst=3)
SECRET = b"rate-limit-test-secret"


@pytest_asyncio.fixture
async def client(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    """An asyncio client of the test's Redis."""
    connection = async_client(redis_url)
    yield connection
    await connection.aclose()


class Sends:
    """A stand-in for the Bot API call: records when each send went out."""

    def __init__(self, fail_first: int = 0) -> None:
        self.times: list[float] = []
        self.fail_first = fail_first

    async def __call__(self, *args: Any, **kwargs: Any) -> bool:
        if self.fail_first:
            self.fail_first -= 1
            raise RetryAfter(1)
        self.times.append(time.monotonic())
        return True


async def send(limiter: RedisRateLimiter, sends: Sends, chat_id: int | None) -> Any:
    """Send one message through the limiter."""
    data = {"chat_id": chat_id, "text": "hi"} if chat_id is not None else {"callback_query_id": "1"}
    return await limiter.process_request(sends, (), {}, "sendMessage", data, None)


def limiter(client: redis.asyncio.Redis) -> RedisRateLimiter:
    """A limiter with the fast test limits."""
    return RedisRateLimiter(client, SECRET, bot=FAST_BOT, private_chat=FAST_CHAT,
                            group_chat=FAST_CHAT)


async def test_two_replicas_share_one_bot_wide_limit(client: redis.asyncio.Redis) -> None:
    replica_a, replica_b, sends = limiter(client), limiter(client), Sends()
    start = time.monotonic()
    await asyncio.gather(*(send(replica_a if i % 2 else replica_b, sends, 1000 + i)
                           for i in range(40)))
    # 40 sends at 50/s take 0.78 s; two separate limits would finish in half that.
    assert time.monotonic() - start >= 0.7
    gaps = [b - a for a, b in zip(sorted(sends.times), sorted(sends.times)[1:], strict=False)]
    assert sum(gaps) / len(gaps) >= 0.018


async def test_one_chat_gets_a_short_burst_then_its_own_pace(
        client: redis.asyncio.Redis) -> None:
    sends, other = Sends(), Sends()
    replica = RedisRateLimiter(client, SECRET, bot=Limit(per_s=1000, burst=10),
                               private_chat=FAST_CHAT)
    await send(replica, Sends(), 1)  # connected
    start = time.monotonic()
    await asyncio.gather(*(send(replica, sends, 42) for _ in range(5)),
                         send(replica, other, 43))
    offsets = sorted(t - start for t in sends.times)
    assert offsets[2] < 0.15  # a burst of three
    assert offsets[3] >= 0.19 and offsets[4] >= 0.39  # then five a second
    assert other.times[0] - start < 0.15  # another chat does not wait for this one


async def test_requests_outside_chats_are_not_delayed(client: redis.asyncio.Redis) -> None:
    replica, sends = limiter(client), Sends()
    start = time.monotonic()
    await asyncio.gather(*(send(replica, sends, None) for _ in range(20)))
    assert time.monotonic() - start < 0.1


async def test_a_429_is_retried_and_pauses_every_replica(client: redis.asyncio.Redis) -> None:
    replica_a, replica_b = limiter(client), limiter(client)
    failing, other = Sends(fail_first=1), Sends()
    start = time.monotonic()
    first = asyncio.create_task(send(replica_a, failing, 1))
    await asyncio.sleep(0.1)
    await send(replica_b, other, 2)
    assert await first is True
    assert failing.times[0] - start >= 1.0  # retried after retry_after
    assert other.times[0] - start >= 1.0  # the other replica held back too


async def test_429_beyond_the_retries_reaches_the_caller(client: redis.asyncio.Redis) -> None:
    replica = RedisRateLimiter(client, SECRET, max_retries=0)
    with pytest.raises(RetryAfter):
        await send(replica, Sends(fail_first=1), 1)


async def test_without_redis_each_replica_keeps_the_limit_alone(
        own_redis: RedisServer) -> None:
    connection = async_client(own_redis.url)
    replica, sends = limiter(connection), Sends()
    own_redis.stop()
    start = time.monotonic()
    await asyncio.gather(*(send(replica, sends, 1000 + i) for i in range(20)))
    assert time.monotonic() - start >= 0.35  # 20 at 50/s, kept in memory
    own_redis.start()
    await asyncio.sleep(1.05)  # the limiter leaves Redis alone for a second after a failure
    await send(replica, sends, 1)
    assert not replica.breaker.down
    await connection.aclose()
