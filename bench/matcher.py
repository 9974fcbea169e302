"""The matcher's time per question, beside the floor: one plain rapidfuzz `extractOne`.

`match(kb.index, q)` is timed over the dev questions, and so is the whole `answer()` (crisis
and language detection included). The floor is `rapidfuzz.process.extractOne(q, choices)`
with its defaults (WRatio, no processor) over the same strings the index holds: every
example, keyword and title in every language. A second floor, `fuzz.ratio`, is rapidfuzz's
cheapest scorer over the same strings.

The knowledge base is then grown to 10× and 100× with synthetic topics derived from the real
ones, to show how the cost grows with its size.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from time import perf_counter
from typing import Any

from rapidfuzz import fuzz, process

from bench import DEV_SET
from bench.timing import summary, time_per_question
from bot.evaluation import read_items
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.topic import Topic, TopicText
from bot.language import LANGS, Lang
from bot.matching import match
from bot.matching.index import MatchIndex
from bot.replies import answer


def questions(kb: KnowledgeBase, dev_set: Path = DEV_SET) -> tuple[list[str], str]:
    """The questions to time and where they come from: the dev set, else the KB's examples."""
    if dev_set.is_file():
        return [item.q for item in read_items(dev_set)], str(dev_set)
    examples = [q for topic in kb.topics.values() for lang in LANGS
                for q in topic.texts[lang].examples]
    return examples, f"{kb.directory} (example questions)"


def floor_choices(index: MatchIndex) -> list[str]:
    """The strings the index is built from: every example, keyword and title, as written."""
    return [doc.text for doc in index.docs]


def bench_matcher(kb: KnowledgeBase, asked: Sequence[str], repeats: int,
                  default: Lang = "ru") -> dict[str, Any]:
    """Time match, answer and the two floors per question, side by side."""
    index, choices = kb.index, floor_choices(kb.index)
    kb.train_models()
    channel = kb.learned.current if kb.learned is not None else None
    calls: dict[str, Callable[[str], object]] = {
        "match": lambda q: match(index, q),
        # The learned topic channel, which `answer` consults after `match` (None: no model).
        "channel": (lambda q: channel.rank(q)) if channel is not None else (lambda q: None),
        "answer": lambda q: answer(kb, q, None, default),
        "floor": lambda q: process.extractOne(q, choices),
        "floor_ratio": lambda q: process.extractOne(q, choices, scorer=fuzz.ratio),
    }
    times = time_per_question(calls, asked, repeats)

    def match_cold(question: str) -> object:
        """A first sight of every word: the index's cache of similar words emptied."""
        index.similar_words.cache_clear()
        return match(index, question)

    cold = time_per_question({"match": match_cold}, asked, 1, warmup=False)
    stats = {name: summary(values) for name, values in times.items()}
    return {
        "match_p50_us": stats["match"]["p50"],
        "match_p99_us": stats["match"]["p99"],
        "match_cold_p50_us": summary(cold["match"])["p50"],
        "channel_p50_us": stats["channel"]["p50"] if channel is not None else None,
        "channel_p99_us": stats["channel"]["p99"] if channel is not None else None,
        "answer_p50_us": stats["answer"]["p50"],
        "answer_p99_us": stats["answer"]["p99"],
        "floor_p50_us": stats["floor"]["p50"],
        "floor_p99_us": stats["floor"]["p99"],
        "floor_ratio_p50_us": stats["floor_ratio"]["p50"],
        "match_vs_floor": round(stats["match"]["p50"] / stats["floor"]["p50"], 3),
        "match_vs_floor_ratio": round(stats["match"]["p50"] / stats["floor_ratio"]["p50"], 3),
        "choices": len(choices),
    }


def _suffix(copy: int) -> str:
    """A short letter suffix for a copy: 1 → "a", 26 → "z", 27 → "aa"."""
    letters = ""
    while copy:
        copy, rest = divmod(copy - 1, 26)
        letters += chr(ord("a") + rest)
    return letters


def _perturb(entry: str, rng: random.Random, suffix: str) -> str:
    """The entry with its words shuffled and one word given the copy's suffix."""
    words = entry.split()
    if not words:
        return entry
    rng.shuffle(words)
    pick = rng.randrange(len(words))
    words[pick] += suffix
    return " ".join(words)


def synthetic_topics(topics: Mapping[str, Topic], times: int) -> dict[str, Topic]:
    """The topics and `times - 1` perturbed copies of each, with new ids.

    A copy shuffles the word order of every title, example and keyword, and gives one word of
    each a suffix of its own ("тревога" → "тревогаab"): copies are distinct texts, and the
    vocabulary grows with them as a larger knowledge base's would (with many near-duplicate
    word forms: a harder case for fuzzy word matching than real topics would be).
    """
    grown = dict(topics)
    for copy in range(1, times):
        rng = random.Random(copy)
        suffix = _suffix(copy)
        for topic in topics.values():
            texts = {lang: TopicText(
                title=_perturb(text.title, rng, suffix), answer=text.answer,
                examples=tuple(_perturb(e, rng, suffix) for e in text.examples),
                keywords=tuple(_perturb(k, rng, suffix) for k in text.keywords))
                for lang, text in topic.texts.items()}
            new_id = f"{topic.id}-x{copy}"
            grown[new_id] = dataclasses.replace(topic, id=new_id, texts=texts)
    return grown


def bench_scale(kb: KnowledgeBase, asked: Sequence[str],
                plan: Sequence[tuple[int, int, int]],
                progress: Callable[[str], None] = lambda _: None) -> list[dict[str, Any]]:
    """Time `match` at each size of the knowledge base.

    `plan` lists (factor, repeats per question, stride: every n-th question is timed); factor 1
    is the shipped knowledge base, indexed afresh. (The floor is left out here: extractOne stops
    early once a choice scores 100, so on a few questions its time says more about them than
    about the size, and on all of them it would take minutes at 100×.)
    """
    rows = []
    for factor, repeats, stride in plan:
        progress(f"matcher at {factor}× the knowledge base …")
        topics = synthetic_topics(kb.topics, factor) if factor > 1 else dict(kb.topics)
        start = perf_counter()
        index = MatchIndex.build(topics)
        build_s = perf_counter() - start
        timed = asked[::stride]
        times = time_per_question({"match": functools.partial(match, index)}, timed, repeats)
        row: dict[str, Any] = {
            "factor": factor,
            "topics": len(topics),
            "docs": len(index.docs),
            "words": len(index.idf),
            "build_s": round(build_s, 3),
            "match_p50_us": summary(times["match"])["p50"],
            "match_p99_us": summary(times["match"])["p99"],
            "questions": len(timed),
        }
        rows.append(row)
        # The index holds a cycle (its cache of similar words knows it): without a collection
        # now, a 100× index would live on and slow every later measure's garbage collections.
        del index, topics
        gc.collect()
    return rows
