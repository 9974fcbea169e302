"""Load the knowledge files into an immutable `KnowledgeBase`, or list every problem at once.

Each problem names the file, line and column, and says what to fix, because the people who edit
these files are psychologists and programme staff, not programmers.

Loading is bounded, because a running bot reloads whatever lands in the folder: a size per file
and for the folder (checked before reading), a number of values built (YAML aliases can repeat a
block inside repeated blocks: a 1 KB file can expand to gigabytes), and a time budget. A load
past a bound is refused like any invalid knowledge; a reload can also be cancelled (the bot is
stopping) and then stops within milliseconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, get_args, overload

import yaml
from pydantic import BaseModel, ValidationError

from bot.knowledge import markup
from bot.knowledge.base import (
    CRISIS_FORMS,
    CrisisReply,
    CrisisText,
    FirstMessages,
    Flow,
    FlowStep,
    FollowUp,
    FollowUpLabel,
    FollowUpText,
    Hotline,
    KnowledgeBase,
    Register,
    SafetyCheck,
    Tip,
)
from bot.knowledge.hotlines import fill
from bot.knowledge.model import (
    CrisisFileModel,
    CrisisModel,
    FlowModel,
    FlowsFileModel,
    FollowUpFileModel,
    FollowUpModel,
    HotlineModel,
    HotlinesFileModel,
    LocalizedModel,
    OutOfScopeFileModel,
    OutOfScopeModel,
    SafetyExamplesFileModel,
    TipsFileModel,
    TopicExamplesFileModel,
    TopicFileModel,
    TopicModel,
)
from bot.knowledge.topic import Location, Topic, TopicText
from bot.language import LANGS, Lang
from bot.language.normalize import fold

if TYPE_CHECKING:
    from bot.matching.learned import TopicExample
    from bot.safety.net import Example

YamlPath = tuple[str | int, ...]

#: The shipped knowledge is about 2.7 MB: 13 files and 38 writers' batches of at most 125 KB
#: (23 of safety examples, 15 of topic examples), 75,000 values built by the fast parser (it
#: was 38,000 before the topic batches, and PyYAML's count 105,000: PyYAML counts every node,
#: and reads again when a file has a problem, to place it exactly).
MAX_FILE_BYTES = 1 << 20
MAX_FOLDER_BYTES = 8 << 20
MAX_FILES = 200
#: Values (YAML nodes) parsed and built, aliases counted each time they are expanded: more
#: than twice what the shipped knowledge needs, and far below what an alias bomb expands to.
MAX_VALUES = 250_000
#: A load takes a few seconds of its thread's processor time (the fast parser); past this, it
#: is refused. Processor time, not the clock: on a busy machine (a model training beside it,
#: a test suite on two cores) a good edit took longer than this by the clock.
LOAD_SECONDS = 15.0
#: How many values are built between two looks at the clock and the cancel flag.
_CHECK_EVERY = 1024


class OverBudget(Exception):
    """A load went past one of its bounds (or was cancelled); the message says which."""

    #: The file, line and column the load had reached, once known.
    where: tuple[str, int, int] | None = None


class LoadBudget:
    """The bounds of one load: values built, time, and a flag to cancel it from another thread."""

    def __init__(self, max_values: int = MAX_VALUES, seconds: float = LOAD_SECONDS) -> None:
        self.max_values = max_values
        self.seconds = seconds
        #: The loading thread's processor time at its first look (the budget may be made in
        #: another thread than the one that loads).
        self._started: float | None = None
        self.values = 0
        #: Line and column of the value being built (for the problem, when one is too many).
        self.where = (1, 1)
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Stop the load at its next look (within a thousand values)."""
        self._cancelled.set()

    def spend(self) -> None:
        """Count one value; raise OverBudget past a bound."""
        self.values += 1
        if self.values > self.max_values:
            raise OverBudget(f"more than {self.max_values:,} values: look for an alias (*name) "
                             "repeated inside repeated aliases, and write the values out")
        if self.values % _CHECK_EVERY == 0:
            self.check()

    def check(self) -> None:
        """Raise OverBudget if the load was cancelled or its time is up."""
        if self._cancelled.is_set():
            raise OverBudget("the load was cancelled: the bot is stopping")
        now = time.thread_time()
        if self._started is None:
            self._started = now
        elif now - self._started > self.seconds:
            raise OverBudget(f"loading took longer than {self.seconds:g} s: the knowledge "
                             "base is too large or too repetitive")


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting every node it composes against a budget."""

    def __init__(self, text: str, budget: LoadBudget) -> None:
        super().__init__(text)
        self.budget = budget

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.budget.spend()
        return super().compose_node(parent, index)


@dataclass(frozen=True, order=True)
class Problem:
    """A problem in a knowledge file, printed as `path:line:column: message`."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        # One problem, one line: a key or value quoted in the message may hold line breaks.
        message = " ".join(self.message.splitlines())
        return f"{self.path}:{self.line}:{self.column}: {message}"


class KnowledgeError(Exception):
    """The knowledge files have problems; `problems` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class _Document:
    """One parsed file: its data and where each value stands."""

    path: str
    data: Any
    nodes: dict[YamlPath, yaml.Node] = field(default_factory=dict)
    keys: dict[YamlPath, yaml.Node] = field(default_factory=dict)

    def where(self, path: YamlPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of a value, or of its key; the nearest parent if absent."""
        table = self.keys if key else self.nodes
        while path:
            node = table.get(path) or self.nodes.get(path)
            if node is not None:
                return node.start_mark.line + 1, node.start_mark.column + 1
            path = path[:-1]
        node = self.nodes.get(())
        return (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)

    def where_in_text(self, path: YamlPath, offset: int) -> tuple[int, int]:
        """Line and column of a character inside a string value (block scalars included)."""
        node = self.nodes.get(path)
        if not isinstance(node, yaml.ScalarNode):
            return self.where(path)
        # The model strips the text, so offsets count from its first non-blank character.
        offset += len(str(node.value)) - len(str(node.value).lstrip())
        found = _source_position(node, offset)
        if found is not None:
            return found
        before = str(node.value)[:offset]
        lines_before = before.count("\n")
        if node.style in ("|", ">"):
            # The text starts on the line after the indicator, at the block's indentation.
            indent = _block_indent(node)
            column = len(before) - (before.rfind("\n") + 1) + indent + 1
            return node.start_mark.line + 2 + lines_before, column
        if lines_before:
            return node.start_mark.line + 1 + lines_before, 1
        quote = 1 if node.style in ("'", '"') else 0
        return node.start_mark.line + 1, node.start_mark.column + 1 + quote + offset

    def problem(self, path: YamlPath, message: str, *, key: bool = False) -> Problem:
        """A problem located at a value (or its key)."""
        line, column = self.where(path, key=key)
        return Problem(self.path, line, column, message)


# What the source may hold that the value does not: folded line breaks, indentation, the
# backslash of an escape, the doubled quote of a single-quoted string.
_SOURCE_ONLY = " \t\r\n\\'"


def _source_position(node: yaml.ScalarNode, offset: int) -> tuple[int, int] | None:
    """Line and column in the source of a value's character, by walking the source along it.

    Folded (`>`), plain and quoted scalars fold line breaks and indentation away, so an offset
    in the value says nothing of the line. None when the source cannot be followed (an escape
    like \\n); the caller then estimates.
    """
    buffer, value = node.start_mark.buffer, str(node.value)
    if not buffer or offset > len(value):
        return None
    pos, end = node.start_mark.pointer, node.end_mark.pointer
    if node.style in ("|", ">"):
        pos = buffer.find("\n", pos, end) + 1  # the text starts on the line after the indicator
    elif node.style in ("'", '"'):
        pos += 1
    for index in range(offset + 1):
        wanted = value[index] if index < len(value) else None
        while pos < end and buffer[pos] != wanted and buffer[pos] in _SOURCE_ONLY:
            pos += 1
        if index == offset:
            break
        if pos >= end or buffer[pos] != wanted:
            return None
        pos += 1
    line_start = buffer.rfind("\n", 0, pos) + 1
    return buffer.count("\n", 0, pos) + 1, pos - line_start + 1


def _block_indent(node: yaml.ScalarNode) -> int:
    buffer = node.start_mark.buffer
    if not buffer:
        return node.start_mark.column + 2
    start = buffer.find("\n", node.start_mark.pointer) + 1
    indent = 0
    while start + indent < len(buffer) and buffer[start + indent] == " ":
        indent += 1
    return indent


#: libyaml's parser, ten times faster than PyYAML's own, where PyYAML was built with it. Its
#: marks give lines and columns but not the text, so a problem inside a block of text cannot be
#: placed exactly: `load` reads with it first and again with PyYAML's own only if there are
#: problems to point at. It composes without expanding aliases (a repeated node is one node),
#: and the file's size is bounded before, so the budget counts what `_construct` builds.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _too_large(size: int) -> str:
    return (f"the file is {size / (1 << 20):.1f} MB; a knowledge file may be at most "
            f"{MAX_FILE_BYTES >> 20} MB: split it, or look for something pasted by mistake")


def _parse(path: Path, shown: str, budget: LoadBudget | None = None, fast: bool = False,
           ) -> tuple[_Document | None, list[Problem]]:
    """Parse one YAML file, keeping where every value and key stands."""
    budget = budget or LoadBudget()
    try:
        with path.open("rb") as handle:
            # Read no more than the limit, whatever the size said a moment ago.
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return None, [Problem(shown, 1, 1, _too_large(path.stat().st_size))]
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, 1, f"the file is not UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return None, [Problem(shown, 1, 1, f"cannot read the file: {exc.strerror}")]
    loader: _BoundedLoader | None = None
    try:
        if fast and _FAST_LOADER is not None:
            root = yaml.compose(text, Loader=_FAST_LOADER)
        else:
            loader = _BoundedLoader(text, budget)  # the reader refuses control characters here
            root = loader.get_single_node()
    except OverBudget as exc:
        if loader is not None:
            at = loader.get_mark()
            exc.where = (shown, at.line + 1, at.column + 1)
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "the YAML cannot be read"
        hint = " (check the indentation, and put text with ':' or '#' in quotes)"
        return None, [Problem(shown, line, column, f"YAML syntax: {what}{hint}")]
    except yaml.reader.ReaderError as exc:
        # An invisible control character (pasted from a document): YAML refuses the file.
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return None, [Problem(shown, line, column, f"an invisible character (U+{code:04X}) "
                                                   "YAML does not allow: delete it")]
    except (RecursionError, MemoryError, ValueError) as exc:
        # Blocks nested thousands deep and the like: a problem to report, never a crash.
        return None, [Problem(shown, 1, 1, f"the YAML cannot be read ({type(exc).__name__}): "
                                           "look for very deep nesting or a runaway alias")]
    except yaml.YAMLError:
        # Only libyaml says this; any problem sends `load` to PyYAML's parser, which explains.
        return None, [Problem(shown, 1, 1, "the YAML cannot be read")]
    finally:
        if loader is not None:
            loader.dispose()
    doc = _Document(shown, None)
    if root is None:
        return None, [Problem(shown, 1, 1, "the file is empty")]
    problems: list[Problem] = []
    try:
        doc.data = _construct(root, (), doc, problems, budget)
    except OverBudget as exc:
        exc.where = (shown, *budget.where)
        raise
    return doc, problems


_SCALARS = yaml.constructor.SafeConstructor()
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _scalar(node: yaml.Node, doc: _Document, problems: list[Problem]) -> Any:
    """A value as YAML reads it; the text itself when a tag makes it unreadable ("!!int x")."""
    try:
        return _SCALARS.construct_object(node)
    except (yaml.YAMLError, ValueError, LookupError, TypeError, AttributeError):
        tag = str(node.tag).removeprefix("tag:yaml.org,2002:")
        problems.append(Problem(doc.path, node.start_mark.line + 1, node.start_mark.column + 1,
                                f"YAML cannot read this as '{tag}': put the text in quotes"))
        return node.value
    finally:
        # The shared constructor would otherwise keep every node of every load.
        _SCALARS.constructed_objects.pop(node, None)
        _SCALARS.recursive_objects.pop(node, None)


def _construct(node: yaml.Node, path: YamlPath, doc: _Document, problems: list[Problem],
               budget: LoadBudget) -> Any:
    # Counted each time: an alias expanded a thousand times builds a thousand values.
    budget.where = (node.start_mark.line + 1, node.start_mark.column + 1)
    budget.spend()
    doc.nodes[path] = node
    if any(doc.nodes.get(path[:depth]) is node for depth in range(len(path))):
        # An alias inside the very block it names ("&a [*a]") would repeat forever.
        problems.append(doc.problem(path, "this alias points back to the block it is in; "
                                          "write the value out"))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node, doc, problems))
            if key in result:
                line = key_node.start_mark.line + 1
                problems.append(Problem(doc.path, line, key_node.start_mark.column + 1,
                                        f"the key '{key}' appears twice here; keep one"))
                continue
            doc.keys[(*path, key)] = key_node
            result[key] = _construct(value_node, (*path, key), doc, problems, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), doc, problems, budget)
                for i, item in enumerate(node.value)]
    if node.tag == _TIMESTAMP:
        # Dates mean nothing to YAML here: keep the text the editor wrote, so that the model
        # judges it ('verified: 2026-02-30' is one clear problem, not a YAML puzzle).
        return node.value
    value = _scalar(node, doc, problems)
    # Times and the like mean nothing here either: keep them as the text the editor wrote.
    return value if isinstance(value, str | int | float | bool) or value is None else node.value


def _model_for(doc: _Document) -> type[BaseModel] | None:
    if not isinstance(doc.data, dict):
        return None
    if "hotlines" in doc.data:
        return HotlinesFileModel
    if "crisis" in doc.data:
        return CrisisFileModel
    if "out_of_scope" in doc.data:
        return OutOfScopeFileModel
    if "flows" in doc.data:
        return FlowsFileModel
    if "safety_examples" in doc.data:
        return SafetyExamplesFileModel
    if "topic_examples" in doc.data:
        return TopicExamplesFileModel
    if "follow_up" in doc.data:
        return FollowUpFileModel
    if "tips" in doc.data:
        return TipsFileModel
    return TopicFileModel


def _explain(error: Mapping[str, Any]) -> str:
    """Turn a pydantic error into a sentence a moderator can act on."""
    loc = [str(part) for part in error["loc"] if not str(part).startswith("function-")]
    where = ".".join(loc)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"missing '{loc[-1]}'" + (f" in {'.'.join(loc[:-1])}" if loc[:-1] else "")
    if kind == "extra_forbidden":
        return f"unknown key '{loc[-1]}' (check the spelling; see docs/knowledge-format.md)"
    if kind == "too_short":
        actual = ctx.get("actual_length")
        return f"{where}: needs at least {ctx.get('min_length')} items, has {actual}"
    if kind == "string_too_long":
        return f"{where}: at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"{where}: must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{where}: '{error.get('input')}' is not in the right form ({ctx.get('pattern')})"
    if kind == "value_error":
        return f"{where}: {str(ctx.get('error') or error['msg']).removeprefix('Value error, ')}"
    if kind == "literal_error":
        return f"{where}: must be one of {ctx.get('expected')}"
    if kind in ("string_type", "list_type", "bool_type", "model_type", "dict_type"):
        expected = {"string_type": "a text", "list_type": "a list (lines starting with '- ')",
                    "bool_type": "true or false", "model_type": "a block of keys",
                    "dict_type": "a block of keys"}[kind]
        return f"{where}: should be {expected}"
    return f"{where}: {error['msg']}"


def _error_path(error: Mapping[str, Any]) -> YamlPath:
    return tuple(p for p in error["loc"] if not str(p).startswith("function-"))


class _Builder:
    """Collects validated files, cross-checks them, and builds the snapshot."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        self.hotlines: list[tuple[_Document, YamlPath, HotlineModel]] = []
        self.crisis: list[tuple[_Document, CrisisModel]] = []
        self.out_of_scope: list[tuple[_Document, OutOfScopeModel]] = []
        #: Every example, folded, with its topic and where it stands (filled by `_topics`).
        self.example_places: dict[str, tuple[str, str]] = {}
        self.topics: list[tuple[_Document, YamlPath, TopicModel, str]] = []
        self.flows: list[tuple[_Document, FlowsFileModel]] = []
        self.safety_examples: list[SafetyExamplesFileModel] = []
        self.topic_examples: list[tuple[_Document, TopicExamplesFileModel]] = []
        self.follow_ups: list[tuple[_Document, FollowUpModel]] = []
        self.tip_files: list[tuple[_Document, TipsFileModel]] = []
        # Ids of topics in files that failed validation: they exist, with problems already
        # reported, so a reference to them is not a second problem.
        self.unchecked_ids: set[str] = set()
        # The same for lines of a registry file that failed validation: a placeholder naming
        # one is not "unknown", the entry is broken and already reported.
        self.unchecked_lines: set[str] = set()
        #: Some file could not be parsed at all, so which topic ids exist is unknown.
        self.unreadable = False

    def add(self, doc: _Document) -> None:
        model = _model_for(doc)
        if model is None:
            self.problems.append(doc.problem((), "the file must be a block of keys: "
                                                 "'section' and 'topics', 'hotlines', 'crisis' "
                                                 "or 'flows'"))
            return
        try:
            parsed = model.model_validate(doc.data)
        except ValidationError as exc:
            for error in exc.errors():
                path = _error_path(error)
                is_key = error["type"] == "extra_forbidden"
                self.problems.append(doc.problem(path, _explain(error), key=is_key))
            if model is TopicFileModel and isinstance(doc.data.get("topics"), list):
                self.unchecked_ids.update(t["id"] for t in doc.data["topics"]
                                          if isinstance(t, dict) and isinstance(t.get("id"), str))
            if model is HotlinesFileModel and isinstance(doc.data.get("hotlines"), list):
                self.unchecked_lines.update(
                    str(h["id"]) for h in doc.data["hotlines"]
                    if isinstance(h, dict) and isinstance(h.get("id"), str | int))
            return
        if isinstance(parsed, HotlinesFileModel):
            self.hotlines += [(doc, ("hotlines", i), h) for i, h in enumerate(parsed.hotlines)]
        elif isinstance(parsed, CrisisFileModel):
            self.crisis.append((doc, parsed.crisis))
        elif isinstance(parsed, OutOfScopeFileModel):
            self.out_of_scope.append((doc, parsed.out_of_scope))
        elif isinstance(parsed, TopicFileModel):
            self.topics += [(doc, ("topics", i), t, parsed.section)
                            for i, t in enumerate(parsed.topics)]
        elif isinstance(parsed, FlowsFileModel):
            self.flows.append((doc, parsed))
        elif isinstance(parsed, SafetyExamplesFileModel):
            self.safety_examples.append(parsed)
        elif isinstance(parsed, TopicExamplesFileModel):
            self.topic_examples.append((doc, parsed))
        elif isinstance(parsed, FollowUpFileModel):
            self.follow_ups.append((doc, parsed.follow_up))
        elif isinstance(parsed, TipsFileModel):
            self.tip_files.append((doc, parsed))

    def build(self) -> KnowledgeBase | None:
        lines = self._hotlines()
        crisis = self._crisis(lines)
        topics = self._topics(lines)
        self._check_references(topics, crisis)
        out_of_scope = self._out_of_scope()
        flows, first_messages = self._flows(lines, topics)
        learned = self._topic_training(topics, out_of_scope)
        follow_up, tips = self._follow_up(), self._tips()
        if self.problems or crisis is None:
            return None
        # Imported here: matching depends on the knowledge types, not the other way round.
        from bot.language.detect import Lexicon
        from bot.matching.index import MatchIndex
        from bot.matching.learned import topic_slot
        from bot.safety.net import net_slot

        frozen = MappingProxyType(topics)
        lexicon = Lexicon.build({lang: _language_texts(frozen, lang) for lang in LANGS})
        return KnowledgeBase(
            topics=frozen,
            hotlines=tuple(lines.values()),
            crisis=crisis,
            out_of_scope=out_of_scope,
            index=MatchIndex.build(frozen, out_of_scope),
            lexicon=lexicon,
            directory=self.directory,
            flows=MappingProxyType(flows),
            first_messages=first_messages,
            safety=net_slot(self._safety_training(frozen, out_of_scope)),
            learned=topic_slot(learned),
            follow_up=follow_up,
            tips=tips,
        )

    def _topic_training(self, topics: Mapping[str, Topic],
                        out_of_scope: Mapping[Lang, tuple[str, ...]]) -> list[TopicExample]:
        """What the learned topic channel learns from: every everyday and help topic's
        examples, keywords and title, the writers' topic examples, and the out-of-scope list
        as "none". Crisis topics are left out: the safety layer answers them, and their
        examples are questions for information the channel must not learn as answers.

        Without a writer's batch there is nothing to train on: the topics' own examples are
        what the matcher already knows (trained on them alone, the channel moved writer-held-
        out top-1 by 4 points; with 15 writers' batches, by 15)."""
        from bot.matching.learned import NONE, TopicExample

        examples = [TopicExample(text, topic.id) for topic in topics.values()
                    if not topic.crisis for lang in LANGS
                    for text in (*topic.texts[lang].examples, *topic.texts[lang].keywords,
                                 topic.texts[lang].title)]
        written = len(examples)
        for doc, batch in self.topic_examples:
            for number, example in enumerate(batch.topic_examples):
                known = example.topic == NONE or (
                    example.topic in topics and not topics[example.topic].crisis)
                if known:
                    examples.append(TopicExample(example.text, example.topic, batch.writer))
                elif example.topic not in self.unchecked_ids:
                    crisis = example.topic in topics
                    self.problems.append(doc.problem(
                        ("topic_examples", number, "topic"),
                        f"'{example.topic}' is a crisis topic: the safety layer answers it; "
                        "put the message in the safety examples instead" if crisis else
                        f"there is no topic '{example.topic}': use a topic id or none"))
        if len(examples) == written:
            return []
        examples += [TopicExample(text, NONE) for texts in out_of_scope.values()
                     for text in texts]
        return examples

    def _safety_training(self, topics: Mapping[str, Topic],
                         out_of_scope: Mapping[Lang, tuple[str, ...]]) -> list[Example]:
        """What the safety net learns from: the safety examples, and as "none" what people
        write when nothing is wrong (everyday topics' examples, the out-of-scope list).

        Topics about danger or low mood are left out of "none" (their examples may be a
        disclosure), and so are the crisis topics' examples from "crisis": many are questions
        for information ("what are the warning signs of suicide"), and the net must learn
        disclosures, which the safety examples label."""
        from bot.safety.net import EVERYDAY_WEIGHT, Example

        examples = [Example(e.text, e.tier, e.form, e.speaker, batch.writer)
                    for batch in self.safety_examples for e in batch.safety_examples]
        if not examples:
            return []
        for topic in topics.values():
            if not topic.everyday:
                continue
            examples += [Example(text, "none", weight=EVERYDAY_WEIGHT) for lang in LANGS
                         for text in topic.texts[lang].examples]
        examples += [Example(text, "none", weight=EVERYDAY_WEIGHT)
                     for texts in out_of_scope.values() for text in texts]
        return examples

    def _hotlines(self) -> dict[str, Hotline]:
        lines: dict[str, Hotline] = {}
        first: dict[str, str] = {}
        for doc, path, model in self.hotlines:
            if model.id in lines:
                self.problems.append(doc.problem((*path, "id"), f"the line '{model.id}' is "
                                                 f"already in the registry at {first[model.id]}"))
                continue
            if not (model.number or model.site):
                self.problems.append(doc.problem(path, f"the line '{model.id}' needs a number "
                                                 "or a site"))
            line, column = doc.where((*path, "id"))
            first[model.id] = f"{doc.path}:{line}:{column}"
            lines[model.id] = Hotline(
                id=model.id, number=model.number, whatsapp=model.whatsapp, site=model.site,
                name=_localized(model.name), note=_localized(model.note),
                in_menu=model.in_menu, audience=_localized(model.audience),
                languages=tuple(model.languages or ()), cost=model.cost,
                chat=_localized(model.chat), what_happens=_localized(model.what_happens),
                verified=date.fromisoformat(model.verified), source=model.source)
        if not self.hotlines and not self.unchecked_lines:
            self.problems.append(Problem(self.directory, 1, 1, "no hotline registry: "
                                         "add hotlines.yaml with a 'hotlines' list"))
        return lines

    def _render(self, doc: _Document, path: YamlPath, text: str,
                lines: Mapping[str, Hotline]) -> str:
        """Fill placeholders and check the markup and length as Telegram would."""
        rendered, unknown = fill(text, lines)
        for item in unknown:
            if item.name in self.unchecked_lines:
                continue
            line, column = doc.where_in_text(path, item.offset)
            self.problems.append(Problem(doc.path, line, column, item.message))
        for issue in markup.problems(text):
            line, column = doc.where_in_text(path, issue.offset)
            self.problems.append(Problem(doc.path, line, column, issue.message))
        length = markup.visible_length(rendered)
        if length > markup.MESSAGE_LIMIT:
            self.problems.append(doc.problem(path, f"the answer is {length} characters once "
                                             f"rendered; Telegram allows {markup.MESSAGE_LIMIT}"))
        return rendered

    def _crisis(self, lines: Mapping[str, Hotline]) -> CrisisReply | None:
        if not self.crisis:
            self.problems.append(Problem(self.directory, 1, 1, "no crisis reply: add "
                                         "crisis.yaml with a 'crisis' block"))
            return None
        for doc, _ in self.crisis[1:]:
            self.problems.append(doc.problem(("crisis",), "a second crisis reply; keep one",
                                             key=True))
        doc, model = self.crisis[0]
        forms = {}
        for form in CRISIS_FORMS:
            # Without its own block, someone else being hurt gets the being-hurt reply.
            name = form if getattr(model, form) is not None else "hurt_now"
            block = getattr(model, name)
            texts = {lang: self._render(doc, ("crisis", name, lang), getattr(block, lang), lines)
                     for lang in LANGS}
            adult = None if block.adult is None else MappingProxyType({
                lang: self._render(doc, ("crisis", name, "adult", lang),
                                   getattr(block.adult, lang), lines) for lang in LANGS})
            forms[form] = CrisisText(MappingProxyType(texts), tuple(block.buttons), adult)
        check = model.safety_check
        check_texts = {lang: self._render(doc, ("crisis", "safety_check", lang, "text"),
                                          getattr(check, lang).text, lines) for lang in LANGS}
        labels = {lang: (getattr(check, lang).button_yes, getattr(check, lang).button_no,
                         getattr(check, lang).button_other) for lang in LANGS}
        adult_check = None
        if all(getattr(check, lang).text_adult for lang in LANGS):
            adult_check = MappingProxyType({lang: self._render(
                doc, ("crisis", "safety_check", lang, "text_adult"),
                str(getattr(check, lang).text_adult), lines) for lang in LANGS})
        return CrisisReply(forms=MappingProxyType(forms),
                           check=SafetyCheck(MappingProxyType(check_texts),
                                             MappingProxyType(labels), adult_check))

    @property
    def example_topics(self) -> dict[str, str]:
        """Every example, folded, with its topic."""
        return {key: topic for key, (topic, _) in self.example_places.items()}

    def _out_of_scope(self) -> Mapping[Lang, tuple[str, ...]]:
        """The out-of-scope messages per language (none is fine: the file is optional)."""
        for doc, _ in self.out_of_scope[1:]:
            self.problems.append(doc.problem(("out_of_scope",), "a second out-of-scope list; "
                                             "keep one", key=True))
        if not self.out_of_scope:
            return MappingProxyType({lang: () for lang in LANGS})
        in_topics = self.example_topics
        doc, model = self.out_of_scope[0]
        found = {}
        for lang in LANGS:
            messages = getattr(model, lang)
            for i, message in enumerate(messages):
                topic = in_topics.get(fold(message))
                if topic is not None:
                    self.problems.append(doc.problem(
                        ("out_of_scope", lang, i), f"'{message}' is also an example of the "
                        f"topic '{topic}'; a message is either out of scope or a topic's"))
            found[lang] = tuple(messages)
        return MappingProxyType(found)

    def _topics(self, lines: Mapping[str, Hotline]) -> dict[str, Topic]:
        topics: dict[str, Topic] = {}
        examples = self.example_places
        for doc, path, model, section in self.topics:
            line, column = doc.where((*path, "id"))
            if model.id in topics:
                self.problems.append(doc.problem((*path, "id"), f"the topic id '{model.id}' is "
                                                 f"already used at {topics[model.id].location}"))
                continue
            texts = {}
            for lang in LANGS:
                block = getattr(model, lang)
                answer = self._render(doc, (*path, lang, "answer"), block.answer, lines)
                for i, example in enumerate(block.examples):
                    key = fold(example)
                    if key in examples and examples[key][0] != model.id:
                        other_topic, other_place = examples[key]
                        self.problems.append(doc.problem(
                            (*path, lang, "examples", i),
                            f"the example '{example}' is also in the topic '{other_topic}' "
                            f"({other_place}); an example belongs to one topic"))
                    elif key not in examples:
                        ex_line, ex_col = doc.where((*path, lang, "examples", i))
                        examples[key] = (model.id, f"{doc.path}:{ex_line}:{ex_col}")
                texts[lang] = TopicText(title=block.title, answer=answer,
                                        examples=tuple(block.examples),
                                        keywords=tuple(block.keywords))
            topics[model.id] = Topic(
                id=model.id, section=section,  # type: ignore[arg-type]
                texts=MappingProxyType(texts), related=tuple(model.related),
                sources=tuple(model.sources), crisis=model.crisis,
                location=Location(doc.path, line, column),
                urgent_lines=tuple(model.urgent_lines))
            for i, line_id in enumerate(model.urgent_lines):
                if line_id not in lines and line_id not in self.unchecked_lines:
                    known = ", ".join(lines)
                    self.problems.append(doc.problem(
                        (*path, "urgent_lines", i),
                        f"'{line_id}' is not in the hotline registry (hotlines.yaml); "
                        f"known: {known}"))
        return topics

    def _check_references(self, topics: Mapping[str, Topic], crisis: CrisisReply | None) -> None:
        if self.unreadable:
            # A file that cannot be read may hold the topics referred to: fix it first.
            return
        for doc, path, model, _ in self.topics:
            for i, other in enumerate(model.related):
                if other == model.id:
                    self.problems.append(doc.problem((*path, "related", i),
                                                     f"'{other}' is the topic itself"))
                elif other not in topics and other not in self.unchecked_ids:
                    self.problems.append(doc.problem((*path, "related", i),
                                                     f"no topic has the id '{other}'"))
        if crisis is not None:
            crisis_doc, crisis_model = self.crisis[0]
            for form in CRISIS_FORMS:
                block = getattr(crisis_model, form)
                for i, other in enumerate(block.buttons if block is not None else ()):
                    if other not in topics and other not in self.unchecked_ids:
                        self.problems.append(crisis_doc.problem(
                            ("crisis", form, "buttons", i), f"no topic has the id '{other}'"))

    def _flows(self, lines: Mapping[str, Hotline], topics: Mapping[str, Topic],
               ) -> tuple[dict[str, Flow], FirstMessages | None]:
        """Build the flows and the first messages, checking what the model cannot."""
        flows: dict[str, Flow] = {}
        started_by: dict[str, str] = {}
        first: FirstMessages | None = None
        for doc, model in self.flows:
            for i, flow in enumerate(model.flows):
                built = self._flow(doc, ("flows", i), flow, lines, topics, flows, started_by)
                if built is not None:
                    flows[built.id] = built
            if model.first_messages is not None:
                if first is not None:
                    self.problems.append(doc.problem(("first_messages",), "a second "
                                                     "'first_messages'; keep one", key=True))
                    continue
                first = self._first_messages(doc, model, lines)
        return flows, first

    def _flow(self, doc: _Document, path: YamlPath, model: FlowModel,
              lines: Mapping[str, Hotline], topics: Mapping[str, Topic],
              flows: Mapping[str, Flow], started_by: dict[str, str]) -> Flow | None:
        if model.id in flows:
            self.problems.append(doc.problem((*path, "id"), f"the flow id '{model.id}' is "
                                             f"already used at {flows[model.id].location}"))
            return None
        steps = []
        for j, step in enumerate(model.steps):
            where = (*path, "steps", j)
            if model.kind == "plan" and step.heading is None:
                self.problems.append(doc.problem(where, "a plan's step needs a 'heading': the "
                                                 "title its answer stands under in the plan"))
            if model.kind == "guided" and step.heading is not None:
                self.problems.append(doc.problem((*where, "heading"), "only the steps of a "
                                                 "plan have a 'heading'", key=True))
            texts = {lang: self._render(doc, (*where, lang), getattr(step, lang), lines)
                     for lang in LANGS}
            heading = ({lang: getattr(step.heading, lang) for lang in LANGS}
                       if step.heading is not None else None)
            steps.append(FlowStep(MappingProxyType(texts),
                                  MappingProxyType(heading) if heading else None))
        intro = ({lang: self._render(doc, (*path, "intro", lang), getattr(model.intro, lang),
                                     lines) for lang in LANGS} if model.intro else None)
        done = {lang: self._render(doc, (*path, "done", lang), getattr(model.done, lang), lines)
                for lang in LANGS}
        if not self.unreadable:
            for k, topic in enumerate(model.topics):
                if topic not in topics and topic not in self.unchecked_ids:
                    self.problems.append(doc.problem((*path, "topics", k),
                                                     f"no topic has the id '{topic}'"))
        triggers: list[str] = []
        for lang in LANGS:
            for k, trigger in enumerate(getattr(model.triggers, lang) if model.triggers else ()):
                key = fold(trigger)
                other = started_by.get(key)
                if not key:
                    self.problems.append(doc.problem((*path, "triggers", lang, k), f"'{trigger}' "
                                                     "has no letters or digits to recognise"))
                elif other is not None and other != model.id:
                    self.problems.append(doc.problem((*path, "triggers", lang, k), f"'{trigger}' "
                                                     f"already starts the flow '{other}'"))
                elif other is None:
                    started_by[key] = model.id
                    triggers.append(key)
        line, column = doc.where((*path, "id"))
        return Flow(id=model.id, kind=model.kind,
                    title=MappingProxyType({lang: getattr(model.title, lang) for lang in LANGS}),
                    intro=MappingProxyType(intro) if intro else None, steps=tuple(steps),
                    done=MappingProxyType(done), topics=tuple(model.topics),
                    triggers=tuple(triggers), location=Location(doc.path, line, column))

    def _first_messages(self, doc: _Document, model: FlowsFileModel,
                        lines: Mapping[str, Hotline]) -> FirstMessages | None:
        block = model.first_messages
        if block is None:
            return None
        line = lines.get(block.line)
        if line is None:
            self.problems.append(doc.problem(("first_messages", "line"), f"'{block.line}' is not "
                                             "in the hotline registry (hotlines.yaml)"))
        elif not line.whatsapp:
            self.problems.append(doc.problem(("first_messages", "line"), f"the line "
                                             f"{block.line} has no whatsapp in hotlines.yaml"))
        return FirstMessages(block.line, tuple(
            MappingProxyType({lang: getattr(message, lang) for lang in LANGS})
            for message in block.messages))


    def _follow_up(self) -> FollowUp | None:
        """The check-ins' texts, from the one file that holds them."""
        if not self.follow_ups:
            return None
        for doc, _ in self.follow_ups[1:]:
            self.problems.append(doc.problem(("follow_up",), "a second 'follow_up' block; "
                                             f"keep the one in {self.follow_ups[0][0].path}",
                                             key=True))
        model = self.follow_ups[0][1]
        texts = {name: MappingProxyType({
                     register: _localized(getattr(getattr(model.texts, name), register))
                     for register in get_args(Register)})
                 for name in get_args(FollowUpText)}
        labels = {name: _localized(getattr(model.labels, name))
                  for name in get_args(FollowUpLabel)}
        return FollowUp(MappingProxyType(texts), MappingProxyType(labels))

    def _tips(self) -> tuple[Tip, ...]:
        """The weekly tips in the order of their files and lines; an id written twice is a
        problem (a subscriber's place in the series is kept by id)."""
        tips: list[Tip] = []
        seen: dict[str, str] = {}
        for doc, model in self.tip_files:
            for i, tip in enumerate(model.tips):
                if tip.id in seen:
                    self.problems.append(doc.problem(("tips", i, "id"), f"the tip id '{tip.id}' "
                                                     f"is already used at {seen[tip.id]}"))
                    continue
                line, column = doc.where(("tips", i, "id"))
                seen[tip.id] = f"{doc.path}:{line}:{column}"
                tips.append(Tip(tip.id, tip.age,
                                MappingProxyType({lang: getattr(tip, lang).title
                                                  for lang in LANGS}),
                                MappingProxyType({lang: getattr(tip, lang).text
                                                  for lang in LANGS}),
                                tuple(tip.sources)))
        return tuple(tips)


@overload
def _localized(model: LocalizedModel) -> Mapping[Lang, str]: ...
@overload
def _localized(model: LocalizedModel | None) -> Mapping[Lang, str] | None: ...
def _localized(model: LocalizedModel | None) -> Mapping[Lang, str] | None:
    """A short text of the registry as a frozen mapping from language to text."""
    if model is None:
        return None
    return MappingProxyType({lang: getattr(model, lang) for lang in LANGS})


def _language_texts(topics: Mapping[str, Topic], lang: Lang) -> Iterator[str]:
    """Text surely in one language, for the detection lexicons.

    Titles, answers and keywords are written in one language; example questions are not
    (Kazakh ones mix in Russian words, as people do), so they are left out.
    """
    for topic in topics.values():
        text = topic.texts[lang]
        yield text.title
        yield markup.to_plain(text.answer)
        yield from text.keywords




def knowledge_files(directory: Path) -> list[Path]:
    """The YAML files of a knowledge directory and of its folders one level down (the
    writers' safety batches in `safety-examples/`), in a stable order."""
    def yaml_in(folder: Path) -> list[Path]:
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")
                      and not p.name.startswith(".") and p.is_file())

    folders = sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [*yaml_in(directory), *(p for folder in folders for p in yaml_in(folder))]


def _shown(path: Path) -> str:
    """A path as a moderator would type it: relative to where they stand if it is below it."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def load(directory: str | Path, budget: LoadBudget | None = None) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise `KnowledgeError` listing every problem
    (a bound of the budget passed, or a cancelled load, is one of them)."""
    root = Path(directory)
    budget = budget or LoadBudget()
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 1, 1, "no such knowledge directory")])
    files = knowledge_files(root)
    if not files:
        raise KnowledgeError([Problem(_shown(root), 1, 1, "no .yaml files here")])
    _check_sizes(root, files)
    try:
        kb: KnowledgeBase | None = None
        problems: list[Problem] = []
        if _FAST_LOADER is not None:
            kb, problems = _build(root, files, budget)
        if kb is None:
            # Read again with PyYAML's own parser, whose marks place every problem exactly:
            # the files the problems are in (without the fast parser, all are read so). The
            # writers' batches alone take it 15 s, which a moderator must not wait for.
            budget.values = 0
            named = {p.path for p in problems}
            kb, problems = _build(root, files, budget, {f for f in files if _shown(f) in named})
    except OverBudget as exc:
        # One problem says it all: whatever the other files hold, this load is refused.
        shown, line, column = exc.where or (_shown(root), 1, 1)
        raise KnowledgeError([Problem(shown, line, column, f"refused: {exc}")]) from None
    if kb is None:
        raise KnowledgeError(problems)
    return kb


def _build(root: Path, files: list[Path], budget: LoadBudget, slow: Set[Path] = frozenset()
           ) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Parse every file (the fast parser where there is one, PyYAML's own for the `slow`
    ones) and build the snapshot, or return the problems found."""
    builder = _Builder(_shown(root))
    for path in files:
        budget.check()
        doc, problems = _parse(path, _shown(path), budget, fast=path not in slow)
        builder.problems += problems
        if doc is not None:
            builder.add(doc)
        else:
            builder.unreadable = True
    budget.check()
    kb = builder.build()
    budget.check()
    return kb, builder.problems


def _check_sizes(root: Path, files: list[Path]) -> None:
    """Refuse, before reading anything, a folder too large to load."""
    problems = []
    total = 0
    for path in files:
        try:
            size = path.stat().st_size
        except OSError:
            continue  # reported when it is read
        total += size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(_shown(path), 1, 1, _too_large(size)))
    if len(files) > MAX_FILES:
        problems.append(Problem(_shown(root), 1, 1, f"{len(files)} knowledge files; at most "
                                                    f"{MAX_FILES} are read"))
    if total > MAX_FOLDER_BYTES:
        problems.append(Problem(_shown(root), 1, 1, f"the knowledge files add up to "
                                f"{total / (1 << 20):.1f} MB; at most {MAX_FOLDER_BYTES >> 20} "
                                "MB are loaded"))
    if problems:
        raise KnowledgeError(problems)


def validate(directory: str | Path) -> list[Problem]:
    """Every problem of a knowledge directory; empty when it loads."""
    try:
        load(directory)
    except KnowledgeError as exc:
        return list(exc.problems)
    return []
