"""The fake Bot API, delivering updates to a webhook as Telegram does once setWebhook is set.

`WebhookTelegram` is `FakeTelegram` plus what Telegram's side of a webhook does: every pending
update is POSTed (with the registered secret token) to the webhook, several at once up to
`max_connections`, and is confirmed only by a 2xx answer; any other answer, a refused connection
or a timeout means a later attempt. The public WEBHOOK_URL cannot be reached offline, so
`route_to()` says where it leads: one replica, or several behind a round-robin proxy that tries
the next one when a replica does not answer.

It also records when each message reached it (`sent_at`) and when each update was first
posted (`posted_at`), for the load benchmark and the rate-limit tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from typing import Any

import aiohttp

from tests.fakes.telegram_api import FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookTelegram(FakeTelegram):
    """FakeTelegram that POSTs pending updates to the registered webhook."""

    def __init__(self, *args: Any, retry_s: float = 0.2, post_timeout_s: float = 5.0,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_s = retry_s
        self.post_timeout_s = post_timeout_s
        self.targets: list[str] = []
        self._next_target = itertools.count()
        #: (update_id, target, HTTP status or the error's name) of every delivery attempt.
        self.deliveries: list[tuple[int, str, int | str]] = []
        self.posted_at: dict[int, float] = {}
        #: Seconds each successful POST took to be answered.
        self.post_seconds: list[float] = []
        #: (monotonic time, chat_id) of every message the bot sent successfully.
        self.sent_at: list[tuple[float, int]] = []
        self._in_delivery: set[int] = set()
        self._session: aiohttp.ClientSession | None = None
        self._pusher: asyncio.Task[None] | None = None

    def route_to(self, *targets: str) -> None:
        """Where WEBHOOK_URL leads: replica URLs such as http://127.0.0.1:PORT/telegram."""
        self.targets = list(targets)
        self._notify()

    async def start(self) -> None:
        """Serve the Bot API and start delivering."""
        await super().start()
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.post_timeout_s))
        self._pusher = asyncio.create_task(self._push())

    async def stop(self) -> None:
        """Stop delivering, then stop serving."""
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
        if self._session is not None:
            await self._session.close()
        await super().stop()

    @property
    def undelivered(self) -> int:
        """Updates not yet confirmed by a 2xx answer."""
        return len(self._updates)

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        result = await super()._dispatch(method, params)
        if method == "sendMessage":
            self.sent_at.append((time.monotonic(), int(params["chat_id"])))
        return result

    async def _push(self) -> None:
        tasks: set[asyncio.Task[None]] = set()
        try:
            while True:
                if self.webhook is not None and self.targets:
                    limit = int(self.webhook.get("max_connections") or 40)
                    for update in self._deliverable():
                        if len(self._in_delivery) >= limit:
                            break
                        if update["update_id"] not in self._in_delivery:
                            self._in_delivery.add(update["update_id"])
                            task = asyncio.create_task(self._deliver(update))
                            tasks.add(task)
                            task.add_done_callback(tasks.discard)
                await self._wait_change(0.05)
        finally:
            for task in tasks:
                task.cancel()

    async def _deliver(self, update: dict[str, Any]) -> None:
        assert self._session is not None and self.webhook is not None
        update_id = update["update_id"]
        headers = {}
        if self.webhook.get("secret_token"):
            headers[SECRET_HEADER] = self.webhook["secret_token"]
        try:
            while True:
                target = self.targets[next(self._next_target) % len(self.targets)]
                started = time.monotonic()
                self.posted_at.setdefault(update_id, started)
                try:
                    async with self._session.post(target, json=update, headers=headers) as answer:
                        await answer.read()
                        status: int | str = answer.status
                except (TimeoutError, aiohttp.ClientError) as exc:
                    status = type(exc).__name__
                self.deliveries.append((update_id, target, status))
                if isinstance(status, int) and 200 <= status < 300:
                    self.post_seconds.append(time.monotonic() - started)
                    self._confirm(update_id)
                    return
                await asyncio.sleep(self.retry_s)
        finally:
            self._in_delivery.discard(update_id)
            self._notify()

    def _confirm(self, update_id: int) -> None:
        self._updates = [u for u in self._updates if u["update_id"] != update_id]
        self._delivered_update_id = max(self._delivered_update_id, update_id)
        self._last_activity = time.monotonic()
        self._notify()
