"""Counting a reply, as the bot does after sending it: by day, topic, language and kind, its best
match score as a bucket, and, only when the operator enabled it, the question redacted."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from bot.insight.redact import redact
from bot.insight.summary import SCORED_KINDS, score_bucket
from bot.reply_types import Reply
from bot.storage import Store

#: Reply kinds that are counted (menus are navigation, not questions).
COUNTED = frozenset({"answer", "suggestions", "fallback", "crisis", "check", "empty"})
#: A kept question is cut to this many characters.
MAX_KEPT = 500


def counted_topic(reply: Reply) -> str:
    """The topic a reply is counted under: its own, or for suggestions the first one offered
    (so the report can tell how often a topic was only suggested); "" for none."""
    if reply.topic:
        return reply.topic
    if reply.kind == "suggestions" and reply.suggested:
        return reply.suggested[0]
    return ""


def count(store: Store, reply: Reply, day: date, question: str | None = None,
          keep_unanswered_days: int | None = None, known: Collection[str] = frozenset()
          ) -> None:
    """Count one reply; with `keep_unanswered_days`, keep a fallback's question redacted (words
    in `known`, the knowledge base's vocabulary, are no names) and delete those older than that
    many days."""
    if reply.kind not in COUNTED:
        return
    store.record_reply(day.isoformat(), counted_topic(reply), reply.lang, reply.kind)
    if reply.kind in SCORED_KINDS:
        store.record_score(day.isoformat(), reply.kind, score_bucket(reply.score))
    if reply.kind == "fallback" and question and keep_unanswered_days is not None:
        text = redact(question, known)[:MAX_KEPT]
        if text:
            store.save_unanswered(day.isoformat(), reply.lang, text)
        store.purge_unanswered((day - timedelta(days=keep_unanswered_days)).isoformat())
