"""HTTP to the Bot API with retries for the failures Telegram itself recovers from.

python-telegram-bot's AIORateLimiter already waits out 429 (`retry_after`). This adds retries
for 5xx answers and network failures, with a short exponential backoff, so a hiccup of
Telegram's servers does not cost a person their answer.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger("qoldau.telegram.request")

#: Attempts after the first, and the first pause (doubled each time).
RETRIES = 3
BACKOFF_S = 0.5


class RetryingRequest(HTTPXRequest):
    """An HTTPXRequest that retries 5xx answers and network errors."""

    def __init__(self, *args: Any, retries: int = RETRIES, backoff_s: float = BACKOFF_S,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retries = retries
        self.backoff_s = backoff_s

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """Send a request; retry on 5xx and on network errors (timeouts included)."""
        api_method = url.rsplit("/", 1)[-1]
        pause = self.backoff_s
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                code, payload = await super().do_request(url, method, request_data,
                                                         *args, **kwargs)
            except NetworkError as exc:
                # getUpdates is retried by the updater's own loop.
                if last or api_method == "getUpdates":
                    raise
                log.warning("bot api retry", extra={"method": api_method,
                                                    "error": type(exc).__name__})
            else:
                if code < 500 or last:
                    return code, payload
                log.warning("bot api retry", extra={"method": api_method, "status": code})
            await asyncio.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")
