"""Every interface string is translated in kk, ru and en, and no translation is fuzzy."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, plural_translator, translator
from bot.language import LANGS

ROOT = Path(__file__).resolve().parents[1]


def _messages_in_code() -> set[str | tuple[str, str]]:
    found = extract_from_dir(str(ROOT / "bot"), method_map=[("**.py", "python")],
                             keywords={"_": None, "N_": None, "gettext": None,
                                       "ngettext": (1, 2)})
    return {message if isinstance(message, str) else (message[0], message[1])
            for _, _, message, _, _ in found}


def _strings_in_code() -> set[str]:
    return {m for m in _messages_in_code() if isinstance(m, str)}


def _plurals_in_code() -> set[tuple[str, str]]:
    return {m for m in _messages_in_code() if isinstance(m, tuple)}


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
    fuzzy = sorted(str(m) for m, e in entries.items() if e.fuzzy)
    assert fuzzy == []


# Kazakh nouns stay singular after a number (5 күн): one form; Russian three; English two.
PLURAL_FORMS = {"kk": 1, "ru": 3, "en": 2}


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_has_every_plural_with_all_its_forms(lang: str) -> None:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    assert catalog.num_plurals == PLURAL_FORMS[lang]
    for header in ("Project-Id-Version", "Language-Team", "Language", "Plural-Forms",
                   "Content-Type"):
        assert dict(catalog.mime_headers).get(header), header
    plurals = {m.id: m for m in catalog if m.id and m.pluralizable}
    missing = sorted(_plurals_in_code() - set(plurals))
    assert missing == [], f"not in the {lang} catalog (run make update-messages): {missing}"
    for msgid, entry in plurals.items():
        forms = entry.string
        assert isinstance(forms, tuple) and len(forms) == PLURAL_FORMS[lang], msgid
        assert all(forms), f"an empty plural form for {msgid}"
        assert all("{" + msgid[0].split("{")[1].split("}")[0] + "}" in f for f in forms), msgid


@pytest.mark.parametrize(("lang", "n", "text"), [
    ("ru", 1, "Последний 1 день"), ("ru", 3, "Последние 3 дня"), ("ru", 7, "Последние 7 дней"),
    ("ru", 21, "Последний 21 день"), ("ru", 12, "Последние 12 дней"),
    ("kk", 1, "Соңғы 1 күн"), ("kk", 7, "Соңғы 7 күн"),
    ("en", 1, "Last 1 day"), ("en", 7, "Last 7 days")])
def test_numbers_get_the_noun_form_that_fits(lang: str, n: int, text: str) -> None:
    ngettext = plural_translator(lang)  # type: ignore[arg-type]
    assert ngettext("Last {days} day", "Last {days} days", n).format(days=n) == text


def test_code_strings_are_found() -> None:
    # The extraction above must see the strings, or the test proves nothing.
    assert "Menu" in _strings_in_code() and len(_strings_in_code()) > 30
    assert ("Last {days} day", "Last {days} days") in _plurals_in_code()


@pytest.mark.parametrize(("lang", "word"), [("kk", "Мәзір"), ("ru", "Меню"), ("en", "Menu")])
def test_translations_are_used(lang: str, word: str) -> None:
    assert translator(lang)("Menu") == word  # type: ignore[arg-type]
