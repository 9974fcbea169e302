"""The safety plan as a pure state machine: answers in, one finished plan out, nothing kept."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.flows import SAFETY_PLAN
from bot.flows.plan import (
    MAX_ANSWER,
    PlanState,
    answer_plan,
    parse_plan_action,
    pause,
    resume,
    skip_question,
    start_plan,
    with_resume,
)
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.markup import problems, to_plain, visible_length
from bot.language import LANGS, Lang
from bot.replies import crisis_reply


def start(kb: KnowledgeBase, lang: Lang) -> PlanState:
    started = start_plan(kb, lang)
    assert started is not None
    return started[1]


@pytest.mark.parametrize("lang", LANGS)
def test_five_answers_make_one_plan(kb: KnowledgeBase, lang: Lang) -> None:
    state: PlanState | None = start(kb, lang)
    flow = kb.flows[SAFETY_PLAN]
    for i in range(5):
        assert state is not None and state.step == i
        reply, state = answer_plan(kb, state, f"answer <{i}> & more")
    assert state is None
    assert reply.kind == "answer" and reply.topic == SAFETY_PLAN
    assert problems(reply.text) == []
    text = to_plain(reply.text)
    for i, step in enumerate(flow.steps):
        assert step.heading is not None
        assert f"{step.heading[lang]}\nanswer <{i}> & more" in text  # escaped, then shown
    assert any(b.url for row in reply.buttons for b in row)


def test_skipped_questions_leave_no_empty_heading(kb: KnowledgeBase) -> None:
    moved = skip_question(kb, start(kb, "en"), 0)
    assert moved is not None
    state = moved[1]
    for _ in range(4):
        assert state is not None
        reply, state = answer_plan(kb, state, "something")
    assert state is None
    assert "My warning signs" not in reply.text and "What helps me" in reply.text


def test_a_skip_under_an_answered_question_is_stale(kb: KnowledgeBase) -> None:
    state = start(kb, "ru")
    _, moved = answer_plan(kb, state, "первый ответ")
    assert moved is not None and skip_question(kb, moved, 0) is None
    assert skip_question(kb, moved, 1) is not None


def test_the_longest_answers_still_fit_in_one_message(kb: KnowledgeBase) -> None:
    state: PlanState | None = start(kb, "kk")
    for _ in range(5):
        assert state is not None
        reply, state = answer_plan(kb, state, "ж" * 5000)
    assert visible_length(reply.text) <= 4096
    assert "ж" * MAX_ANSWER not in reply.text


def test_a_crisis_pauses_the_plan_and_offers_the_way_back(kb: KnowledgeBase) -> None:
    state = pause(start(kb, "kk"))
    assert state.paused
    crisis = with_resume(crisis_reply(kb, "kk"))
    labels = [b.action for row in crisis.buttons for b in row]
    assert labels[-2:] == ["plan:resume", "menu"]
    reply, resumed = resume(kb, state)
    assert resumed is not None and not resumed.paused and "1/5" in reply.text


def test_a_plan_removed_by_a_reload_closes(kb: KnowledgeBase) -> None:
    state = replace(start(kb, "en"), flow="gone")
    reply, after = answer_plan(kb, state, "x")
    assert after is None and "closed" in reply.text


@pytest.mark.parametrize(("action", "parsed"), [
    ("plan:start", ("start", None)), ("plan:skip:3", ("skip", 3)), ("plan:stop", ("stop", None)),
    ("plan:resume", ("resume", None)), ("plan:skip:x", None), ("plan:delete", None),
    ("menu", None)])
def test_plan_actions_are_read_strictly(action: str, parsed: object) -> None:
    assert parse_plan_action(action) == parsed
