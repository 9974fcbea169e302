"""The flows file (knowledge/flows.yaml): the shipped flows are complete in three languages, a
broken file is named at the line and column to fix, lint sees what validation cannot, and a
change goes live like any other knowledge file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.flows import CALM_NOW, SAFETY_PLAN
from bot.knowledge import markup
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.hotlines import PLACEHOLDER
from bot.knowledge.lint import lint
from bot.knowledge.live import KnowledgeHolder, reload_knowledge
from bot.knowledge.loader import load, validate
from bot.knowledge.schema import knowledge_schema
from bot.language import LANGS
from bot.replies import screen

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "knowledge"
VALID = FIXTURES / "valid"


def flow_texts(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Every text a flow can send, rendered: (where, html)."""
    texts = []
    for flow in kb.flows.values():
        for lang in LANGS:
            texts.append((f"{flow.id} done [{lang}]", flow.done[lang]))
            if flow.intro is not None:
                texts.append((f"{flow.id} intro [{lang}]", flow.intro[lang]))
            texts += [(f"{flow.id} step {i} [{lang}]", step.texts[lang])
                      for i, step in enumerate(flow.steps)]
    return texts


# --- The shipped flows ---------------------------------------------------------------------------


def test_calm_now_and_the_safety_plan_are_shipped(kb: KnowledgeBase) -> None:
    calm, plan = kb.flows[CALM_NOW], kb.flows[SAFETY_PLAN]
    assert calm.kind == "guided" and len(calm.steps) >= 5
    # The plan the issue asks for: warning signs, what helps, people, a safe place, lines.
    assert plan.kind == "plan" and len(plan.steps) == 5
    assert all(step.heading is not None for step in plan.steps)
    for lang in LANGS:
        assert "150" in markup.to_plain(plan.done[lang])
        assert "150" in markup.to_plain(calm.done[lang])
    # Reached from free text in every language.
    assert {"panika", "dem alu jatigui", "calm me down"} <= set(calm.triggers)


def test_every_flow_text_is_html_telegram_accepts_and_fits(kb: KnowledgeBase) -> None:
    texts = flow_texts(kb)
    assert texts
    assert [(where, p.message) for where, html in texts for p in markup.problems(html)] == []
    assert [where for where, html in texts
            if markup.visible_length(html) > markup.MESSAGE_LIMIT] == []
    assert [where for where, html in texts if PLACEHOLDER.search(html)] == []


def test_flow_titles_and_headings_fit_a_button(kb: KnowledgeBase) -> None:
    for flow in kb.flows.values():
        for lang in LANGS:
            assert 0 < len(flow.title[lang]) <= 40
            for step in flow.steps:
                assert step.heading is None or 0 < len(step.heading[lang]) <= 40


def test_no_number_is_typed_into_a_flow() -> None:
    """Numbers come from hotlines.yaml only: a flow writes {150}, never 150."""
    data = yaml.safe_load((ROOT / "knowledge" / "flows.yaml").read_text(encoding="utf-8"))
    raw = [text for flow in data["flows"] for block in (flow.get("intro"), flow["done"],
                                                          *flow["steps"])
           if block for lang, text in block.items() if lang in LANGS]
    typed = [text for text in raw if re.search(r"\b(150|111|112|103)\b|708",
                                               PLACEHOLDER.sub("", text))]
    assert typed == []


def test_the_first_messages_are_short_and_in_every_language(kb: KnowledgeBase) -> None:
    first = kb.first_messages
    assert first is not None and first.line == "150" and len(first.texts) == 3
    for message in first.texts:
        assert all(0 < len(message[lang]) <= 100 for lang in LANGS)


def test_the_schema_knows_the_flows_file() -> None:
    defs = knowledge_schema()["$defs"]
    assert {"FlowsFileModel", "FlowModel", "FlowStepModel", "FirstMessagesModel"} <= set(defs)
    assert defs["FlowModel"]["properties"]["kind"]["enum"] == ["guided", "plan"]


# --- Broken flows: every problem, exactly where it is --------------------------------------------


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)


@pytest.mark.usefixtures("in_fixtures")
def test_the_shape_of_a_flow_is_checked_at_its_line() -> None:
    assert [str(p) for p in validate("flows-schema")] == [
        "flows-schema/flows.yaml:2:5: missing 'done' in flows.0",
        "flows-schema/flows.yaml:10:5: unknown key 'colour' (check the spelling; see "
        "docs/knowledge-format.md)",
        "flows-schema/flows.yaml:12:11: flows.1.kind: must be one of 'guided' or 'plan'",
        "flows-schema/flows.yaml:15:12: flows.1.steps: needs at least 1 items, has 0",
    ]


@pytest.mark.usefixtures("in_fixtures")
def test_what_the_model_cannot_see_is_named_at_its_line_and_column() -> None:
    assert [str(p) for p in validate("broken-flows")] == [
        # Line 7: `    topics: [loneliness, nightmares]`
        "broken-flows/flows.yaml:7:26: no topic has the id 'nightmares'",
        # Line 12: a guided step with a heading.
        "broken-flows/flows.yaml:12:9: only the steps of a plan have a 'heading'",
        # Line 17: `        ru: Оглянитесь вокруг, позвоните {999}.`
        "broken-flows/flows.yaml:17:42: {999} is not in the hotline registry (hotlines.yaml); "
        "known: {150}, {112}, {onlinehealth}",
        # Line 25: 'Panic!' folds to 'panic', calm-now's trigger on line 10.
        "broken-flows/flows.yaml:25:12: 'Panic!' already starts the flow 'calm-now'",
        # Line 27: a plan's step without a heading.
        "broken-flows/flows.yaml:27:9: a plan's step needs a 'heading': the title its answer "
        "stands under in the plan",
        # Line 32: `  line: "112"`: no WhatsApp to open.
        "broken-flows/flows.yaml:32:9: the line 112 has no whatsapp in hotlines.yaml",
    ]


def test_a_knowledge_base_without_flows_still_loads_and_offers_none() -> None:
    kb = load(VALID)
    assert dict(kb.flows) == {} and kb.first_messages is None
    menu = screen(kb, "menu", "ru")
    assert menu is not None and not any(b.action.startswith("flow:")
                                        for row in menu.buttons for b in row)


# --- Lint -----------------------------------------------------------------------------------------

LINTED_FLOWS = """\
flows:
  - id: calm-now
    kind: guided
    sources: [https://www.who.int]
    title: {kk: Тынышталу, ru: Успокоиться, en: Calm now}
    triggers:
      ru: [мне одиноко, помогите]
    steps:
      - kk: Баяу дем алыңыз.
        ru: Медленно вдохните и позвоните 150.
        en: Breathe in slowly.
    done: {kk: Жарайсыз., ru: Хорошо., en: "Well done, and if you want to talk, here is how."}
"""


@pytest.fixture
def with_flows(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(VALID, target)
    (target / "flows.yaml").write_text(LINTED_FLOWS, encoding="utf-8")
    return target


def test_lint_finds_what_validation_cannot_see_in_flows(with_flows: Path) -> None:
    flows = str(with_flows / "flows.yaml")
    found = {(f.path, f.line, f.severity, f.message.split(":")[0]) for f in lint(with_flows)
             if f.path == flows or "flow" in f.message}
    assert (flows, 7, "warning", "the trigger 'мне одиноко' starts 'calm-now' instead of "
                                 "answering 'мне одиноко' with 'loneliness'") in found
    assert (flows, 7, "warning", "the trigger 'помогите' gets the crisis reply first, so it "
                                 "never starts 'calm-now'") in found
    assert (flows, 10, "error", "'calm-now'") in found  # the number typed into a step
    assert (flows, 12, "warning", "'calm-now'") in found  # kk and ru 'done' much shorter
    assert any("the plan flow 'safety-plan'" in f.message for f in lint(with_flows))


def test_a_trigger_that_is_an_example_of_a_topic_the_flow_offers_is_fine(
        with_flows: Path) -> None:
    text = LINTED_FLOWS.replace("    triggers:", "    topics: [loneliness]\n    triggers:")
    (with_flows / "flows.yaml").write_text(text, encoding="utf-8")
    messages = [f.message for f in lint(with_flows)]
    assert not any("instead of answering" in m for m in messages)
    # The example now starts the flow its topic offers: no "answered with another topic".
    assert not any("'мне одиноко' with" in m and "error" in m for m in messages)


# --- Live reload ----------------------------------------------------------------------------------


async def test_a_changed_step_goes_live_and_a_broken_flows_file_never(tmp_path: Path) -> None:
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    holder = KnowledgeHolder(load(target))
    flows = target / "flows.yaml"
    text = flows.read_text(encoding="utf-8")
    flows.write_text(text.replace("Давай вместе немного замедлимся.",
                                  "Давай вместе замедлимся, не спеша."), encoding="utf-8")
    assert (await reload_knowledge(holder, target)).ok
    step = screen(holder.current, "flow:calm-now", "ru")
    assert step is not None and "Давай вместе замедлимся, не спеша." in step.text
    good = holder.current
    flows.write_text(text.replace("kind: plan", "kind: planned"), encoding="utf-8")
    result = await reload_knowledge(holder, target)
    assert not result.ok and holder.current is good
    assert any(str(p).startswith(f"{flows}:") and "kind" in str(p) for p in result.problems)
