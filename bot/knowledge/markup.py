"""Telegram's HTML: checking it as Telegram would, and turning it into plain text.

Answers are written in the small HTML dialect Telegram accepts (`parse_mode=HTML`). A tag or an
entity it does not know makes Telegram refuse the whole message, so the validator checks every
answer with `problems()` before the bot ever sends it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

#: Tags Telegram accepts with parse_mode=HTML, and the attributes each may carry.
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(), "strong": frozenset(), "i": frozenset(), "em": frozenset(),
    "u": frozenset(), "ins": frozenset(), "s": frozenset(), "strike": frozenset(),
    "del": frozenset(), "code": frozenset(), "pre": frozenset(),
    "span": frozenset({"class"}), "tg-spoiler": frozenset(), "a": frozenset({"href"}),
    "blockquote": frozenset({"expandable"}), "tg-emoji": frozenset({"emoji-id"}),
}
NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
#: Telegram's limit on a message, counted in UTF-16 code units of the visible text.
MESSAGE_LIMIT = 4096

_ATTR_TEXT = r"""(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*"""
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(" + _ATTR_TEXT + r")\s*(/?)>")
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_TAGS_ANY = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Problem:
    """A markup problem at a character offset of the text."""

    offset: int
    message: str


def problems(text: str) -> list[Problem]:
    """List what Telegram would reject in this HTML, each with its offset."""
    found: list[Problem] = []
    stack: list[tuple[str, int]] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "<":
            match = _TAG.match(text, pos)
            if not match:
                found.append(Problem(pos, "a bare '<': write &lt; or use a tag Telegram knows"))
                pos += 1
                continue
            closing, name, attrs, _ = match.groups()
            name = name.lower()
            if name not in ALLOWED_TAGS:
                found.append(Problem(pos, f"Telegram does not accept the tag <{name}>; "
                                          f"use one of: {', '.join(sorted(ALLOWED_TAGS))}"))
            elif closing:
                if not stack or stack[-1][0] != name:
                    found.append(Problem(pos, f"</{name}> closes a tag that is not open"))
                else:
                    stack.pop()
            else:
                found.extend(_attribute_problems(name, attrs, pos))
                stack.append((name, pos))
            pos = match.end()
        elif ch == "&":
            match = _ENTITY.match(text, pos)
            if not match or (not match.group(1).startswith("#")
                             and match.group(1) not in NAMED_ENTITIES):
                found.append(Problem(pos, "a bare '&': write &amp; (Telegram knows only "
                                          "&lt; &gt; &amp; &quot;)"))
                pos += 1
            else:
                pos = match.end()
        elif ch == ">":
            found.append(Problem(pos, "a bare '>': write &gt;"))
            pos += 1
        else:
            pos += 1
    for name, start in stack:
        found.append(Problem(start, f"<{name}> is never closed"))
    return found


def _attribute_problems(tag: str, attrs: str, pos: int) -> list[Problem]:
    found = []
    names = {}
    for name, value in _ATTR.findall(attrs):
        names[name.lower()] = value.strip("\"'")
        if name.lower() not in ALLOWED_TAGS[tag]:
            found.append(Problem(pos, f"<{tag}> does not take the attribute '{name}'"))
    if tag == "a":
        href = names.get("href", "")
        if not re.match(r"^(https?://|tg://|mailto:)\S+$", href):
            found.append(Problem(pos, "<a> needs href=\"https://...\""))
    return found


def to_plain(text: str) -> str:
    """Turn Telegram HTML into the plain text a person reads (links keep their address)."""
    def link(match: re.Match[str]) -> str:
        label, href = match.group(2), match.group(1)
        plain_label = _TAGS_ANY.sub("", label)
        address = re.sub(r"^https?://", "", href).rstrip("/")
        return plain_label if address in plain_label else f"{plain_label} ({address})"

    text = re.sub(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', link, text, flags=re.S)
    return html.unescape(_TAGS_ANY.sub("", text))


def visible_length(text: str) -> int:
    """Length of the visible text as Telegram counts it (UTF-16 code units)."""
    return len(to_plain(text).encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Escape plain text for Telegram HTML."""
    return html.escape(text, quote=False)
