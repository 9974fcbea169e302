"""A Bot API that fails in every way Telegram does, in polling and in webhook mode: every
update is answered exactly once and the bot recovers by itself; SIGTERM under load loses
nothing, in a real process."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
import pytest_asyncio

from tests.fakes.webhook_delivery import WebhookTelegram
from tests.redis_server import free_port
from tests.telegram.conftest import ROOT, TOKEN
from tests.telegram.webhook_support import (
    PUBLIC_URL,
    USER_KEY_SECRET,
    WEBHOOK_SECRET,
    fake_telegram,
    running_bot,
    webhook_settings,
)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[WebhookTelegram]:
    """The fake Bot API (it also delivers to a webhook once one is set)."""
    async with fake_telegram(retry_s=0.1) as fake:
        yield fake


def answers(tg: WebhookTelegram, chat_id: int) -> list[str]:
    """Every message Telegram accepted into a chat."""
    return [c.params["text"] for c in tg.calls_to("sendMessage")
            if c.ok and c.params["chat_id"] == chat_id]


async def until_answered(tg: WebhookTelegram, people: Iterable[int], timeout: float) -> None:
    """Wait until each person got at least one message."""
    people = list(people)
    deadline = asyncio.get_running_loop().time() + timeout
    while any(not answers(tg, person) for person in people):
        if asyncio.get_running_loop().time() > deadline:
            missing = [p for p in people if not answers(tg, p)]
            raise AssertionError(f"no answer for {missing} within {timeout} s")
        await asyncio.sleep(0.05)


def ask(tg: WebhookTelegram, people: Iterable[int]) -> dict[int, int]:
    """Each person asks one question; return update id → person."""
    asked = {}
    for person in people:
        tg.add_private_user(person, language_code="en")
        asked[tg.send_text(person, "police number")["update_id"]] = person
    return asked


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_every_fault_of_the_bot_api_and_still_one_answer_each(
        mode: str, tg: WebhookTelegram, tmp_path: Path) -> None:
    async with running_bot(mode, tg, webhook_settings(tg, tmp_path)):
        # Telegram holds one send past the bot's 10 s read timeout (and delivers it after)...
        tg.delay_next("sendMessage", 11)
        ask(tg, [1])
        await until_sending(tg)
        # ...while others meet 429 with retry_after and 500s.
        tg.fail_next("sendMessage", status=429, retry_after=1, times=2)
        tg.fail_next("sendMessage", status=500, times=3)
        ask(tg, range(2, 8))
        await until_answered(tg, range(1, 8), timeout=20)
        # Then Telegram refuses connections for three seconds.
        await tg.refuse_connections(3.0)
        ask(tg, range(8, 12))
        await until_answered(tg, range(8, 12), timeout=20)
        await asyncio.sleep(0.5)
    statuses = [c.status for c in tg.calls_to("sendMessage")]
    assert statuses.count(429) == 2 and statuses.count(500) == 3
    for person in range(1, 12):
        [text] = answers(tg, person)  # exactly once: no repeat, no apology
        assert "102" in text


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_send_whose_answer_was_lost_is_neither_repeated_nor_apologised_for(
        mode: str, tg: WebhookTelegram, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    async with running_bot(mode, tg, webhook_settings(tg, tmp_path)):
        # Under a burst, Telegram takes three sends but the connections break before the bot
        # reads the answers.
        tg.drop_connection_next("sendMessage", times=3)
        ask(tg, range(20, 30))
        await until_answered(tg, range(20, 30), timeout=20)
        await tg.wait_idle(timeout=20, quiet=0.3)
    assert len([c for c in tg.calls_to("sendMessage") if c.dropped]) == 3
    for person in range(20, 30):
        [text] = answers(tg, person)  # the one answer: not sent again, no apology after it
        assert "102" in text
    assert "reply may have arrived" in caplog.text
    assert "handler failed" not in caplog.text


# ---- SIGTERM under load, in a real process ----------------------------------------------------


def bot_environment(tg: WebhookTelegram, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `qoldau run` process talking to the fake."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "WEBHOOK_", "REDIS_", "USER_KEY"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=tg.base_url,
               KNOWLEDGE_DIR=str(ROOT / "knowledge"), DATA_DIR=str(data_dir),
               USER_KEY_SECRET=USER_KEY_SECRET, LOG_LEVEL="INFO",
               PYTHONPATH=str(ROOT), **extra)
    return env


async def start_bot(env: dict[str, str], cwd: Path, *args: str) -> asyncio.subprocess.Process:
    """Start `qoldau run` as its own process."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def terminate(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """SIGTERM; wait for the exit; return the exit code and what the process logged."""
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, err.decode()


async def until_sending(tg: WebhookTelegram, timeout: float = 20) -> None:
    """Wait until the bot has sends under way (the load is on)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(c.method == "sendMessage" for c in tg.calls):
        assert asyncio.get_running_loop().time() < deadline, "the bot never started sending"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_under_load_loses_nothing(
        mode: str, tg: WebhookTelegram, tmp_path: Path) -> None:
    port = free_port()
    webhook = ("--webhook",) if mode == "webhook" else ()
    env = bot_environment(tg, tmp_path / "data", WEBHOOK_URL=PUBLIC_URL,
                          WEBHOOK_SECRET=WEBHOOK_SECRET, WEBHOOK_HOST="127.0.0.1",
                          WEBHOOK_PORT=str(port))
    tg.route_to(f"http://127.0.0.1:{port}/telegram")
    first, later = range(100, 130), range(130, 135)
    # Each answer takes Telegram 0.3 s: dozens are under way when SIGTERM comes.
    tg.delay_next("sendMessage", 0.3, times=len(first))
    asked = ask(tg, first)
    bot = await start_bot(env, tmp_path, *webhook)
    await until_sending(tg)
    code, log = await terminate(bot)
    assert code == 0, log
    assert "Traceback" not in log
    # Every update the stopped process took (confirmed to Telegram) was answered before it
    # exited: taken by polling, or answered 200 to a webhook delivery.
    pending = {update["update_id"] for update in tg.pending_updates}
    taken = [person for update_id, person in asked.items() if update_id not in pending]
    assert len(taken) >= 10  # SIGTERM came with plenty under way
    assert [person for person in taken if not answers(tg, person)] == []
    # Whatever the stopped process had not taken, the next one answers; nothing twice.
    ask(tg, later)
    bot = await start_bot(env, tmp_path, *webhook)
    await until_answered(tg, [*first, *later], timeout=30)
    code, log = await terminate(bot)
    assert code == 0, log
    for person in [*first, *later]:
        assert len(answers(tg, person)) == 1, person


async def test_sigterm_mid_reload_ends_the_process(tg: WebhookTelegram, tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    env = bot_environment(tg, tmp_path / "data")
    env["KNOWLEDGE_DIR"] = str(knowledge)
    bot = await start_bot(env, tmp_path)
    assert bot.stderr is not None
    # Polling, with the watcher on: the commands are published just before it starts. The
    # first getUpdates is a long poll, answered only when it times out: wait for it to be made.
    for _ in range(400):
        if any(call.method == "getUpdates" for call in tg.calls):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the bot never polled")
    # Valid YAML, within the size limit, that takes seconds to parse (then is refused).
    (knowledge / "slow.yaml").write_text(
        "section: selfhelp\ntopics: []\nnotes: [" + "a," * 90_000 + "]\n", encoding="utf-8")
    log = await read_until(bot.stderr, "knowledge reload started", timeout=20)
    bot.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(bot.wait(), timeout=10)  # the bound: 10 s
    log += (await bot.stderr.read()).decode()
    assert code == 0, log
    # Stopped mid-reload, not waited for.
    assert "knowledge reload cancelled" in log and "knowledge reload refused" not in log
    assert "Traceback" not in log


async def read_until(stream: asyncio.StreamReader, event: str, timeout: float) -> str:
    """Read a process's log lines until one holds the event; return what was read."""
    lines: list[str] = []

    async def read() -> None:
        while event not in (line := (await stream.readline()).decode()):
            assert line, f"the process ended before logging {event!r}: {''.join(lines)}"
            lines.append(line)
        lines.append(line)

    await asyncio.wait_for(read(), timeout)
    return "".join(lines)
