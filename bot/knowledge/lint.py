"""`qoldau lint`: what validation cannot see, but a careful editor would want to know.

Errors (exit 1): an example question the bot answers with another topic, a phone number typed
into an answer instead of taken from the registry. Warnings (exit 0): near-duplicate examples
in two topics, few examples or keywords in a language, answers whose length differs wildly
between languages (a missing paragraph?), answers longer than the style guide's ~900
characters, links to sites that are not in the registry, registry entries last verified more
than 180 days ago, a language whose examples or keywords are far fewer than in the topic's
richest language (a thin translation), invisible characters (soft hyphens, zero-width spaces)
anywhere in a file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from bot.knowledge import coverage
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import _Document, _parse, knowledge_files, load
from bot.knowledge.markup import to_plain
from bot.language import LANGS
from bot.language.normalize import fold
from bot.replies import answer

Severity = Literal["error", "warning"]

#: Fewer than this many examples or keywords in a language is thin.
FEW_EXAMPLES, FEW_KEYWORDS = 10, 5
#: One language's answer longer than another's by this factor: probably a missing paragraph.
LENGTH_RATIO = 2.0
#: The style guide's length for an answer, in visible characters.
LONG_ANSWER = 1000
#: Examples of two topics this alike (rapidfuzz ratio on the folded text) confuse the matcher.
NEAR_DUPLICATE = 92
_PHONE = re.compile(r"(?<![\w{.])(?:\+?\d[\d\s()-]{4,}\d|\b1\d{2,3}\b|\b116-16\b)")
_LINK = re.compile(r'href="https?://([^/"]+)')


@dataclass(frozen=True, order=True)
class Finding:
    """A lint finding, printed as `path:line: severity: message`."""

    path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class _Places:
    """Where each topic's and registry entry's fields stand in the files, for pointing at them."""

    def __init__(self, directory: Path) -> None:
        self.docs: dict[str, tuple[_Document, int]] = {}
        self.lines: dict[str, tuple[_Document, int]] = {}
        for path in knowledge_files(directory):
            doc, _ = _parse(path, str(path))
            if doc is None or not isinstance(doc.data, dict):
                continue
            for i, topic in enumerate(doc.data.get("topics") or []):
                if isinstance(topic, dict) and isinstance(topic.get("id"), str):
                    self.docs[topic["id"]] = (doc, i)
            for i, line in enumerate(doc.data.get("hotlines") or []):
                if isinstance(line, dict) and isinstance(line.get("id"), str):
                    self.lines[line["id"]] = (doc, i)

    def at(self, topic: str, *path: str | int) -> tuple[str, int]:
        found = self.docs.get(topic)
        if found is None:
            return "knowledge", 1
        doc, index = found
        line, _ = doc.where(("topics", index, *path))
        return doc.path, line

    def line_at(self, hotline: str, *path: str | int) -> tuple[str, int]:
        found = self.lines.get(hotline)
        if found is None:
            return "knowledge", 1
        doc, index = found
        line, _ = doc.where(("hotlines", index, *path))
        return doc.path, line


def lint(directory: str | Path, today: date | None = None) -> list[Finding]:
    """Lint a knowledge directory that validates (validation problems come first).

    `today` is the day registry entries are aged against: the clock's, unless a test says.
    """
    kb = load(directory)
    places = _Places(Path(directory))
    findings: list[Finding] = []
    findings += _misanswered(kb, places)
    findings += _near_duplicates(kb, places)
    findings += _thin(kb, places)
    findings += _answers(kb, places)
    findings += _translations(kb, places)
    findings += _stale(kb, places, today or date.today())
    findings += _invisible(Path(directory))
    return sorted(findings)


def _stale(kb: KnowledgeBase, places: _Places, today: date) -> list[Finding]:
    """Registry entries not checked for a long time, or dated in the future (a typo)."""
    found = []
    for hotline in kb.hotlines:
        path, line = places.line_at(hotline.id, "verified")
        age = coverage.days_since_verified(hotline, today)
        if coverage.is_stale(hotline, today):
            found.append(Finding(path, line, "warning",
                                 f"'{hotline.id}' was last verified on "
                                 f"{hotline.verified.isoformat()}, {age} days ago: check it "
                                 f"against {hotline.source} and set 'verified' to the day "
                                 "you did"))
        elif age < 0:
            found.append(Finding(path, line, "warning",
                                 f"'{hotline.id}': 'verified' is {hotline.verified.isoformat()}, "
                                 "a day still to come: write the day you checked it"))
    return found


def _translations(kb: KnowledgeBase, places: _Places) -> list[Finding]:
    """Languages in which a topic has far fewer examples or keywords than in its richest."""
    found = []
    for topic in kb.topics.values():
        for gap in coverage.translation_gaps(topic):
            path, line = places.at(topic.id, gap.lang, gap.field)
            found.append(Finding(path, line, "warning",
                                 f"'{topic.id}' has {gap.count} {gap.field} in {gap.lang} and "
                                 f"{gap.richest_count} in {gap.richest}: people who ask in "
                                 f"{gap.lang} are understood less surely; add {gap.field} "
                                 f"to reach at least {_at_least(gap.richest_count)}"))
    return found


def _at_least(richest: int) -> int:
    """The fewest examples or keywords that are not thin beside the richest language's."""
    return math.ceil(coverage.THIN_SHARE * richest)


def _invisible(directory: Path) -> list[Finding]:
    """Invisible characters: they hide in answers, and split words in any other text."""
    found = []
    for path in knowledge_files(directory):
        text = path.read_text(encoding="utf-8")
        for char in coverage.invisible_characters(text):
            found.append(Finding(str(path), char.line, "warning",
                                 f"an invisible character, {char.name}, at column "
                                 f"{char.column}: delete it (it comes with copied text; "
                                 "put the cursor there and press Delete)"))
    return found


def _misanswered(kb: KnowledgeBase, places: _Places) -> list[Finding]:
    found = []
    for topic in kb.topics.values():
        for lang in LANGS:
            for i, example in enumerate(topic.texts[lang].examples):
                reply = answer(kb, example, chosen=lang)
                if reply.leads_to(topic.id):
                    continue
                got = reply.topic or ", ".join(reply.suggested) or "nothing"
                path, line = places.at(topic.id, lang, "examples", i)
                found.append(Finding(path, line, "error",
                                     f"the bot answers the example '{example}' with {reply.kind} "
                                     f"({got}), not with '{topic.id}': reword it, or add "
                                     "keywords and examples that set it apart"))
    return found


def _near_duplicates(kb: KnowledgeBase, places: _Places) -> list[Finding]:
    entries = [(fold(e), topic.id, lang, i, e) for topic in kb.topics.values() for lang in LANGS
               for i, e in enumerate(topic.texts[lang].examples)]
    found = []
    for n, (key, topic, lang, i, text) in enumerate(entries):
        for other_key, other_topic, _, _, other_text in entries[n + 1:]:
            if other_topic != topic and fuzz.ratio(key, other_key) >= NEAR_DUPLICATE:
                path, line = places.at(topic, lang, "examples", i)
                found.append(Finding(path, line, "warning",
                                     f"the example '{text}' is nearly the same as '{other_text}' "
                                     f"in '{other_topic}': the bot cannot tell them apart"))
    return found


def _thin(kb: KnowledgeBase, places: _Places) -> list[Finding]:
    found = []
    for topic in kb.topics.values():
        for lang in LANGS:
            text = topic.texts[lang]
            if len(text.examples) < FEW_EXAMPLES:
                path, line = places.at(topic.id, lang, "examples")
                found.append(Finding(path, line, "warning",
                                     f"'{topic.id}' has {len(text.examples)} examples in {lang}; "
                                     f"{FEW_EXAMPLES} or more find it more surely"))
            if len(text.keywords) < FEW_KEYWORDS:
                path, line = places.at(topic.id, lang, "keywords")
                found.append(Finding(path, line, "warning",
                                     f"'{topic.id}' has {len(text.keywords)} keywords in {lang}; "
                                     f"{FEW_KEYWORDS} or more help"))
    return found


def _answers(kb: KnowledgeBase, places: _Places) -> list[Finding]:
    registry = {h.site.split("/")[0] for h in kb.hotlines if h.site}
    found = []
    for topic in kb.topics.values():
        lengths = {lang: len(to_plain(topic.texts[lang].answer)) for lang in LANGS}
        longest, shortest = max(lengths, key=lengths.__getitem__), min(lengths,
                                                                          key=lengths.__getitem__)
        if lengths[longest] > LENGTH_RATIO * lengths[shortest]:
            path, line = places.at(topic.id, shortest, "answer")
            found.append(Finding(path, line, "warning",
                                 f"'{topic.id}': the {shortest} answer ({lengths[shortest]} "
                                 f"characters) is much shorter than the {longest} one "
                                 f"({lengths[longest]}): is a paragraph missing?"))
        for lang in LANGS:
            path, line = places.at(topic.id, lang, "answer")
            if lengths[lang] > LONG_ANSWER:
                found.append(Finding(path, line, "warning",
                                     f"'{topic.id}' ({lang}): {lengths[lang]} characters; the "
                                     f"style guide asks for about 900"))
            raw = _raw_answer(places, topic.id, lang)
            for number in _PHONE.findall(raw):
                found.append(Finding(path, line, "error",
                                     f"'{topic.id}' ({lang}): the number '{number.strip()}' is "
                                     "typed in; write its placeholder from hotlines.yaml "
                                     "(e.g. {150}) so it is kept in one place"))
            for host in _LINK.findall(raw):
                bare = host.removeprefix("www.")
                if bare not in registry:
                    found.append(Finding(path, line, "warning",
                                         f"'{topic.id}' ({lang}): the link to {host} is not in "
                                         "the hotline registry; add it there if it is a service "
                                         "people should reach"))
    return found


def _raw_answer(places: _Places, topic: str, lang: str) -> str:
    found = places.docs.get(topic)
    if found is None:
        return ""
    doc, index = found
    try:
        value = doc.data["topics"][index][lang]["answer"]
    except (KeyError, IndexError, TypeError):
        return ""
    return value if isinstance(value, str) else ""
