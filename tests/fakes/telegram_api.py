"""A faithful fake of the Telegram Bot API for offline tests.

`FakeTelegram` serves the Bot API over HTTP on 127.0.0.1, validates every request against the
machine-readable spec (shared/telegram/bot-api.json), keeps chats, messages, updates and bot
commands as state, and answers with the errors the real service gives (see
shared/telegram/README.md).

    async with FakeTelegram(token="123456:TEST") as tg:
        tg.add_private_user(42, first_name="Aigerim", language_code="kk")
        app = tg.application_builder().build()      # or tg.make_bot() / Bot(base_url=tg.base_url)
        ...                                         # add handlers, start polling
        tg.send_command(42, "/start")
        [call] = await tg.wait_for("sendMessage")
        tg.press_button(42, call.result["message_id"], "lang:kk")
        await tg.wait_idle()
        assert tg.last_sent(42).text == "..."
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import itertools
import json
import math
import os
import re
import socket
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from aiohttp import web

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import ApplicationBuilder

SPEC_ENV_VAR = "TELEGRAM_BOT_API_SPEC"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_DATA_BYTES = 64
MAX_BOT_COMMANDS = 100
MAX_INLINE_RESULTS = 50
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_DELETE_IDS = 100
# "A message can only be deleted if it was sent less than 48 hours ago" (deleteMessage).
DELETE_WINDOW_S = 48 * 3600

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
POLLING_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update kinds Telegram leaves out unless they are asked for explicitly in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_INT_RE = re.compile(r"[+-]?\d+")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional parameters."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {message}")


def flood_error(retry_after: int) -> ApiError:
    """A 429 flood-control error carrying parameters.retry_after."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


# --------------------------------------------------------------------------------------------
# Text formatting: parse_mode parsing, UTF-16 lengths and trimming, as Telegram does it
# --------------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units, the unit Telegram counts lengths and offsets in."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of text[index]; TDLib reports parse errors in bytes."""
    return len(text[:index].encode("utf-8"))


class EntityParseError(Exception):
    """Malformed markup for a parse_mode; the message follows TDLib's wording."""


@dataclass
class FormattedText:
    """Visible text plus its MessageEntity dicts, as Telegram stores a message."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


class _TextBuilder:
    """Collects visible text while tracking its length in UTF-16 code units."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0

    def add(self, chunk: str) -> None:
        """Append visible text."""
        if chunk:
            self._parts.append(chunk)
            self.length += utf16_len(chunk)

    def text(self) -> str:
        """All visible text so far."""
        return "".join(self._parts)


@dataclass
class _OpenEntity:
    """An entity whose start was seen but whose end is still to come."""

    name: str
    start: int
    byte_offset: int
    entity: dict[str, Any] | None


def _close_entity(entities: list[dict[str, Any]], opened: _OpenEntity, end: int) -> None:
    """Record an entity ending at end; Telegram drops empty ones."""
    if opened.entity is not None and end > opened.start:
        entities.append({**opened.entity, "offset": opened.start, "length": end - opened.start})


def _sorted_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities in Telegram's order: by offset, outer (longer) first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


_HTML_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]*));")
_HTML_SPECIAL_RE = re.compile(r"[<&]")


def _decode_html_entity(text: str, pos: int) -> tuple[str, int]:
    """Decode the character reference at text[pos] ('&'); bare or unknown ones are errors."""
    match = _HTML_ENTITY_RE.match(text, pos)
    where = f"at byte offset {_byte_offset(text, pos)}"
    if match is None:
        raise EntityParseError(f'Character "&" must be escaped as "&amp;" {where}')
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in _HTML_NAMED_ENTITIES:
            raise EntityParseError(f'Unsupported HTML entity "&{name};" {where}')
        return _HTML_NAMED_ENTITIES[name], match.end()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise EntityParseError(f"Invalid HTML character reference {where}")
    return chr(code), match.end()


def _unescape_attribute(value: str) -> str:
    """Decode the character references TDLib knows inside an attribute value."""

    def replace(match: re.Match[str]) -> str:
        decimal, hexadecimal, name = match.groups()
        if name is not None:
            return _HTML_NAMED_ENTITIES.get(name, match.group(0))
        return chr(int(decimal) if decimal is not None else int(hexadecimal, 16))

    return _HTML_ENTITY_RE.sub(replace, value)


def _html_attributes(text: str, pos: int, tag: str, byte_pos: int) -> tuple[dict[str, str], int]:
    """Parse a start tag's attributes from pos; return them and the index after '>'."""
    attributes: dict[str, str] = {}
    size = len(text)
    unclosed = EntityParseError(f"Unclosed start tag at byte offset {byte_pos}")
    while True:
        while pos < size and text[pos].isspace():
            pos += 1
        if pos >= size:
            raise unclosed
        if text[pos] == ">":
            return attributes, pos + 1
        start = pos
        while pos < size and not text[pos].isspace() and text[pos] not in "=>":
            pos += 1
        name = text[start:pos].lower()
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {byte_pos}'
            )
        while pos < size and text[pos].isspace():
            pos += 1
        value = ""
        if pos < size and text[pos] == "=":
            pos += 1
            while pos < size and text[pos].isspace():
                pos += 1
            if pos >= size:
                raise unclosed
            if text[pos] in "\"'":
                close = text.find(text[pos], pos + 1)
                if close == -1:
                    raise unclosed
                value, pos = text[pos + 1 : close], close + 1
            else:
                start = pos
                while pos < size and not text[pos].isspace() and text[pos] != ">":
                    pos += 1
                value = text[start:pos]
        attributes[name] = _unescape_attribute(value)


def _html_tag_entity(
    tag: str, attributes: dict[str, str], stack: list[_OpenEntity]
) -> dict[str, Any] | None:
    """The entity a start tag opens (None when it opens none), checking tag-specific rules."""
    if tag == "span" and attributes.get("class") != "tg-spoiler":
        raise EntityParseError('Tag "span" must have class "tg-spoiler"')
    if tag == "a":
        href = attributes.get("href", "")
        return {"type": "text_link", "url": href} if href else None
    if tag == "code":
        language = attributes.get("class", "")
        parent = stack[-1] if stack else None
        if parent and parent.name == "pre" and parent.entity and language.startswith("language-"):
            # <pre><code class="language-x"> sets the language of the pre block instead.
            parent.entity["language"] = language.removeprefix("language-")
            return None
        return {"type": "code"}
    if tag == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attributes else "blockquote"}
    if tag == "tg-emoji":
        if not attributes.get("emoji-id"):
            raise EntityParseError('Tag "tg-emoji" must have attribute "emoji-id"')
        return {"type": "custom_emoji", "custom_emoji_id": attributes["emoji-id"]}
    if tag == "tg-time":
        unix = attributes.get("unix", "")
        if not unix.isdigit():
            raise EntityParseError('Tag "tg-time" must have a valid attribute "unix"')
        entity: dict[str, Any] = {"type": "date_time", "unix_time": int(unix)}
        if attributes.get("format"):
            entity["date_time_format"] = attributes["format"]
        return entity
    return {"type": _HTML_TAG_TYPES[tag]}


def parse_html(text: str) -> FormattedText:
    """Parse Telegram's HTML subset; raise EntityParseError as TDLib would."""
    out = _TextBuilder()
    entities: list[dict[str, Any]] = []
    stack: list[_OpenEntity] = []
    pos, size = 0, len(text)
    while pos < size:
        special = _HTML_SPECIAL_RE.search(text, pos)
        end = special.start() if special else size
        out.add(text[pos:end])
        pos = end
        if special is None:
            break
        byte_pos = _byte_offset(text, pos)
        if text[pos] == "&":
            decoded, pos = _decode_html_entity(text, pos)
            out.add(decoded)
        elif text.startswith("</", pos):
            close = text.find(">", pos)
            if close == -1:
                raise EntityParseError(f"Unclosed end tag at byte offset {byte_pos}")
            tag = text[pos + 2 : close].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_pos}")
            opened = stack.pop()
            if tag != opened.name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {byte_pos}, expected "</{opened.name}>", '
                    f'found "</{tag}>"'
                )
            _close_entity(entities, opened, out.length)
            pos = close + 1
        else:
            name_end = pos + 1
            while name_end < size and not text[name_end].isspace() and text[name_end] != ">":
                name_end += 1
            if name_end >= size:
                raise EntityParseError(f"Unclosed start tag at byte offset {byte_pos}")
            tag = text[pos + 1 : name_end].lower()
            if tag not in _HTML_TAG_TYPES:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {byte_pos}')
            attributes, pos = _html_attributes(text, name_end, tag, byte_pos)
            entity = _html_tag_entity(tag, attributes, stack)
            stack.append(_OpenEntity(tag, out.length, byte_pos, entity))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return FormattedText(out.text(), _sorted_entities(entities))


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_ENTITY_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _is_escapable(char: str) -> bool:
    """MarkdownV2 lets '\\' escape any character with code 1..126."""
    return 0 < ord(char) <= 126


class _MarkdownV2Parser:
    """Parser for MarkdownV2 with TDLib's rules: reserved characters must be escaped."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out = _TextBuilder()
        self.entities: list[dict[str, Any]] = []
        self.stack: list[_OpenEntity] = []
        self.quote: _OpenEntity | None = None
        self.last_char = ""

    def _add(self, chunk: str) -> None:
        self.out.add(chunk)
        if chunk:
            self.last_char = chunk[-1]

    def parse(self) -> FormattedText:
        """Parse the whole text."""
        text = self.text
        while self.pos < len(text):
            if self.pos == 0 or text[self.pos - 1] == "\n":
                self._line_start()
                if self.pos >= len(text):
                    break
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text) and _is_escapable(text[self.pos + 1]):
                self._add(text[self.pos + 1])
                self.pos += 2
            elif char not in _MDV2_RESERVED:
                self._add(char)
                self.pos += 1
            else:
                self._markup(char)
        self._close_quote()
        if self.stack:
            opened = self.stack[-1]
            name = _MDV2_ENTITY_NAMES.get(opened.name, opened.name)
            raise EntityParseError(
                f"Can't find end of {name} entity at byte offset {opened.byte_offset}"
            )
        return FormattedText(self.out.text(), _sorted_entities(self.entities))

    def _line_start(self) -> None:
        """Handle '>' / '**>' block quotation markers at the start of a line."""
        if self.text.startswith("**>", self.pos):
            marker, kind = 3, "expandable_blockquote"
        elif self.text.startswith(">", self.pos):
            marker, kind = 1, "blockquote"
        else:
            self._close_quote()
            return
        if self.quote is None:
            byte_pos = _byte_offset(self.text, self.pos)
            self.quote = _OpenEntity(kind, self.out.length, byte_pos, {"type": kind})
        self.pos += marker

    def _close_quote(self) -> None:
        if self.quote is not None:
            end = self.out.length - (1 if self.last_char == "\n" else 0)
            _close_entity(self.entities, self.quote, end)
            self.quote = None

    def _reserved(self, char: str) -> EntityParseError:
        return EntityParseError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )

    def _toggle(self, name: str, width: int) -> None:
        """Close the innermost entity if it is `name`, otherwise open a new one."""
        if self.stack and self.stack[-1].name == name:
            _close_entity(self.entities, self.stack.pop(), self.out.length)
        else:
            byte_pos = _byte_offset(self.text, self.pos)
            self.stack.append(_OpenEntity(name, self.out.length, byte_pos, {"type": name}))
        self.pos += width

    def _markup(self, char: str) -> None:
        text, pos = self.text, self.pos
        top = self.stack[-1].name if self.stack else None
        if char == "`":
            self._code()
        elif char == "*":
            self._toggle("bold", 1)
        elif char == "_":
            if top == "underline" and text.startswith("__", pos):
                self._toggle("underline", 2)
            elif top == "italic":
                self._toggle("italic", 1)
            elif text.startswith("__", pos):
                self._toggle("underline", 2)
            else:
                self._toggle("italic", 1)
        elif char == "~":
            self._toggle("strikethrough", 1)
        elif char == "|" and text.startswith("||", pos):
            ends_line = pos + 2 == len(text) or text[pos + 2] == "\n"
            if self.quote and self.quote.name == "expandable_blockquote" and ends_line:
                self.pos += 2  # "||" closing an expandable block quotation
            else:
                self._toggle("spoiler", 2)
        elif char == "[":
            self._toggle("text_link", 1)
        elif char == "!" and text.startswith("![", pos):
            byte_pos = _byte_offset(text, pos)
            self.stack.append(_OpenEntity("custom_emoji", self.out.length, byte_pos, None))
            self.pos += 2
        elif char == "]" and top in ("text_link", "custom_emoji"):
            self._link_end()
        else:
            raise self._reserved(char)

    def _scan_until(self, start: int, terminator: str) -> tuple[str, int] | None:
        """Unescape text from start up to an unescaped terminator; None if there is none."""
        text, chars, pos = self.text, [], start
        while pos < len(text):
            if text[pos] == "\\" and pos + 1 < len(text) and _is_escapable(text[pos + 1]):
                chars.append(text[pos + 1])
                pos += 2
            elif text.startswith(terminator, pos):
                return "".join(chars), pos
            else:
                chars.append(text[pos])
                pos += 1
        return None

    def _code(self) -> None:
        byte_pos = _byte_offset(self.text, self.pos)
        if self.text.startswith("```", self.pos):
            found = self._scan_until(self.pos + 3, "```")
            if found is None:
                raise EntityParseError(f"Can't find end of Pre entity at byte offset {byte_pos}")
            body, end = found
            entity: dict[str, Any] = {"type": "pre"}
            first_line, newline, rest = body.partition("\n")
            if newline and not any(c.isspace() for c in first_line):
                body = rest
                if first_line:
                    entity["language"] = first_line
            self.pos = end + 3
        else:
            found = self._scan_until(self.pos + 1, "`")
            if found is None:
                raise EntityParseError(f"Can't find end of Code entity at byte offset {byte_pos}")
            body, end = found
            entity = {"type": "code"}
            self.pos = end + 1
        start = self.out.length
        self._add(body)
        _close_entity(self.entities, _OpenEntity("code", start, byte_pos, entity), self.out.length)

    def _link_end(self) -> None:
        opened = self.stack.pop()
        pos = self.pos + 1
        url = ""
        if pos < len(self.text) and self.text[pos] == "(":
            found = self._scan_until(pos + 1, ")")
            if found is None:
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(self.text, pos)}"
                )
            url, end = found
            pos = end + 1
        self.pos = pos
        if opened.name == "custom_emoji":
            match = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
            if match is None:
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            opened.entity = {"type": "custom_emoji", "custom_emoji_id": match.group(1)}
        else:
            opened.entity = {"type": "text_link", "url": url} if url else None
        _close_entity(self.entities, opened, self.out.length)


def parse_markdown_v2(text: str) -> FormattedText:
    """Parse MarkdownV2; raise EntityParseError as TDLib would."""
    return _MarkdownV2Parser(text).parse()


def parse_markdown(text: str) -> FormattedText:
    """Parse legacy Markdown (no nesting; only _ * ` [ are special)."""
    out = _TextBuilder()
    entities: list[dict[str, Any]] = []
    pos, size = 0, len(text)
    while pos < size:
        char = text[pos]
        if char == "\\" and pos + 1 < size and text[pos + 1] in "_*`[":
            out.add(text[pos + 1])
            pos += 2
            continue
        if char not in "_*`[":
            out.add(char)
            pos += 1
            continue
        unclosed = EntityParseError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, pos)}"
        )
        if char == "[":
            close = text.find("]", pos + 1)
            if close == -1:
                raise unclosed
            label, url, pos = text[pos + 1 : close], "", close + 1
            if text.startswith("(", pos):
                url_end = text.find(")", pos + 1)
                if url_end == -1:
                    raise unclosed
                url, pos = text[pos + 1 : url_end], url_end + 1
            start = out.length
            out.add(label)
            if url:
                entities.append(
                    {"type": "text_link", "url": url, "offset": start, "length": out.length - start}
                )
            continue
        delimiter = "```" if text.startswith("```", pos) else char
        close = text.find(delimiter, pos + len(delimiter))
        if close == -1:
            raise unclosed
        body = text[pos + len(delimiter) : close]
        entity: dict[str, Any] = {"type": {"*": "bold", "_": "italic", "`": "code"}[char]}
        if delimiter == "```":
            entity = {"type": "pre"}
            first_line, newline, rest = body.partition("\n")
            if newline and first_line and not any(c.isspace() for c in first_line):
                entity["language"], body = first_line, rest
        start = out.length
        out.add(body)
        if out.length > start:
            entities.append({**entity, "offset": start, "length": out.length - start})
        pos = close + len(delimiter)
    return FormattedText(out.text(), _sorted_entities(entities))


_PARSERS: dict[str, Callable[[str], FormattedText]] = {
    "html": parse_html,
    "markdownv2": parse_markdown_v2,
    "markdown": parse_markdown,
}


def _trim(formatted: FormattedText) -> FormattedText:
    """Strip leading/trailing whitespace like Telegram, shifting and clipping entities."""
    stripped = formatted.text.strip()
    if stripped == formatted.text:
        return formatted
    lead = utf16_len(formatted.text[: len(formatted.text) - len(formatted.text.lstrip())])
    total = utf16_len(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


def format_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> FormattedText:
    """Apply parse_mode (or explicit entities) and trim; raise ApiError for bad markup."""
    mode = (parse_mode or "").lower()
    if mode and mode not in _PARSERS:
        raise bad_request("unsupported parse_mode")
    try:
        formatted = _PARSERS[mode](text) if mode else FormattedText(text, list(entities or []))
    except EntityParseError as err:
        raise bad_request(f"can't parse entities: {err}") from None
    return _trim(formatted)


# --------------------------------------------------------------------------------------------
# Request validation against bot-api.json
# --------------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """A file part of a multipart/form-data request."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


class _Invalid(Exception):
    """A value that does not match the spec; path is relative to the request parameter."""

    def __init__(self, path: str, kind: str, detail: str = "") -> None:
        super().__init__(path, kind, detail)
        self.path = path
        self.kind = kind  # "type", "missing" or "value"
        self.detail = detail

    @property
    def depth(self) -> int:
        """How far into the value the mismatch is; deeper errors explain more."""
        return self.path.count(".") + self.path.count("[") + (1 if self.path else 0)

    def describe(self, param: str) -> str:
        """Telegram-style description of the error for request parameter `param`."""
        full = param + ("" if not self.path or self.path.startswith("[") else ".") + self.path
        if self.kind == "missing":
            return f"can't parse {param}: Can't find field \"{full}\""
        if self.kind == "value":
            return f'can\'t parse {param}: Field "{full}" has unsupported value {self.detail}'
        if not self.path:
            return f'field "{param}" must be of type {self.detail}'
        return f'can\'t parse {param}: Field "{full}" must be of type {self.detail}'


def _join_path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_float_text(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


# Scalar checks for values nested inside JSON objects.  Like TDLib, numbers may come as strings.
_SCALAR_CHECKS: dict[str, Callable[[Any], bool]] = {
    "Integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, str) and _INT_RE.fullmatch(v) is not None)
    ),
    "Float": lambda v: (
        (isinstance(v, (int, float)) and not isinstance(v, bool))
        or (isinstance(v, str) and _is_float_text(v))
    ),
    "Boolean": lambda v: isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "InputFile": lambda v: isinstance(v, str),
}

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_HOST_LABEL_RE = re.compile(r"(?!-)[\w-]{1,63}(?<!-)")
_IPV4_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def is_valid_button_url(url: str) -> bool:
    """Whether Telegram would accept url on a button: http(s) with a real host, or tg://."""
    if not url or any(char.isspace() for char in url):
        return False
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme == "tg":
        return bool(parts.netloc)
    host = parts.hostname or ""
    if scheme not in ("http", "https") or not host:
        return False
    if _IPV4_RE.fullmatch(host):
        return all(int(octet) <= 255 for octet in host.split("."))
    labels = host.split(".")
    # A bare name such as "localhost" is refused; the last label must look like a TLD.
    return (
        len(labels) >= 2
        and all(_HOST_LABEL_RE.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
        and len(labels[-1]) >= 2
    )


def _check_inline_button(button: dict[str, Any]) -> None:
    """Telegram's rules for one inline keyboard button beyond the spec's types."""
    if not any(button.get(action) is not None for action in _BUTTON_ACTIONS):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not is_valid_button_url(url):
        raise bad_request("BUTTON_URL_INVALID")
    web_app = button.get("web_app")
    if isinstance(web_app, dict):
        app_url = web_app.get("url", "")
        if not app_url.lower().startswith("https://") or not is_valid_button_url(app_url):
            raise bad_request(
                f"inline keyboard button Web App URL '{app_url}' is invalid: Only HTTPS links "
                "are allowed"
            )


def _check_inline_markup(markup: dict[str, Any]) -> None:
    """At most 100 buttons in an inline keyboard."""
    if sum(len(row) for row in markup["inline_keyboard"]) > MAX_INLINE_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")


# Checks Telegram makes on top of the spec's field types, keyed by spec type name.
_TYPE_RULES: dict[str, Callable[[dict[str, Any]], None]] = {
    "InlineKeyboardButton": _check_inline_button,
    "InlineKeyboardMarkup": _check_inline_markup,
}

_DISCRIMINATOR_RE = re.compile(r"(?:must be|always)\s+[\"“]?([a-z0-9_]+)")

# Realistic descriptions for some missing required parameters; the rest get "<name> is empty".
_MISSING_MESSAGES = {
    "text": "message text is empty",
    "message_id": "message identifier is not specified",
}
_MEDIA_PARAMS = (
    "photo",
    "audio",
    "document",
    "video",
    "animation",
    "voice",
    "video_note",
    "sticker",
)


def _missing_message(name: str) -> str:
    if name in _MEDIA_PARAMS:
        return f"there is no {name} in the request"
    return _MISSING_MESSAGES.get(name, f"{name} is empty")


class BotApiSpec:
    """Bot API method and type definitions from bot-api.json, with Telegram-like validation."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data.get("version", "")
        self.methods: dict[str, Any] = data["methods"]
        self.types: dict[str, Any] = data["types"]
        # Telegram treats method names case-insensitively.
        self._by_lower = {name.lower(): name for name in self.methods}
        # Subtypes of unions such as InlineQueryResult are told apart by a field like "type".
        self._discriminators: dict[str, tuple[str, str]] = {}
        for definition in self.types.values():
            for subtype in definition.get("subtypes", []):
                fields = self.types.get(subtype, {}).get("fields") or []
                if fields:
                    match = _DISCRIMINATOR_RE.search(fields[0]["description"])
                    if match:
                        self._discriminators[subtype] = (fields[0]["name"], match.group(1))

    def canonical_method(self, name: str) -> str | None:
        """The spec's spelling of a method name, or None if there is no such method."""
        return self._by_lower.get(name.lower())

    def update_types(self) -> list[str]:
        """All update kinds (fields of Update other than update_id)."""
        return [f["name"] for f in self.types["Update"]["fields"] if f["name"] != "update_id"]

    def validate_call(self, method: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Check raw request parameters (strings or uploads) and return them typed."""
        params: dict[str, Any] = {}
        known = set()
        for spec_field in self.methods[method].get("fields", []):
            name = spec_field["name"]
            known.add(name)
            value = raw.get(name)
            # Like the real server, an empty parameter is the same as an absent one.
            if value is None or (isinstance(value, str) and value == ""):
                if spec_field["required"]:
                    raise bad_request(_missing_message(name))
                continue
            params[name] = self._parse_param(name, value, spec_field["types"])
        # Telegram ignores unknown parameters; keep them (untyped) for the record.
        params.update({key: value for key, value in raw.items() if key not in known})
        return params

    def _parse_param(self, name: str, value: Any, types: list[str]) -> Any:
        if isinstance(value, UploadedFile):
            if "InputFile" in types:
                return value
            raise bad_request(f'field "{name}" can\'t be a file upload')
        failures: list[_Invalid] = []
        for type_name in types:
            try:
                return self._parse_param_as(name, value, type_name)
            except _Invalid as err:
                failures.append(err)
        raise bad_request(self._pick_failure(failures, "", types).describe(name))

    def _parse_param_as(self, name: str, value: str, type_name: str) -> Any:
        """Parse a top-level parameter, which always arrives as a string, as type_name."""
        if type_name == "Integer":
            if _INT_RE.fullmatch(value.strip()):
                return int(value)
            raise _Invalid("", "type", type_name)
        if type_name == "Float":
            if _is_float_text(value):
                return float(value)
            raise _Invalid("", "type", type_name)
        if type_name == "Boolean":
            lowered = value.strip().lower()
            if lowered in ("true", "1", "false", "0"):
                return lowered in ("true", "1")
            raise _Invalid("", "type", type_name)
        if type_name in ("String", "InputFile"):
            return value
        # Arrays and objects are sent JSON-serialized.
        try:
            decoded = json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
        self.check_value(decoded, [type_name], "")
        return decoded

    def check_value(self, value: Any, types: list[str], path: str) -> None:
        """Check a decoded JSON value against any of the given spec types."""
        failures: list[_Invalid] = []
        for type_name in types:
            try:
                self._check_type(value, type_name, path)
                return
            except _Invalid as err:
                failures.append(err)
        raise self._pick_failure(failures, path, types)

    @staticmethod
    def _pick_failure(failures: list[_Invalid], path: str, types: list[str]) -> _Invalid:
        """The most telling failure: the deepest one, or a combined type error at path."""
        if all(f.kind == "type" and f.path == path for f in failures):
            return _Invalid(path, "type", " or ".join(types))
        return max(
            (f for f in failures if f.path != path or f.kind != "type"), key=lambda f: f.depth
        )

    def _check_type(self, value: Any, type_name: str, path: str) -> None:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                raise _Invalid(path, "type", type_name)
            item_type = type_name.removeprefix("Array of ")
            for index, item in enumerate(value):
                self.check_value(item, [item_type], f"{path}[{index}]")
            return
        scalar_check = _SCALAR_CHECKS.get(type_name)
        if scalar_check is not None:
            if not scalar_check(value):
                raise _Invalid(path, "type", type_name)
            return
        definition = self.types.get(type_name)
        if definition is None:
            return  # a type the spec does not describe: nothing to check against
        if "subtypes" in definition:
            self._check_union(value, definition["subtypes"], path)
            return
        if not isinstance(value, dict):
            raise _Invalid(path, "type", type_name)
        for spec_field in definition.get("fields", []):
            name = spec_field["name"]
            child = _join_path(path, name)
            if value.get(name) is None:
                if spec_field["required"]:
                    raise _Invalid(child, "missing")
                continue
            self.check_value(value[name], spec_field["types"], child)
        rule = _TYPE_RULES.get(type_name)
        if rule is not None:
            rule(value)

    def _check_union(self, value: Any, subtypes: list[str], path: str) -> None:
        candidates = list(subtypes)
        tagged = {s: self._discriminators[s] for s in subtypes if s in self._discriminators}
        if isinstance(value, dict) and tagged:
            key = next(iter(tagged.values()))[0]
            if key not in value:
                raise _Invalid(_join_path(path, key), "missing")
            candidates = [s for s, (_, tag) in tagged.items() if tag == value[key]]
            if not candidates:
                raise _Invalid(_join_path(path, key), "value", json.dumps(value[key]))
        self.check_value(value, candidates, path)


def find_spec_path() -> Path:
    """Locate bot-api.json: $TELEGRAM_BOT_API_SPEC, else shared/telegram/ beside an ancestor."""
    configured = os.environ.get(SPEC_ENV_VAR)
    if configured:
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "telegram" / "bot-api.json"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"bot-api.json not found beside any parent of {__file__}; set {SPEC_ENV_VAR}"
    )


@functools.lru_cache(maxsize=4)
def load_spec(path: str | None = None) -> BotApiSpec:
    """Load (once per process) and index the Bot API spec."""
    spec_path = Path(path) if path else find_spec_path()
    return BotApiSpec(json.loads(spec_path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------
# Flood control
# --------------------------------------------------------------------------------------------


@dataclass
class RateLimits:
    """Flood limits for message-sending methods, after Telegram's published limits.

    Bursts are generous by default so a normal conversation test never trips them; tighten
    them (or send a lot) to test flood handling.
    """

    private_per_second: float = 1.0
    private_burst: int = 20
    group_per_minute: float = 20.0
    group_burst: int = 20
    global_per_second: float = 30.0
    global_burst: int = 30


class TokenBucket:
    """A token bucket: `capacity` requests at once, refilled at `rate` per second."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = time.monotonic()

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend one token."""
        self._refill(now)
        self.tokens -= 1


# --------------------------------------------------------------------------------------------
# State kept by the fake
# --------------------------------------------------------------------------------------------


@dataclass
class ApiCall:
    """One request the bot made: method, typed params, and what the fake answered."""

    method: str
    params: dict[str, Any]
    status: int | None = None
    response: dict[str, Any] | None = None
    #: Carried out, but the connection was closed instead of answering (drop_connection_next).
    dropped: bool = False

    @property
    def done(self) -> bool:
        """Whether the fake has answered."""
        return self.status is not None

    @property
    def ok(self) -> bool:
        """Whether the answer was a success."""
        return self.status == 200

    @property
    def result(self) -> Any:
        """The result of a successful answer."""
        return (self.response or {}).get("result")

    @property
    def description(self) -> str | None:
        """The description of an error answer."""
        return (self.response or {}).get("description")


@dataclass
class StoredMessage:
    """Current state of one message in a chat; to_dict renders the Bot API Message."""

    chat: dict[str, Any]
    message_id: int
    from_bot: bool
    sender: dict[str, Any]
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    content: dict[str, Any] = field(default_factory=dict)  # e.g. {"photo": [...]}
    reply_markup: dict[str, Any] | None = None  # as sent, whatever the keyboard kind
    parse_mode: str | None = None
    raw_text: str | None = None  # text or caption exactly as sent, before parsing
    reply_to: StoredMessage | None = None
    edits: int = 0
    edit_date: int | None = None
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        """Id of the chat the message is in."""
        return int(self.chat["id"])

    @property
    def inline_markup(self) -> dict[str, Any] | None:
        """The inline keyboard attached to the message, if any."""
        markup = self.reply_markup
        return markup if markup and "inline_keyboard" in markup else None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """All inline keyboard buttons, row by row."""
        markup = self.inline_markup
        return [button for row in markup["inline_keyboard"] for button in row] if markup else []

    @property
    def callback_data(self) -> list[str]:
        """callback_data of every inline button that has one."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def to_dict(self, with_reply: bool = True) -> dict[str, Any]:
        """The message as the Bot API returns it (a deep copy)."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.reply_to is not None and with_reply:
            message["reply_to_message"] = self.reply_to.to_dict(with_reply=False)
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        message.update(self.content)
        if self.caption is not None:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        if self.inline_markup:
            message["reply_markup"] = self.inline_markup
        return copy.deepcopy(message)


@dataclass
class ChatState:
    """A chat the fake knows, with every message in it."""

    chat: dict[str, Any]
    started: bool = True  # private chats: whether the user ever wrote to the bot
    blocked: bool = False  # private chats: the user blocked the bot
    bot_removed: bool = False  # groups: the bot was kicked
    next_message_id: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)

    @property
    def id(self) -> int:
        """The chat id."""
        return int(self.chat["id"])

    @property
    def is_private(self) -> bool:
        """Whether this is a private chat with a user."""
        return bool(self.chat["type"] == "private")


@dataclass
class StoredFile:
    """A file known to the fake, downloadable through file_base_url."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class _PendingQuery:
    """A callback or inline query waiting for the bot's answer."""

    created: float
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class _Fault:
    """A failure to inject into the next calls of a method."""

    status: int
    description: str
    parameters: dict[str, Any] | None
    remaining: int


_FAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# Methods that create a media message, and the parameter that carries the media.
_MEDIA_METHODS = {
    "sendPhoto": "photo",
    "sendAudio": "audio",
    "sendDocument": "document",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}
_FILE_LAYOUT = {  # kind -> (folder in file_path, default extension, default MIME type)
    "photo": ("photos", ".jpg", "image/jpeg"),
    "audio": ("music", ".mp3", "audio/mpeg"),
    "document": ("documents", ".bin", "application/octet-stream"),
    "video": ("videos", ".mp4", "video/mp4"),
    "animation": ("animations", ".mp4", "video/mp4"),
    "voice": ("voice", ".oga", "audio/ogg"),
    "video_note": ("video_notes", ".mp4", "video/mp4"),
    "sticker": ("stickers", ".webp", "image/webp"),
}


def _media_object(kind: str, stored: StoredFile, extra: Mapping[str, Any]) -> Any:
    """The Bot API object for a file of the given kind (PhotoSize list, Document, ...)."""
    base = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    duration = int(extra.get("duration") or 1)
    if kind == "photo":
        return [{**base, "width": 1280, "height": 960}]
    if kind == "sticker":
        return {
            **base,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": extra.get("emoji") or "👍",
        }
    if kind in ("video", "animation"):
        return {
            **base,
            "width": 640,
            "height": 360,
            "duration": duration,
            "mime_type": stored.mime_type,
        }
    if kind == "video_note":
        return {**base, "length": 240, "duration": duration}
    if kind in ("voice", "audio"):
        return {**base, "duration": duration, "mime_type": stored.mime_type}
    return {**base, "file_name": stored.file_name, "mime_type": stored.mime_type}


def _as_chat_id(value: Any) -> int | str:
    """A chat id from a nested JSON value, which may be a number, digits or '@username'."""
    if isinstance(value, str) and _INT_RE.fullmatch(value):
        return int(value)
    return value if isinstance(value, str) else int(value)


def _update_kind(update: Mapping[str, Any]) -> str:
    """Which kind of update this is ("message", "callback_query", ...)."""
    return next((key for key in update if key != "update_id"), "")


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------


class FakeTelegram:
    """An in-process fake Telegram Bot API served over HTTP on 127.0.0.1.

    Use as ``async with FakeTelegram(token="123456:TEST") as tg:`` and give the bot
    ``base_url=tg.base_url`` (and ``base_file_url=tg.file_base_url``).
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_username: str = "fake_test_bot",
        bot_first_name: str = "Fake Bot",
        enforce_rate_limits: bool = True,
        rate_limits: RateLimits | None = None,
        callback_query_ttl: float = 15.0,
        spec_path: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        self.host = host
        # Telegram's clock: message dates and the 48 hours a message can be deleted in.
        self.clock: Callable[[], float] = time.time
        self.spec = load_spec(str(spec_path) if spec_path else None)
        self.enforce_rate_limits = enforce_rate_limits
        self._rate_limits = rate_limits or RateLimits()
        # Telegram stops accepting answers to a callback or inline query after about 15 s.
        self.callback_query_ttl = callback_query_ttl
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": True,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

        self.calls: list[ApiCall] = []
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, StoredFile] = {}
        self.webhook: dict[str, Any] | None = None
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # setMyName / setMyDescription / setMyShortDescription, keyed by (field, language_code).
        self.profile_texts: dict[tuple[str, str], str] = {}
        self.internal_errors: list[BaseException] = []

        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._delivered_update_id = 0
        self._allowed_updates = self._default_allowed_updates()
        self._poll_generation = 0  # bumped by each getUpdates; an older poll is then superseded
        self._callback_queries: dict[str, _PendingQuery] = {}
        self._inline_queries: dict[str, _PendingQuery] = {}
        self._query_ids = itertools.count(4_382_104_583_300_000_001)
        self._file_ids = itertools.count(1)
        self._buckets: dict[int | str, TokenBucket] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._drops: dict[str, int] = {}

        self._changed = asyncio.Event()
        self._closing = False
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._runner: web.AppRunner | None = None
        self._site: web.SockSite | None = None
        self._port: int | None = None
        self._reopen_task: asyncio.Task[None] | None = None

    # ---- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
        if exc is None and self.internal_errors:
            raise RuntimeError("FakeTelegram crashed while serving") from self.internal_errors[0]

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown_path)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await self._listen(0)

    async def stop(self) -> None:
        """Answer pending long polls, stop listening and close every connection."""
        self._closing = True
        self._notify()
        if self._reopen_task is not None:
            self._reopen_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reopen_task
            self._reopen_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._site = None

    async def _listen(self, port: int) -> None:
        assert self._runner is not None
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Reopening on the same port must work while old connections sit in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, port))
        self._port = sock.getsockname()[1]
        self._site = web.SockSite(self._runner, sock)
        await self._site.start()

    @property
    def port(self) -> int:
        """The TCP port the fake listens on."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """What python-telegram-bot's base_url expects; the token is appended to it."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        """What python-telegram-bot's base_file_url expects."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def accepting_connections(self) -> bool:
        """False while refuse_connections() is in effect."""
        return self._site is not None

    def make_bot(self, **kwargs: Any) -> Bot:
        """A telegram.Bot pointed at this fake (kwargs go to Bot)."""
        from telegram import Bot

        return Bot(self.token, base_url=self.base_url, base_file_url=self.file_base_url, **kwargs)

    def application_builder(self) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
        """An ApplicationBuilder with token and URLs set for this fake."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.file_base_url)
        )

    # ---- HTTP layer --------------------------------------------------------------------------

    @staticmethod
    def _json_response(body: dict[str, Any], status: int) -> web.Response:
        return web.json_response(
            body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False)
        )

    async def _handle_unknown_path(self, request: web.Request) -> web.Response:
        return self._json_response(ApiError(404, "Not Found").body(), 404)

    async def _handle_api(self, request: web.Request) -> web.Response:
        token, name = request.match_info["token"], request.match_info["method"]
        # Real Telegram: a malformed token is 404, a well-formed but wrong one is 401.
        if not _TOKEN_RE.fullmatch(token):
            return self._json_response(ApiError(404, "Not Found").body(), 404)
        if token != self.token:
            return self._json_response(ApiError(401, "Unauthorized").body(), 401)
        try:
            raw = await self._read_params(request)
        except ApiError as err:
            return self._json_response(err.body(), err.status)

        method = self.spec.canonical_method(name)
        call = ApiCall(method or name, dict(raw))
        self.calls.append(call)
        counted = method != "getUpdates"  # long polls don't count as the bot being busy
        if counted:
            self._in_flight += 1
        try:
            if method is None:
                raise ApiError(404, "Not Found")
            # Validate first so the record holds typed params even when a fault is injected.
            invalid: ApiError | None = None
            try:
                call.params = self.spec.validate_call(method, raw)
            except ApiError as err:
                invalid = err
            await self._apply_delay(method)
            self._apply_fault(method)
            if invalid is not None:
                raise invalid
            result = await self._dispatch(method, call.params)
            call.status, call.response = 200, {"ok": True, "result": result}
            if self._take_drop(method):
                # Carried out, but the answer never leaves: the client's read fails.
                call.dropped = True
                assert request.transport is not None
                request.transport.abort()
        except ApiError as err:
            call.status, call.response = err.status, err.body()
        except Exception as exc:  # a bug in the fake: answer 500 and fail the test at exit
            self.internal_errors.append(exc)
            call.status = 500
            call.response = ApiError(500, f"Internal Server Error: fake crashed: {exc!r}").body()
        finally:
            if counted:
                self._in_flight -= 1
                self._last_activity = time.monotonic()
            if call.status is None:  # cancelled mid-request
                call.status, call.response = 499, ApiError(499, "Client Closed Request").body()
            self._notify()
        return self._json_response(call.response, call.status)

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        """Query string plus body; JSON bodies are flattened to strings like the real server."""
        params: dict[str, Any] = dict(request.query)
        if not request.body_exists:
            return params
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.read() or b"{}")
            except ValueError:
                raise bad_request("can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise bad_request("JSON request must be an object")
            for key, value in body.items():
                if value is not None:
                    params[key] = value if isinstance(value, str) else json.dumps(value)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    params[key] = UploadedFile(key, value.filename, value.content_type, data)
                else:
                    params[key] = value if isinstance(value, str) else bytes(value).decode()
        return params

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._json_response(ApiError(401, "Unauthorized").body(), 401)
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return self._json_response(ApiError(404, "Not Found").body(), 404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    def _notify(self) -> None:
        """Wake everything waiting for a state change (long polls, wait_for)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_change(self, timeout: float) -> None:
        event = self._changed
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    async def _apply_delay(self, method: str) -> None:
        for key in (method, "*"):
            queue = self._delays.get(key)
            if queue:
                seconds = queue.popleft()
                deadline = time.monotonic() + seconds
                while not self._closing and (left := deadline - time.monotonic()) > 0:
                    await self._wait_change(left)
                return

    def _take_drop(self, method: str) -> bool:
        for key in (method, "*"):
            if self._drops.get(key, 0) > 0:
                self._drops[key] -= 1
                return True
        return False

    def _apply_fault(self, method: str) -> None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                raise ApiError(fault.status, fault.description, fault.parameters)

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            return await self._get_updates(params)
        handler = self._handlers.get(method)
        if handler is not None:
            return handler(self, params)
        if method in _MEDIA_METHODS:
            return self._send_media(method, params)
        return self._generic_method(method, params)

    # ---- chats, messages and flood control ---------------------------------------------------

    def _chat(self, chat_id: int | str) -> ChatState:
        """The chat for a chat_id (number or @username); unknown ones are 'chat not found'."""
        if isinstance(chat_id, str):
            if _INT_RE.fullmatch(chat_id):
                chat_id = int(chat_id)
            else:
                wanted = chat_id.removeprefix("@").lower()
                for candidate in self.chats.values():
                    username = candidate.chat.get("username", "")
                    if chat_id.startswith("@") and username.lower() == wanted:
                        return candidate
                raise bad_request("chat not found")
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    @staticmethod
    def _ensure_can_send(chat: ChatState) -> None:
        if chat.is_private:
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_removed:
            kind = "supergroup" if chat.chat["type"] == "supergroup" else "group"
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")

    @property
    def rate_limits(self) -> RateLimits:
        """The flood limits in force (assigning new ones resets all buckets)."""
        return self._rate_limits

    @rate_limits.setter
    def rate_limits(self, limits: RateLimits) -> None:
        self._rate_limits = limits
        self._buckets.clear()

    def reset_rate_limits(self) -> None:
        """Refill every flood-control bucket."""
        self._buckets.clear()

    def _bucket(self, key: int | str, rate: float, capacity: float) -> TokenBucket:
        if key not in self._buckets:
            self._buckets[key] = TokenBucket(rate, capacity)
        return self._buckets[key]

    def _take_flood_token(self, chat: ChatState) -> None:
        """Spend flood-control budget for one message into chat, or raise 429."""
        if not self.enforce_rate_limits:
            return
        limits = self._rate_limits
        if chat.is_private:
            chat_bucket = self._bucket(chat.id, limits.private_per_second, limits.private_burst)
        else:
            chat_bucket = self._bucket(chat.id, limits.group_per_minute / 60, limits.group_burst)
        buckets = [
            self._bucket("global", limits.global_per_second, limits.global_burst),
            chat_bucket,
        ]
        now = time.monotonic()
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            raise flood_error(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.take(now)

    def _bot_sender(self) -> dict[str, Any]:
        return {key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")}

    def _new_message(
        self, chat: ChatState, *, from_bot: bool, sender: dict[str, Any], **state: Any
    ) -> StoredMessage:
        message = StoredMessage(
            chat=chat.chat,
            message_id=chat.next_message_id,
            from_bot=from_bot,
            sender=sender,
            date=int(self.clock()),
            **state,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    @staticmethod
    def _format(
        text: str,
        parse_mode: str | None,
        entities: list[dict[str, Any]] | None,
        limit: int,
        too_long: str,
        empty: str | None = None,
    ) -> FormattedText:
        """Parse text and apply Telegram's empty/too-long rules (lengths in UTF-16 units)."""
        formatted = format_text(text, parse_mode, entities)
        if empty is not None and not formatted.text:
            raise bad_request(empty)
        if utf16_len(formatted.text) > limit:
            raise bad_request(too_long)
        return formatted

    def _reply_target(
        self, chat: ChatState, reply_parameters: dict[str, Any] | None
    ) -> StoredMessage | None:
        if not reply_parameters:
            return None
        target_chat = chat
        if reply_parameters.get("chat_id") is not None:
            target_chat = self._chat(_as_chat_id(reply_parameters["chat_id"]))
        message = target_chat.messages.get(int(reply_parameters["message_id"]))
        if message is None or message.deleted:
            if reply_parameters.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return message

    def _edit_target(self, params: dict[str, Any]) -> StoredMessage | None:
        """The bot message an edit targets; None for inline messages, which aren't tracked."""
        if params.get("inline_message_id") is not None:
            return None
        if params.get("chat_id") is None:
            raise bad_request("chat_id is empty")
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        message = self._chat(params["chat_id"]).messages.get(params["message_id"])
        if message is None or message.deleted or not message.from_bot:
            raise bad_request("message to edit not found")
        return message

    def _mark_edited(self, message: StoredMessage) -> None:
        message.edits += 1
        message.edit_date = int(self.clock())

    def _register_file(
        self, kind: str, data: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        number = next(self._file_ids)
        folder, extension, default_mime = _FILE_LAYOUT.get(kind, _FILE_LAYOUT["document"])
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"FAKE-{kind}-{number:06d}",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}{extension}",
            data=data,
            file_name=file_name,
            mime_type=mime_type or default_mime,
        )
        self.files[stored.file_id] = stored
        return stored

    def _file_from_param(self, kind: str, value: Any) -> StoredFile:
        if isinstance(value, UploadedFile):
            return self._register_file(kind, value.data, value.filename, value.content_type)
        if value in self.files:
            return self.files[value]
        if value.startswith(("http://", "https://")):
            # Telegram would download the URL; offline, the file is just empty.
            return self._register_file(kind, b"", value.rsplit("/", 1)[-1] or None)
        raise bad_request("wrong file identifier/HTTP URL specified")

    # ---- method handlers ---------------------------------------------------------------------

    def _get_me(self, params: dict[str, Any]) -> Any:
        return dict(self.bot_user)

    def _default_allowed_updates(self) -> set[str]:
        return set(self.spec.update_types()) - OPT_IN_UPDATES

    def _deliverable(self) -> list[dict[str, Any]]:
        """Unconfirmed updates of allowed kinds; updates of other kinds are dropped."""
        kept = [u for u in self._updates if _update_kind(u) in self._allowed_updates]
        if len(kept) != len(self._updates):
            self._updates = kept
        return kept

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        # A newer getUpdates terminates an older one still waiting, as on the real server.
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()

        offset = params.get("offset")
        if offset is not None:
            if offset < 0:
                self._updates = self._updates[offset:]
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if "allowed_updates" in params:
            self._allowed_updates = (
                set(params["allowed_updates"]) or self._default_allowed_updates()
            )
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        deadline = time.monotonic() + max(int(params.get("timeout", 0)), 0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, POLLING_CONFLICT)
            ready = self._deliverable()
            remaining = deadline - time.monotonic()
            if ready or self._closing or remaining <= 0:
                break
            await self._wait_change(remaining)
        batch = copy.deepcopy(ready[:limit])
        if batch:
            self._delivered_update_id = max(self._delivered_update_id, batch[-1]["update_id"])
            self._last_activity = time.monotonic()
        return batch

    def _set_webhook(self, params: dict[str, Any]) -> Any:
        url = params.get("url", "")
        if not url:
            self.webhook = None
            return True
        try:
            parts = urlsplit(url)
            port = parts.port or 443
        except ValueError:
            raise bad_request("bad webhook: Wrong port number specified in the URL") from None
        if parts.scheme.lower() != "https":
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if port not in (80, 88, 443, 8443):
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        if not parts.hostname:
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in params:
            self._allowed_updates = (
                set(params["allowed_updates"]) or self._default_allowed_updates()
            )
        self.webhook = {
            "url": url,
            "max_connections": params.get("max_connections", 40),
            "secret_token": secret,
            "ip_address": params.get("ip_address", "149.154.167.220"),
            "allowed_updates": params.get("allowed_updates"),
        }
        self._poll_generation += 1  # a waiting long poll is terminated
        self._notify()
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info.update(
                url=self.webhook["url"],
                max_connections=self.webhook["max_connections"],
                ip_address=self.webhook["ip_address"],
            )
            if self.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params["chat_id"])
        self._ensure_can_send(chat)
        formatted = self._format(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            MAX_TEXT_LENGTH,
            "message is too long",
            empty="message text is empty",
        )
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        self._take_flood_token(chat)
        message = self._new_message(
            chat,
            from_bot=True,
            sender=self._bot_sender(),
            text=formatted.text,
            entities=formatted.entities,
            reply_markup=params.get("reply_markup"),
            parse_mode=params.get("parse_mode"),
            raw_text=params["text"],
            reply_to=reply_to,
        )
        return message.to_dict()

    def _send_media(self, method: str, params: dict[str, Any]) -> Any:
        kind = _MEDIA_METHODS[method]
        chat = self._chat(params["chat_id"])
        self._ensure_can_send(chat)
        caption: FormattedText | None = None
        if params.get("caption") is not None:
            caption = self._format(
                params["caption"],
                params.get("parse_mode"),
                params.get("caption_entities"),
                MAX_CAPTION_LENGTH,
                "message caption is too long",
            )
        stored = self._file_from_param(kind, params[kind])
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        self._take_flood_token(chat)
        message = self._new_message(
            chat,
            from_bot=True,
            sender=self._bot_sender(),
            content={kind: _media_object(kind, stored, params)},
            caption=caption.text if caption and caption.text else None,
            caption_entities=caption.entities if caption else [],
            reply_markup=params.get("reply_markup"),
            parse_mode=params.get("parse_mode"),
            raw_text=params.get("caption"),
            reply_to=reply_to,
        )
        return message.to_dict()

    def _forward_or_copy(self, params: dict[str, Any], copying: bool) -> StoredMessage:
        source_chat = self._chat(params["from_chat_id"])
        chat = self._chat(params["chat_id"])
        self._ensure_can_send(chat)
        source = source_chat.messages.get(params["message_id"])
        if source is None or source.deleted:
            raise bad_request(f"message to {'copy' if copying else 'forward'} not found")
        self._take_flood_token(chat)
        content = copy.deepcopy(source.content)
        if not copying:
            content["forward_origin"] = {
                "type": "user",
                "sender_user": source.sender,
                "date": source.date,
            }
        return self._new_message(
            chat,
            from_bot=True,
            sender=self._bot_sender(),
            text=source.text,
            entities=copy.deepcopy(source.entities),
            content=content,
            caption=params.get("caption", source.caption) if copying else source.caption,
            caption_entities=copy.deepcopy(source.caption_entities),
            reply_markup=params.get("reply_markup") if copying else None,
        )

    def _forward_message(self, params: dict[str, Any]) -> Any:
        return self._forward_or_copy(params, copying=False).to_dict()

    def _copy_message(self, params: dict[str, Any]) -> Any:
        return {"message_id": self._forward_or_copy(params, copying=True).message_id}

    def _generic_method(self, method: str, params: dict[str, Any]) -> Any:
        """Any other spec method: messages still get created where one is returned, else True."""
        returns = self.spec.methods[method].get("returns", [])
        if returns in (["Message"], ["MessageId"]) and "chat_id" in params:
            chat = self._chat(params["chat_id"])
            self._ensure_can_send(chat)
            self._take_flood_token(chat)
            content: dict[str, Any] = {}
            if method == "sendLocation":
                content["location"] = {k: params[k] for k in ("latitude", "longitude")}
            elif method == "sendContact":
                content["contact"] = {
                    k: params[k] for k in ("phone_number", "first_name", "last_name") if k in params
                }
            elif method == "sendDice":
                content["dice"] = {
                    "emoji": params.get("emoji", "🎲"),
                    "value": chat.next_message_id % 6 + 1,
                }
            message = self._new_message(
                chat,
                from_bot=True,
                sender=self._bot_sender(),
                content=content,
                reply_markup=params.get("reply_markup"),
            )
            return (
                message.to_dict() if returns == ["Message"] else {"message_id": message.message_id}
            )
        return True

    def _send_media_group(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params["chat_id"])
        self._ensure_can_send(chat)
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        files = []
        for item in params["media"]:
            reference = item["media"]
            # Uploaded files travel as separate multipart parts named by "attach://<name>".
            value = params.get(reference.removeprefix("attach://"), reference)
            files.append((item, self._file_from_param(item["type"], value)))
        self._take_flood_token(chat)  # an album counts as one send
        group_id = f"{chat.id}{chat.next_message_id:06d}"
        sent = []
        for item, stored in files:
            caption = self._format(
                item.get("caption", ""),
                item.get("parse_mode"),
                item.get("caption_entities"),
                MAX_CAPTION_LENGTH,
                "message caption is too long",
            )
            message = self._new_message(
                chat,
                from_bot=True,
                sender=self._bot_sender(),
                content={
                    item["type"]: _media_object(item["type"], stored, item),
                    "media_group_id": group_id,
                },
                caption=caption.text or None,
                caption_entities=caption.entities,
                parse_mode=item.get("parse_mode"),
                raw_text=item.get("caption"),
                reply_to=reply_to,
            )
            sent.append(message.to_dict())
        return sent

    def _forward_or_copy_many(self, params: dict[str, Any], copying: bool) -> Any:
        ids = []
        for message_id in sorted(int(i) for i in params["message_ids"]):
            with contextlib.suppress(ApiError):  # Telegram skips messages it can't find
                message = self._forward_or_copy({**params, "message_id": message_id}, copying)
                ids.append({"message_id": message.message_id})
        if not ids:
            raise bad_request(f"messages to {'copy' if copying else 'forward'} not found")
        return ids

    def _forward_messages(self, params: dict[str, Any]) -> Any:
        return self._forward_or_copy_many(params, copying=False)

    def _copy_messages(self, params: dict[str, Any]) -> Any:
        return self._forward_or_copy_many(params, copying=True)

    def _set_profile_text(self, field_name: str, params: dict[str, Any]) -> Any:
        key = (field_name, params.get("language_code", ""))
        if params.get(field_name):
            self.profile_texts[key] = params[field_name]
        else:
            self.profile_texts.pop(key, None)  # an empty value removes it, as on Telegram
        return True

    def _get_profile_text(self, field_name: str, params: dict[str, Any]) -> Any:
        return {
            field_name: self.profile_texts.get((field_name, params.get("language_code", "")), "")
        }

    def _edit_message_text(self, params: dict[str, Any]) -> Any:
        message = self._edit_target(params)
        if params.get("text") is None:
            raise bad_request("message text is empty")
        formatted = self._format(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            MAX_TEXT_LENGTH,
            "message is too long",
            empty="message text is empty",
        )
        if message is None:
            return True
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        # Leaving reply_markup out of an edit removes the inline keyboard, as on Telegram.
        markup = params.get("reply_markup")
        if (
            formatted.text == message.text
            and formatted.entities == message.entities
            and markup == message.inline_markup
        ):
            raise bad_request(NOT_MODIFIED)
        message.text, message.entities = formatted.text, formatted.entities
        message.raw_text, message.parse_mode = params["text"], params.get("parse_mode")
        message.reply_markup = markup
        self._mark_edited(message)
        return message.to_dict()

    def _edit_message_caption(self, params: dict[str, Any]) -> Any:
        message = self._edit_target(params)
        formatted = self._format(
            params.get("caption", ""),
            params.get("parse_mode"),
            params.get("caption_entities"),
            MAX_CAPTION_LENGTH,
            "message caption is too long",
        )
        if message is None:
            return True
        if not message.content:
            raise bad_request("there is no caption in the message to edit")
        caption = formatted.text or None
        markup = params.get("reply_markup")
        if (
            caption == message.caption
            and formatted.entities == message.caption_entities
            and markup == message.inline_markup
        ):
            raise bad_request(NOT_MODIFIED)
        message.caption, message.caption_entities = caption, formatted.entities
        message.raw_text, message.parse_mode = params.get("caption"), params.get("parse_mode")
        message.reply_markup = markup
        self._mark_edited(message)
        return message.to_dict()

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        message = self._edit_target(params)
        if message is None:
            return True
        markup = params.get("reply_markup")
        if markup == message.inline_markup:
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        self._mark_edited(message)
        return message.to_dict()

    def _deletion_refused(self, chat: ChatState, message: StoredMessage) -> str | None:
        """Why Telegram would refuse to delete this message, or None if it may be deleted.

        deleteMessage's rules: only within 48 hours of sending; in private chats a bot deletes
        its own messages and the person's; elsewhere only its own (the fake's bot is never a
        group administrator).
        """
        if self.clock() - message.date >= DELETE_WINDOW_S:
            return "message can't be deleted for everyone"
        if not chat.is_private and not message.from_bot:
            return "message can't be deleted"
        return None

    def _delete_message(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params["chat_id"])
        message = chat.messages.get(params["message_id"])
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        refused = self._deletion_refused(chat, message)
        if refused:
            raise bad_request(refused)
        message.deleted = True
        return True

    def _delete_messages(self, params: dict[str, Any]) -> Any:
        """1-100 ids; unknown ones are skipped (the spec says so). One that exists but may not
        be deleted refuses the whole call, as TDLib checks every message before deleting any."""
        chat = self._chat(params["chat_id"])
        ids = [int(message_id) for message_id in params["message_ids"]]
        if not ids:
            raise bad_request("message identifiers are not specified")
        if len(ids) > MAX_DELETE_IDS:
            raise bad_request("too many message identifiers specified")
        found = [m for i in ids if (m := chat.messages.get(i)) is not None and not m.deleted]
        for message in found:
            refused = self._deletion_refused(chat, message)
            if refused:
                raise bad_request(refused)
        for message in found:
            message.deleted = True
        return True

    def _answer_query(
        self, queries: dict[str, _PendingQuery], query_id: str, params: dict[str, Any]
    ) -> None:
        query = queries.get(query_id)
        if (
            query is None
            or query.answered
            or time.monotonic() - query.created > self.callback_query_ttl
        ):
            raise bad_request(QUERY_TOO_OLD)
        query.answered = True
        query.answer = dict(params)

    def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        if len(params.get("text", "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        self._answer_query(self._callback_queries, params["callback_query_id"], params)
        return True

    def _answer_inline_query(self, params: dict[str, Any]) -> Any:
        results = params["results"]
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(result.get("id")) for result in results]
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        self._answer_query(self._inline_queries, params["inline_query_id"], params)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if scope.get("chat_id") is not None:
            self._chat(_as_chat_id(scope["chat_id"]))  # a chat scope needs a chat the bot knows
        return json.dumps(scope, sort_keys=True), params.get("language_code", "")

    def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params["commands"]
        if len(commands) > MAX_BOT_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _COMMAND_RE.fullmatch(command["command"]):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"].strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> Any:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _send_chat_action(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params["chat_id"])
        self._ensure_can_send(chat)
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _get_chat(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params["chat_id"])
        gift_fields = self.spec.types["AcceptedGiftTypes"]["fields"]
        return {
            **copy.deepcopy(chat.chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {f["name"]: False for f in gift_fields if f["required"]},
        }

    def _get_file(self, params: dict[str, Any]) -> Any:
        stored = self.files.get(params["file_id"])
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def _harmless(self, params: dict[str, Any]) -> Any:
        return True

    _handlers: ClassVar[dict[str, Callable[[FakeTelegram, dict[str, Any]], Any]]] = {
        "getMe": _get_me,
        "setWebhook": _set_webhook,
        "deleteWebhook": _delete_webhook,
        "getWebhookInfo": _get_webhook_info,
        "sendMessage": _send_message,
        "forwardMessage": _forward_message,
        "copyMessage": _copy_message,
        "editMessageText": _edit_message_text,
        "editMessageCaption": _edit_message_caption,
        "editMessageReplyMarkup": _edit_message_reply_markup,
        "deleteMessage": _delete_message,
        "deleteMessages": _delete_messages,
        "answerCallbackQuery": _answer_callback_query,
        "answerInlineQuery": _answer_inline_query,
        "setMyCommands": _set_my_commands,
        "getMyCommands": _get_my_commands,
        "deleteMyCommands": _delete_my_commands,
        "sendChatAction": _send_chat_action,
        "getChat": _get_chat,
        "getFile": _get_file,
        "sendMediaGroup": _send_media_group,
        "forwardMessages": _forward_messages,
        "copyMessages": _copy_messages,
        "setMyName": lambda fake, params: fake._set_profile_text("name", params),
        "getMyName": lambda fake, params: fake._get_profile_text("name", params),
        "setMyDescription": lambda fake, params: fake._set_profile_text("description", params),
        "getMyDescription": lambda fake, params: fake._get_profile_text("description", params),
        "setMyShortDescription": lambda fake, params: fake._set_profile_text(
            "short_description", params
        ),
        "getMyShortDescription": lambda fake, params: fake._get_profile_text(
            "short_description", params
        ),
        "close": _harmless,
        "logOut": _harmless,
    }

    # ---- test helpers: users and chats -------------------------------------------------------

    def add_private_user(
        self,
        user_id: int,
        first_name: str = "A",
        language_code: str | None = "ru",
        *,
        last_name: str | None = None,
        username: str | None = None,
        started: bool = True,
    ) -> dict[str, Any]:
        """Register a user and the private chat with them; started=False: never wrote to the bot."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username)):
            if value:
                user[key] = chat[key] = value
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        existing = self.chats.get(user_id)
        if existing is None:
            self.chats[user_id] = ChatState(chat, started=started)
        else:
            existing.chat.clear()
            existing.chat.update(chat)  # messages keep referring to the same chat dict
            existing.started = started
        return copy.deepcopy(user)

    def add_group(
        self, chat_id: int, title: str, *, supergroup: bool = False, username: str | None = None
    ) -> dict[str, Any]:
        """Register a group (or supergroup) the bot is a member of; group ids are negative."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat: dict[str, Any] = {
            "id": chat_id,
            "type": "supergroup" if supergroup else "group",
            "title": title,
        }
        if username:
            chat["username"] = username
        self.chats[chat_id] = ChatState(chat)
        return copy.deepcopy(chat)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them fail with 403."""
        self._user(user_id)
        self.chats[user_id].blocked = True

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        self._user(user_id)
        self.chats[user_id].blocked = False

    def kick_bot(self, chat_id: int) -> None:
        """The bot is removed from a group: sends there fail with 403."""
        self._chat(chat_id).bot_removed = True

    def _user(self, user_id: int) -> dict[str, Any]:
        if user_id not in self.users:
            self.add_private_user(user_id)
        return self.users[user_id]

    def _chat_for(self, user_id: int, chat_id: int | None) -> ChatState:
        """The chat a user acts in: their private chat, or a registered group."""
        self._user(user_id)
        if chat_id is None or chat_id == user_id:
            chat = self.chats[user_id]
            chat.started = True  # writing to the bot lets it answer
            return chat
        if chat_id not in self.chats:
            raise ValueError(f"chat {chat_id} is not registered; call add_group() first")
        return self.chats[chat_id]

    def _bot_message(self, chat: ChatState, message_id: int) -> StoredMessage:
        message = chat.messages.get(message_id)
        if message is None or message.deleted or not message.from_bot:
            raise ValueError(f"there is no bot message {message_id} in chat {chat.id}")
        return message

    def _reply_to_bot(self, chat: ChatState, reply_to_bot: bool | int) -> StoredMessage | None:
        if reply_to_bot is False:
            return None
        if reply_to_bot is True:
            sent = [m for m in chat.messages.values() if m.from_bot and not m.deleted]
            if not sent:
                raise ValueError(f"the bot has sent nothing in chat {chat.id} to reply to")
            return sent[-1]
        return self._bot_message(chat, reply_to_bot)

    # ---- test helpers: incoming updates -------------------------------------------------------

    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (update_id is assigned if missing) and return it."""
        if "update_id" in update:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        else:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
        self._updates.append(update)
        self._notify()
        return update

    def _queue_user_message(
        self, user_id: int, chat_id: int | None, reply_to_bot: bool | int = False, **state: Any
    ) -> dict[str, Any]:
        chat = self._chat_for(user_id, chat_id)
        reply_to = self._reply_to_bot(chat, reply_to_bot)
        message = self._new_message(
            chat, from_bot=False, sender=self.users[user_id], reply_to=reply_to, **state
        )
        return self.queue_update({"message": message.to_dict()})

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to_bot: bool | int = False,
    ) -> dict[str, Any]:
        """The user sends a text message; reply_to_bot=True replies to the bot's last message."""
        return self._queue_user_message(
            user_id, chat_id, reply_to_bot, text=text, entities=list(entities or [])
        )

    def send_command(
        self, user_id: int, command: str, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The user sends a command such as "/start payload", with its bot_command entity."""
        if not command.startswith("/"):
            command = "/" + command
        name = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(name)}
        return self._queue_user_message(user_id, chat_id, text=command, entities=[entity])

    def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        chat_id: int | None = None,
        forged: bool = False,
    ) -> dict[str, Any]:
        """The user presses the inline button with callback_data `data` on a bot message.

        With `forged`, the data need not be on the message: a client speaking MTProto can send
        any callback data for any message of the bot, and Telegram passes it on.
        """
        chat = self._chat_for(user_id, chat_id)
        message = self._bot_message(chat, message_id)
        if not forged and data not in message.callback_data:
            raise ValueError(
                f"message {message_id} has no button with callback_data {data!r}; "
                f"it has {message.callback_data}"
            )
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = _PendingQuery(created=time.monotonic())
        callback_query = {
            "id": query_id,
            "from": self.users[user_id],
            "message": message.to_dict(),
            "chat_instance": str(abs(chat.id) * 7919 + 104729),  # stable per chat
            "data": data,
        }
        return self.queue_update({"callback_query": callback_query})

    def send_sticker(
        self, user_id: int, emoji: str = "👍", chat_id: int | None = None
    ) -> dict[str, Any]:
        """The user sends a sticker."""
        stored = self._register_file("sticker", b"RIFF\x00\x00\x00\x00WEBPVP8 ")
        sticker = _media_object("sticker", stored, {"emoji": emoji})
        return self._queue_user_message(user_id, chat_id, content={"sticker": sticker})

    def send_voice(
        self,
        user_id: int,
        duration: int = 3,
        data: bytes = b"OggS\x00fake-voice",
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The user sends a voice message (downloadable via getFile)."""
        stored = self._register_file("voice", data, mime_type="audio/ogg")
        voice = _media_object("voice", stored, {"duration": duration})
        return self._queue_user_message(user_id, chat_id, content={"voice": voice})

    def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        data: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The user sends a photo, optionally with a caption."""
        stored = self._register_file("photo", data, mime_type="image/jpeg")
        photo = _media_object("photo", stored, {})
        return self._queue_user_message(user_id, chat_id, content={"photo": photo}, caption=caption)

    def send_document(
        self,
        user_id: int,
        file_name: str = "document.txt",
        data: bytes = b"hello",
        mime_type: str = "text/plain",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The user sends a document (downloadable via getFile)."""
        stored = self._register_file("document", data, file_name, mime_type)
        document = _media_object("document", stored, {})
        return self._queue_user_message(
            user_id, chat_id, content={"document": document}, caption=caption
        )

    def send_location(
        self,
        user_id: int,
        latitude: float = 55.7558,
        longitude: float = 37.6173,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The user shares a location."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._queue_user_message(user_id, chat_id, content={"location": location})

    def send_contact(
        self,
        user_id: int,
        phone_number: str = "+79990000000",
        first_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The user shares a contact; by default their own, as a request_contact button does."""
        user = self._user(user_id)
        contact = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
            "user_id": contact_user_id if contact_user_id is not None else user_id,
        }
        return self._queue_user_message(user_id, chat_id, content={"contact": contact})

    def edit_text(
        self, user_id: int, message_id: int, new_text: str, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The user edits one of their text messages (an edited_message update)."""
        chat = self._chat_for(user_id, chat_id)
        message = chat.messages.get(message_id)
        if (
            message is None
            or message.from_bot
            or message.sender["id"] != user_id
            or message.text is None
        ):
            raise ValueError(f"user {user_id} has no text message {message_id} in chat {chat.id}")
        message.text, message.entities = new_text, []
        self._mark_edited(message)
        return self.queue_update({"edited_message": message.to_dict()})

    def inline_query(
        self, user_id: int, query: str, offset: str = "", chat_type: str = "sender"
    ) -> dict[str, Any]:
        """The user types an inline query to the bot."""
        user = self._user(user_id)
        query_id = str(next(self._query_ids))
        self._inline_queries[query_id] = _PendingQuery(created=time.monotonic())
        inline_query = {
            "id": query_id,
            "from": user,
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        return self.queue_update({"inline_query": inline_query})

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (through getUpdates' offset)."""
        return list(self._updates)

    # ---- recording and waiting --------------------------------------------------------------

    @property
    def requests(self) -> list[tuple[str, dict[str, Any]]]:
        """(method, params) of every call the bot made, in order, failed ones included."""
        return [(call.method, call.params) for call in self.calls]

    def calls_to(self, method: str) -> list[ApiCall]:
        """Every answered call of one method."""
        name = self.spec.canonical_method(method) or method
        return [call for call in self.calls if call.method == name and call.done]

    def clear_calls(self) -> None:
        """Forget the recorded calls."""
        self.calls.clear()

    def sent_messages(self, chat_id: int) -> list[StoredMessage]:
        """Current state of each bot message in a chat that is not deleted, oldest first."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [m for m in chat.messages.values() if m.from_bot and not m.deleted]

    def messages_in(self, chat_id: int) -> list[StoredMessage]:
        """Every message of a chat that is not deleted, the person's and the bot's, oldest
        first."""
        chat = self.chats.get(chat_id)
        return [m for m in chat.messages.values() if not m.deleted] if chat else []

    def age_messages(self, chat_id: int, seconds: float) -> None:
        """Make every message now in a chat `seconds` older, as if sent that long ago."""
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ValueError(f"chat {chat_id} is not registered")
        for message in chat.messages.values():
            message.date -= int(seconds)

    def last_sent(self, chat_id: int) -> StoredMessage:
        """The bot's most recent surviving message in a chat."""
        sent = self.sent_messages(chat_id)
        if not sent:
            raise AssertionError(f"the bot has sent nothing to chat {chat_id}")
        return sent[-1]

    def bot_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The commands set with setMyCommands for a scope and language."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
        return copy.deepcopy(self.commands.get(key, []))

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[ApiCall]:
        """Wait until `count` answered calls of method (matching predicate(params)) exist."""
        name = self.spec.canonical_method(method) or method
        deadline = time.monotonic() + timeout
        while True:
            matches = [
                call
                for call in self.calls
                if call.method == name
                and call.done
                and (predicate is None or predicate(call.params))
            ]
            if len(matches) >= count:
                return matches
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                recent = [call.method for call in self.calls[-15:]]
                raise AssertionError(
                    f"expected {count} {name} call(s) within {timeout}s, got {len(matches)}; "
                    f"recent calls: {recent}"
                )
            await self._wait_change(remaining)

    async def wait_idle(self, timeout: float = 5.0, quiet: float = 0.1) -> None:
        """Wait until all queued updates were delivered and the bot made no call for `quiet` s."""
        deadline = time.monotonic() + timeout
        while True:
            undelivered = [
                u for u in self._deliverable() if u["update_id"] > self._delivered_update_id
            ]
            idle = time.monotonic() - self._last_activity
            if not undelivered and self._in_flight == 0 and idle >= quiet:
                return
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"bot not idle after {timeout}s: {len(undelivered)} undelivered update(s), "
                    f"{self._in_flight} request(s) in flight"
                )
            await asyncio.sleep(min(0.02, quiet))

    # ---- fault injection --------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of method ("*" = any) with an error of `status`."""
        parameters = None
        if status == 429:
            description = description or f"Too Many Requests: retry after {retry_after}"
            parameters = {"retry_after": retry_after}
        description = description or _FAULT_DESCRIPTIONS.get(status, f"Error {status}")
        name = self.spec.canonical_method(method) or method
        self._faults.setdefault(name, deque()).append(
            _Fault(status, description, parameters, times)
        )

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next `times` calls of method ("*" = any) for `seconds` before handling them.

        The call is still carried out after the delay even if the client gave up, as on the
        real service.
        """
        name = self.spec.canonical_method(method) or method
        self._delays.setdefault(name, deque()).extend([seconds] * times)

    def drop_connection_next(self, method: str, times: int = 1) -> None:
        """Carry out the next `times` calls of method ("*" = any), then close the connection
        instead of answering: the request arrived, but the client's read fails (as when a
        connection breaks under a burst)."""
        name = self.spec.canonical_method(method) or method
        self._drops[name] = self._drops.get(name, 0) + times

    async def refuse_connections(self, seconds: float) -> None:
        """Close the listening socket and drop open connections now; reopen after `seconds`."""
        if self._runner is None:
            raise RuntimeError("FakeTelegram is not started")
        if self._site is not None:
            await self._site.stop()
            self._site = None
        server = self._runner.server
        if server is not None:
            for connection in server.connections:
                connection.force_close()
        if self._reopen_task is not None:
            self._reopen_task.cancel()
        self._reopen_task = asyncio.create_task(self._reopen_after(seconds))

    async def resume_connections(self) -> None:
        """Listen again right away (ends refuse_connections early)."""
        if self._reopen_task is not None:
            self._reopen_task.cancel()
            self._reopen_task = None
        if self._site is None:
            await self._listen(self.port)

    async def _reopen_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        if self._site is None and self._runner is not None:
            await self._listen(self.port)
        self._reopen_task = None


__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiSpec",
    "FakeTelegram",
    "FormattedText",
    "RateLimits",
    "StoredFile",
    "StoredMessage",
    "UploadedFile",
    "format_text",
    "is_valid_button_url",
    "load_spec",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "utf16_len",
]
