"""`qoldau triage`: the unanswered questions kept (redacted, only when STORE_UNANSWERED is on),
grouped by theme, most frequent first, each with the topics the matcher found nearest, so that a
moderator can add it to a topic as an example, or dismiss it.

A dismissed theme is remembered by keyed hashes (HMAC with the user-key secret) of its folded,
redacted questions, never by new text: it stays away while any of its questions is kept, and the
very same question stays away for good. A theme the bot now answers is left out too: the work is
done.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.insight.summary import group_questions
from bot.knowledge.base import KnowledgeBase
from bot.language import Lang, is_lang
from bot.language.normalize import fold
from bot.replies import answer
from bot.storage import Store

#: How many of the matcher's candidates are shown for a theme.
NEAREST = 3


@dataclass(frozen=True)
class Nearest:
    """A topic the matcher found close to a theme, with its score (0 to about 1)."""

    topic: str
    score: float


@dataclass(frozen=True)
class TriageTheme:
    """Alike unanswered questions: how many, the distinct ones (most asked first), the languages
    they were asked in, what the bot replies now and the nearest topics."""

    id: str
    count: int
    questions: tuple[str, ...]
    langs: tuple[Lang, ...]
    reply: str
    nearest: tuple[Nearest, ...]
    #: The keyed hashes of its questions: what dismissing it records.
    keys: frozenset[str]


@dataclass(frozen=True)
class Queue:
    """The themes to look at, and how many were left out (dismissed, or answered now)."""

    since: str
    themes: tuple[TriageTheme, ...]
    dismissed: int
    answered_now: int

    def find(self, theme_id: str) -> TriageTheme | None:
        """A theme by its id, if it is in the queue."""
        return next((t for t in self.themes if t.id == theme_id), None)


def theme_key(secret: bytes, question: str) -> str:
    """The keyed hash a dismissal is recorded by: of the folded redacted question."""
    digest = hmac.new(secret, b"theme:" + fold(question).encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def build_queue(store: Store, kb: KnowledgeBase, secret: bytes, today: date, days: int,
                default: Lang = "ru") -> Queue:
    """The unanswered questions of the last `days` days as themes to triage."""
    since = (today - timedelta(days=days - 1)).isoformat()
    rows = store.unanswered(since)
    langs: dict[str, Counter[Lang]] = {}
    for row in rows:
        if is_lang(row.lang):
            langs.setdefault(row.text, Counter())[row.lang] += 1
    dismissed_keys = store.dismissed_themes()
    themes, dismissed, answered_now = [], 0, 0
    for members in group_questions([row.text for row in rows]):
        keys = frozenset(theme_key(secret, q) for q in members)
        if keys & dismissed_keys:
            dismissed += 1
            continue
        questions = tuple(q for q, _ in Counter(members).most_common())
        spoken: Counter[Lang] = sum((langs.get(q, Counter()) for q in members), Counter())
        lang = spoken.most_common(1)[0][0] if spoken else default
        reply = answer(kb, questions[0], chosen=lang, default=default)
        if reply.kind == "answer":
            answered_now += 1
            continue
        themes.append(TriageTheme(
            id=theme_key(secret, questions[0]), count=len(members), questions=questions,
            langs=tuple(code for code, _ in spoken.most_common()), reply=reply.kind,
            nearest=tuple(Nearest(c.topic, round(c.score, 2))
                          for c in reply.candidates[:NEAREST] if c.topic in kb.topics),
            keys=keys))
    return Queue(since, tuple(themes), dismissed, answered_now)


def dismiss(store: Store, theme: TriageTheme, today: date) -> None:
    """Record a theme as dismissed, by the keyed hashes of its questions."""
    store.dismiss_themes(today.isoformat(), sorted(theme.keys))


def as_json(queue: Queue, kb: KnowledgeBase, lang: Lang) -> dict[str, object]:
    """The queue for scripts (`qoldau triage --list --json`)."""

    def title(topic: str) -> str:
        return kb.topics[topic].texts[lang].title

    return {
        "since": queue.since,
        "themes": [{"id": t.id, "count": t.count, "questions": list(t.questions),
                    "langs": list(t.langs), "reply": t.reply,
                    "nearest": [{"topic": n.topic, "title": title(n.topic), "score": n.score}
                                for n in t.nearest]}
                   for t in queue.themes],
        "dismissed": queue.dismissed,
        "answered_now": queue.answered_now,
    }


def themes_text(themes: Sequence[TriageTheme]) -> list[str]:
    """Plain lines for `qoldau triage --list`: one theme per block."""
    lines = []
    for number, theme in enumerate(themes, start=1):
        lines.append(f"{number}. [{theme.id[:8]}] ×{theme.count} ({', '.join(theme.langs)}, "
                     f"{theme.reply}): {theme.questions[0]}")
        lines += [f"     {q}" for q in theme.questions[1:3]]
        if theme.nearest:
            lines.append("     → " + ", ".join(f"{n.topic} {n.score:.2f}" for n in theme.nearest))
    return lines
