"""Summing up the anonymous counts: for /stats and for the HTML report."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz import fuzz

from bot.language.normalize import fold
from bot.storage import Store

#: Reply kinds, in the order moderators read them.
KINDS = ("answer", "suggestions", "fallback", "crisis", "check", "empty")
#: Replies the matcher decided, whose best score is counted (the safety layer decides the rest).
SCORED_KINDS = ("answer", "suggestions", "fallback")
#: Scores are counted in this many buckets of 0.1: 0 holds 0.0-0.1, ..., 9 holds 0.9-1.0.
BUCKETS = 10
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
    """One day's replies: all of them, and how many were fallbacks, safety checks and crisis
    replies."""

    day: str
    total: int
    fallback: int
    crisis: int
    check: int = 0


@dataclass(frozen=True)
class TopicRow:
    """A topic over the period: answers shown, times it was only suggested, 👍 and 👎."""

    topic: str
    answers: int
    #: Replies that offered it first among suggestions instead of answering.
    suggested: int
    up: int
    down: int

    @property
    def down_share(self) -> float | None:
        """The share of 👎 among the votes (None without votes)."""
        votes = self.up + self.down
        return self.down / votes if votes else None

    @property
    def suggested_share(self) -> float | None:
        """How often the topic was a suggestion rather than an answer (None if neither)."""
        shown = self.answers + self.suggested
        return self.suggested / shown if shown else None


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
    #: Per topic, the most shown first.
    topics: list[TopicRow] = field(default_factory=list)
    #: Per scored kind, how many replies fell in each score bucket.
    scores: dict[str, tuple[int, ...]] = field(default_factory=dict)


def score_bucket(score: float) -> int:
    """The 0.1-wide bucket of a match score: 0 for 0.0-0.1, ..., 9 for 0.9-1.0."""
    # Rounded first, so that 0.3 (2.9999... tenths in floating point) is in bucket 3.
    return min(BUCKETS - 1, max(0, math.floor(round(score * BUCKETS, 6))))


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
    answers: Counter[str] = Counter()
    suggested: Counter[str] = Counter()
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    for row in counts:
        by_kind[row.kind] += row.n
        by_lang[row.lang] += row.n
        if row.topic and row.kind in ("answer", "crisis"):
            by_topic[row.topic] += row.n
        if row.topic and row.kind == "answer":
            answers[row.topic] += row.n
        if row.topic and row.kind == "suggestions":
            suggested[row.topic] += row.n
        per_day[row.day][row.kind] += row.n
    daily = []
    for offset in range(days):
        day = day_string(first + timedelta(days=offset))
        kinds = per_day.get(day, Counter())
        daily.append(DayRow(day, sum(kinds.values()), kinds["fallback"], kinds["crisis"],
                            kinds["check"]))
    votes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for vote in store.feedback(since):
        votes[vote.topic][0 if vote.helpful else 1] += vote.n
    helpful = sorted(((t, up, down) for t, (up, down) in votes.items()),
                     key=lambda item: -(item[1] + item[2]))
    topics = [TopicRow(t, answers[t], suggested[t], votes[t][0], votes[t][1])
              for t in {*answers, *suggested, *votes}]
    topics.sort(key=lambda r: (-(r.answers + r.suggested), -(r.up + r.down), r.topic))
    histogram = {kind: [0] * BUCKETS for kind in SCORED_KINDS}
    for score in store.scores(since):
        if score.kind in histogram and 0 <= score.bucket < BUCKETS:
            histogram[score.kind][score.bucket] += score.n
    questions = [row.text for row in store.unanswered(since)]
    return Insight(
        first_day=since, last_day=day_string(today), total=sum(by_kind.values()),
        by_kind={kind: by_kind[kind] for kind in KINDS},
        by_lang=dict(by_lang.most_common()), by_topic=by_topic.most_common(),
        daily=daily, helpful=helpful, themes=group_themes(questions),
        unanswered=len(questions), topics=topics,
        scores={kind: tuple(n) for kind, n in histogram.items()})


def group_themes(questions: list[str]) -> list[Theme]:
    """Group alike questions, biggest group first: the MAX_THEMES largest, with a few of each."""
    return [Theme(len(members), tuple(dict.fromkeys(members))[:3])
            for members in group_questions(questions)[:MAX_THEMES]]


def group_questions(questions: list[str]) -> list[list[str]]:
    """Every group of alike questions, biggest first (greedy, against each group's first)."""
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
    return [members for _, members in groups]
