"""Redaction of unanswered questions before they are kept (only when the operator enables it).

Removed: links, e-mail addresses, @handles, phone numbers and every other digit, and the words
after "my name is" and its Kazakh and Russian equivalents. What is left tells what people need
without telling who they are.
"""

from __future__ import annotations

import re

_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:kz|ru|com|org|net|info|"
                   r"me|io|uz|kg|su|рф|қаз)\b\S*", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"@\w+")
_PHONE = re.compile(r"\+?\d[\d\s()\-]{5,}\d")
_DIGITS = re.compile(r"\d+")
# "my name is X Y", "меня зовут X", "менің атым X", "атым X", "I'm called X".
_NAME = re.compile(
    r"\b(my name is|my name's|i am called|i'm called|call me|меня зовут|моё имя|мое имя|"
    r"я зовусь|менің атым|менің есімім|атым|есімім|аты-жөнім)\s+(\S+)(\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\S*)?",
    re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def redact(text: str) -> str:
    """The question without anything that could identify a person."""
    text = _NAME.sub(lambda m: f"{m.group(1)} [name]", text)
    text = _EMAIL.sub("[email]", text)
    text = _LINK.sub("[link]", text)
    text = _HANDLE.sub("[@]", text)
    text = _PHONE.sub("[phone]", text)
    text = _DIGITS.sub("", text)
    return _SPACES.sub(" ", text).strip()
