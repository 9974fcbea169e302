"""Adding an example to a topic: one new line in the right file, every comment and the layout
kept, and nothing written when the change would not validate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.edit import EditError, add_example, review
from bot.knowledge.loader import load

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "knowledge" / "valid"

#: Comments of every kind a moderator writes, put into the fixture's topic file.
COMMENTED = [
    ("section: selfhelp", "# Self-help topics: edited by the moderators.\n\nsection: selfhelp"),
    ("  - id: loneliness", "  # Loneliness: reviewed in March.\n  - id: loneliness"),
    ("        - у меня нет друзей", "        - у меня нет друзей   # a teenager's voice"),
    ("        - не с кем поговорить",
     "        - не с кем поговорить\n        # keep the keywords short\n"),
    ("      keywords: [одиноко, одиночество, друзья]",
     "      keywords: [одиноко, одиночество, друзья]  # stems"),
]


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the valid fixture whose topic file is full of comments and blank lines."""
    target = tmp_path / "knowledge"
    shutil.copytree(VALID, target)
    topics = target / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    for old, new in COMMENTED:
        assert old in text, old
        text = text.replace(old, new, 1)
    topics.write_text(text + "# end of the topics\n", encoding="utf-8")
    return target


def _added_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line.startswith("+") and
            not line.startswith("+++")]


def _removed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line.startswith("-") and
            not line.startswith("---")]


def test_the_example_is_one_new_line_and_every_comment_stays(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    before = topics.read_text(encoding="utf-8")
    edit = add_example(knowledge, "loneliness", "ru", "после переезда ни одного друга")
    after = topics.read_text(encoding="utf-8")
    assert edit.path.resolve() == topics.resolve()
    assert _added_lines(edit.diff()) == ["+        - после переезда ни одного друга"]
    assert _removed_lines(edit.diff()) == []
    assert after.splitlines()[edit.line - 1] == "        - после переезда ни одного друга"
    # Every line of the file is still there, in order: only the example was added.
    lines = after.splitlines()
    del lines[edit.line - 1]
    assert lines == before.splitlines()
    # The new example is the last of the list, above the comment that followed it.
    assert after.index("- не с кем поговорить") < after.index("- после переезда") < after.index(
        "# keep the keywords short")
    ru = load(knowledge).topic("loneliness").texts["ru"]
    assert ru.examples[-1] == "после переезда ни одного друга"


@pytest.mark.parametrize(("topic", "lang", "last"), [
    ("loneliness", "kk", "        - сөйлесетін адам жоқ"),
    ("sleep", "en", None),  # the last list of the file, before its closing comment
])
def test_other_lists_get_the_line_below_their_last_example(
        knowledge: Path, topic: str, lang: str, last: str | None) -> None:
    edit = add_example(knowledge, topic, lang, "a new way to ask")  # type: ignore[arg-type]
    lines = edit.after.splitlines()
    assert lines[edit.line - 1] == "        - a new way to ask"
    assert lines[edit.line - 2].startswith("        - ")
    if last is not None:
        assert lines[edit.line - 2] == last
    assert edit.after.endswith("# end of the topics\n")
    assert _removed_lines(edit.diff()) == []


def test_text_that_yaml_would_misread_is_quoted(knowledge: Path) -> None:
    edit = add_example(knowledge, "sleep", "en", "help: 3am again #tired")
    assert load(knowledge).topic("sleep").texts["en"].examples[-1] == "help: 3am again #tired"
    assert len(_added_lines(edit.diff())) == 1


def test_invisible_characters_and_extra_spaces_are_not_added(knowledge: Path) -> None:
    edit = add_example(knowledge, "sleep", "ru", "  не  сплю\u00ad по но\u200bчам ")
    assert edit.example == "не сплю по ночам"
    assert load(knowledge).topic("sleep").texts["ru"].examples[-1] == "не сплю по ночам"


@pytest.mark.parametrize(("topic", "text", "reason"), [
    ("no-such-topic", "вопрос", "no topic has the id 'no-such-topic'"),
    ("loneliness", "Мне одиноко", "already an example of this topic (ru)"),
    ("sleep", "мне одинокo", "already an example of the topic 'loneliness' (ru)"),
    ("sleep", " 😭 ", "the example has no words"),
])
def test_what_cannot_be_added_is_refused_and_nothing_is_written(
        knowledge: Path, topic: str, text: str, reason: str) -> None:
    before = {p.name: p.read_text(encoding="utf-8") for p in knowledge.iterdir()}
    with pytest.raises(EditError) as refused:
        add_example(knowledge, topic, "ru", text)
    assert reason in refused.value.message
    assert {p.name: p.read_text(encoding="utf-8") for p in knowledge.iterdir()} == before


def test_a_change_that_would_not_validate_is_not_written(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    before = (knowledge / "selfhelp.yaml").read_text(encoding="utf-8")
    out_of_scope = load(knowledge).out_of_scope["ru"][0]
    with pytest.raises(EditError) as refused:
        add_example(knowledge, "loneliness", "ru", out_of_scope)
    assert "would not validate" in refused.value.message
    [problem] = refused.value.problems
    # Said of the real file, not of the copy it was checked in.
    assert Path(problem.path).resolve() == (knowledge / "out-of-scope.yaml").resolve()
    assert "also an example of the topic 'loneliness'" in problem.message
    assert (knowledge / "selfhelp.yaml").read_text(encoding="utf-8") == before
    assert not list(knowledge.glob(".*"))  # no spare file left behind


def test_a_layout_the_round_trip_would_change_is_refused(knowledge: Path) -> None:
    topics = knowledge / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    # One list written without indenting its dashes, the others indented: unusual but valid.
    start = text.index("        - мне одиноко")
    end = text.index("      keywords: [одиноко")
    odd = text[:start] + text[start:end].replace("        - ", "      - ") + text[end:]
    topics.write_text(odd, encoding="utf-8")
    assert load(knowledge)
    with pytest.raises(EditError) as refused:
        add_example(knowledge, "sleep", "ru", "не сплю по ночам")
    assert "layout could not be kept" in refused.value.message
    assert topics.read_text(encoding="utf-8") == odd


def test_the_review_keeps_lint_findings_about_the_new_example(knowledge: Path) -> None:
    # A crisis phrase as an example of loneliness: the bot answers it with the crisis reply.
    edit = add_example(knowledge, "loneliness", "en", "i dont want to live anymore")
    checks = review(edit, knowledge)
    assert checks.problems == ()
    assert checks.errors == 1
    [finding] = [f for f in checks.findings if f.severity == "error"]
    assert finding.line == edit.line and "'loneliness'" in finding.message
    # The fixture's thin-topic warnings are about other lines: not shown for this change.
    assert all("examples in kk" not in f.message for f in checks.findings)
