"""Webhook mode (`qoldau run --webhook`): Telegram POSTs each update to the bot over HTTPS.

An ASGI app (Starlette, served by uvicorn) with three routes:

    POST WEBHOOK_PATH   an update: the X-Telegram-Bot-Api-Secret-Token header must equal
                        WEBHOOK_SECRET (else 403, and nothing is read); the update is kept
                        durably (inbox.py), queued for the Application, and only then answered
                        200, so a crash after the 200 loses nothing; while the replica holds
                        WEBHOOK_MAX_UPDATES (queued and being handled), 503 with Retry-After
                        and nothing is kept, so Telegram delivers it again later
    GET  /healthz       200 while the process is alive
    GET  /readyz        200 when the knowledge is loaded, the store answers, the replica is not
                        saturated and not shutting down; 503 otherwise ("degraded" while
                        running on memory, "saturated" while it is full), so a proxy sends
                        traffic elsewhere

Shutdown on SIGTERM (or SIGINT) loses nothing: uvicorn stops accepting connections and finishes
the requests under way; then the Application handles every update already queued and waits for
the handlers still running before the process exits. An update Telegram could not deliver
meanwhile is delivered again later, to this replica once it is back or to another one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.config import Settings
from bot.logs import setup_logging
from bot.telegram.app import build_application, runtime_or_report
from bot.telegram.durable import UpdateQueue
from bot.telegram.inbox import replica_name
from bot.telegram.replicas import store_reachable
from bot.telegram.runtime import Runtime

log = logging.getLogger("qoldau.telegram.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: An update is a few kilobytes; anything much larger is not from Telegram.
MAX_BODY_BYTES = 1 << 20
#: How long uvicorn waits for requests under way before closing their connections.
GRACEFUL_S = 10
#: What a saturated replica asks Telegram to wait before delivering an update again.
BUSY_RETRY_AFTER_S = 1


class _Server(uvicorn.Server):
    """uvicorn's server, stopping on SIGTERM/SIGINT without re-raising the signal afterwards
    (so the process exits 0 after a clean shutdown), and leaving signals alone if told to."""

    def __init__(self, config: uvicorn.Config, handle_signals: bool) -> None:
        super().__init__(config)
        self.handle_signals = handle_signals

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Turn SIGTERM and SIGINT into a graceful shutdown while serving."""
        if not self.handle_signals:
            yield
            return
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)


class WebhookServer:
    """The bot behind an HTTP endpoint that Telegram posts updates to."""

    def __init__(self, settings: Settings, runtime: Runtime,
                 application: Application | None = None,  # type: ignore[type-arg]
                 *, sock: socket.socket | None = None, handle_signals: bool = True) -> None:
        if settings.webhook_secret is None:
            raise ValueError("WebhookServer needs WEBHOOK_SECRET")
        self.settings = settings
        self.runtime = runtime
        self.application = application or build_application(settings, runtime)
        self.accepting = False
        self.registered = False
        self.startup_error: BaseException | None = None
        self._secret = settings.webhook_secret.reveal().encode()
        self._sock = sock
        self._port: int | None = None
        #: Updates past the saturation check and not yet queued (being read and kept).
        self._admitting = 0
        self.asgi = Starlette(routes=[
            Route(settings.webhook_path, self.receive, methods=["POST"]),
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/readyz", self.readyz, methods=["GET"]),
        ], lifespan=self._lifespan)
        config = uvicorn.Config(self.asgi, host=settings.webhook_host,
                                port=settings.webhook_port, lifespan="on", log_config=None,
                                access_log=False, timeout_graceful_shutdown=GRACEFUL_S)
        self.server = _Server(config, handle_signals)
        # A replica restarted on the same host and port finds the updates it was working on.
        port = int(sock.getsockname()[1]) if sock is not None else settings.webhook_port
        runtime.inbox.consumer = replica_name(settings.replica_name, port)

    @property
    def port(self) -> int:
        """The TCP port being served (known once serving)."""
        if self._port is None:
            sock = self._sock or self.server.servers[0].sockets[0]
            self._port = int(sock.getsockname()[1])
        return self._port

    @property
    def held(self) -> int:
        """The updates this replica holds: queued, being handled, or being admitted."""
        queue = self.application.update_queue
        held = queue.held if isinstance(queue, UpdateQueue) else queue.qsize()
        return held + self._admitting

    @property
    def saturated(self) -> bool:
        """Whether this replica holds as many updates as it may (WEBHOOK_MAX_UPDATES)."""
        return self.held >= self.settings.webhook_max_updates

    # ---- routes ------------------------------------------------------------------------------

    async def receive(self, request: Request) -> Response:
        """Queue one update from Telegram and answer at once."""
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook: wrong secret", extra={"given": bool(given)})
            return Response("forbidden", status_code=403)
        if not self.accepting:
            # Shutting down: Telegram will deliver it again, here or elsewhere.
            return Response("shutting down", status_code=503)
        if self.saturated:
            # Load shedding: neither kept nor marked taken, so Telegram's next delivery of it
            # is answered (once) when there is room, here or on another replica.
            return Response("busy", status_code=503,
                            headers={"Retry-After": str(BUSY_RETRY_AFTER_S)})
        self._admitting += 1
        try:
            return await self._admit(request)
        finally:
            self._admitting -= 1

    async def _admit(self, request: Request) -> Response:
        body = await request.body()  # only Telegram, which knows the secret, gets this far
        if len(body) > MAX_BODY_BYTES:
            return Response("too large", status_code=413)
        try:
            update = Update.de_json(json.loads(body), self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            return Response("not an update", status_code=400)
        # Kept durably (unless taken before) before Telegram hears 200: see inbox.py.
        await self.application.update_queue.put(update)
        return Response(status_code=200)

    async def healthz(self, request: Request) -> Response:
        """Say the process is alive."""
        return JSONResponse({"status": "alive"})

    async def readyz(self, request: Request) -> Response:
        """Say whether this replica can take updates now, or runs degraded (on memory)."""
        serving = self.accepting and self.application.running
        knowledge = bool(self.runtime.kb.topics)
        store = await asyncio.to_thread(store_reachable, self.runtime.store)
        saturated = self.saturated
        status = ("not ready" if not (serving and knowledge) else
                  "saturated" if saturated else
                  "degraded" if not store else
                  "ready")
        checks: dict[str, bool | str] = {"serving": serving, "knowledge": knowledge,
                                         "store": store, "saturated": saturated,
                                         "status": status}
        return JSONResponse(checks, status_code=200 if status == "ready" else 503)

    # ---- lifecycle ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _lifespan(self, _: Starlette) -> AsyncIterator[None]:
        """Start the Application before serving; stop it, losing nothing, after."""
        app = self.application
        try:
            await app.initialize()
            if app.post_init:
                await app.post_init(app)
            await app.start()
        except Exception as exc:
            # Not raised: uvicorn would exit the process from inside the event loop.
            self.startup_error = exc
            log.error("the bot could not start", extra={"error": type(exc).__name__})
            with contextlib.suppress(Exception):
                await app.shutdown()
                if app.post_shutdown:
                    await app.post_shutdown(app)
            self.server.should_exit = True
            yield
            return
        self.accepting = True
        log.info("webhook serving", extra={"path": self.settings.webhook_path})
        try:
            yield
        finally:
            self.accepting = False
            log.info("webhook stopping: finishing the updates under way")
            # Handles every update still queued and waits for the running handlers.
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)
            log.info("webhook stopped")

    async def register(self) -> None:
        """Tell Telegram where to post updates (setWebhook)."""
        assert self.settings.webhook_url is not None and self.settings.webhook_secret
        await self.application.bot.set_webhook(
            url=self.settings.webhook_url, secret_token=self.settings.webhook_secret.reveal(),
            allowed_updates=Update.ALL_TYPES)
        self.registered = True
        log.info("webhook registered", extra={"host": urlsplit(self.settings.webhook_url).hostname})

    async def serve(self) -> int:
        """Serve until stopped (SIGTERM, SIGINT or `stop`); return the process exit code."""
        serving = asyncio.create_task(
            self.server.serve(sockets=[self._sock] if self._sock is not None else None))
        # Register only once the port listens, so Telegram's first delivery finds it.
        while not self.server.started and not serving.done():
            await asyncio.sleep(0.02)
        if self.server.started and self.startup_error is None and self.settings.webhook_register:
            try:
                await self.register()
            except TelegramError as exc:
                log.error("webhook not registered", extra={"error": type(exc).__name__,
                                                           "reason": exc.message})
                self.stop()
                await serving
                return 1
        await serving
        if self.startup_error is not None:
            return 2 if isinstance(self.startup_error, InvalidToken) else 1
        return 0

    def stop(self) -> None:
        """Shut down gracefully, as SIGTERM does."""
        self.server.should_exit = True


def run_webhook(settings: Settings) -> int:
    """Run the bot in webhook mode until SIGTERM; return the process exit code."""
    secrets = [s.reveal() for s in (settings.telegram_bot_token, settings.webhook_secret) if s]
    if settings.redis_url is not None and urlsplit(settings.redis_url.reveal()).password:
        secrets.append(urlsplit(settings.redis_url.reveal()).password or "")
    setup_logging(settings.log_level, secrets=secrets)
    runtime = runtime_or_report(settings)
    if runtime is None:
        return 1
    server = WebhookServer(settings, runtime)
    log.info("starting", extra={"mode": "webhook", "port": settings.webhook_port,
                                "register": settings.webhook_register,
                                "shared": settings.redis_url is not None,
                                "topics": len(runtime.kb.topics)})
    try:
        code = asyncio.run(server.serve())
    finally:
        runtime.store.close()
    if isinstance(server.startup_error, InvalidToken):
        print("Telegram rejected TELEGRAM_BOT_TOKEN. Check it with @BotFather "
              "(/mybots → API Token) and set it again.", file=sys.stderr)
    return code
