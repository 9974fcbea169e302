"""Conversations with steps: calm-now (a guided flow) and the safety plan.

Each is a small, pure state machine: it takes the person's input (a pressed button, a typed
answer) and where the conversation stands, and returns the next `Reply` and where it stands
then. The Telegram handlers and the console chat only carry that between messages, in memory,
never in storage. The steps' texts live in the knowledge base (knowledge/flows.yaml).

Actions (button data), kept short for Telegram's 64 bytes:

    flow:calm-now        start a guided flow       plan:start         start the safety plan
    flow:calm-now:3      its fourth step            plan:skip:2        skip the third question
    flow:calm-now:stop   stop it                    plan:stop          stop, erasing the answers
    flow:calm-now:done   its last screen            plan:resume        back to the open question
"""

from __future__ import annotations

from typing import Final

FLOW_PREFIX: Final = "flow:"
PLAN_PREFIX: Final = "plan:"
#: The flows the bot itself offers: calm-now under the crisis reply and in the menu, the
#: safety plan in the menu. Moderators may add others; these two must stay.
CALM_NOW: Final = "calm-now"
SAFETY_PLAN: Final = "safety-plan"
