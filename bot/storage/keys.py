"""Anonymous user keys: a keyed hash (HMAC-SHA256) of the Telegram user id.

The raw id is never stored. Without the secret, a key cannot be turned back into an id, nor
computed from an id, so a copy of the database alone says nothing about who used the bot.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = "user-key.secret"


def user_key(user_id: int, secret: bytes) -> str:
    """The anonymous key of a Telegram user id."""
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]


def load_or_create_secret(data_dir: Path, configured: str | None = None) -> bytes:
    """The HMAC secret: the configured one, else one generated once and kept in DATA_DIR."""
    if configured:
        return configured.encode()
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    # Created readable by the owner only, and written once.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
    return value
