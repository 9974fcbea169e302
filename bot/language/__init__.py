"""Languages, text normalisation and language detection."""

from typing import Final, Literal, TypeGuard

Lang = Literal["kk", "ru", "en"]
#: The one list of languages the bot speaks, in menu order.
LANGS: Final[tuple[Lang, ...]] = ("kk", "ru", "en")


def is_lang(value: object) -> TypeGuard[Lang]:
    """Tell whether a value is one of the bot's languages."""
    return value in LANGS


def lang_from_code(code: str | None) -> Lang | None:
    """Map a Telegram `language_code` (e.g. 'ru-RU', 'kk') to a bot language, if any."""
    if not code:
        return None
    base = code.split("-")[0].split("_")[0].lower()
    if base == "kz":  # a common mistake for Kazakh
        base = "kk"
    return base if is_lang(base) else None
