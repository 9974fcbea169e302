"""Structured logs (one JSON object per line) that never hold personal data.

Events carry only what operators need: what kind of update came, what kind of reply went out,
which topic and language, how long it took. Never message text, never a user or chat id, never
the token: the token is also scrubbed from anything a library logs (httpx logs request URLs,
and the Bot API puts the token in the URL).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

#: Fields of a log record that are not structured extras.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line: time, level, logger, event and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type, and its message only where it cannot hold personal data:
            # Telegram's errors can name a chat ("New chat id: -100…"), so theirs are left out.
            entry["error"] = record.exc_info[0].__name__
            if not any(c.__module__.startswith("telegram") for c in record.exc_info[0].__mro__):
                entry["error_message"] = str(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactFilter(logging.Filter):
    """Remove a secret (the bot token) from every record's text."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        text = record.getMessage()
        if any(secret in text for secret in self.secrets):
            for secret in self.secrets:
                text = text.replace(secret, "<token>")
            record.msg, record.args = text, None
        if record.exc_info and record.exc_info[1] is not None:
            message = str(record.exc_info[1])
            if any(secret in message for secret in self.secrets):
                record.exc_info = None
                record.msg = f"{record.msg} (error details withheld: they held the token)"
        return True


def setup_logging(level: str = "INFO", secrets: list[str] | None = None,
                  stream: Any = None) -> None:
    """Send all logs as JSON lines to stderr, with secrets scrubbed."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactFilter(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    # LOG_LEVEL applies to Qoldau's own loggers. Libraries stay at INFO or above whatever it
    # is: at DEBUG, python-telegram-bot logs whole requests, message text and chat ids included.
    root.setLevel(max(logging.getLevelName(level), logging.INFO))
    logging.getLogger("qoldau").setLevel(level)
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
