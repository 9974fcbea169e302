"""Load test of webhook mode: many simulated people writing to real bot processes on loopback.

    python -m bench.load_webhook                         # 200 people × 5 messages, 1 replica
    python -m bench.load_webhook --replicas 2 --redis    # 2 replicas sharing a redis-server
    python -m bench.load_webhook --limit telegram        # with Telegram's 27 messages/s kept
    python -m bench.load_webhook --overload 2            # then twice the saturation rate

Each replica is `qoldau run --webhook` as deployed (its own process, uvicorn, the whole
Application, SQLite or Redis), except that with `--limit off` (the default) Telegram's outgoing
limit is lifted, so the numbers say what the bot can take rather than what Telegram allows.
This process plays Telegram: the fake Bot API of the tests (rate limits off) POSTs every update
to the replicas (round robin, like a proxy) and receives the bot's messages. Each person writes
a question from the development set, waits for the answer, and writes the next.

Printed: updates per second, latency from Telegram's POST to the bot's sendMessage arriving at
the fake (p50/p90/p99/max), how long the webhook took to answer 200, errors and lost updates.
It stops by itself: after --timeout seconds at most, whatever is unanswered counts as lost.

With --overload F, the run above measures the rate the bot saturates at; then Telegram sends
F times that rate, each update from a new person who does not wait (--overload-updates of them),
retrying every update the replicas refuse (503, load shedding) as Telegram does. Printed: the
share of deliveries refused with 503, and updates lost (never answered) or answered twice: both
must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime
import json
import os
import platform
import random
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from bench import ROOT
from bench.matcher import questions
from bot.knowledge.loader import load

TOKEN = "123456789:AAHbench-token-for-the-fake-server-0123"
SECRET = "bench-webhook-secret"
PUBLIC_URL = "https://bench.qoldau.example/telegram"
FIRST_USER = 800_000_001


def machine() -> dict[str, Any]:
    """Where the numbers were taken."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "nproc": os.cpu_count(), "cpu": model, "python": platform.python_version()}


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


# ---- a replica: `qoldau run --webhook`, with the outgoing limit lifted if asked ---------------


def serve_replica(limit: str) -> int:
    """Run one replica from the environment, as `qoldau run --webhook` does."""
    from telegram.ext import AIORateLimiter

    from bot.config import load_settings
    from bot.logs import setup_logging
    from bot.telegram.app import build_application, make_runtime
    from bot.telegram.ratelimit import Limit, RedisRateLimiter
    from bot.telegram.webhook import WebhookServer

    settings = load_settings(dotenv=None)
    setup_logging(settings.log_level, secrets=[TOKEN])
    runtime = make_runtime(settings)
    limiter: Any = None  # the shipped one
    if limit == "off" and runtime.redis is not None:
        lifted = Limit(per_s=1e6, burst=10**6)  # the Redis round trips stay in the path
        limiter = RedisRateLimiter(runtime.redis, runtime.secret, bot=lifted, private_chat=lifted,
                                   group_chat=lifted)
    elif limit == "off":
        limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    application = build_application(settings, runtime, rate_limiter=limiter)
    server = WebhookServer(settings, runtime, application)
    try:
        return asyncio.run(server.serve())
    finally:
        runtime.store.close()


# ---- Telegram's side: the fake Bot API that delivers and receives -------------------------------


def bench_telegram(**kwargs: Any) -> Any:
    """The tests' fake Bot API with webhook delivery, which also tells who got a message."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.fakes.webhook_delivery import WebhookTelegram

    class BenchTelegram(WebhookTelegram):
        """Wakes the simulated person whose chat a message arrived in."""

        def __init__(self, **kw: Any) -> None:
            super().__init__(**kw)
            self.inbox: dict[int, asyncio.Queue[float]] = {}

        async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
            result = await super()._dispatch(method, params)
            if method == "sendMessage" and int(params["chat_id"]) in self.inbox:
                self.inbox[int(params["chat_id"])].put_nowait(time.monotonic())
            return result

    return BenchTelegram(**kwargs)


@dataclasses.dataclass
class Replica:
    """A replica process and where it listens."""

    process: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def url(self) -> str:
        """Where it takes updates."""
        return f"http://127.0.0.1:{self.port}/telegram"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def replicas(count: int, tg: Any, work: Path, redis_url: str | None,
                   limit: str, max_updates: int | None = None) -> AsyncIterator[list[Replica]]:
    """Start `count` replica processes; stop them with SIGTERM afterwards."""
    started: list[Replica] = []
    try:
        for number in range(count):
            port = free_port()
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("TELEGRAM_", "WEBHOOK_", "REDIS_", "USER_KEY"))}
            env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=tg.base_url,
                       KNOWLEDGE_DIR=str(ROOT / "knowledge"), DATA_DIR=str(work / f"r{number}"),
                       WEBHOOK_URL=PUBLIC_URL, WEBHOOK_SECRET=SECRET, WEBHOOK_HOST="127.0.0.1",
                       WEBHOOK_PORT=str(port), USER_KEY_SECRET="bench-user-key-secret",
                       # Only one replica registers, as behind a real proxy.
                       WEBHOOK_REGISTER="true" if number == 0 else "false", LOG_LEVEL="INFO")
            if redis_url:
                env["REDIS_URL"] = redis_url
            if max_updates is not None:
                env["WEBHOOK_MAX_UPDATES"] = str(max_updates)
            log = work / f"replica-{number}.log"
            with log.open("wb") as sink:
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bench.load_webhook", "--serve-replica", limit,
                    env=env, cwd=ROOT, stdout=sink, stderr=sink)
            started.append(Replica(process, port, log))
        async with aiohttp.ClientSession() as session:
            for replica in started:
                deadline = time.monotonic() + 60
                while True:
                    with contextlib.suppress(aiohttp.ClientError):
                        async with session.get(f"http://127.0.0.1:{replica.port}/readyz") as r:
                            if r.status == 200:
                                break
                    if replica.process.returncode is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"replica did not start: see {replica.log}")
                    await asyncio.sleep(0.1)
        await tg.wait_for("setWebhook", timeout=30)
        yield started
    finally:
        for replica in started:
            if replica.process.returncode is None:
                replica.process.send_signal(signal.SIGTERM)
        for replica in started:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(replica.process.wait(), timeout=60)
            if replica.process.returncode is None:
                replica.process.kill()
                await replica.process.wait()


async def person(tg: Any, user_id: int, asked: Sequence[str], first: int, messages: int,
                 think_s: float, deadline: float, latencies: list[float]) -> int:
    """Write `messages` questions, each after the answer to the last (and a pause to read it,
    think_s on average); return how many got no answer."""
    inbox: asyncio.Queue[float] = asyncio.Queue()
    tg.inbox[user_id] = inbox
    tg.add_private_user(user_id, language_code=("kk", "ru", "en")[user_id % 3])
    pauses = random.Random(user_id)
    for number in range(messages):
        if think_s:
            await asyncio.sleep(pauses.uniform(0, 2 * think_s))
        update = tg.send_text(user_id, asked[(first + number) % len(asked)])
        try:
            arrived = await asyncio.wait_for(inbox.get(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            return messages - number
        latencies.append(arrived - tg.posted_at[update["update_id"]])
    return 0


async def overload(tg: Any, asked: Sequence[str], rate: float, count: int,
                   timeout: float) -> dict[str, Any]:
    """Telegram at `rate` updates a second, each from a new person who does not wait for the
    answer; return how many were lost, answered twice, and the share of 503 deliveries."""
    users = [FIRST_USER + 1_000_000 + number for number in range(count)]
    for user in users:
        tg.add_private_user(user, language_code=("kk", "ru", "en")[user % 3])
    first_delivery = len(tg.deliveries)
    first_send = len(tg.sent_at)
    start = time.monotonic()
    for number, user in enumerate(users):
        await asyncio.sleep(max(0.0, start + number / rate - time.monotonic()))
        tg.send_text(user, asked[number % len(asked)])
    sent_s = time.monotonic() - start
    waiting = set(users)
    deadline = start + timeout
    while waiting and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        waiting -= {chat for _, chat in tg.sent_at[first_send:]}
    await asyncio.sleep(2.0)  # time for a second answer to show up, if one were coming
    answers = Counter(chat for _, chat in tg.sent_at[first_send:])
    deliveries = tg.deliveries[first_delivery:]
    refused = [d for d in deliveries if d[2] == 503]
    return {"rate_per_s": round(rate, 1), "updates": count, "sending_s": round(sent_s, 2),
            "seconds_to_last_answer": round(max(t for t, _ in tg.sent_at[first_send:]) - start,
                                            2) if answers else None,
            "lost": sum(1 for user in users if answers[user] == 0),
            "duplicates": sum(1 for user in users if answers[user] > 1),
            "deliveries": len(deliveries), "refused_503": len(refused),
            "share_503": round(len(refused) / max(1, len(deliveries)), 3),
            "updates_refused_at_least_once": len({d[0] for d in refused})}


async def drive(args: argparse.Namespace) -> dict[str, Any]:
    """Run the load once; return the numbers."""
    asked, source = questions(load(ROOT / "knowledge"))
    with tempfile.TemporaryDirectory(prefix="qoldau-load-") as scratch:
        work = Path(scratch)
        redis_server = None
        if args.redis:
            if str(ROOT) not in sys.path:
                sys.path.insert(0, str(ROOT))
            from tests.redis_server import RedisServer, find_redis_server

            binary = find_redis_server()
            if binary is None:
                raise SystemExit("--redis needs redis-server (apt-get install -y redis-server)")
            redis_server = RedisServer(binary, work)
            redis_server.start()
        tg = bench_telegram(token=TOKEN, enforce_rate_limits=False, retry_s=0.2)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            async with tg, replicas(args.replicas, tg, work,
                                    redis_server.url if redis_server else None,
                                    args.limit, args.max_updates) as running:
                tg.route_to(*(replica.url for replica in running))
                latencies: list[float] = []
                start = time.monotonic()
                deadline = start + args.timeout
                lost = sum(await asyncio.gather(*(
                    person(tg, FIRST_USER + i, asked, i * args.messages, args.messages,
                           args.think, deadline, latencies) for i in range(args.users))))
                elapsed = max(t for t, _ in tg.sent_at) - min(tg.posted_at.values())
                rejected = [c for c in tg.calls_to("sendMessage") if not c.ok]
                refused = [d for d in tg.deliveries if d[2] != 200]
                shed = None
                if args.overload:
                    saturation = len(latencies) / elapsed
                    shed = await overload(tg, asked, args.overload * saturation,
                                          args.overload_updates, args.timeout)
            codes = [replica.process.returncode for replica in running]
            # CPU time of the replica processes (exited and reaped by now), start-up included.
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            replica_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            errors_logged = sum(line.count('"level": "error"')
                                for replica in running
                                for line in replica.log.read_text(errors="replace").splitlines())
        finally:
            if redis_server is not None:
                redis_server.stop()
    total = args.users * args.messages
    return {
        **machine(),
        "replicas": args.replicas, "store": "redis" if args.redis else "sqlite",
        "outgoing_limit": args.limit, "people": args.users, "messages_each": args.messages,
        "think_s": args.think, "load_average": round(os.getloadavg()[0], 2),
        "questions": source,
        "updates": total, "answered": len(latencies), "lost": lost,
        "seconds": round(elapsed, 2),
        "updates_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms": {name: round(percentile(latencies, share) * 1000, 1) for name, share in
                       (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))},
        "webhook_200_ms_p99": round(percentile(tg.post_seconds, 0.99) * 1000, 1),
        "max_updates": args.max_updates, "overload": shed,
        "replica_cpu_s": round(replica_cpu, 2),
        "errors": {"rejected_sends": len(rejected), "failed_deliveries": len(refused),
                   "error_log_lines": errors_logged,
                   "replica_exit_codes": codes},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test and print its numbers."""
    parser = argparse.ArgumentParser(prog="python -m bench.load_webhook", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200, help="simulated people (200)")
    parser.add_argument("--messages", type=int, default=5, help="messages each (5)")
    parser.add_argument("--replicas", type=int, default=1, help="bot processes (1)")
    parser.add_argument("--redis", action="store_true", help="share a redis-server (needed "
                        "for more than one replica to share a person's language)")
    parser.add_argument("--limit", choices=("off", "telegram"), default="off",
                        help="Telegram's outgoing limit lifted (off) or kept (telegram)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a person pauses before each message, on average (0: "
                        "at once, which finds the most the bot can take)")
    parser.add_argument("--timeout", type=float, default=180, help="give up after (180 s)")
    parser.add_argument("--overload", type=float, default=0.0, metavar="F",
                        help="then send at F times the saturation rate measured first (0: no)")
    parser.add_argument("--overload-updates", type=int, default=2000,
                        help="updates sent in the overload phase (2000)")
    parser.add_argument("--max-updates", type=int, default=None,
                        help="WEBHOOK_MAX_UPDATES of each replica (default: the bot's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--serve-replica", choices=("off", "telegram"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_replica:
        return serve_replica(args.serve_replica)
    result = asyncio.run(drive(args))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        latency = result["latency_ms"]
        errors = result["errors"]
        print(f"{result['date']}  {result['nproc']} × {result['cpu']}  "
              f"Python {result['python']}")
        print(f"{result['replicas']} replica(s), {result['store']}, outgoing limit "
              f"{result['outgoing_limit']}: {result['people']} people × "
              f"{result['messages_each']} messages, think {result['think_s']} s "
              f"(load average {result['load_average']})")
        print(f"updates/s        {result['updates_per_s']}  "
              f"({result['answered']} answered in {result['seconds']} s)")
        print(f"latency ms       p50 {latency['p50']}  p90 {latency['p90']}  "
              f"p99 {latency['p99']}  max {latency['max']}")
        print(f"webhook 200 ms   p99 {result['webhook_200_ms_p99']}")
        print(f"replica CPU s    {result['replica_cpu_s']} (start-up included)")
        print(f"errors           {errors['rejected_sends']} rejected sends, "
              f"{errors['failed_deliveries']} failed deliveries, "
              f"{errors['error_log_lines']} error log lines, "
              f"exit codes {errors['replica_exit_codes']}")
        print(f"lost updates     {result['lost']}")
        if (shed := result["overload"]) is not None:
            print(f"overload         {shed['updates']} updates at {shed['rate_per_s']}/s "
                  f"({args.overload:g} × saturation), sent in {shed['sending_s']} s, last "
                  f"answer after {shed['seconds_to_last_answer']} s")
            print(f"load shedding    {shed['share_503']:.1%} of {shed['deliveries']} deliveries "
                  f"refused with 503 ({shed['updates_refused_at_least_once']} updates at "
                  f"least once); lost {shed['lost']}, duplicates {shed['duplicates']}")
    shed = result["overload"]
    ok = (result["lost"] == 0 and all(code == 0 for code in result["errors"]["replica_exit_codes"])
          and (shed is None or shed["lost"] == shed["duplicates"] == 0))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
