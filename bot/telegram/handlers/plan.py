"""My safety plan in Telegram: its buttons, and the answers the person types.

The open plan lives in `runtime.plans`, in this process's memory only, under the person's
anonymous key, for at most 30 minutes; Stop, /forget, /clean and a restart drop it. A typed
message is an answer only while a question is open. A crisis word or the safe word never is:
the crisis guard answers it first, and `after_crisis` pauses the plan with a button back to it.
Any other command or button pauses it too (the person went elsewhere: what they type next is a
question); /plan, Start or "Continue my plan" go on where it stood.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import filters

from bot.flows.plan import (
    answer_plan,
    parse_plan_action,
    pause,
    plan_closed,
    resume,
    skip_question,
    start_plan,
    stopped_plan,
    with_resume,
)
from bot.i18n import translator
from bot.replies import main_menu
from bot.reply_types import Reply
from bot.telegram.context import QoldauContext
from bot.telegram.handlers.common import edit_or_send, in_group, send
from bot.telegram.handlers.questions import on_text
from bot.telegram.render import parse_callback
from bot.telegram.runtime import Runtime


class PlanWaiting(filters.MessageFilter):
    """A private message from a person whose safety plan waits for an answer."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(name="PlanWaiting")
        self.runtime = runtime

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or message.chat.type != "private":
            return False
        plan = self.runtime.plans.get(self.runtime.key(user.id))
        return plan is not None and not plan.paused


async def on_answer(update: Update, context: QoldauContext) -> None:
    """Take a typed answer: send the next question, or the finished plan."""
    message, key = update.effective_message, context.user_key
    if message is None or key is None:
        return
    runtime = context.runtime
    plan = runtime.plans.get(key)
    if plan is None or plan.paused:
        # It closed between the filter and here (30 minutes passed): an ordinary message.
        await on_text(update, context)
        return
    reply, plan = answer_plan(runtime.kb, plan, message.text or "")
    runtime.plans.update(key, plan)
    await send(update, context, reply, "plan")


async def on_button(update: Update, context: QoldauContext) -> None:
    """Start, skip, stop or resume the safety plan."""
    query = update.callback_query
    if query is None:
        return
    pressed = parse_callback(query.data or "")
    if pressed.lang is not None:
        context.lang = pressed.lang
    parsed = parse_plan_action(pressed.action)
    _ = translator(context.lang)
    if parsed is None or context.user_key is None:
        await query.answer()
        return
    if in_group(update):
        await query.answer(_("A safety plan is personal: write to me in a private chat."),
                           show_alert=True)
        return
    runtime, key = context.runtime, context.user_key
    name, step = parsed
    reply: Reply
    plan = runtime.plans.get(key)
    if name == "start" and plan is not None and plan.step > 0:
        name = "resume"  # answers given are not thrown away by a second Start: Stop does that
    if name == "start":
        started = start_plan(runtime.kb, context.lang)
        if started is None:
            reply = main_menu(runtime.kb, context.lang)
        else:
            reply, state = started
            runtime.plans.open(key, state)
    elif name == "stop":
        runtime.plans.drop(key)
        reply = stopped_plan(context.lang)
    else:
        moved = None if plan is None else (
            resume(runtime.kb, plan) if name == "resume" else
            skip_question(runtime.kb, plan, step))
        if plan is not None and moved is None:
            await query.answer(_("This question is already answered."))
            return
        if moved is None:
            reply = plan_closed(context.lang)
        else:
            reply, state_or_none = moved
            runtime.plans.update(key, state_or_none)
    await query.answer()
    # Questions replace one another in place; the finished plan and a resumed question come
    # as new messages, the plan to be kept, the question below the crisis reply.
    in_place = pressed.in_place and reply.kind == "menu" and name != "resume"
    await edit_or_send(update, context, reply, in_place, "plan")


def after_crisis(context: QoldauContext, reply: Reply) -> Reply:
    """Pause an open plan when the crisis reply goes out, and offer the way back to it."""
    key = context.user_key
    plan = context.runtime.plans.get(key) if key is not None else None
    if key is None or plan is None or reply.kind != "crisis":
        return reply
    context.runtime.plans.update(key, pause(plan))
    return with_resume(reply)


async def pause_after_other(update: object, context: QoldauContext) -> None:
    """Pause an open plan when the person used another command or button."""
    if not isinstance(update, Update) or context.user_key is None:
        return
    query, message = update.callback_query, update.message
    if query is not None:
        if parse_plan_action(parse_callback(query.data or "").action) is not None:
            return
    elif message is None or not (message.text or "").startswith("/") or (
            message.text or "").split()[0].split("@")[0] == "/plan":
        return
    plan = context.runtime.plans.get(context.user_key)
    if plan is not None and not plan.paused:
        context.runtime.plans.update(context.user_key, pause(plan))


def drop_plan(context: QoldauContext) -> bool:
    """Erase the person's open plan, if any (/forget, /clean)."""
    key = context.user_key
    return key is not None and context.runtime.plans.drop(key)
