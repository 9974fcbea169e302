"""Sealing what must be kept but never read from a copy of the store: updates under way, the
chat id of a person who asked for a message later.

AES-256-GCM under a key derived from the anonymous keys' secret, one key per purpose, with what
the value belongs to (an update id, a person's anonymous key) as associated data: a sealed
value moved to another row does not open.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.storage.keys import derived_key

#: The purposes, each with a key of its own.
UPDATES, CHATS = "updates under way", "chats to write to later"


class Sealer:
    """Seals and opens values for one purpose."""

    def __init__(self, secret: bytes, purpose: str = UPDATES) -> None:
        self._aead = AESGCM(derived_key(secret, purpose))

    def seal(self, belongs_to: int | str, data: bytes) -> bytes:
        """The sealed form: a fresh nonce, then the ciphertext with its tag."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, str(belongs_to).encode())

    def open(self, belongs_to: int | str, sealed: bytes) -> bytes:
        """The value again; raise InvalidTag if it was sealed with another secret or for
        something else, or altered."""
        return self._aead.decrypt(sealed[:12], sealed[12:], str(belongs_to).encode())
