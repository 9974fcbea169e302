"""Bad input: however a moderator breaks the knowledge files, they hear where, never a traceback.

Property-based (Hypothesis): the shipped files are copied, then mangled the ways editing goes
wrong (a line lost, doubled, swapped or re-indented, stray characters, bytes that are not
UTF-8, a file cut short, emptied or removed, a value or a key replaced). Loading either works
or names every problem as `path:line:column: message`, pointing into the files.
"""

from __future__ import annotations

import os
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from string import ascii_lowercase

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError, Problem, load, validate

KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "knowledge"
ORIGINALS = {path.name: path.read_bytes() for path in sorted(KNOWLEDGE_DIR.glob("*.yaml"))}
NAMES = sorted(ORIGINALS)
LOCATED = re.compile(r"^.+:\d+:\d+: .+$")

# --- Mutations ----------------------------------------------------------------------------------

#: What a slip of the keyboard or a paste from a document puts into a file.
STRAY = [":", ": ", "#", " #", "{", "}", "{150", "<", "&", "'", '"', "\t", "-", "- ", "|", ">",
         "[", "]", ",", "*", "&a", "*a", "!", "!x ", "%", "@", "`", "?", "\\", "\n", "\r", " ",
         "\u00a0", "\ufeff", "\u2028", "\x85", "\x00", "\x07", "\x1b", "é", "қ", "😭"]
#: Bytes a UTF-8 file cannot hold: a lone continuation, a cut sequence, a UTF-16 mark, Latin-1.
BAD_BYTES = [b"\xff", b"\xfe\xff", b"\x80", b"\xc3", b"\xd0", b"\xe2\x80", b"\xe9t\xe9",
             b"\xc0\xaf"]
#: Values a key may wrongly get: lists, blocks, numbers, null, booleans, dates, tags, aliases.
VALUES = ["[a, b]", "[]", "{}", "{a: 1}", "- x", "42", "-1", "3.14", "1e400", ".nan", "0x1F",
          "null", "~", "", "true", "no", "'   '", '""', "2024-01-01", "12:30", "9" * 5000,
          "!!int abc", "!!float x", "!!bool maybe", "!!timestamp x", "!!binary ???", "!!str",
          "!Help me", "!!python/object:os.system x", "&a [*a]", "*nowhere", "|", ">-",
          "{150}", "<b>unclosed", "&nbsp;", "'it''s'", '"\\x41\\n"']
#: Keys a file may wrongly get: misspelt, in the wrong case, empty, odd characters.
KEYS = ["answr", "Title", "kk ", "KK", "ru2", "examples_", "id", "", "''", "\"a\\nb\"", "?",
        "- kk", "1", "null", "тема", "[a]", "{b: 1}", "<<"]


@dataclass(frozen=True)
class Mutation:
    """One way to break one file; numbers are taken modulo the file's size when applied."""

    kind: str
    name: str
    args: tuple[object, ...] = ()

    def __str__(self) -> str:
        return f"{self.kind} {self.name} {self.args!r}"[:300]


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "surrogateescape").split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8", "surrogateescape")


_KEY_LINE = re.compile(r"^(\s*(?:- )?)([^\s:#][^:#]*?)(:)(\s*)(.*)$")


def apply(mutation: Mutation, data: bytes) -> bytes | None:
    """The file's new content, or None when the mutation removes it."""
    kind, args = mutation.kind, mutation.args
    if kind == "remove":
        return None
    if kind == "empty":
        return args[0].encode() if args else b""
    if kind == "truncate":
        return data[:int(args[0]) % (len(data) + 1)]
    if kind == "bytes":
        pos = int(args[0]) % (len(data) + 1)
        return data[:pos] + bytes(args[1]) + data[pos:]  # type: ignore[call-overload]
    lines = _lines(data)
    i = int(args[0]) % len(lines)
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = int(args[1]) % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        body = lines[i].lstrip(" \t")
        indent = len(lines[i]) - len(body)
        lines[i] = ("\t" if args[1] == "tab" else " " * max(0, indent + int(args[1]))) + body
    elif kind == "insert":
        col = int(args[1]) % (len(lines[i]) + 1)
        lines[i] = lines[i][:col] + str(args[2]) + lines[i][col:]
    elif kind in ("value", "key"):
        # The first `key: value` line from line i on (wrapping round).
        for k in range(len(lines)):
            n = (i + k) % len(lines)
            found = _KEY_LINE.match(lines[n])
            if found:
                lead, key, colon, space, value = found.groups()
                if kind == "value":
                    lines[n] = f"{lead}{key}{colon} {args[1]}"
                else:
                    lines[n] = f"{lead}{args[1]}{colon}{space}{value}"
                break
    else:
        raise AssertionError(f"unknown mutation {kind}")
    return _join(lines)


names = st.sampled_from(NAMES)
index = st.integers(0, 10_000)
inserted = st.lists(st.sampled_from(STRAY) | st.characters(exclude_categories=["Cs"]),
                    min_size=1, max_size=5).map("".join)
mutations = st.one_of(
    st.builds(Mutation, st.just("delete"), names, st.tuples(index)),
    st.builds(Mutation, st.just("duplicate"), names, st.tuples(index)),
    st.builds(Mutation, st.just("swap"), names, st.tuples(index, index)),
    st.builds(Mutation, st.just("indent"), names,
              st.tuples(index, st.sampled_from([-4, -2, -1, 1, 2, 4, "tab"]))),
    st.builds(Mutation, st.just("insert"), names, st.tuples(index, st.integers(0, 200), inserted)),
    st.builds(Mutation, st.just("bytes"), names,
              st.tuples(index, st.sampled_from(BAD_BYTES) | st.binary(min_size=1, max_size=4))),
    st.builds(Mutation, st.just("truncate"), names, st.tuples(st.integers(0, 100_000))),
    st.builds(Mutation, st.just("value"), names,
              st.tuples(index, st.sampled_from(VALUES) | st.integers().map(str)
                        | st.floats().map(str))),
    st.builds(Mutation, st.just("key"), names,
              st.tuples(index, st.sampled_from(KEYS) | st.text(ascii_lowercase + "_", min_size=1,
                                                               max_size=12))),
    st.builds(Mutation, st.just("empty"), names, st.sampled_from([(), ("\n",), ("# nothing\n",),
                                                                  ("---\n",), ("...\n",)])),
    st.builds(Mutation, st.just("remove"), names),
)

# --- The property -------------------------------------------------------------------------------


def line_count(data: bytes) -> int:
    """Lines of a file, counting every break an editor or YAML may count."""
    text = data.decode("utf-8", "replace")
    return max(text.count("\n") + 1, len(text.splitlines()) + 1)


def check_problem(problem: Problem, directory: Path, files: dict[str, bytes]) -> None:
    """A problem names a file of the directory (or the directory), and a place inside it."""
    shown = str(problem)
    assert LOCATED.fullmatch(shown), f"not path:line:column: message: {shown!r}"
    assert len(shown.splitlines()) == 1, f"a problem on several lines: {shown!r}"
    assert problem.line >= 1 and problem.column >= 1, shown
    where = Path(os.path.abspath(problem.path))
    if where == directory:
        assert problem.line == 1, shown
        return
    assert where.parent == directory and where.name in files, f"names no file: {shown}"
    assert problem.line <= line_count(files[where.name]) + 1, shown


def check_directory(directory: Path, files: dict[str, bytes]) -> None:
    """Load either works or raises a KnowledgeError whose problems are all located."""
    try:
        kb = load(directory)
    except KnowledgeError as exc:
        assert exc.problems, "a KnowledgeError without problems"
        for problem in exc.problems:
            check_problem(problem, directory, files)
        problems = validate(directory)
        assert problems == list(exc.problems)
        assert [str(p) for p in problems] == str(exc).splitlines()
        event("problems")
        return
    # validate() is load() with the error caught: on success it is not run again, as each load
    # of the whole directory costs a few tenths of a second.
    assert isinstance(kb, KnowledgeBase)
    event("loads")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(changes=st.lists(mutations, min_size=1, max_size=3))
@example(changes=[Mutation("insert", "crisis.yaml", (1, 0, "\x00"))])
@example(changes=[Mutation("value", "crisis.yaml", (2, "!!int abc"))])
@example(changes=[Mutation("value", "crisis.yaml", (2, "9" * 5000))])
@example(changes=[Mutation("value", "crisis.yaml", (2, "&a [*a]"))])
@example(changes=[Mutation("key", "crisis.yaml", (2, '"butt\\nons"'))])
@example(changes=[Mutation("value", "hotlines.yaml", (6, '"1\\n50"'))])
def test_broken_knowledge_is_located_never_a_crash(
        tmp_path_factory: pytest.TempPathFactory, changes: list[Mutation]) -> None:
    directory = tmp_path_factory.mktemp("knowledge").resolve()
    files = dict(ORIGINALS)
    for change in changes:
        if change.name in files:
            content = apply(change, files[change.name])
            if content is None:
                del files[change.name]
            else:
                files[change.name] = content
    for name, content in files.items():
        (directory / name).write_bytes(content)
    try:
        check_directory(directory, files)
    except AssertionError:
        raise  # a property broken: Hypothesis shows the changes that broke it
    except Exception:
        pytest.fail("loading knowledge mutated by\n  " + "\n  ".join(map(str, changes))
                    + "\nraised\n" + traceback.format_exc(), pytrace=False)
