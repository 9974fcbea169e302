"""Placeholders like {150} in answers, filled in from the registry of lines and sites."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from bot.knowledge.base import Hotline
from bot.knowledge.markup import escape

PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
FIELDS = ("number", "whatsapp", "site")


@dataclass(frozen=True)
class UnknownPlaceholder:
    """A placeholder that names no line or field of the registry."""

    offset: int
    message: str
    #: The registry id it names ("150" for {150.site}).
    name: str = ""


def site_url(site: str) -> str:
    """The address a registry site opens."""
    return f"https://{site}"


def site_link(site: str) -> str:
    """A site as a Telegram HTML link."""
    return f'<a href="{escape(site_url(site))}">{escape(site)}</a>'


def whatsapp_url(whatsapp: str, text: str | None = None) -> str:
    """The wa.me link that opens a chat with a WhatsApp number, with a message already written.

    WhatsApp's "click to chat" links take the number in international form, digits only
    ("+7 708 106 08 10" → 77081060810), and the text URL-encoded.
    """
    url = "https://wa.me/" + re.sub(r"\D", "", whatsapp)
    return url + "?text=" + quote(text, safe="") if text else url


def _value(line: Hotline, field: str | None) -> str | None:
    if field is None:
        if line.number:
            return f"<b>{escape(line.number)}</b>"
        return site_link(line.site) if line.site else None
    if field == "number":
        return f"<b>{escape(line.number)}</b>" if line.number else None
    if field == "site":
        return site_link(line.site) if line.site else None
    if field == "whatsapp":
        return escape(line.whatsapp) if line.whatsapp else None
    return None


def fill(text: str, lines: Mapping[str, Hotline]) -> tuple[str, list[UnknownPlaceholder]]:
    """Replace every {id} and {id.field} with its value; list placeholders that name nothing."""
    unknown: list[UnknownPlaceholder] = []

    def replace(match: re.Match[str]) -> str:
        name, _, field = match.group(1).partition(".")
        line = lines.get(name)
        value = _value(line, field or None) if line else None
        if value is None:
            unknown.append(UnknownPlaceholder(match.start(), _explain(name, field, lines), name))
            return match.group(0)
        return value

    return PLACEHOLDER.sub(replace, text), unknown


def _explain(name: str, field: str, lines: Mapping[str, Hotline]) -> str:
    if name not in lines:
        known = ", ".join("{" + key + "}" for key in lines)
        return f"{{{name}}} is not in the hotline registry (hotlines.yaml); known: {known}"
    if field not in FIELDS:
        return f"{{{name}.{field}}}: a line has only the fields {', '.join(FIELDS)}"
    return f"{{{name}.{field}}}: the line {name} has no {field} in hotlines.yaml"

