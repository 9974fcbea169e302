"""`qoldau lint`: each kind of problem is found, at the line a moderator must go to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.knowledge.coverage import invisible_characters
from bot.knowledge.lint import lint

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "knowledge" / "valid"


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(VALID, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_knowledge_base_has_no_lint_errors() -> None:
    findings = lint(ROOT / "knowledge")
    assert [str(f) for f in findings if f.severity == "error"] == []


def test_a_valid_fixture_is_clean_but_thin(knowledge: Path) -> None:
    findings = lint(knowledge)
    assert all(f.severity == "warning" for f in findings)
    assert any("examples in kk" in f.message for f in findings)


def test_a_typed_phone_number_is_an_error_at_its_answer(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    _edit(topics, "Телефон доверия: {150}.", "Телефон доверия: +7 708 106 08 10.")
    line = _line_of(topics, "Если одиноко") - 1  # where the answer starts
    errors = [f for f in lint(knowledge) if f.severity == "error"]
    assert len(errors) == 1
    assert (errors[0].path, errors[0].line) == (str(topics), line)
    assert "+7 708 106 08 10" in errors[0].message and "{150}" in errors[0].message


def test_a_link_outside_the_registry_is_a_warning(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    _edit(topics, "If you feel lonely, talk to someone.",
          'If you feel lonely, read <a href="https://example.org/x">this</a>.')
    line = _line_of(topics, "If you feel lonely") - 1
    found = [f for f in lint(knowledge) if "example.org" in f.message]
    assert [(f.severity, f.line) for f in found] == [("warning", line)]


def test_an_example_answered_with_another_topic_is_an_error(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    # A crisis phrase among the loneliness examples: the bot answers it with the crisis reply.
    _edit(topics, "        - no one texts me", "        - i dont want to live anymore")
    line = _line_of(topics, "i dont want to live anymore")
    errors = [f for f in lint(knowledge) if f.severity == "error"]
    assert [(e.line, "'loneliness'" in e.message) for e in errors] == [(line, True)]


def test_near_duplicate_examples_in_two_topics(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    _edit(topics, "        - sleeping badly", "        - nobody understand me")
    found = [f for f in lint(knowledge) if "nearly the same" in f.message]
    assert found and found[0].line == _line_of(topics, "nobody understands me")


def test_answers_of_very_different_lengths(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    long_text = "If you feel lonely, talk to someone. " + "Call a friend today. " * 12
    _edit(topics, "If you feel lonely, talk to someone.", long_text)
    found = [f for f in lint(knowledge) if "much shorter" in f.message]
    assert found, [str(f) for f in lint(knowledge)]
    assert found[0].line == _line_of(topics, "Жалғыз қалсаңыз") - 1  # the kk answer


def test_cli_exit_codes(knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(knowledge)]) == 0  # warnings only
    out = capsys.readouterr().out
    assert f"{knowledge / 'topics.yaml'}:" in out and ": warning: " in out
    _edit(knowledge / "topics.yaml", "Телефон доверия: {150}.", "Телефон доверия: 150.")
    assert main(["lint", str(knowledge)]) == 1
    (knowledge / "topics.yaml").write_text("section: [", encoding="utf-8")
    assert main(["lint", str(knowledge)]) == 1  # validation problems come first
    assert ":1:" in capsys.readouterr().out


def _add_examples(path: Path, after: str, examples: list[str]) -> None:
    lines = "".join(f"\n        - {e}" for e in examples)
    _edit(path, after, after + lines)


def test_a_thin_translation_is_a_warning_at_its_list(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    # Russian gets 14 examples; Kazakh and English keep 8, under 60 % of 14 (8.4).
    _add_examples(topics, "        - не с кем поговорить",
                  ["одна совсем", "скучаю по друзьям", "ни с кем не общаюсь",
                   "в новой школе нет друзей", "одинокий подросток", "никто не зовет гулять"])
    thin = [f for f in lint(knowledge) if "understood less surely" in f.message]
    assert [(f.line, f.message.split(" has ")[1].split(":")[0]) for f in thin] == [
        (_line_of(topics, "- жалғызбын"), "8 examples in kk and 14 in ru"),
        (_line_of(topics, "- i feel lonely"), "8 examples in en and 14 in ru")]
    assert all("at least 9" in f.message and f.severity == "warning" for f in thin)


def test_a_translation_near_the_richest_is_not_thin(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    _add_examples(topics, "        - не с кем поговорить", ["одна совсем", "скучаю по друзьям"])
    assert not [f for f in lint(knowledge) if "understood less surely" in f.message]


def test_an_invisible_character_is_a_warning_at_its_line_and_column(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    _edit(topics, "- у меня нет друзей", "- у меня нет дру\u00adзей")
    found = [f for f in lint(knowledge) if "invisible character" in f.message]
    assert [(f.path, f.line, f.severity) for f in found] == [
        (str(topics), _line_of(topics, "- у меня нет дру"), "warning")]
    assert "U+00AD SOFT HYPHEN, at column 25" in found[0].message


@pytest.mark.parametrize("char", ["\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e",
                                  "\U000e0041"])
def test_every_kind_of_invisible_character_is_found(char: str) -> None:
    found = invisible_characters(f"title: a\nanswer: b{char}c\n")
    assert [(f.line, f.column, f.char) for f in found] == [(2, 10, char)]


def test_the_joiner_inside_an_emoji_is_the_emojis() -> None:
    assert invisible_characters("text: \"ой 🤦\u200d♀️ 👨\u200d👩\u200d👧\"\n") == []
    assert len(invisible_characters("text: 🤦\u200dx\n")) == 1


def test_a_byte_order_mark_opening_a_file_is_no_finding(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    topics.write_text("\ufeff" + topics.read_text(encoding="utf-8"), encoding="utf-8")
    assert not [f for f in lint(knowledge) if "invisible" in f.message]
