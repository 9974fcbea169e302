"""The safety plan: questions the person answers by typing, put together as one message.

The answers are the most private thing anyone tells this bot, so they live only in a
`PlanState` that the caller holds in memory (`bot.flows.sessions`, at most `TTL_S`) and that is
gone once the plan is finished, stopped, erased or the process restarts. Nothing here stores,
logs or counts an answer.

    start_plan → question 1 → answer_plan / skip_question → … → finished_plan (one message)
                      ↑ a crisis word pauses it (pause); "Continue my plan" resumes it
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from bot.flows import PLAN_PREFIX, SAFETY_PLAN
from bot.i18n import translator
from bot.knowledge.base import Flow, KnowledgeBase
from bot.knowledge.markup import escape
from bot.language import Lang
from bot.reach import reach_rows
from bot.reply_types import MENU, Button, Reply

#: How long the answers of an open plan may stay in memory, at most (from its start).
TTL_S: Final = 30 * 60
#: A longer answer is cut: the plan is a note to glance at, and must fit in one message.
MAX_ANSWER: Final = 500

START: Final = PLAN_PREFIX + "start"
SKIP: Final = PLAN_PREFIX + "skip"
STOP: Final = PLAN_PREFIX + "stop"
RESUME: Final = PLAN_PREFIX + "resume"


@dataclass(frozen=True)
class PlanState:
    """Where a safety plan stands: its answers so far ("" for a skipped question)."""

    flow: str
    lang: Lang
    answers: tuple[str, ...] = ()
    #: A crisis word arrived: typed text is a question again until "Continue my plan".
    paused: bool = False

    @property
    def step(self) -> int:
        """The index of the question waiting for an answer."""
        return len(self.answers)


def parse_plan_action(action: str) -> tuple[str, int | None] | None:
    """A plan button's action ("start", "skip", "stop", "resume") and step, or None."""
    if not action.startswith(PLAN_PREFIX):
        return None
    name, _, step = action[len(PLAN_PREFIX):].partition(":")
    if name not in ("start", "skip", "stop", "resume") or (step and not step.isdigit()):
        return None
    return name, int(step) if step else None


def plan_offer(kb: KnowledgeBase, flow: Flow, lang: Lang) -> Reply:
    """The plan's first page: what it is, that nothing is kept, and Start."""
    _ = translator(lang)
    parts = [f"<b>{escape(flow.title[lang])}</b>"]
    if flow.intro is not None:
        parts.append(flow.intro[lang].strip())
    parts.append("<i>" + escape(privacy_line(lang)) + "</i>")
    rows = ((Button(_("Start"), START), Button("☰ " + _("Menu"), MENU)),)
    return Reply("menu", lang, "\n\n".join(parts), rows, flow.id)


def privacy_line(lang: Lang) -> str:
    """What happens to the answers, said before the first one is typed."""
    _ = translator(lang)
    return _("I keep nothing: your answers stay only in my memory, for at most {minutes} "
             "minutes, and are never saved. Stop, /forget or /clean erases them at once."
             ).format(minutes=TTL_S // 60)


def start_plan(kb: KnowledgeBase, lang: Lang, flow_id: str = SAFETY_PLAN,
               ) -> tuple[Reply, PlanState] | None:
    """Open a new plan at its first question (None if the knowledge base has no such plan)."""
    flow = kb.flows.get(flow_id)
    if flow is None or flow.kind != "plan":
        return None
    state = PlanState(flow.id, lang)
    return question_screen(flow, state), state


def answer_plan(kb: KnowledgeBase, state: PlanState, text: str,
                ) -> tuple[Reply, PlanState | None]:
    """Take a typed answer: the next question, or the finished plan (and no state)."""
    answer = " ".join(text.split())
    if len(answer) > MAX_ANSWER:
        answer = answer[:MAX_ANSWER - 1].rstrip() + "…"
    return _advance(kb, replace(state, answers=(*state.answers, answer)))


def skip_question(kb: KnowledgeBase, state: PlanState, step: int | None,
                  ) -> tuple[Reply, PlanState | None] | None:
    """Skip the open question; None when the button belongs to a question already answered."""
    if step is not None and step != state.step:
        return None
    return _advance(kb, replace(state, answers=(*state.answers, "")))


def pause(state: PlanState) -> PlanState:
    """Hold the plan while the crisis reply is on screen: typed text is no answer now."""
    return replace(state, paused=True)


def resume(kb: KnowledgeBase, state: PlanState) -> tuple[Reply, PlanState | None]:
    """Show the open question again and take answers again."""
    return _advance(kb, replace(state, paused=False))


def resume_row(lang: Lang) -> tuple[Button, ...]:
    """The way back to an open plan, under the crisis reply."""
    _ = translator(lang)
    return (Button(_("Continue my plan"), RESUME),)


def with_resume(reply: Reply) -> Reply:
    """A crisis reply sent while a plan is open, with the way back to the plan above Menu."""
    rows = reply.buttons
    return replace(reply, buttons=(*rows[:-1], resume_row(reply.lang), *rows[-1:]))


def stopped_plan(lang: Lang) -> Reply:
    """The plan was stopped and its answers dropped."""
    _ = translator(lang)
    return Reply("menu", lang, escape(_("Stopped. Your answers are erased.")),
                 ((Button("☰ " + _("Menu"), MENU),),))


def plan_closed(lang: Lang) -> Reply:
    """A plan button pressed after the plan ended, expired or was erased."""
    _ = translator(lang)
    return Reply("menu", lang, escape(_("This plan is closed and its answers are erased. You "
                                        "can start a new one from the menu.")),
                 ((Button("☰ " + _("Menu"), MENU),),))


def question_screen(flow: Flow, state: PlanState) -> Reply:
    """The open question, with Skip and Stop."""
    lang = state.lang
    _ = translator(lang)
    step = state.step
    hint = escape(_("Type your answer, or press Skip."))
    text = (f"<b>{escape(flow.title[lang])}</b> · {step + 1}/{len(flow.steps)}\n\n"
            f"{flow.steps[step].texts[lang].strip()}\n\n<i>{hint}</i>")
    rows = ((Button(_("Skip"), f"{SKIP}:{step}"), Button(_("Stop"), STOP)),)
    return Reply("menu", lang, text, rows, flow.id)


def finished_plan(kb: KnowledgeBase, flow: Flow, state: PlanState) -> Reply:
    """The whole plan as one message to keep: each answer under its heading, then the lines."""
    lang = state.lang
    _ = translator(lang)
    parts = [f"<b>{escape(flow.title[lang])}</b>"]
    for step, answer in zip(flow.steps, state.answers, strict=False):
        if answer and step.heading is not None:
            parts.append(f"<b>{escape(step.heading[lang])}</b>\n{escape(answer)}")
    parts.append(flow.done[lang].strip())
    parts.append("<i>" + escape(_("To keep it at hand, pin this message: tap and hold it, then "
                                  "choose Pin. I don't keep a copy.")) + "</i>")
    # The lines the plan names, one tap away; a kind that sends them as a new message.
    return Reply("answer", lang, "\n\n".join(parts), reach_rows(kb, lang), flow.id)


def _advance(kb: KnowledgeBase, state: PlanState) -> tuple[Reply, PlanState | None]:
    flow = kb.flows.get(state.flow)
    if flow is None or flow.kind != "plan":
        # The plan left the knowledge base while this one was open.
        return plan_closed(state.lang), None
    if state.step >= len(flow.steps):
        return finished_plan(kb, flow, state), None
    return question_screen(flow, state), state
