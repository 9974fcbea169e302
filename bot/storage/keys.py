"""Anonymous keys: keyed hashes (HMAC-SHA256) of Telegram ids, and the secret they are made with.

The raw id is never stored. Without the secret, a key cannot be turned back into an id, nor
computed from an id, so a copy of the database (or of Redis) alone says nothing about who used
the bot. Every key derived from an id goes through `_keyed`, each kind with its own label, so a
chat's rate-limit bucket and a person's language choice never share a key.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

SECRET_FILE = "user-key.secret"
#: The shortest secret accepted, from USER_KEY_SECRET or the file (a generated one has 64).
MIN_SECRET_BYTES = 16


class SecretFileError(RuntimeError):
    """The secret file is there but unusable; the message says what to do, in one line."""


def _keyed(secret: bytes, label: str) -> str:
    return hmac.new(secret, label.encode(), hashlib.sha256).hexdigest()[:32]


def user_key(user_id: int, secret: bytes) -> str:
    """The anonymous key of a Telegram user id."""
    return _keyed(secret, str(user_id))


def chat_key(chat_id: int | str, secret: bytes) -> str:
    """The anonymous key of a chat (a private chat's id is the person's id)."""
    return _keyed(secret, f"chat:{chat_id}")


def message_key(chat_id: int, message_id: int, topic: str, secret: bytes) -> str:
    """The anonymous key of one answer the bot sent: where a single 👍/👎 may be counted."""
    return _keyed(secret, f"vote:{chat_id}:{message_id}:{topic}")


def derived_key(secret: bytes, purpose: str) -> bytes:
    """A 32-byte key for another purpose, derived from the secret (never the secret itself)."""
    return hmac.new(secret, f"qoldau {purpose}".encode(), hashlib.sha256).digest()


def private_dir(path: Path) -> None:
    """Create a directory readable by the owner only (0700), or make an existing one so."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o700)


def load_or_create_secret(data_dir: Path, configured: str | None = None) -> bytes:
    """The HMAC secret: the configured one, else one generated once and kept in DATA_DIR.

    Raise `SecretFileError` when the file holds too little to be a secret (an empty file would
    make every key computable from the id alone); raise OSError when DATA_DIR cannot be used.
    """
    if configured:
        return configured.encode()
    path = data_dir / SECRET_FILE
    try:
        value = path.read_bytes().strip()
    except FileNotFoundError:
        return _create_secret(path)
    if len(value) < MIN_SECRET_BYTES:
        raise SecretFileError(
            f"{path} holds {len(value)} bytes, too few to be a secret (at least "
            f"{MIN_SECRET_BYTES}): delete it to have a new one generated (language choices kept "
            "under the old one are then unreachable), or set USER_KEY_SECRET")
    return value


def _create_secret(path: Path) -> bytes:
    """Write a new secret atomically: whole, readable by the owner only, or not at all."""
    private_dir(path.parent)
    value = secrets.token_hex(32).encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(value)
            handle.flush()
            os.fsync(handle.fileno())
        # A link never replaces: if another process made the secret meanwhile, its one wins.
        try:
            os.link(temporary, path)
        except FileExistsError:
            return load_or_create_secret(path.parent)
        _sync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return value


def _sync_dir(directory: Path) -> None:
    """Make a new name in a directory survive a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
