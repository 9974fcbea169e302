"""Load the knowledge files into an immutable `KnowledgeBase`, or list every problem at once.

Each problem names the file, line and column, and says what to fix, because the people who edit
these files are psychologists and programme staff, not programmers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

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
    Hotline,
    KnowledgeBase,
    Location,
    SafetyCheck,
    Topic,
    TopicText,
)
from bot.knowledge.hotlines import fill
from bot.knowledge.model import (
    CrisisFileModel,
    CrisisModel,
    FlowModel,
    FlowsFileModel,
    HotlineModel,
    HotlinesFileModel,
    TopicFileModel,
    TopicModel,
)
from bot.language import LANGS, Lang
from bot.language.normalize import fold

YamlPath = tuple[str | int, ...]


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


def _parse(path: Path, shown: str) -> tuple[_Document | None, list[Problem]]:
    """Parse one YAML file, keeping where every value and key stands."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, 1, f"the file is not UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return None, [Problem(shown, 1, 1, f"cannot read the file: {exc.strerror}")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
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
    doc = _Document(shown, None)
    if root is None:
        return None, [Problem(shown, 1, 1, "the file is empty")]
    problems: list[Problem] = []
    doc.data = _construct(root, (), doc, problems)
    return doc, problems


_SCALARS = yaml.constructor.SafeConstructor()


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


def _construct(node: yaml.Node, path: YamlPath, doc: _Document, problems: list[Problem]) -> Any:
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
            result[key] = _construct(value_node, (*path, key), doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), doc, problems) for i, item in enumerate(node.value)]
    value = _scalar(node, doc, problems)
    # Dates, times and the like mean nothing here: keep them as the text the editor wrote.
    return value if isinstance(value, str | int | float | bool) or value is None else node.value


def _model_for(doc: _Document) -> type[BaseModel] | None:
    if not isinstance(doc.data, dict):
        return None
    if "hotlines" in doc.data:
        return HotlinesFileModel
    if "crisis" in doc.data:
        return CrisisFileModel
    if "flows" in doc.data:
        return FlowsFileModel
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
        self.topics: list[tuple[_Document, YamlPath, TopicModel, str]] = []
        self.flows: list[tuple[_Document, FlowsFileModel]] = []
        # Ids of topics in files that failed validation: they exist, with problems already
        # reported, so a reference to them is not a second problem.
        self.unchecked_ids: set[str] = set()
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
            return
        if isinstance(parsed, HotlinesFileModel):
            self.hotlines += [(doc, ("hotlines", i), h) for i, h in enumerate(parsed.hotlines)]
        elif isinstance(parsed, CrisisFileModel):
            self.crisis.append((doc, parsed.crisis))
        elif isinstance(parsed, TopicFileModel):
            self.topics += [(doc, ("topics", i), t, parsed.section)
                            for i, t in enumerate(parsed.topics)]
        elif isinstance(parsed, FlowsFileModel):
            self.flows.append((doc, parsed))

    def build(self) -> KnowledgeBase | None:
        lines = self._hotlines()
        crisis = self._crisis(lines)
        topics = self._topics(lines)
        self._check_references(topics, crisis)
        flows, first_messages = self._flows(lines, topics)
        if self.problems or crisis is None:
            return None
        # Imported here: matching depends on the knowledge types, not the other way round.
        from bot.language.detect import Lexicon
        from bot.matching.index import MatchIndex

        frozen = MappingProxyType(topics)
        lexicon = Lexicon.build({lang: _language_texts(frozen, lang) for lang in LANGS})
        return KnowledgeBase(
            topics=frozen,
            hotlines=tuple(lines.values()),
            crisis=crisis,
            index=MatchIndex.build(frozen),
            lexicon=lexicon,
            directory=self.directory,
            flows=MappingProxyType(flows),
            first_messages=first_messages,
        )

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
                name=MappingProxyType({lang: getattr(model.name, lang) for lang in LANGS}),
                note=(MappingProxyType({lang: getattr(model.note, lang) for lang in LANGS})
                      if model.note else None),
                in_menu=model.in_menu)
        if not self.hotlines:
            self.problems.append(Problem(self.directory, 1, 1, "no hotline registry: "
                                         "add hotlines.yaml with a 'hotlines' list"))
        return lines

    def _render(self, doc: _Document, path: YamlPath, text: str,
                lines: Mapping[str, Hotline]) -> str:
        """Fill placeholders and check the markup and length as Telegram would."""
        rendered, unknown = fill(text, lines)
        for item in unknown:
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
            block = getattr(model, form)
            texts = {lang: self._render(doc, ("crisis", form, lang), getattr(block, lang), lines)
                     for lang in LANGS}
            forms[form] = CrisisText(MappingProxyType(texts), tuple(block.buttons))
        check = model.safety_check
        check_texts = {lang: self._render(doc, ("crisis", "safety_check", lang, "text"),
                                          getattr(check, lang).text, lines) for lang in LANGS}
        labels = {lang: (getattr(check, lang).button_yes, getattr(check, lang).button_no,
                         getattr(check, lang).button_other) for lang in LANGS}
        return CrisisReply(forms=MappingProxyType(forms),
                           check=SafetyCheck(MappingProxyType(check_texts),
                                             MappingProxyType(labels)))

    def _topics(self, lines: Mapping[str, Hotline]) -> dict[str, Topic]:
        topics: dict[str, Topic] = {}
        examples: dict[str, tuple[str, str]] = {}
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
                location=Location(doc.path, line, column))
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
                for i, other in enumerate(getattr(crisis_model, form).buttons):
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
    """The YAML files of a knowledge directory, in a stable order."""
    return sorted(p for p in directory.iterdir()
                  if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def _shown(path: Path) -> str:
    """A path as a moderator would type it: relative to where they stand if it is below it."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def load(directory: str | Path) -> KnowledgeBase:
    """Load and validate a knowledge directory; raise `KnowledgeError` listing every problem."""
    root = Path(directory)
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 1, 1, "no such knowledge directory")])
    builder = _Builder(_shown(root))
    files = knowledge_files(root)
    if not files:
        raise KnowledgeError([Problem(_shown(root), 1, 1, "no .yaml files here")])
    for path in files:
        doc, problems = _parse(path, _shown(path))
        builder.problems += problems
        if doc is not None:
            builder.add(doc)
        else:
            builder.unreadable = True
    kb = builder.build()
    if kb is None:
        raise KnowledgeError(builder.problems)
    return kb


def validate(directory: str | Path) -> list[Problem]:
    """Every problem of a knowledge directory; empty when it loads."""
    try:
        load(directory)
    except KnowledgeError as exc:
        return list(exc.problems)
    return []
