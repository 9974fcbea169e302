"""Live reload: valid files swap in whole, invalid ones never, and no reply mixes the two."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import pytest

from bot.knowledge.live import (
    KnowledgeHolder,
    KnowledgeWatcher,
    ReloadResult,
    fingerprint,
    reload_knowledge,
)
from bot.knowledge.loader import load
from bot.replies import answer

VALID = Path(__file__).resolve().parents[2] / "tests" / "data" / "knowledge" / "valid"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(VALID, target)
    return target


def _write_version(directory: Path, marker: str) -> None:
    """Rewrite every answer of the topic file so that it carries the marker."""
    source = (VALID / "topics.yaml").read_text(encoding="utf-8")
    text = source.replace("Телефон доверия: {150}.", f"Телефон доверия: {{150}}. {marker}")
    (directory / "topics.yaml").write_text(text, encoding="utf-8")


async def test_a_valid_change_goes_live_and_a_broken_one_never(knowledge: Path) -> None:
    holder = KnowledgeHolder(load(knowledge))
    _write_version(knowledge, "VERSION-B")
    result = await reload_knowledge(holder, knowledge)
    assert result.ok and "VERSION-B" in answer(holder.current, "мне одиноко").text
    good = holder.current
    (knowledge / "topics.yaml").write_text("section: selfhelp\ntopics:\n  - id: [\n",
                                           encoding="utf-8")
    result = await reload_knowledge(holder, knowledge)
    assert not result.ok and holder.current is good
    where = f"{knowledge / 'topics.yaml'}:"
    assert any(str(p).startswith(where) for p in result.problems), result.problems


async def test_the_watcher_reloads_on_change_and_reports_refusals(knowledge: Path) -> None:
    holder = KnowledgeHolder(load(knowledge))
    results: list[ReloadResult] = []

    async def collect(result: ReloadResult) -> None:
        results.append(result)

    watcher = KnowledgeWatcher(knowledge, holder, collect, poll_s=0.05, settle_s=0.05)
    task = asyncio.create_task(watcher.run())
    try:
        _write_version(knowledge, "VERSION-C")
        for _ in range(100):
            if results:
                break
            await asyncio.sleep(0.05)
        assert results[-1].ok and "VERSION-C" in answer(holder.current, "мне одиноко").text
        (knowledge / "hotlines.yaml").write_text("hotlines: nope\n", encoding="utf-8")
        for _ in range(100):
            if len(results) > 1:
                break
            await asyncio.sleep(0.05)
        assert not results[-1].ok
        assert "VERSION-C" in answer(holder.current, "мне одиноко").text
    finally:
        task.cancel()


def test_questions_during_rewrites_are_answered_from_one_whole_snapshot(
        knowledge: Path) -> None:
    holder = KnowledgeHolder(load(knowledge))
    stop = threading.Event()
    seen: list[str] = []
    errors: list[BaseException] = []

    def ask() -> None:
        while not stop.is_set():
            try:
                kb = holder.current
                text = answer(kb, "мне одиноко").text
                markers = {m for m in ("VERSION-A", "VERSION-B") if m in text}
                # One snapshot, one version: never both, never a text that lost its number.
                assert len(markers) <= 1 and "150" in text
                seen.append(next(iter(markers), "original"))
            except BaseException as exc:
                errors.append(exc)
                return

    askers = [threading.Thread(target=ask) for _ in range(3)]
    for thread in askers:
        thread.start()
    try:
        for round_ in range(12):
            marker = "VERSION-A" if round_ % 2 else "VERSION-B"
            _write_version(knowledge, marker)
            result = asyncio.run(reload_knowledge(holder, knowledge))
            assert result.ok
    finally:
        stop.set()
        for thread in askers:
            thread.join()
    assert errors == []
    assert {"VERSION-A", "VERSION-B"} <= set(seen)


def test_a_file_in_a_folder_is_watched_by_its_path(knowledge: Path) -> None:
    folder = knowledge / "safety-examples"
    folder.mkdir()
    (folder / "topics.yaml").write_text("writer: w1\nsafety_examples: []\n", encoding="utf-8")
    before = fingerprint(knowledge)
    assert "safety-examples/topics.yaml" in {name for name, _, _ in before}
    (folder / "topics.yaml").write_text("writer: w1\nsafety_examples: []\n# edited\n",
                                        encoding="utf-8")
    assert fingerprint(knowledge) != before
