"""`qoldau lint`: what validation cannot see, but a careful editor would want to know.

Errors (exit 1): an example question the bot answers with another topic, a phone number typed
into an answer or a flow instead of taken from the registry. Warnings (exit 0): near-duplicate
examples in two topics, few examples or keywords in a language, answers or flow steps whose
length differs wildly between languages (a missing paragraph?), answers longer than the style
guide's ~900 characters, links to sites that are not in the registry, registry entries last
verified more than 180 days ago, a language whose examples or keywords are far fewer than in
the topic's richest language (a thin translation), invisible characters (soft hyphens,
zero-width spaces) anywhere in a file, a flow the bot offers that is missing, a flow trigger
that can never start it (the crisis reply or the safe word comes first) or that takes a
topic's example away from it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from bot.flows import CALM_NOW, SAFETY_PLAN
from bot.flows.triggers import triggered_flow
from bot.knowledge import coverage
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import _Document, _parse, knowledge_files, load
from bot.knowledge.markup import to_plain
from bot.language import LANGS
from bot.language.normalize import fold
from bot.replies import answer
from bot.safety.safe_word import is_urgent

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
#: The flows the bot itself offers, and their kind.
OFFERED_FLOWS = {CALM_NOW: "guided", SAFETY_PLAN: "plan"}


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
        self.flow_docs: dict[str, tuple[_Document, int]] = {}
        for path in knowledge_files(directory):
            doc, _ = _parse(path, str(path))
            if doc is None or not isinstance(doc.data, dict):
                continue
            for key, table in (("topics", self.docs), ("hotlines", self.lines),
                               ("flows", self.flow_docs)):
                for i, item in enumerate(doc.data.get(key) or []):
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        table[item["id"]] = (doc, i)

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

    def at_flow(self, flow: str, *path: str | int) -> tuple[str, int]:
        found = self.flow_docs.get(flow)
        if found is None:
            return "knowledge", 1
        doc, index = found
        line, _ = doc.where(("flows", index, *path))
        return doc.path, line

    def flow_texts(self, flow: str) -> list[tuple[tuple[str | int, ...], str]]:
        """Every text of a flow as written (placeholders unfilled), with its path."""
        found = self.flow_docs.get(flow)
        if found is None:
            return []
        doc, index = found
        data = doc.data["flows"][index]
        texts: list[tuple[tuple[str | int, ...], str]] = []
        for part in ("intro", "done"):
            block = data.get(part)
            if isinstance(block, dict):
                texts += [((part, lang), block[lang]) for lang in LANGS
                          if isinstance(block.get(lang), str)]
        for j, step in enumerate(data.get("steps") or []):
            if isinstance(step, dict):
                texts += [(("steps", j, lang), step[lang]) for lang in LANGS
                          if isinstance(step.get(lang), str)]
        return texts



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
    findings += _flows(kb, places)
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
                if _starts_flow_offered_with(kb, example, topic.id):
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


def _starts_flow_offered_with(kb: KnowledgeBase, text: str, topic_id: str) -> bool:
    """Whether a message starts a flow that the topic offers anyway (calm-now for "паника")."""
    flow = triggered_flow(kb, text)
    return flow is not None and topic_id in kb.flows[flow].topics


def _flows(kb: KnowledgeBase, places: _Places) -> list[Finding]:
    found = []
    for flow_id, kind in OFFERED_FLOWS.items():
        flow = kb.flows.get(flow_id)
        if flow is None or flow.kind != kind:
            found.append(Finding("knowledge/flows.yaml" if flow is None else flow.location.path,
                                 1 if flow is None else flow.location.line, "warning",
                                 f"the bot offers the {kind} flow '{flow_id}' from the menu"
                                 f"{' and the crisis reply' if flow_id == CALM_NOW else ''}; "
                                 "without it those buttons are not shown"))
    examples = {fold(e): (topic.id, e) for topic in kb.topics.values() for lang in LANGS
                for e in topic.texts[lang].examples}
    for flow in kb.flows.values():
        for key, (path, text) in _trigger_texts(places, flow.id).items():
            file, line = places.at_flow(flow.id, *path)
            if is_urgent(text):
                found.append(Finding(file, line, "warning", f"the trigger '{text}' gets the "
                                     "crisis reply first, so it never starts "
                                     f"'{flow.id}'"))
            elif key in examples and examples[key][0] not in flow.topics:
                topic, example = examples[key]
                found.append(Finding(file, line, "warning", f"the trigger '{text}' starts "
                                     f"'{flow.id}' instead of answering '{example}' with "
                                     f"'{topic}': add '{topic}' to the flow's topics, or "
                                     "remove one of the two"))
        lengths: dict[tuple[str | int, ...], dict[str, int]] = {}
        for path, raw in places.flow_texts(flow.id):
            file, line = places.at_flow(flow.id, *path)
            for number in _PHONE.findall(raw):
                found.append(Finding(file, line, "error", f"'{flow.id}': the number "
                                     f"'{number.strip()}' is typed in; write its placeholder "
                                     "from hotlines.yaml (e.g. {150})"))
            lengths.setdefault(path[:-1], {})[str(path[-1])] = len(to_plain(raw))
        for path, by_lang in lengths.items():
            if len(by_lang) == len(LANGS) and max(by_lang.values()) > LENGTH_RATIO * max(
                    1, min(by_lang.values())):
                short = min(by_lang, key=by_lang.__getitem__)
                file, line = places.at_flow(flow.id, *path, short)
                found.append(Finding(file, line, "warning", f"'{flow.id}': the {short} text "
                                     "is much shorter than the others: is a sentence missing?"))
    return found


def _trigger_texts(places: _Places, flow: str) -> dict[str, tuple[tuple[str | int, ...], str]]:
    """A flow's triggers as written, by their folded form, with their path."""
    found = places.flow_docs.get(flow)
    if found is None:
        return {}
    doc, index = found
    triggers = doc.data["flows"][index].get("triggers")
    result: dict[str, tuple[tuple[str | int, ...], str]] = {}
    for lang in LANGS:
        items = triggers.get(lang) if isinstance(triggers, dict) else None
        for k, text in enumerate(items if isinstance(items, list) else []):
            if isinstance(text, str):
                result.setdefault(fold(text), (("triggers", lang, k), text))
    return result


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
