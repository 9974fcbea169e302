"""Guided flows (calm-now): steps shown one at a time, each button editing the same message.

Where the person stands is written in the buttons themselves ("flow:calm-now:3"), so nothing is
kept anywhere between two presses. Every step can be left (Stop), and "I still feel bad" leads
to the crisis reply: the lines to call and the crisis topics.
"""

from __future__ import annotations

from typing import Final

from bot.flows import CALM_NOW, FLOW_PREFIX
from bot.flows.plan import plan_offer
from bot.i18n import translator
from bot.knowledge.base import Flow, KnowledgeBase
from bot.knowledge.markup import escape
from bot.language import Lang
from bot.reply_types import CRISIS, MENU, Button, Reply

STOP: Final = "stop"
DONE: Final = "done"


def flow_action(flow_id: str, where: int | str | None = None) -> str:
    """The action of a flow's button: its start, a step, stop or done."""
    return FLOW_PREFIX + flow_id + ("" if where is None else f":{where}")


def guided_screen(kb: KnowledgeBase, action: str, lang: Lang) -> Reply | None:
    """The screen a flow action opens, or None for one that is stale or forged."""
    flow_id, _, where = action.removeprefix(FLOW_PREFIX).partition(":")
    flow = kb.flows.get(flow_id)
    if flow is None:
        return None
    if flow.kind == "plan":
        return plan_offer(kb, flow, lang) if not where else None
    if where == STOP:
        return _stopped(flow, lang)
    if where == DONE:
        return _done(flow, lang)
    if where and not where.isdigit():
        return None
    step = int(where or 0)
    # A step beyond the end: the flow was shortened by a reload while someone was in it.
    return step_screen(flow, step, lang) if step < len(flow.steps) else _done(flow, lang)


def step_screen(flow: Flow, step: int, lang: Lang) -> Reply:
    """One step with Next (Finish on the last), Stop and "I still feel bad"."""
    _ = translator(lang)
    total = len(flow.steps)
    parts = [f"<b>{escape(flow.title[lang])}</b> · {step + 1}/{total}"]
    if step == 0 and flow.intro is not None:
        parts.append(flow.intro[lang].strip())
    parts.append(flow.steps[step].texts[lang].strip())
    last = step == total - 1
    forward = Button(_("Finish") if last else _("Next"),
                     flow_action(flow.id, DONE if last else step + 1))
    rows = ((forward, Button(_("Stop"), flow_action(flow.id, STOP))),
            (Button(_("I still feel bad"), CRISIS),))
    return Reply("menu", lang, "\n\n".join(parts), rows, flow.id)


def _done(flow: Flow, lang: Lang) -> Reply:
    _ = translator(lang)
    rows = ((Button(_("Start again"), flow_action(flow.id)), Button("☰ " + _("Menu"), MENU)),
            (Button(_("I still feel bad"), CRISIS),))
    # Calm-now finished: a hard moment, after which a check-in may be offered.
    return Reply("menu", lang, flow.done[lang].strip(), rows, flow.id,
                 checkin=flow.id == CALM_NOW)


def _stopped(flow: Flow, lang: Lang) -> Reply:
    _ = translator(lang)
    text = escape(_("Stopped. You can come back to it any time from the menu."))
    rows = ((Button(_("Start again"), flow_action(flow.id)), Button("☰ " + _("Menu"), MENU)),)
    return Reply("menu", lang, text, rows, flow.id)
