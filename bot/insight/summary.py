"""Summing up the anonymous counts: for /stats and for the HTML report."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from rapidfuzz import fuzz

from bot.language.normalize import fold
from bot.storage import Store

#: Reply kinds, in the order moderators read them.
KINDS = ("answer", "suggestions", "fallback", "crisis", "check", "empty")
#: Two unanswered questions are one theme when this alike (rapidfuzz token_set_ratio on the
#: folded text): "где купить телефон" and "купить телефон где дешевле" are one need.
THEME_SIMILARITY = 70
MAX_THEMES = 15


@dataclass(frozen=True)
class Theme:
    """Unanswered questions alike enough to be one need: how many, and a few of them."""

    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class DayRow:
    """One day's replies: all of them, and how many were fallbacks and crisis replies."""

    day: str
    total: int
    fallback: int
    crisis: int


@dataclass(frozen=True)
class Insight:
    """What people asked over a period, with no trace of who."""

    first_day: str
    last_day: str
    total: int
    by_kind: dict[str, int]
    by_lang: dict[str, int]
    by_topic: list[tuple[str, int]]
    daily: list[DayRow]
    helpful: list[tuple[str, int, int]]
    themes: list[Theme]
    unanswered: int


def day_string(day: date) -> str:
    """A day as stored (ISO, no time of day)."""
    return day.isoformat()


def build_insight(store: Store, today: date, days: int) -> Insight:
    """Sum the counts of the last `days` days (today included)."""
    first = today - timedelta(days=days - 1)
    since = day_string(first)
    counts = store.counts(since)
    by_kind: Counter[str] = Counter()
    by_lang: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    for row in counts:
        by_kind[row.kind] += row.n
        by_lang[row.lang] += row.n
        if row.topic and row.kind in ("answer", "crisis"):
            by_topic[row.topic] += row.n
        per_day[row.day][row.kind] += row.n
    daily = []
    for offset in range(days):
        day = day_string(first + timedelta(days=offset))
        kinds = per_day.get(day, Counter())
        daily.append(DayRow(day, sum(kinds.values()), kinds["fallback"], kinds["crisis"]))
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for vote in store.feedback(since):
        votes[vote.topic][0 if vote.helpful else 1] += vote.n
    helpful = sorted(((t, up, down) for t, (up, down) in votes.items()),
                     key=lambda item: -(item[1] + item[2]))
    questions = [row.text for row in store.unanswered(since)]
    return Insight(
        first_day=since, last_day=day_string(today), total=sum(by_kind.values()),
        by_kind={kind: by_kind[kind] for kind in KINDS},
        by_lang=dict(by_lang.most_common()), by_topic=by_topic.most_common(),
        daily=daily, helpful=helpful, themes=group_themes(questions),
        unanswered=len(questions))


def group_themes(questions: list[str]) -> list[Theme]:
    """Group alike questions, biggest group first (greedy, against each group's first)."""
    groups: list[tuple[str, list[str]]] = []
    for question in questions:
        key = fold(question)
        if not key:
            continue
        for head, members in groups:
            if fuzz.token_set_ratio(key, head) >= THEME_SIMILARITY:
                members.append(question)
                break
        else:
            groups.append((key, [question]))
    groups.sort(key=lambda group: -len(group[1]))
    return [Theme(len(members), tuple(dict.fromkeys(members))[:3])
            for _, members in groups[:MAX_THEMES]]
