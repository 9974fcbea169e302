"""Contacts in a message: links, e-mail addresses, @handles and phone numbers.

They say who or where, never how someone is: the redaction of kept questions replaces them
(`bot.insight.redact`), and the safety net reads messages without them (a name in an address,
«aigerim@mail.ru», is no evidence of danger).
"""

from __future__ import annotations

import re
from typing import Final

LINK: Final = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:kz|ru|com|org|net|"
                         r"info|me|io|uz|kg|su|рф|қаз)\b\S*", re.IGNORECASE)
EMAIL: Final = re.compile(r"\S+@\S+\.\w+")
HANDLE: Final = re.compile(r"@\w+")
PHONE: Final = re.compile(r"\+?\d[\d\s()\-]{5,}\d")


def replace_contacts(text: str, email: str = "", link: str = "", handle: str = "",
                     phone: str = "") -> str:
    """The text with each kind of contact replaced (by nothing, unless told)."""
    text = EMAIL.sub(email, text)
    text = LINK.sub(link, text)
    text = HANDLE.sub(handle, text)
    return PHONE.sub(phone, text)
