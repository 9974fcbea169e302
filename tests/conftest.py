"""Fixtures shared across the test suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load

# A real redis-server on a free loopback port, for the Redis store and the replicas' tests.
pytest_plugins = ["tests.redis_server"]

# --- The answering engine: knowledge, language, safety, matching, replies, CLI -----------------

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE_DIR = ROOT / "knowledge"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped knowledge base, loaded once for the whole session."""
    return load(KNOWLEDGE_DIR)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Run `qoldau` commands against the shipped knowledge, with no `.env` and no token."""
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "MODERATOR_IDS", "LOG_LEVEL",
                 "USER_KEY_SECRET", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(KNOWLEDGE_DIR))
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ru")
    monkeypatch.chdir(tmp_path)  # an empty directory: no .env is read
    yield tmp_path
