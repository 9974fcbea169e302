"""`qoldau triage`: the kept unanswered questions as themes, most frequent first, with their
nearest topics; added to a topic or dismissed for good, interactively or from a script."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.insight.counting import count
from bot.insight.triage import build_queue, dismiss, theme_key
from bot.insight.triage_console import walk
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.edit import Edit, Review, add_example, review
from bot.knowledge.loader import load
from bot.language import Lang
from bot.replies import answer
from bot.storage.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "knowledge" / "valid"
#: The day the questions were asked: today, as the command line reads the clock.
TODAY = datetime.now(UTC).date()
SECRET = b"triage-test-secret-0123"

QUESTIONS = [
    ("где купить телефон", "ru"),
    ("купить телефон где дешевле", "ru"),
    ("где купить телефон", "ru"),
    ("мне 15 лет, мой номер +7 701 555 44 33, мне грустно", "ru"),
    ("погода в алматы", "ru"),
    ("не могу уснуть после ссоры с другом", "ru"),  # answered: never kept
]


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(VALID, target)
    return target


@pytest.fixture
def store(tmp_path: Path, knowledge: Path) -> SQLiteStore:
    """The questions asked through the bot's own reply and counting, unanswered ones kept."""
    kb = load(knowledge)
    store = SQLiteStore(tmp_path / "data" / "qoldau.sqlite3")
    for question, lang in QUESTIONS:
        count(store, answer(kb, question, chosen=lang), TODAY, question, keep_unanswered_days=30)
    return store


def test_themes_are_grouped_most_frequent_first_with_the_nearest_topics(
        store: SQLiteStore, knowledge: Path) -> None:
    queue = build_queue(store, load(knowledge), SECRET, TODAY, 30)
    assert [(t.count, t.questions[0]) for t in queue.themes] == [
        (3, "где купить телефон"), (1, "мне лет, мой номер [phone], мне грустно"),
        (1, "погода в алматы")]
    phones = queue.themes[0]
    assert phones.questions == ("где купить телефон", "купить телефон где дешевле")
    assert (phones.langs, phones.reply) == (("ru",), "fallback")
    assert [n.topic for n in queue.themes[1].nearest] == ["loneliness"]
    assert queue.dismissed == queue.answered_now == 0
    assert phones.id == theme_key(SECRET, "где купить телефон") and len(phones.id) == 32


def test_a_dismissed_theme_does_not_come_back_and_only_hashes_are_kept(
        store: SQLiteStore, knowledge: Path, tmp_path: Path) -> None:
    kb = load(knowledge)
    phones = build_queue(store, kb, SECRET, TODAY, 30).themes[0]
    dismiss(store, phones, TODAY)
    # The same need, worded anew, joins the dismissed theme: it stays away.
    count(store, answer(kb, "где дешевле купить телефон", chosen="ru"), TODAY,
          "где дешевле купить телефон", keep_unanswered_days=30)
    queue = build_queue(store, kb, SECRET, TODAY, 30)
    assert [t.questions[0] for t in queue.themes] == [
        "мне лет, мой номер [phone], мне грустно", "погода в алматы"]
    assert queue.dismissed == 1
    # What records the dismissal is keyed hashes: no text, nothing a dictionary could undo.
    db = sqlite3.connect(tmp_path / "data" / "qoldau.sqlite3")
    kept = db.execute("SELECT key, day FROM dismissed_themes").fetchall()
    db.close()
    assert sorted(key for key, _ in kept) == sorted(phones.keys)
    assert all(len(key) == 32 and "телефон" not in key for key, _ in kept)
    assert theme_key(b"another secret", "где купить телефон") not in phones.keys


def test_a_theme_the_bot_now_answers_is_left_out(store: SQLiteStore, knowledge: Path) -> None:
    add_example(knowledge, "loneliness", "ru", "погода в алматы")
    queue = build_queue(store, load(knowledge), SECRET, TODAY, 30)
    assert "погода в алматы" not in [t.questions[0] for t in queue.themes]
    assert queue.answered_now == 1


# --- the interactive walk -------------------------------------------------------------------


def _walk(store: SQLiteStore, knowledge: Path, typed: str, lang: Lang = "en",
          ) -> tuple[str, list[Edit]]:
    kb = load(knowledge)
    edits: list[Edit] = []

    def add(topic: str, example_lang: Lang, text: str) -> tuple[Edit, Review]:
        edit = add_example(knowledge, topic, example_lang, text)
        edits.append(edit)
        return edit, review(edit, knowledge)

    out = io.StringIO()
    walk(build_queue(store, kb, SECRET, TODAY, 30), kb, lang, add,
         lambda theme: dismiss(store, theme, TODAY), io.StringIO(typed), out)
    return out.getvalue(), edits


def test_the_walk_adds_a_theme_to_a_topic_and_shows_the_diff_and_the_checks(
        store: SQLiteStore, knowledge: Path) -> None:
    # Theme 1: dismissed. Theme 2: added to its nearest topic (1), in Russian (Enter), with a
    # better wording. Theme 3: skipped.
    out, edits = _walk(store, knowledge, "d\n1\n\nмне грустно и никто не звонит\ns\n")
    assert "Themes to look at: 3" in out
    assert re.search(r"\n  1\. Loneliness \(loneliness\) 0\.\d\d\n", out)
    [edit] = edits
    assert (edit.topic, edit.lang, edit.example) == ("loneliness", "ru",
                                                     "мне грустно и никто не звонит")
    assert "+        - мне грустно и никто не звонит" in out
    assert "Validation: the knowledge base is valid." in out
    assert "Done. Added: 1 · dismissed: 1 · skipped: 1" in out
    assert answer(load(knowledge), "мне грустно и никто не звонит", "ru").topic == "loneliness"


def test_the_walk_asks_again_after_an_unknown_topic_or_language(
        store: SQLiteStore, knowledge: Path) -> None:
    out, edits = _walk(store, knowledge, "s\nfriendship\nsleep\nde\nen\n\nq\n")
    assert "No topic 'friendship': type a number from the list or a topic id." in out
    assert out.count("Language (kk, ru, en) [ru]: ") == 2
    assert [(e.topic, e.lang) for e in edits] == [("sleep", "en")]
    assert "Added: 1 · dismissed: 0 · skipped: 1" in out


def test_the_walk_says_why_an_example_was_not_added(store: SQLiteStore, knowledge: Path) -> None:
    out, edits = _walk(store, knowledge, "s\nsleep\nru\nмне одиноко\ns\n")
    assert edits == []
    assert "Not added: 'мне одиноко' is already an example of the topic 'loneliness' (ru)" in out
    assert "Added: 0 · dismissed: 0 · skipped: 2" in out


def test_the_walk_stops_at_q_or_at_the_end_of_the_input(
        store: SQLiteStore, knowledge: Path) -> None:
    out, _ = _walk(store, knowledge, "q\n")
    assert out.count("── 1/3") == 1 and "── 2/3" not in out
    assert "Added: 0 · dismissed: 0 · skipped: 0" in out
    out, _ = _walk(store, knowledge, "s\n")
    assert "── 2/3" in out and "── 3/3" not in out and "skipped: 1" in out


@pytest.mark.parametrize(("lang", "words"), [
    ("ru", ("Ближайшие темы:", "Одиночество (loneliness)")),
    ("kk", ("Ең жақын тақырыптар:", "Жалғыздық (loneliness)"))])
def test_the_walk_speaks_the_moderators_language(
        store: SQLiteStore, knowledge: Path, lang: Lang, words: tuple[str, ...]) -> None:
    out, _ = _walk(store, knowledge, "s\ns\ns\n", lang)
    for word in words:
        assert word in out


# --- the command line -----------------------------------------------------------------------


@pytest.fixture
def cli(cli_env: Path, monkeypatch: pytest.MonkeyPatch, knowledge: Path, store: SQLiteStore,
        tmp_path: Path) -> KnowledgeBase:
    """`qoldau` on the fixture knowledge and the store above."""
    store.close()
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("USER_KEY_SECRET", SECRET.decode())
    monkeypatch.setenv("STORE_UNANSWERED", "true")
    return load(knowledge)


def _triage_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["triage", "--list", "--json", *args]) == 0
    listed: dict[str, object] = json.loads(capsys.readouterr().out)
    return listed


def test_triage_list_json_and_dismiss_by_id(cli: KnowledgeBase,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    listed = _triage_json(capsys)
    assert listed["store_unanswered"] is True
    themes = listed["themes"]
    assert isinstance(themes, list)
    assert [t["questions"][0] for t in themes] == [
        "где купить телефон", "мне лет, мой номер [phone], мне грустно",
        "погода в алматы"]
    [nearest] = themes[1]["nearest"]
    assert (nearest["topic"], nearest["title"]) == ("loneliness", "Одиночество")
    assert 0 < nearest["score"] < 0.3
    assert main(["triage", "--dismiss", themes[0]["id"][:8]]) == 0
    assert "Dismissed" in capsys.readouterr().out
    after = _triage_json(capsys)
    assert after["dismissed"] == 1 and len(after["themes"]) == 2  # type: ignore[arg-type]
    assert main(["triage", "--dismiss", "ffffffff"]) == 2
    assert "0 themes have an id starting with 'ffffffff'" in capsys.readouterr().err


def test_triage_list_as_text(cli: KnowledgeBase, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("1. [") and lines[0].endswith("×3 (ru, fallback): где купить "
                                                              "телефон")
    assert lines[1].strip() == "купить телефон где дешевле"


def test_add_example_exit_codes(cli: KnowledgeBase, knowledge: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add-example", "sleep", "--lang", "en", "awake all night again"]) == 0
    out = capsys.readouterr().out
    assert "+        - awake all night again" in out
    assert "Lint on this change: errors 0, warnings 0" in out
    assert main(["add-example", "sleep", "--lang", "en", "awake all night again"]) == 2
    assert "already an example of this topic (en)" in capsys.readouterr().err
    # Added, but the bot answers it with the crisis reply: lint says so, exit 1.
    assert main(["add-example", "loneliness", "--lang", "en", "i dont want to live anymore"]) == 1
    out = capsys.readouterr().out
    assert "error: the bot answers the example 'i dont want to live anymore' with crisis" in out
    assert "Lint on this change: errors 1, warnings 0" in out
