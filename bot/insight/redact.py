"""Redaction of unanswered questions before they are kept (only when the operator enables it).

What is left tells what people need without telling who they are. Removed:

- links, e-mail addresses, @handles, phone numbers and every other digit;
- names, places, schools and classes, in Kazakh, Russian and English, in Cyrillic or Latin
  letters: a word after "my name is", "меня зовут", "менің атым" and their kin; any capitalised
  word that is not a common word (a word the knowledge base or the function-word lists use, and
  at the start of a sentence only: in mid-sentence a capital marks a name, whatever the word),
  acronyms the knowledge base does not use (a school's "НИШ", "КТЛ"); an unknown word in lower
  case right after "я", "from", "подруга", "из" and the like ("я асель из караганды"); the word
  after "город", "села", "имени" or before "қаласы", "атындағы"; class letters ("9 Б класс",
  "7А", "grade 7B", "8 «Б» сынып") and initials ("А. С.").

People who write in lower case about someone without any such word around the name can still
slip through: the question is kept only with the operator's consent, and only for 30 days.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.markup import to_plain
from bot.language.contacts import replace_contacts
from bot.language.normalize import fold
from bot.language.stopwords import ALL_STOPWORDS

NAME, CLASS = "[name]", "[class]"

_DIGITS = re.compile(r"\d+")
_UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_LOWER = "a-zа-яёәғқңөұүһі"
#: A name given outright: the word after the phrase, and a capitalised second one (a surname).
_NAME = re.compile(
    r"\b(my name is|my name's|his name is|her name is|i am called|i'm called|call me|"
    r"меня зовут|его зовут|её зовут|ее зовут|зовут|моё имя|мое имя|я зовусь|от имени|"
    r"менің атым|менің есімім|атым|есімім|аты-жөнім|есімі|аты|"
    r"menya zovut|zovut|menin atym|menіn atym|atym|esimim)\s+([^\s,.;:!?]+)"
    rf"(?-i:\s+[{_UPPER}][^\s,.;:!?]*)?", re.IGNORECASE)
#: Places and schools named by the word after (город Кокшетау, имени Абая, city of Taraz) ...
_BEFORE_NAME = re.compile(
    r"\b(город|города|городе|г\.|село|села|селе|аул|аула|ауле|посёлок|поселок|посёлка|поселка|"
    r"район|района|районе|область|области|улица|улице|ул\.|имени|им\.|city of|town of|"
    r"village of|school of)\s+([^\s,.;:!?]+)", re.IGNORECASE)
#: ... or by the word before (Алматы қаласы, Абай атындағы, Taraz qalasynda).
_AFTER_NAME = re.compile(
    r"([^\s,.;:!?]+)(\s+)(қаласы\w*|ауылы\w*|ауданы\w*|облысы\w*|көшесі\w*|атындағы|qalasy\w*|"
    r"auyly\w*|audany\w*|oblysy\w*|atyndagy)\b", re.IGNORECASE)
#: A class: its number and letter, whichever way it is written.
_CLASS = re.compile(
    rf"\b\d{{1,2}}\s?[-–]?\s?[«\"'“]?[{_UPPER}{_LOWER}][»\"'”]?(?![\w])"  # 7А, 9 «Б», 10-В
    rf"|(?<![\w])[«\"'“]?[{_UPPER}][»\"'”]?(?=\s+(?:класс|сынып|class|grade|form))"  # Б класса
    rf"|\b(?:класс\w*|сынып\w*|class|grade|form)\s+\d{{0,2}}\s?[«\"'“]?[{_UPPER}][»\"'”]?"
    rf"(?![\w])",  # class 5 C
    re.IGNORECASE)
#: A word, starting with a letter (hyphens and apostrophes inside it: Ust-Kamenogorsk, I'm).
_WORD = re.compile(rf"[{_UPPER}{_LOWER}][\w'’-]*", re.IGNORECASE)


def _folded(words: str) -> frozenset[str]:
    """Words written out with spaces, folded."""
    return frozenset(fold(word) for word in words.split())


#: An initial: one capital letter and a full stop (Иванова А. С.).
_INITIAL = re.compile(rf"(?<![\w])[{_UPPER}]\.(?=\s|$)")
#: After these, an unknown word in lower case is most likely a name or a place ...
_INTRODUCERS = _folded("""
    из from in живу живем живём тұрамын iz
    подруга подружка друг сестра брат сын дочь дочка мама папа сосед одноклассник одноклассница
    досым құрбым сіңлім інім апам әпкем ағам балам ұлым қызым
    friend sister brother son daughter mother father classmate
    drug podruga sestra brat syn doch dosym
    """)
#: ... and after these, when the word ends a phrase ("я асель, ...", "я асель из ...").
_PRONOUNS = _folded("я мен i'm im это бұл ya men")
_PHRASE_END = re.compile(r"\s*(?:[,.!?;:()]|$|(?:из|iz|from|с|s)\b)", re.IGNORECASE)
#: Exams everyone sits: an acronym, but no one's name (a school's acronym is).
_EXAMS = _folded("ЕНТ ҰБТ ЕГЭ ОГЭ IELTS TOEFL SAT")
_SENTENCE_END = re.compile(r"[.!?…\n]")
_REPEATED = re.compile(r"(\[(?:name|class)\])(?:[\s,.;:()«»\"'-]*\1)+")
_SPACES = re.compile(r"\s+")


def redact(text: str, known: Collection[str] = frozenset()) -> str:
    """The question without anything that could identify a person.

    `known`: folded words that are common here (`vocabulary`, the knowledge base's): a
    capitalised one may stay at the start of a sentence ("Помогите", "Stress"), an acronym
    anywhere, an unknown word after "из" or "подруга" may not.
    """
    text = replace_contacts(text, "[email]", "[link]", "[@]", "[phone]")
    text = _NAME.sub(lambda m: f"{m.group(1)} {NAME}", text)
    text = _BEFORE_NAME.sub(lambda m: f"{m.group(1)} {NAME}", text)
    text = _AFTER_NAME.sub(lambda m: f"{NAME}{m.group(2)}{m.group(3)}", text)
    text = _CLASS.sub(CLASS, text)
    text = _INITIAL.sub(NAME, text)
    text = "".join(_words_redacted(text, frozenset(known) | ALL_STOPWORDS))
    text = _DIGITS.sub("", text)
    text = _REPEATED.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def _words_redacted(text: str, known: frozenset[str]) -> Iterator[str]:
    """The text again, with names and places the patterns could not see replaced."""
    position, sentence_start, previous = 0, True, ""
    for match in _WORD.finditer(text):
        between = text[position:match.start()]
        yield between
        position = match.end()
        word = match.group()
        if between.endswith("[") and text.startswith("]", position):
            yield word  # a placeholder already
            continue
        sentence_start = sentence_start or bool(_SENTENCE_END.search(between))
        folded = fold(word).split()
        is_known = bool(folded) and all(part in known or f"{part[:5]}*" in known
                                        for part in folded)
        common = bool(folded) and all(part in ALL_STOPWORDS for part in folded)
        if word[0].isupper():
            acronym = len(word) > 1 and word.isupper()
            # A capital in mid-sentence marks a name (unless it is "I", "Я" and the like);
            # at a sentence's start it is only a common word the bot does not know.
            keep = (common or (is_known and (sentence_start or acronym))
                    or (acronym and " ".join(folded) in _EXAMS))
        else:
            # "из караганды", "подруга камила", "я асель, ...": a word no one here uses.
            keep = is_known or not (previous in _INTRODUCERS or (
                previous in _PRONOUNS and _PHRASE_END.match(text, position) is not None))
        yield word if keep else NAME
        sentence_start = False
        previous = " ".join(folded)
    yield text[position:]


_last_vocabulary: list[tuple[KnowledgeBase, frozenset[str]]] = []
#: An example word is a common one when this many topics' examples use it.
COMMON_IN_TOPICS = 3


def vocabulary(kb: KnowledgeBase) -> frozenset[str]:
    """The folded words of the knowledge base's titles, answers and keywords, and those of its
    example questions that several topics use: the common words of this domain; computed once
    per snapshot. A word of one topic's examples only may be the name of a town or a friend in a
    story, so it does not count."""
    if _last_vocabulary and _last_vocabulary[0][0] is kb:
        return _last_vocabulary[0][1]
    words = {word for topic in kb.topics.values() for text in topic.texts.values()
             for part in (text.title, to_plain(text.answer), *text.keywords)
             for word in fold(part).split()}
    used_by: dict[str, set[str]] = {}
    capitalised: Counter[str] = Counter()
    written: Counter[str] = Counter()
    for topic in kb.topics.values():
        for text in topic.texts.values():
            for example in text.examples:
                for raw in _WORD.findall(example):
                    for word in fold(raw).split():
                        used_by.setdefault(word, set()).add(topic.id)
                        written[word] += 1
                        capitalised[word] += raw[:1].isupper()
    # Town names are common in stories too ("Almaty"), but written with a capital.
    words |= {word for word, topics in used_by.items() if len(topics) >= COMMON_IN_TOPICS
              and capitalised[word] * 2 < written[word]}
    # A word's first five letters, marked with *, so that its other endings count as known
    # ("сестра" beside the knowledge base's "сестре").
    known = frozenset(words | {f"{word[:5]}*" for word in words if len(word) >= 5})
    _last_vocabulary[:] = [(kb, known)]
    return known
