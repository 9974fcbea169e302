"""Every interface string is translated in kk, ru and en, and no translation is fuzzy."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, translator
from bot.language import LANGS

ROOT = Path(__file__).resolve().parents[1]


def _strings_in_code() -> set[str]:
    found = extract_from_dir(str(ROOT / "bot"), method_map=[("**.py", "python")],
                             keywords={"_": None, "N_": None, "gettext": None})
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_translates_every_string_and_holds_nothing_fuzzy(lang: str) -> None:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    entries = {m.id: m for m in catalog if m.id}
    missing = sorted(_strings_in_code() - set(entries))
    assert missing == [], f"not in the {lang} catalog (run make update-messages): {missing}"
    untranslated = sorted(m for m, e in entries.items() if not e.string)
    assert untranslated == []
    fuzzy = sorted(m for m, e in entries.items() if e.fuzzy)
    assert fuzzy == []


def test_code_strings_are_found() -> None:
    # The extraction above must see the strings, or the test proves nothing.
    assert "Menu" in _strings_in_code() and len(_strings_in_code()) > 30


@pytest.mark.parametrize(("lang", "word"), [("kk", "Мәзір"), ("ru", "Меню"), ("en", "Menu")])
def test_translations_are_used(lang: str, word: str) -> None:
    assert translator(lang)("Menu") == word  # type: ignore[arg-type]
