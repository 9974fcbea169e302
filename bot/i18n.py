"""Interface strings through Babel gettext catalogs in `locales/{kk,ru,en}/LC_MESSAGES/`.

The locale is chosen once per message and passed along; nothing here is global state except
the loaded catalogs, which never change while the bot runs. `make` compiles the `.mo` files;
when one is missing or older than its `.po` (a fresh checkout, an edited catalog), the catalog
is compiled in memory from the `.po` so that the bot always speaks what the catalog says.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.language import Lang

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

Translate = Callable[[str], str]
#: ngettext: (singular, plural, n) -> the form of the message that fits the number n.
TranslatePlural = Callable[[str, str, int], str]


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


@cache
def translations(lang: Lang) -> gettext.NullTranslations:
    """The catalog of a language (compiled from its .po when the .mo is missing or stale)."""
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po.exists():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def translator(lang: Lang) -> Translate:
    """The gettext function of a language."""
    return translations(lang).gettext


def plural_translator(lang: Lang) -> TranslatePlural:
    """The ngettext function of a language, for a message with a number next to a noun.

    Call it as `ngettext` so that `pybabel extract` finds both forms, and format the number in
    afterwards: `ngettext("Last {days} day", "Last {days} days", n).format(days=n)`. Kazakh has
    one form (a noun after a number stays singular), Russian three, English two: the catalog's
    Plural-Forms header chooses.
    """
    return translations(lang).ngettext
