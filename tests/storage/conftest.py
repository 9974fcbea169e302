"""Each store the bot can run on, opened empty for a test."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage import Store
from bot.storage.memory import MemoryStore
from bot.storage.redis import RedisStore
from bot.storage.sqlite import SQLiteStore


def open_store(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """An empty store: "memory", "sqlite" (in tmp_path) or "redis" (the test Redis)."""
    if name == "memory":
        return MemoryStore()
    if name == "sqlite":
        return SQLiteStore(tmp_path / "qoldau.sqlite3")
    return RedisStore.from_url(request.getfixturevalue("redis_url"))
