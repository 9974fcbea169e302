"""Adding an example question to a topic, as a moderator would by hand.

The file is edited with ruamel.yaml's round trip, so its comments, key order, quoting and layout
stay as the moderator left them; the only change is the new line (anything else is refused).
Nothing is written unless the whole knowledge base still validates with the change, and the
file is replaced in one step, so the running bot's live reload never sees half a file.
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.lint import Finding, lint
from bot.knowledge.loader import KnowledgeError, Problem, _shown, load, validate
from bot.language import Lang
from bot.language.normalize import clean, fold, has_letters_or_digits


class EditError(Exception):
    """The change cannot be made; nothing was written. `problems` lists what validation found."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems


@dataclass(frozen=True)
class Edit:
    """A change written to a knowledge file: the text before and after."""

    path: Path
    before: str
    after: str
    topic: str
    lang: Lang
    example: str
    #: The line of the new example in the file (1-based).
    line: int

    def diff(self) -> str:
        """The change as a unified diff, as `git diff` would show it."""
        name = str(self.path)
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"a/{name}", tofile=f"b/{name}"))


def add_example(directory: str | Path, topic_id: str, lang: Lang, text: str) -> Edit:
    """Add `text` as an example question of a topic in a language; raise EditError if it
    cannot be added (unknown topic, already an example, a change that does not validate)."""
    example = clean(text)
    if not has_letters_or_digits(example):
        raise EditError("the example has no words")
    kb = _load(Path(directory))
    topic = kb.topics.get(topic_id)
    if topic is None:
        raise EditError(f"no topic has the id '{topic_id}' (see `qoldau triage --list` or the "
                        "knowledge files for the ids)")
    _refuse_a_known_example(kb, topic_id, example)
    path = Path(topic.location.path)
    before = path.read_text(encoding="utf-8")
    after = _with_example(before, topic_id, lang, example)
    line = _inserted_line(before, after)
    if line is None:
        raise EditError(f"{path}: the file's layout could not be kept exactly (an unusual "
                        "indentation?); add the example by hand")
    _check(Path(directory), path, after)
    _replace(path, after)
    return Edit(path, before, after, topic_id, lang, example, line)


@dataclass(frozen=True)
class Review:
    """What validation and lint say once an edit is written: validation's problems (none, as
    the edit was checked), lint's findings about the new example, and every lint error."""

    problems: tuple[Problem, ...]
    findings: tuple[Finding, ...]
    errors: int
    warnings: int


def review(edit: Edit, directory: str | Path) -> Review:
    """Run validation and lint on the edited knowledge base; keep what concerns the edit."""
    problems = tuple(validate(directory))
    if problems:
        return Review(problems, (), 0, 0)
    edited = edit.path.resolve()
    mine = [f for f in lint(directory)
            if f.severity == "error" or f"'{edit.example}'" in f.message
            or (f.line == edit.line and Path(f.path).resolve() == edited)]
    errors = sum(f.severity == "error" for f in mine)
    return Review((), tuple(mine), errors, len(mine) - errors)


def _load(directory: Path) -> KnowledgeBase:
    try:
        return load(directory)
    except KnowledgeError as exc:
        raise EditError(f"{directory}: the knowledge base has problems; fix them first",
                        exc.problems) from None


def _refuse_a_known_example(kb: KnowledgeBase, topic_id: str, example: str) -> None:
    """An example belongs to one topic, once (the loader's rule, said before editing)."""
    key = fold(example)
    for topic in kb.topics.values():
        for lang, text in topic.texts.items():
            if any(fold(e) == key for e in text.examples):
                where = "this topic" if topic.id == topic_id else f"the topic '{topic.id}'"
                raise EditError(f"'{example}' is already an example of {where} ({lang})")


def _yaml(text: str) -> YAML:
    """A round-trip YAML that writes the file back as it was read (its indentation guessed)."""
    _, indent, offset = load_yaml_guess_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # long lines stay as they are, never folded
    yaml.indent(mapping=2, sequence=indent or 4, offset=offset if offset is not None else 2)
    return yaml


def _with_example(text: str, topic_id: str, lang: Lang, example: str) -> str:
    """The file's text with the example appended to the topic's examples in a language."""
    yaml = _yaml(text)
    data = yaml.load(text)
    topic = next(t for t in data["topics"] if t.get("id") == topic_id)
    examples = topic[lang]["examples"]
    last = len(examples) - 1
    examples.append(example)
    _move_comments_below(examples, last)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _move_comments_below(items: Any, last: int) -> None:
    """Comment lines and blank lines after the old last item stay after the list, below the new
    item; the old item keeps its end-of-line comment."""
    token = items.ca.items.get(last, [None])[0]
    if token is None:
        return
    own, _, after = token.value.partition("\n")
    if own.strip():
        token.value = own + "\n"
    else:
        del items.ca.items[last]
    if after:
        items.ca.items[last + 1] = [CommentToken("\n" + after, CommentMark(0), None),
                                    None, None, None]


def _inserted_line(before: str, after: str) -> int | None:
    """The line (1-based) of the one line `after` adds to `before`; None when anything else
    changed."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(),
                                      autojunk=False)
    changes = [(op, j1, j2) for op, _, _, j1, j2 in matcher.get_opcodes() if op != "equal"]
    if len(changes) != 1 or changes[0][0] != "insert" or changes[0][2] - changes[0][1] != 1:
        return None
    return changes[0][1] + 1


def _check(directory: Path, path: Path, text: str) -> None:
    """Validate the knowledge base with the change, in a copy; raise EditError on a problem."""
    with tempfile.TemporaryDirectory(prefix="qoldau-edit-") as folder:
        copy = Path(folder) / "knowledge"
        shutil.copytree(directory, copy, ignore=shutil.ignore_patterns(".*"))
        (copy / path.name).write_text(text, encoding="utf-8")
        problems = validate(copy)
        if problems:
            # Said of the real files, not of the copy.
            copied, real_dir = _shown(copy), _shown(directory)
            real = tuple(Problem(p.path.replace(copied, real_dir), p.line, p.column, p.message)
                         for p in problems)
            raise EditError(f"{path}: the change would not validate; nothing was written", real)


def _replace(path: Path, text: str) -> None:
    """Write the file in one step: a reader sees the old file or the new, never half."""
    spare = path.with_name(f".{path.name}.qoldau-edit")
    spare.write_text(text, encoding="utf-8")
    shutil.copymode(path, spare)
    os.replace(spare, path)
