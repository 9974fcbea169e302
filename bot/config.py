"""Settings, read once from the environment and `.env` into a typed, frozen object.

Nothing else in the bot reads the environment. A missing or malformed value stops the start with
a message naming the variable and what it should look like (`SettingsError`).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.followup.schedule import Delays, parse_delays
from bot.language import LANGS, Lang, is_lang
from bot.storage.keys import MIN_SECRET_BYTES

TOKEN_PATTERN = re.compile(r"^[0-9]{5,20}:[A-Za-z0-9_-]{30,60}$")
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
#: A Telegram user id: positive, ASCII digits only, at most 16 of them.
USER_ID_PATTERN = re.compile(r"[0-9]{1,16}")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


class Secret:
    """A value that never shows in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one place that needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    """Everything the bot can be configured with (see .env.example)."""

    telegram_bot_token: Secret | None = None
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    default_language: Lang = "ru"
    knowledge_dir: Path = Path("knowledge")
    data_dir: Path = Path("data")
    moderator_ids: frozenset[int] = field(default_factory=frozenset)
    log_level: str = "INFO"
    user_key_secret: Secret | None = None
    #: Keep the fallback's question, redacted and without any user id (off unless enabled).
    store_unanswered: bool = False
    unanswered_retention_days: int = 30
    #: Offer a check-in after a hard moment (kept only once the person taps a time).
    follow_ups: bool = True
    followup_delays: Delays = field(default_factory=Delays)
    # Webhook mode (`qoldau run --webhook`) and replicas sharing one Redis (see README: Deployment).
    webhook_url: str | None = None
    webhook_secret: Secret | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_path: str = "/telegram"
    webhook_register: bool = True
    #: Updates a webhook replica holds at most (queued and being handled); beyond it, Telegram
    #: is answered 503 with Retry-After and delivers the update again later.
    webhook_max_updates: int = 256
    #: None: SQLite and in-process counters (one process); set: shared by every replica.
    redis_url: Secret | None = None
    #: The name a replica reads updates under in Redis (default: host name and port); a
    #: restarted replica must keep it to find the updates it was working on when it died.
    replica_name: str | None = None


def read_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines of a .env file (comments, blank lines and quotes allowed)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep:
            raise SettingsError(f"{path}:{number}: expected KEY=VALUE, got {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values


def load_settings(environ: Mapping[str, str] | None = None,
                  dotenv: Path | None = Path(".env")) -> Settings:
    """Read the settings: the environment wins over `.env`; raise `SettingsError` if bad."""
    env = dict(read_dotenv(dotenv) if dotenv else {})
    env.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    token = get("TELEGRAM_BOT_TOKEN")
    if token is not None and not TOKEN_PATTERN.match(token):
        raise SettingsError("TELEGRAM_BOT_TOKEN is malformed: it looks like "
                            "123456789:AAE... (digits, a colon, then 35 letters); "
                            "copy it again from @BotFather")
    language = get("DEFAULT_LANGUAGE") or "ru"
    if not is_lang(language):
        raise SettingsError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGS)}, "
                            f"not {language!r}")
    base_url = get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL
    if not re.match(r"^https?://", base_url):
        raise SettingsError("TELEGRAM_API_BASE_URL must start with http:// or https://")
    ids: set[int] = set()
    for part in re.split(r"[,\s]+", get("MODERATOR_IDS") or ""):
        if not part:
            continue
        # A person's id is a positive number written in ASCII digits: a negative id is a group
        # (everyone in it would be a moderator), and int() would also read digits like "٣".
        if not USER_ID_PATTERN.fullmatch(part) or int(part) == 0:
            raise SettingsError(f"MODERATOR_IDS must be Telegram user ids (positive numbers in "
                                f"digits 0-9) separated by commas; {part!r} is not one")
        ids.add(int(part))
    level = (get("LOG_LEVEL") or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    secret = get("USER_KEY_SECRET")
    if secret is not None and len(secret.encode()) < MIN_SECRET_BYTES:
        raise SettingsError(f"USER_KEY_SECRET is too short ({len(secret)} characters): anyone "
                            f"could guess it and compute a person's key from their id; use at "
                            f"least {MIN_SECRET_BYTES}, e.g. the output of `openssl rand -hex 32`")
    store_unanswered = (get("STORE_UNANSWERED") or "false").lower()
    if store_unanswered not in ("true", "false", "1", "0", "yes", "no"):
        raise SettingsError("STORE_UNANSWERED must be true or false")
    follow_ups = (get("FOLLOW_UPS") or "true").lower()
    if follow_ups not in (*_TRUE, *_FALSE):
        raise SettingsError("FOLLOW_UPS must be true or false")
    try:
        delays = parse_delays(get("FOLLOWUP_DELAYS") or "")
    except ValueError as exc:
        raise SettingsError(f"FOLLOWUP_DELAYS: {exc}") from None
    retention = get("UNANSWERED_RETENTION_DAYS") or "30"
    if not retention.isdigit() or not 1 <= int(retention) <= 3650:
        raise SettingsError("UNANSWERED_RETENTION_DAYS must be a number of days from 1 to 3650")
    return Settings(
        telegram_bot_token=Secret(token) if token else None,
        telegram_api_base_url=base_url,
        default_language=language,
        knowledge_dir=Path(get("KNOWLEDGE_DIR") or "knowledge"),
        data_dir=Path(get("DATA_DIR") or "data"),
        moderator_ids=frozenset(ids),
        log_level=level,
        user_key_secret=Secret(secret) if secret else None,
        store_unanswered=store_unanswered in ("true", "1", "yes"),
        unanswered_retention_days=int(retention),
        follow_ups=follow_ups in _TRUE,
        followup_delays=delays,
        **_deployment_settings(get),
    )


WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
REPLICA_NAME_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _deployment_settings(get: Callable[[str], str | None]) -> dict[str, Any]:
    """The webhook and Redis settings, checked; raise `SettingsError` naming a bad one."""
    url = get("WEBHOOK_URL")
    if url is not None:
        parts = urlsplit(url)
        local = (parts.hostname or "") in LOCAL_HOSTS or (parts.hostname or "").startswith("127.")
        if parts.scheme != "https" and not (parts.scheme == "http" and local):
            raise SettingsError("WEBHOOK_URL must be an https:// URL (Telegram posts only to "
                                f"https), not {url!r}; http:// is allowed for localhost only")
        if not parts.hostname:
            raise SettingsError(f"WEBHOOK_URL has no host name: {url!r}")
    secret = get("WEBHOOK_SECRET")
    if secret is not None and not WEBHOOK_SECRET_PATTERN.match(secret):
        raise SettingsError("WEBHOOK_SECRET must be 1 to 256 characters of A-Z, a-z, 0-9, _ "
                            "and - (Telegram's rule for secret_token)")
    port = get("WEBHOOK_PORT") or "8080"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise SettingsError(f"WEBHOOK_PORT must be a port number from 0 to 65535, not {port!r}")
    path = get("WEBHOOK_PATH") or "/telegram"
    if not re.match(r"^/[A-Za-z0-9_./-]*$", path) or path in ("/healthz", "/readyz"):
        raise SettingsError("WEBHOOK_PATH must start with / and hold only letters, digits, "
                            f"_ . / and - (and not be /healthz or /readyz), not {path!r}")
    register = (get("WEBHOOK_REGISTER") or "true").lower()
    if register not in _TRUE + _FALSE:
        raise SettingsError("WEBHOOK_REGISTER must be true or false")
    max_updates = get("WEBHOOK_MAX_UPDATES") or "256"
    if not max_updates.isdigit() or int(max_updates) < 1:
        raise SettingsError("WEBHOOK_MAX_UPDATES must be a whole number of at least 1 (the "
                            f"updates a replica holds at most), not {max_updates!r}")
    redis_url = get("REDIS_URL")
    if redis_url is not None and not re.match(r"^(rediss?|unix)://", redis_url):
        raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://, "
                            "e.g. redis://127.0.0.1:6379/0")
    if redis_url is not None and get("USER_KEY_SECRET") is None:
        raise SettingsError("REDIS_URL needs USER_KEY_SECRET: every replica must make the same "
                            "anonymous user keys (e.g. the output of `openssl rand -hex 32`)")
    replica = get("REPLICA_NAME")
    if replica is not None and not REPLICA_NAME_PATTERN.fullmatch(replica):
        raise SettingsError("REPLICA_NAME must be 1 to 64 characters of A-Z, a-z, 0-9, _ . : "
                            f"and -, not {replica!r}")
    return {
        "replica_name": replica,
        "webhook_url": url,
        "webhook_secret": Secret(secret) if secret else None,
        "webhook_host": get("WEBHOOK_HOST") or "0.0.0.0",
        "webhook_port": int(port),
        "webhook_path": path,
        "webhook_register": register in _TRUE,
        "webhook_max_updates": int(max_updates),
        "redis_url": Secret(redis_url) if redis_url else None,
    }


def check_webhook(settings: Settings) -> None:
    """Raise `SettingsError` unless the settings are complete for `qoldau run --webhook`."""
    if settings.telegram_bot_token is None:
        raise SettingsError("--webhook needs TELEGRAM_BOT_TOKEN (from @BotFather)")
    if settings.webhook_secret is None:
        raise SettingsError("--webhook needs WEBHOOK_SECRET: 1 to 256 characters of A-Z, a-z, "
                            "0-9, _ and -; Telegram sends it with every update, so nobody else "
                            "can post updates to the bot")
    if settings.webhook_register and settings.webhook_url is None:
        raise SettingsError("--webhook needs WEBHOOK_URL, the public https:// address Telegram "
                            "posts updates to (or WEBHOOK_REGISTER=false on replicas that "
                            "leave registering to another)")
