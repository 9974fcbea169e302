"""HTTP to the Bot API with retries for the failures Telegram itself recovers from.

python-telegram-bot's AIORateLimiter already waits out 429 (`retry_after`). This adds retries,
with a capped exponential backoff, for 5xx answers and for requests that surely never reached
Telegram (the connection was refused or could not be opened). A request that timed out while
waiting for the answer may well have been carried out, so it is retried only when repeating it
is harmless (reads, edits, settings); a message is never sent twice. The same goes for a
connection dropped while waiting for the answer (a read error after the request was written).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger("qoldau.telegram.request")

#: Attempts after the first, the first pause, and the longest pause (about 30 s in all).
RETRIES = 6
BACKOFF_S = 0.5
MAX_PAUSE_S = 8.0
#: Methods that change nothing when repeated (an edit repeated is "not modified").
IDEMPOTENT_PREFIXES = ("get", "set", "delete", "edit", "answerInlineQuery", "close", "logOut")
#: Failures that mean the request never left: always safe to repeat.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: Failures while reading the answer, after the request went out: Telegram may well have carried
#: it out (a connection dropped under a burst), so it is treated like a timeout.
MAY_HAVE_ARRIVED = (httpx.ReadError, httpx.RemoteProtocolError)


def may_have_arrived(error: BaseException | None) -> bool:
    """Whether a failed request may have been carried out all the same: it timed out, or the
    connection broke while waiting for the answer (but not one that was never sent)."""
    if isinstance(error, TimedOut):
        return not isinstance(error.__cause__, NEVER_SENT)
    return isinstance(error, NetworkError) and isinstance(error.__cause__, MAY_HAVE_ARRIVED)


def _safe_to_repeat(api_method: str, error: NetworkError) -> bool:
    if isinstance(error.__cause__, NEVER_SENT):
        return True
    return api_method.startswith(IDEMPOTENT_PREFIXES)


class RetryingRequest(HTTPXRequest):
    """An HTTPXRequest that retries 5xx answers and network errors when that is safe."""

    def __init__(self, *args: Any, retries: int = RETRIES, backoff_s: float = BACKOFF_S,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retries = retries
        self.backoff_s = backoff_s

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """Send a request; retry on 5xx and on network errors where repeating is safe."""
        api_method = url.rsplit("/", 1)[-1]
        pause = self.backoff_s
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                code, payload = await super().do_request(url, method, request_data,
                                                         *args, **kwargs)
            except NetworkError as exc:
                # getUpdates is retried by the updater's own loop.
                if last or api_method == "getUpdates" or not _safe_to_repeat(api_method, exc):
                    raise
                log.warning("bot api retry", extra={"method": api_method,
                                                    "error": type(exc.__cause__ or exc).__name__})
            else:
                if code < 500 or last:
                    return code, payload
                log.warning("bot api retry", extra={"method": api_method, "status": code})
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_S)
        raise AssertionError("unreachable")
