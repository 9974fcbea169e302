"""A DATA_DIR that cannot be used at start (a corrupt database, a full disk, a read-only disk):
one clear log line, and the bot answers from memory, /readyz saying it runs degraded.

Each case runs `qoldau run --webhook` as a real process. The full and the read-only disk are
real too: a small tmpfs mounted on DATA_DIR in a mount namespace of the process's own
(`unshare`), so nothing outside the test sees it.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.storage.keys import load_or_create_secret
from bot.storage.sqlite import DATABASE_FILE
from tests.fakes.webhook_delivery import WebhookTelegram
from tests.redis_server import free_port
from tests.telegram.test_faults import answers, bot_environment, terminate, until_answered
from tests.telegram.webhook_support import PUBLIC_URL, WEBHOOK_SECRET, fake_telegram

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PERSON = 4401

#: What is mounted on DATA_DIR before the bot starts, per case (None: nothing mounted).
MOUNTS = {
    "corrupt": None,
    # 64 KB, filled to the last byte: a disk that is full at start.
    "full": 'mount -t tmpfs -o size=64k tmpfs "$DATA_DIR" && '
            '(head -c 1M /dev/zero > "$DATA_DIR/filler" 2>/dev/null; true)',
    "read-only": 'mount -t tmpfs -o ro tmpfs "$DATA_DIR"',
}
REASONS = {"corrupt": "file is not a database", "full": "No space left on device",
           "read-only": "Read-only file system"}


def can_mount() -> bool:
    """Whether this machine lets a process mount a tmpfs in a namespace of its own."""
    unshare = shutil.which("unshare")
    return unshare is not None and subprocess.run(
        [unshare, "-Urm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
        capture_output=True).returncode == 0


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[WebhookTelegram]:
    """The fake Bot API, delivering to the webhook."""
    async with fake_telegram(retry_s=0.1) as fake:
        yield fake


async def readiness(port: int, timeout: float = 20) -> tuple[int, dict[str, object]]:
    """/readyz of the process on a port, once it answers."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/readyz") as answer:
                    body = await answer.json()
                    if body.get("serving"):
                        return answer.status, body
            except aiohttp.ClientConnectionError:
                pass
            assert asyncio.get_running_loop().time() < deadline, "the bot never served"
            await asyncio.sleep(0.05)


@pytest.mark.parametrize("case", list(MOUNTS))
async def test_a_bad_data_dir_at_start_means_memory_and_one_line(
        case: str, tg: WebhookTelegram, tmp_path: Path) -> None:
    mount = MOUNTS[case]
    if mount is not None and not can_mount():
        pytest.skip("this machine lets no process mount a tmpfs in a namespace of its own "
                    "(unshare -Urm), so a full or read-only disk cannot be made")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if case == "corrupt":
        load_or_create_secret(data_dir)
        (data_dir / DATABASE_FILE).write_bytes(b"not a database: garbage " * 300)
    port = free_port()
    env = bot_environment(tg, data_dir, WEBHOOK_URL=PUBLIC_URL, WEBHOOK_SECRET=WEBHOOK_SECRET,
                          WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port))
    del env["USER_KEY_SECRET"]  # the secret file in DATA_DIR, as with one process
    env["DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "bot", "run", "--webhook"]
    if mount is not None:
        command = ["unshare", "-Urm", "sh", "-c", f'{mount} && exec "$@"', "sh", *command]
    tg.route_to(f"http://127.0.0.1:{port}/telegram")
    bot = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    try:
        status, checks = await readiness(port)
        assert (status, checks["store"], checks["status"]) == (503, False, "degraded")
        tg.add_private_user(PERSON, language_code="en")
        tg.send_text(PERSON, "police number")
        await until_answered(tg, [PERSON], timeout=20)
        assert "102" in answers(tg, PERSON)[0]
    finally:
        code, log = await terminate(bot)
    assert code == 0, log
    assert "Traceback" not in log
    [line] = [json.loads(entry) for entry in log.splitlines() if "DATA_DIR unusable" in entry]
    assert line["level"] == "error" and REASONS[case] in line["reason"], line
