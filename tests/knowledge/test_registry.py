"""The registry people trust before they call: every entry says who it is for, how to reach
it and when it was last checked against which page; a broken or stale entry is named at its line."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.coverage import STALE_AFTER_DAYS
from bot.knowledge.lint import lint
from bot.knowledge.loader import load, validate

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "knowledge"
CHECKED = date(2026, 11, 26)  # the day the fixture registry says it was verified


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "valid", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str, after: str = "") -> int:
    """The first line holding `needle` below the first line holding `after`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines[start:], start + 1) if needle in line)


# --- The shipped registry ----------------------------------------------------------------------


def test_every_entry_says_when_it_was_checked_and_against_which_page(kb: KnowledgeBase) -> None:
    for line in kb.hotlines:
        assert line.verified <= date.today(), line.id
        # A page of a site, never its home page.
        assert re.fullmatch(r"https?://[^/\s]+/\S+", line.source), (line.id, line.source)


def test_every_line_on_the_card_says_who_it_is_for_or_what_it_is(kb: KnowledgeBase) -> None:
    for line in kb.hotlines:
        if line.in_menu and line.id not in ("101", "102", "103", "104"):
            assert line.audience is not None, f"{line.id}: who is it for?"


def test_the_shipped_facts_are_the_sourced_ones(kb: KnowledgeBase) -> None:
    line_150, line_111, emergency = kb.hotline("150"), kb.hotline("111"), kb.hotline("112")
    assert line_150 is not None and line_111 is not None and emergency is not None
    assert (line_150.languages, line_150.cost) == (("kk", "ru"), "free")
    assert line_111.cost == "free" and line_111.chat is not None
    assert "QR" in line_111.chat["en"]
    assert "bullying" in line_111.audience["en"]  # type: ignore[index]
    assert emergency.what_happens is not None and "dispatcher" in emergency.what_happens["en"]
    # 112 has one name, meaning the same in every language.
    assert emergency.name["en"] == "Single emergency number"
    assert emergency.name["ru"] == "Единый номер экстренных служб"
    assert emergency.name["kk"] == "Шұғыл қызметтердің бірыңғай нөмірі"


# --- Loading -----------------------------------------------------------------------------------


def test_the_new_fields_load(knowledge: Path) -> None:
    line = load(knowledge).hotline("150")
    assert line is not None
    assert line.audience == {"kk": "Балалар мен жастарға", "ru": "Детям и молодёжи",
                             "en": "Children and young people"}
    assert (line.languages, line.cost) == (("kk", "ru"), "free")
    assert line.chat is not None and line.chat["ru"] == "чат на сайте"
    assert line.what_happens is not None
    assert line.what_happens["en"] == "A psychologist listens and advises."
    assert (line.verified, line.source) == (CHECKED, "https://example.org/150/about")


def test_optional_facts_are_absent_not_invented(knowledge: Path) -> None:
    line = load(knowledge).hotline("112")
    assert line is not None
    assert (line.audience, line.languages, line.cost, line.chat, line.what_happens) == (
        None, (), None, None, None)


def test_a_missing_source_is_a_problem_at_its_entry(knowledge: Path) -> None:
    hotlines = knowledge / "hotlines.yaml"
    _edit(hotlines, "    source: https://example.org/112\n", "")
    line = _line_of(hotlines, 'id: "112"')
    assert [str(p) for p in validate(knowledge)] == [
        f"{hotlines}:{line}:5: missing 'source' in hotlines.1"]


@pytest.mark.parametrize(("written", "says"), [
    ("2026-02-30", "'2026-02-30' is not a date in the calendar"),
    ("26.11.2026", "'26.11.2026' is not in the right form"),
    ("2026-11", "'2026-11' is not in the right form"),
])
def test_a_bad_date_is_a_problem_at_its_line(knowledge: Path, written: str, says: str) -> None:
    hotlines = knowledge / "hotlines.yaml"
    _edit(hotlines, "    verified: 2026-11-26\n    source: https://example.org/112",
          f"    verified: {written}\n    source: https://example.org/112")
    line = _line_of(hotlines, "verified:", after='id: "112"')
    problems = [str(p) for p in validate(knowledge)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{hotlines}:{line}:15: hotlines.1.verified: {says}")


def test_a_home_page_is_not_a_source(knowledge: Path) -> None:
    hotlines = knowledge / "hotlines.yaml"
    _edit(hotlines, "source: https://example.org/112", "source: https://egov.kz")
    line = _line_of(hotlines, "source: https://egov.kz")
    problems = [str(p) for p in validate(knowledge)]
    assert len(problems) == 1 and problems[0].startswith(
        f"{hotlines}:{line}:13: hotlines.1.source: 'https://egov.kz' is not in the right form")


def test_an_unknown_language_or_cost_is_a_problem(knowledge: Path) -> None:
    hotlines = knowledge / "hotlines.yaml"
    _edit(hotlines, "languages: [kk, ru]", "languages: [kk, de]")
    _edit(hotlines, "cost: free", "cost: cheap")
    messages = [p.message for p in validate(knowledge)]
    assert any(m.startswith("hotlines.0.languages.1: must be one of") for m in messages)
    assert any(m.startswith("hotlines.0.cost: must be one of") for m in messages)


# --- Lint: entries not checked for a long time -------------------------------------------------


def test_lint_warns_on_an_entry_verified_too_long_ago(knowledge: Path) -> None:
    hotlines = knowledge / "hotlines.yaml"
    _edit(hotlines, "    verified: 2026-11-26\n    source: https://example.org/112",
          "    verified: 2025-01-15\n    source: https://example.org/112")
    line = _line_of(hotlines, "verified: 2025-01-15")
    stale = [f for f in lint(knowledge, today=CHECKED) if "last verified" in f.message]
    assert [(f.path, f.line, f.severity) for f in stale] == [(str(hotlines), line, "warning")]
    assert "'112' was last verified on 2025-01-15, 680 days ago" in stale[0].message
    assert "https://example.org/112" in stale[0].message


def test_lint_is_quiet_about_fresh_entries(knowledge: Path) -> None:
    on_the_edge = date.fromordinal(CHECKED.toordinal() + STALE_AFTER_DAYS)
    assert not [f for f in lint(knowledge, today=on_the_edge) if "verified" in f.message]
    day_after = date.fromordinal(on_the_edge.toordinal() + 1)
    stale = [f for f in lint(knowledge, today=day_after) if "last verified" in f.message]
    assert len(stale) == 3  # the fixture's three entries, all checked the same day


def test_lint_warns_on_a_verified_date_still_to_come(knowledge: Path) -> None:
    _edit(knowledge / "hotlines.yaml", "verified: 2026-11-26\n    source: https://example.org/on",
          "verified: 2062-11-26\n    source: https://example.org/on")
    found = [f for f in lint(knowledge, today=CHECKED) if "still to come" in f.message]
    assert len(found) == 1 and "'onlinehealth'" in found[0].message


def test_lint_takes_today_from_the_clock(knowledge: Path) -> None:
    # Verified on 2000-01-01: stale whatever day the suite runs.
    _edit(knowledge / "hotlines.yaml", "    verified: 2026-11-26\n    source: https://example.org/112",
          "    verified: 2000-01-01\n    source: https://example.org/112")
    assert [f for f in lint(knowledge) if "'112' was last verified" in f.message]
