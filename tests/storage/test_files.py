"""What the bot leaves on disk: a secret written whole or not at all, refused when too short; a
DATA_DIR and database files readable by their owner only; nothing of an erased person in the
write-ahead log; and a DATA_DIR that cannot be used means memory, not a crash."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.config import Settings
from bot.storage.keys import SECRET_FILE, SecretFileError, load_or_create_secret, user_key
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import DATABASE_FILE, SQLiteStore
from bot.telegram.app import runtime_or_report
from bot.telegram.replicas import open_local
from tests.conftest import KNOWLEDGE_DIR


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("content", [b"", b"\n", b"short-secret\n"])
def test_an_empty_or_short_secret_file_stops_the_start_in_one_line(
        tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / SECRET_FILE).write_bytes(content)
    with pytest.raises(SecretFileError, match="too few to be a secret"):
        load_or_create_secret(tmp_path)
    settings = Settings(knowledge_dir=KNOWLEDGE_DIR, data_dir=tmp_path)
    assert runtime_or_report(settings) is None
    [line] = capsys.readouterr().err.splitlines()
    assert SECRET_FILE in line and "delete it" in line
    assert (tmp_path / SECRET_FILE).read_bytes() == content  # left for the operator to see
    assert not (tmp_path / DATABASE_FILE).exists()


def test_the_secret_is_written_whole_and_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    secret = load_or_create_secret(data_dir)
    assert len(secret) == 64 and mode(data_dir / SECRET_FILE) == 0o600
    assert mode(data_dir) == 0o700
    assert [p.name for p in data_dir.iterdir()] == [SECRET_FILE]  # no temporary file left
    assert load_or_create_secret(data_dir) == secret


def test_a_secret_that_cannot_be_written_leaves_no_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        load_or_create_secret(tmp_path)
    assert list(tmp_path.iterdir()) == []  # never an empty or half-written secret


def test_data_dir_and_database_files_are_the_owners_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    old = data_dir / DATABASE_FILE
    old.touch(mode=0o644)  # as an older version left it
    old.chmod(0o644)
    store = SQLiteStore(old)
    store.set_language("k" * 32, "kk")
    files = sorted(data_dir.iterdir())
    assert {p.name for p in files} == {DATABASE_FILE, DATABASE_FILE + "-wal",
                                       DATABASE_FILE + "-shm"}
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert mode(data_dir) == 0o700
    store.close()


def test_forget_leaves_nothing_in_the_write_ahead_log(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / DATABASE_FILE)
    key = user_key(987654321, b"a secret of sixteen+")
    store.set_language(key, "kk")
    store.set_language(key, "en")
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob(DATABASE_FILE + "*"))
    assert key.encode() in on_disk
    assert store.forget(key)
    # The store is still open: nothing was closed, nothing checkpointed by a shutdown.
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob(DATABASE_FILE + "*"))
    assert key.encode() not in on_disk
    store.close()


def test_a_corrupt_database_at_start_means_memory_and_one_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    load_or_create_secret(tmp_path)
    (tmp_path / DATABASE_FILE).write_bytes(b"this is not a database, it is garbage " * 200)
    caplog.set_level(logging.INFO)
    secret, store = open_local(tmp_path, None)
    assert isinstance(store, MemoryStore) and not store.ping()
    assert secret == load_or_create_secret(tmp_path)
    [record] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "DATA_DIR unusable" in record.getMessage()
    assert record.reason == "file is not a database"  # type: ignore[attr-defined]
    # The bot keeps what it would have stored, until the process ends.
    store.set_language("k" * 32, "ru")
    assert store.get_language("k" * 32) == "ru"


def test_a_damaged_page_is_found_at_start(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / DATABASE_FILE)
    for day in range(400):
        store.record_reply(f"2026-01-{day:03}", "topic-" * 20, "ru", "answer")
    store.close()
    path = tmp_path / DATABASE_FILE
    data = bytearray(path.read_bytes())
    data[4096 * 2:4096 * 2 + 512] = os.urandom(512)  # a page in the middle, overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(sqlite3.DatabaseError):
        SQLiteStore(path)
