"""Calm-now as a pure state machine: each action gives the next screen; the step is in the
buttons, so nothing is kept between two presses."""

from __future__ import annotations

import pytest

from bot.flows import CALM_NOW
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.markup import problems
from bot.language import LANGS, Lang
from bot.replies import screen
from bot.reply_types import CRISIS


def actions(reply: object) -> list[str]:
    return [b.action for row in reply.buttons for b in row]  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", LANGS)
def test_every_step_leads_to_the_next_and_every_one_can_be_left(kb: KnowledgeBase,
                                                                 lang: Lang) -> None:
    flow = kb.flows[CALM_NOW]
    action = "flow:calm-now"
    for step in range(len(flow.steps)):
        reply = screen(kb, action, lang)
        assert reply is not None and reply.kind == "menu" and reply.topic == CALM_NOW
        assert flow.steps[step].texts[lang].strip() in reply.text
        assert problems(reply.text) == []
        assert "flow:calm-now:stop" in actions(reply) and CRISIS in actions(reply)
        action = actions(reply)[0]
    assert action == "flow:calm-now:done"
    done = screen(kb, action, lang)
    assert done is not None and flow.done[lang].strip() in done.text
    stopped = screen(kb, "flow:calm-now:stop", lang)
    assert stopped is not None and "flow:calm-now" in actions(stopped)


def test_a_stale_or_forged_action_opens_nothing(kb: KnowledgeBase) -> None:
    for action in ("flow:no-such-flow", "flow:calm-now:abc", "flow:safety-plan:2"):
        assert screen(kb, action, "ru") is None
    # A step beyond the end (the flow was shortened by a reload): its last screen.
    done = screen(kb, "flow:calm-now:99", "ru")
    assert done is not None and "flow:calm-now" in actions(done)


def test_every_action_fits_telegrams_64_bytes(kb: KnowledgeBase) -> None:
    for step in range(len(kb.flows[CALM_NOW].steps)):
        reply = screen(kb, f"flow:calm-now:{step}", "kk")
        assert reply is not None
        assert all(len(("e|" + a + "~kk").encode()) <= 64 for a in actions(reply))
