"""The Application's side of the inbox: no update is queued before it is kept, and none is
deleted before it was handled (see `bot.telegram.inbox`).

Polling and the webhook both hand updates to `Application.update_queue.put`: polling moves the
offset (which acknowledges to Telegram) only after `put` returned for the whole batch, and the
webhook answers 200 only after it returned. So `put` is where an update is made durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.telegram.inbox import TEND_EVERY_S, Inbox

log = logging.getLogger("qoldau.telegram.inbox")


class UpdateQueue(asyncio.Queue[object]):
    """The Application's update queue: an update goes in only once the inbox kept it, and only
    if it was not taken before. It knows how many updates it holds, queued or being handled."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        #: The ids of the updates queued or being handled (until `DurableApplication` is done).
        self.holding: set[int] = set()

    @property
    def held(self) -> int:
        """How many updates are queued or being handled."""
        return len(self.holding)

    def put_nowait(self, item: object) -> None:
        """Queue an item, counting an update as held until it was handled."""
        if isinstance(item, Update):
            self.holding.add(item.update_id)
        super().put_nowait(item)

    async def put(self, item: object) -> None:
        """Keep an update durably, then queue the updates to handle now."""
        if not isinstance(item, Update):
            await super().put(item)  # the Application's own stop signal
            return
        for update in await self.inbox.accept(item):
            self.put_nowait(update)


class DurableApplication(Application[Any, Any, Any, Any, Any, Any]):
    """An Application that deletes each update from the inbox once it was handled."""

    async def process_update(self, update: object) -> None:
        """Handle an update; then it is done (not when handling was cancelled by a stop)."""
        try:
            await super().process_update(update)
            if isinstance(update, Update):
                await self.bot_data["runtime"].inbox.done(update)
        finally:
            if isinstance(update, Update) and isinstance(self.update_queue, UpdateQueue):
                self.update_queue.holding.discard(update.update_id)


async def take_up_left_updates(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Queue what a process that died left unhandled, then tend the inbox in the background."""
    inbox: Inbox = app.bot_data["runtime"].inbox
    left = await inbox.left()
    for update in left:
        app.update_queue.put_nowait(update)
    if left:
        log.info("updates left by a stopped process", extra={"count": len(left)})
    app.bot_data["inbox"] = asyncio.create_task(_tend(app, inbox), name="inbox-tender")


async def _tend(app: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox) -> None:
    while True:
        await asyncio.sleep(TEND_EVERY_S)
        try:
            taken = await inbox.tend()
        except Exception:
            log.exception("tending the inbox failed; trying again")
            continue
        if taken:
            log.info("updates taken over from a stopped replica", extra={"count": len(taken)})
        for update in taken:
            # Once stopping, the Application reads no more: they stay pending, for a replica
            # (or this one, restarted) to handle.
            if app.running:
                app.update_queue.put_nowait(update)


async def stop_tending(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop tending the inbox."""
    task = app.bot_data.pop("inbox", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
