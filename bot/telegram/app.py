"""Building the Telegram `Application`: every handler is registered here, in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from typing import Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.i18n import N_, translator
from bot.knowledge.live import KnowledgeHolder, KnowledgeWatcher, ReloadResult
from bot.knowledge.loader import KnowledgeError, load
from bot.language import LANGS
from bot.logs import setup_logging
from bot.storage.keys import SecretFileError
from bot.storage.sqlite import COUNTS_EVERY_S
from bot.telegram.chat_log import ChatLog
from bot.telegram.context import QoldauContext
from bot.telegram.durable import (
    DurableApplication,
    UpdateQueue,
    stop_tending,
    take_up_left_updates,
)
from bot.telegram.handlers import (
    clean,
    commands,
    crisis,
    flows,
    inline,
    menus,
    moderation,
    other_input,
    plan,
    questions,
    start,
)
from bot.telegram.handlers.errors import on_error
from bot.telegram.handlers.flood import guard_flood
from bot.telegram.handlers.locale import choose_locale
from bot.telegram.replicas import close_shared, make_rate_limiter, open_shared
from bot.telegram.request import RetryingRequest
from bot.telegram.runtime import CONCURRENT_UPDATES, Runtime

log = logging.getLogger("qoldau")

#: The command menu Telegram shows, per language.
COMMANDS = (
    ("start", N_("Welcome and main menu")),
    ("menu", N_("Main menu")),
    ("hotlines", N_("Help lines and numbers")),
    ("calm", N_("Calm down, step by step")),
    ("plan", N_("My safety plan")),
    ("sos", N_("Help now: where to call")),
    ("language", N_("Change the language")),
    ("privacy", N_("What the bot keeps")),
    ("forget", N_("Erase what the bot keeps about you")),
    ("clean", N_("Erase this chat")),
    ("help", N_("How to use the bot")),
)
# Non-text messages the bot answers kindly instead of ignoring.
OTHER_INPUT = (filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.PHOTO
               | filters.VIDEO | filters.VIDEO_NOTE | filters.Document.ALL | filters.LOCATION
               | filters.VENUE | filters.CONTACT | filters.ANIMATION | filters.POLL
               | filters.Dice.ALL)
PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS


def register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Register every handler, in the order they must run."""
    runtime: Runtime = app.bot_data["runtime"]
    moderators = filters.User(user_id=runtime.settings.moderator_ids, allow_empty=False)
    # group -4: note the id of each message of a private chat (never its text), for /clean.
    app.add_handler(TypeHandler(Update, clean.note_incoming), group=-4)
    # group -3: choose the person's language once per update, before anything else.
    app.add_handler(TypeHandler(Update, choose_locale), group=-3)
    # group -2: a message about a crisis, or the safe word, gets the crisis reply here,
    # whatever follows (an open safety plan included).
    app.add_handler(TypeHandler(Update, crisis.crisis_first), group=-2)
    # group -1: the flood guard may stop an update here (never a crisis: that went above).
    app.add_handler(TypeHandler(Update, guard_flood), group=-1)
    # group 0: features; the first handler that matches an update answers it.
    app.add_handlers([
        CommandHandler("start", start.start),
        CommandHandler("help", start.show_help),
        CommandHandler("menu", start.show_menu),
        CommandHandler("hotlines", commands.show_hotlines),
        CommandHandler("language", commands.choose_language),
        CommandHandler("privacy", commands.show_privacy),
        CommandHandler("forget", commands.forget),
        CommandHandler("calm", flows.calm),
        CommandHandler("plan", flows.plan, filters=PRIVATE),
        CommandHandler("clean", clean.ask),
        # Moderators only: anyone else falls through to "unknown command" below.
        CommandHandler("reload", moderation.reload_command, filters=moderators & PRIVATE),
        CommandHandler("stats", moderation.stats_command, filters=moderators & PRIVATE),
        CallbackQueryHandler(plan.on_button, pattern=r"^(e\|)?plan:"),
        CallbackQueryHandler(clean.on_button, pattern=r"^(e\|)?clean\b"),
        CallbackQueryHandler(menus.on_button),
        InlineQueryHandler(inline.on_inline_query),
        MessageHandler(filters.COMMAND & PRIVATE, commands.unknown_command),
        # While a safety plan waits for an answer, the person's text is that answer.
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND & PRIVATE
                       & plan.PlanWaiting(runtime), plan.on_answer),
        MessageHandler(filters.TEXT & ~filters.COMMAND & PRIVATE, questions.on_text),
        MessageHandler(filters.TEXT & ~filters.COMMAND & GROUPS & questions.ADDRESSED_TO_BOT,
                       questions.on_text),
        MessageHandler(filters.CAPTION & GROUPS & questions.ADDRESSED_TO_BOT,
                       questions.on_text),
        MessageHandler(OTHER_INPUT & PRIVATE, other_input.on_other),
    ])
    # group 1: after a feature answered, another command or button pauses an open safety plan.
    app.add_handler(TypeHandler(Update, plan.pause_after_other), group=1)
    app.add_error_handler(on_error)


async def on_startup(app: Application) -> None:  # type: ignore[type-arg]
    """Queue the updates a stopped process left, publish the commands and start watching the
    knowledge files."""
    await take_up_left_updates(app)
    await set_commands(app)
    runtime: Runtime = app.bot_data["runtime"]

    async def report(result: ReloadResult) -> None:
        await moderation.notify_moderators(app, result)

    watcher = KnowledgeWatcher(runtime.settings.knowledge_dir, runtime.knowledge, report)
    app.bot_data["watcher"] = asyncio.create_task(watcher.run(), name="knowledge-watcher")
    app.bot_data["counts"] = asyncio.create_task(_write_counts(runtime), name="counts")


async def on_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    """Stop tending the inbox, watching the knowledge files and writing counts (the store
    writes the last ones when it closes)."""
    await stop_tending(app)
    for name in ("watcher", "counts"):
        task = app.bot_data.pop(name, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _write_counts(runtime: Runtime) -> None:
    """Write the counts that wait in the store's memory every few seconds, also when nobody
    writes (a message writes them when they are due)."""
    while True:
        await asyncio.sleep(COUNTS_EVERY_S)
        try:
            await runtime.stored(runtime.store.flush)
        except Exception:
            log.warning("counts not written; trying again", exc_info=True)


async def set_commands(app: Application) -> None:  # type: ignore[type-arg]
    """Publish the command menu in every language (and the default one for the rest)."""
    runtime: Runtime = app.bot_data["runtime"]
    for lang in (*LANGS, None):
        _ = translator(lang or runtime.settings.default_language)
        await app.bot.set_my_commands([BotCommand(name, _(text)) for name, text in COMMANDS],
                                      language_code=lang)


def file_url(base_url: str) -> str:
    """The Bot API file URL that goes with an API base URL (…/bot → …/file/bot)."""
    return re.sub(r"/bot/?$", "/file/bot", base_url.rstrip("/"))


def build_application(settings: Settings, runtime: Runtime,
                      rate_limiter: BaseRateLimiter[Any] | None = None,
                      ) -> Application:  # type: ignore[type-arg]
    """Build the bot: HTTP with retries, Telegram's rate limits, and every handler.

    `rate_limiter` replaces the usual one (the load benchmark measures the bot without it).
    """
    if settings.telegram_bot_token is None:
        raise ValueError("build_application needs TELEGRAM_BOT_TOKEN")
    app = (
        ApplicationBuilder()
        # An update is kept before it is acknowledged, and deleted once handled (inbox.py).
        .application_class(DurableApplication)
        .update_queue(UpdateQueue(runtime.inbox))
        .token(settings.telegram_bot_token.reveal())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_url(settings.telegram_api_base_url))
        .request(RetryingRequest(connection_pool_size=64, read_timeout=10, write_timeout=10,
                                 connect_timeout=5))
        .get_updates_request(RetryingRequest(read_timeout=40, connect_timeout=5))
        # Waits out 429 answers and keeps within ~30 messages/s and 20/min per group
        # (through Redis, together with the other replicas, when REDIS_URL is set).
        .rate_limiter(rate_limiter or make_rate_limiter(runtime))
        .context_types(ContextTypes(context=QoldauContext))
        # Updates run concurrently, so one person's slow exchange never delays another's.
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(on_startup)
        .post_stop(on_shutdown)
        .post_shutdown(close_shared)
        .build()
    )
    app.bot_data["runtime"] = runtime
    runtime.inbox.bind(app.bot)
    register_handlers(app)
    return app


def make_runtime(settings: Settings) -> Runtime:
    """Load the knowledge base and open the store; raise KnowledgeError if it has problems,
    SecretFileError if the secret file is unusable."""
    kb = load(settings.knowledge_dir)
    # SQLite and in-memory counters, or Redis shared with other replicas (REDIS_URL).
    shared = open_shared(settings)
    return Runtime(settings=settings, knowledge=KnowledgeHolder(kb), store=shared.store,
                   secret=shared.secret, inbox=shared.inbox, flood=shared.flood,
                   redis=shared.redis, chat_log=ChatLog(shared.redis))


def runtime_or_report(settings: Settings) -> Runtime | None:
    """The runtime; or None, with what stops the start printed for the operator."""
    try:
        return make_runtime(settings)
    except KnowledgeError as exc:
        print("The knowledge base has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return None
    except SecretFileError as exc:
        print(f"qoldau: {exc}", file=sys.stderr)
        return None


def run_polling(settings: Settings) -> int:
    """Run the bot with long polling until stopped; return the process exit code."""
    token = settings.telegram_bot_token.reveal() if settings.telegram_bot_token else ""
    setup_logging(settings.log_level, secrets=[token])
    runtime = runtime_or_report(settings)
    if runtime is None:
        return 1
    app = build_application(settings, runtime)
    log.info("starting", extra={"mode": "polling", "topics": len(runtime.kb.topics)})
    try:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print("Telegram rejected TELEGRAM_BOT_TOKEN. Check it with @BotFather "
              "(/mybots → API Token) and set it again.", file=sys.stderr)
        return 2
    finally:
        runtime.store.close()
    return 0
