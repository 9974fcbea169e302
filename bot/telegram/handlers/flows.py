"""/calm and /plan: the first screen of calm-now and of the safety plan."""

from __future__ import annotations

from telegram import Update

from bot.flows import CALM_NOW, FLOW_PREFIX, SAFETY_PLAN
from bot.flows.plan import resume
from bot.replies import main_menu, screen
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import send


async def calm(update: Update, context: QoldauContext) -> None:
    """Start calm-now: breathing, then 5-4-3-2-1 grounding, step by step."""
    await _open(update, context, CALM_NOW)


async def plan(update: Update, context: QoldauContext) -> None:
    """Go on with an open safety plan, or offer one: what it is, that nothing is kept, Start."""
    runtime, key = context.runtime, context.user_key
    open_plan = runtime.plans.get(key) if key is not None else None
    if key is not None and open_plan is not None:
        reply, open_plan = resume(runtime.kb, open_plan)
        runtime.plans.update(key, open_plan)
        await send(update, context, reply, "command")
        return
    await _open(update, context, SAFETY_PLAN)


async def _open(update: Update, context: QoldauContext, flow_id: str) -> None:
    kb = context.runtime.kb
    reply = screen(kb, FLOW_PREFIX + flow_id, context.lang) or main_menu(kb, context.lang)
    await send(update, context, reply, "command")
