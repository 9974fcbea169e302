"""Loading is bounded: a 1 KB alias bomb or a 50 MB file dropped into the knowledge folder is
refused like any invalid knowledge, in little memory, and a reload can be cancelled."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge.live import KnowledgeHolder, KnowledgeWatcher, ReloadResult, reload_knowledge
from bot.knowledge.loader import MAX_VALUES, KnowledgeError, LoadBudget, load

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "knowledge" / "valid"

#: Nine levels of nine aliases each: 9^9 = 387 million strings once expanded, from 0.4 KB.
ALIAS_BOMB = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + "".join(
    f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True))


def slow_file(values: int) -> str:
    """A knowledge file of many small values: valid YAML, slow to parse, refused in the end."""
    return "section: selfhelp\ntopics: []\nnotes: [" + "a," * values + "]\n"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(VALID, target)
    return target


def load_in_a_process(directory: Path) -> tuple[list[str], int]:
    """Load a knowledge folder in a fresh Python process; return the problems it printed and
    its peak memory (resident set, in bytes: VmHWM, which starts anew at exec)."""
    script = ("import re, sys\nfrom bot.knowledge.loader import KnowledgeError, load\n"
              "try:\n    load(sys.argv[1])\nexcept KnowledgeError as exc:\n"
              "    print(*exc.problems, sep='\\n')\n"
              "status = open('/proc/self/status').read()\n"
              "print('peak', re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n")
    printed = subprocess.run([sys.executable, "-c", script, str(directory)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.splitlines()
    peak = int(printed[-1].removeprefix("peak ")) * 1024
    return printed[:-1], peak


def test_an_alias_bomb_is_refused_in_little_memory(knowledge: Path) -> None:
    (knowledge / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB) < 1024
    [problem], peak = load_in_a_process(knowledge)
    assert "bomb.yaml:" in problem
    assert f"more than {MAX_VALUES:,} values" in problem and "alias" in problem
    # A Python process with the loader imported holds about 35 MB, and this one about 50 MB
    # at its peak; the bomb would need hundreds of gigabytes (an unbounded loader passed
    # 1.4 GB before anyone stopped it).
    assert peak < 100 * 2**20


def test_a_50_mb_file_is_refused_without_being_read(knowledge: Path) -> None:
    line = "  - just a line of text that someone pasted by mistake\n"
    with (knowledge / "pasted.yaml").open("w", encoding="utf-8") as handle:
        handle.write("notes:\n")
        handle.write(line * (50 * 2**20 // len(line)))
    problems, peak = load_in_a_process(knowledge)
    assert any("pasted.yaml:" in p and "50.0 MB" in p and "at most 1 MB" in p
               for p in problems), problems
    assert any("add up to" in p for p in problems)
    assert peak < 45 * 2**20  # not even read: reading it alone would take 50 MB more


def test_a_load_past_its_time_or_cancelled_is_refused(knowledge: Path) -> None:
    out_of_time = LoadBudget(seconds=0)
    with pytest.raises(KnowledgeError, match="took longer than 0 s"):
        load(knowledge, out_of_time)
    cancelled = LoadBudget()
    cancelled.cancel()
    with pytest.raises(KnowledgeError, match="cancelled"):
        load(knowledge, cancelled)
    load(knowledge, LoadBudget())  # the same files, within bounds, load


def test_a_load_is_timed_by_its_processor_time_not_the_clock() -> None:
    # On a busy machine the loading thread waits for a core; waiting is not loading.
    budget = LoadBudget(seconds=0.2)
    budget.check()
    time.sleep(0.4)
    budget.check()


async def test_a_refused_reload_is_reported_like_any_other(knowledge: Path) -> None:
    holder = KnowledgeHolder(load(knowledge))
    good = holder.current
    results: list[ReloadResult] = []

    async def collect(result: ReloadResult) -> None:
        results.append(result)

    watcher = KnowledgeWatcher(knowledge, holder, collect, poll_s=0.05, settle_s=0.05)
    task = asyncio.create_task(watcher.run())
    try:
        (knowledge / "bomb.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
        for _ in range(200):
            if results:
                break
            await asyncio.sleep(0.05)
        [result] = results
        assert not result.ok and holder.current is good
        assert any("bomb.yaml" in str(p) for p in result.problems)
    finally:
        task.cancel()


def reload_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "knowledge-reload"]


@pytest.fixture
def no_reload_left() -> Iterator[None]:
    yield
    for thread in reload_threads():
        thread.join(timeout=30)


async def test_cancelling_a_reload_stops_its_thread(knowledge: Path, no_reload_left: None,
                                                     ) -> None:
    (knowledge / "slow.yaml").write_text(slow_file(90_000), encoding="utf-8")
    holder = KnowledgeHolder(load(VALID))
    reload = asyncio.create_task(reload_knowledge(holder, knowledge))
    while not reload_threads():
        await asyncio.sleep(0.01)
    [thread] = reload_threads()
    reload.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reload
    # Cancelled, the load stops at its next look at the flag (it would parse for seconds).
    await asyncio.to_thread(thread.join, 10)
    assert not thread.is_alive()
