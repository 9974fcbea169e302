"""Crisis detection: runs first on every message, whatever the matcher would say.

It never depends on the matcher's thresholds. The phrases of `phrases.PHRASES` are found as
`patterns.py` describes, after the words of figures of speech («умираю со смеху») are set aside.
The hit also tells which form of the crisis reply fits: about oneself, about someone else (the
words of wanting to die stand after "my friend", «подруга», «құрбым», with no "I" between), or
being hurt now.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.knowledge.base import CrisisForm
from bot.language.normalize import fold, fold_word
from bot.safety.patterns import Found, Phrase, PhraseSet, parse_all
from bot.safety.phrases import (
    AFRAID_WORDS,
    FAMILY_FORM,
    FAMILY_TOPIC,
    GENERAL,
    HYPERBOLE,
    IN_GENERAL,
    JOKE_EMOJI,
    JOKE_PRONE,
    JOKE_WORDS,
    NAMING,
    PHRASES,
    RAW_WORDS,
    Family,
)

PHRASE_LIST: Final[tuple[Phrase[Family], ...]] = parse_all(PHRASES)
_CRISIS: Final = PhraseSet(PHRASE_LIST)
_HYPERBOLE: Final = PhraseSet(parse_all(HYPERBOLE))
_IN_GENERAL: Final = PhraseSet(parse_all({"in_general": IN_GENERAL}))

def _folded(words: str) -> frozenset[str]:
    """A list of words written with spaces, each folded."""
    return frozenset(fold_word(w) for w in words.split())


#: Words naming another person: wanting to die said after them is about them. Those of four
#: letters or more count as beginnings («қызымның», «дочери», "students").
_OTHER_PERSON: Final = _folded("""
    friend bestie bff she he her him they daughter son child kid studen pupil classmate
    brother sister girlfriend boyfriend mom mum dad mother father cousin
    друг друз подруг подружк сын сына сыну дочь дочер дочк ребен ребён учени однокласс брат
    сестр он она
    досым досы құрбы ұлым ұлың қызым қызың балам баласы оқушы сыныптас інім сіңлім әпкем ол
""")
#: Words that report another's words: «құрбым маған "өлгім келеді" деп жазды» is about her.
_REPORTED: Final = _folded("""
    said says saying wrote writes texted told
    сказал сказала говорит пишет написал написала написали
    деп дейді деді жазды жазыпты айтты
""")
#: Words that make the speaker the subject: "I", «я», «мен», a first-person verb.
_FIRST_PERSON: Final = _folded("""
    i im ive id myself я хочу могу буду режу думаю сама сам мен өзім өзіме өзімді өзімнің
""")
#: The writer as the one done to: "me", «меня», «мені».
_ME: Final = _folded("me myself меня мне мной себя мені маған менің өзімді")
#: Kazakh first person on the verb or its wish: «өлгім», «салғым», «кесемін».
_FIRST_PERSON_ENDINGS: Final = ("gim", "kim", "min")
_RAW_WORD: Final = re.compile(r"[a-z]+")
#: How far before the crisis words another person may be named.
_LOOK_BACK: Final = 12


@dataclass(frozen=True)
class CrisisHit:
    """A detected crisis: its family, the reply's form, the topic to offer, the phrase found."""

    family: Family
    topic: str
    phrase: str
    form: CrisisForm = "oneself"
    #: Whether the phrase's own words say it is the writer («күйеуім мені ұрып жатыр», "hits
    #: me"): then no model may read it as someone else's.
    in_person: bool = False

    @property
    def general(self) -> bool:
        """Whether matching may offer a closer topic of the same form than `topic`."""
        return self.family in GENERAL


def figures_of_speech(words: Sequence[str]) -> frozenset[int]:
    """Positions of words that belong to a figure of speech («умираю со смеху»)."""
    return frozenset(p for found in _HYPERBOLE.find(words) for p in found.positions)


def detect_crisis(text: str) -> CrisisHit | None:
    """Return the crisis a message speaks of, or None."""
    return read_crisis(text)[0]


def read_crisis(text: str) -> tuple[CrisisHit | None, bool]:
    """The crisis a message speaks of, or None; and whether its only crisis words are a
    threat or a «өлемін» told laughing, with no word of fear (`phrases.JOKE_PRONE`): then no
    crisis, and the safety check asks instead."""
    words = fold(text).split()
    if not words:
        return None, False
    raw = next((w for w in _RAW_WORD.findall(text.lower()) if w in RAW_WORDS), None)
    if raw is not None:
        return _hit(words, Found(Phrase(RAW_WORDS[raw], "en", raw, ()), ())), False
    found = _CRISIS.find(words, figures_of_speech(words))
    if not found or (all(f.phrase.text in NAMING for f in found) and _in_general(words)):
        return None, False
    if _laughed_off(text, words, found):
        return None, True
    return _first_hit(words, found), False


def _first_hit(words: Sequence[str], found: Sequence[Found[Family]]) -> CrisisHit:
    """The hit the reply is for: one's own crisis first, then being hurt, then another's."""
    hits = [_hit(words, f) for f in found]
    for form in ("oneself", "hurt_now", "someone_else"):
        mine = [h for h in hits if h.form == form]
        if mine:
            # Sexual abuse is the more specific of the two "hurt now" families.
            return next((h for h in mine if h.family == "sexual_abuse"), mine[0])
    return hits[0]


_JOKE_WORDS: Final = _folded(JOKE_WORDS)
_AFRAID_WORDS: Final = _folded(AFRAID_WORDS)


def _laughed_off(text: str, words: Sequence[str], found: Sequence[Found[Family]]) -> bool:
    return all(f.phrase.text in JOKE_PRONE for f in found) and _laughs(text, words) and (
        not any(w in _AFRAID_WORDS for w in words))


def _laughs(text: str, words: Sequence[str]) -> bool:
    """Whether a message laughs (😂, "lol", «прикол»)."""
    return any(char in JOKE_EMOJI for char in text) or any(
        w in _JOKE_WORDS or w.startswith(("haha", "хаха", "ахах")) for w in words)


def asks_in_general(text: str) -> bool:
    """Whether a message says it asks for information, nothing having happened («для
    доклада», "nothing happened, just want to be ready", «жалпы ақпарат керек»)."""
    words = fold(text).split()
    return bool(words) and _in_general(words)


def _in_general(words: Sequence[str]) -> bool:
    return bool(_IN_GENERAL.find(words))


def _hit(words: Sequence[str], found: Found[Family]) -> CrisisHit:
    family = found.phrase.kind
    form = FAMILY_FORM[family]
    topic = FAMILY_TOPIC[family]
    if form == "oneself" and found.positions and _about_someone_else(words, found.positions):
        form = "someone_else"
        # Someone else cutting themselves: the self-harm topic speaks to the worried parent.
        topic = topic if family == "self_harm" else FAMILY_TOPIC["friend_in_danger"]
    # "me" near the verb ("beats me", "threatened to kill me", «мені ұрады»), not a "told me"
    # further off; in English only after it ("told me her dad beats her" is about her).
    after = found.phrase.lang == "en"
    in_person = any(words[p] in _ME and any(0 < p - q <= 3 or (not after and 0 < q - p <= 3)
                                            for q in found.positions)
                    for p in found.positions)
    return CrisisHit(family, topic, found.phrase.text, form, in_person)


def _about_someone_else(words: Sequence[str], positions: tuple[int, ...]) -> bool:
    """Tell whether the crisis words speak of another person: named before them, with no "I"
    between, or with their words reported («... деп жазды»)."""
    start, end = min(positions), max(positions)
    others = [i for i in range(max(0, start - _LOOK_BACK), end + 1) if _is_other(words[i])]
    if not others:
        return False
    if any(w in _REPORTED for w in words[others[0]:end + _LOOK_BACK // 2]):
        return True
    if any(w in _FIRST_PERSON for w in words[others[-1]:end + 1]):
        return False
    return not any(words[p].endswith(_FIRST_PERSON_ENDINGS) for p in positions)


def _is_other(word: str) -> bool:
    """Whether a word names another person ("friend", «қызымның»)."""
    return word in _OTHER_PERSON or (len(word) >= 4 and any(
        word.startswith(o) for o in _OTHER_PERSON if len(o) >= 4))


_PRONOUNS: Final = _folded("she he her him they он она ол")
#: More people a message may tell of being hurt (a wife, a neighbour, a girl in the taxi),
#: beyond those who may be at risk of suicide; five letters or more count as beginnings
#: (not «қызы», which begins «қызық», or «друг», which begins «другой»).
_SOMEONE: Final = _OTHER_PERSON | _folded("""
    wife husband neighbour neighbor girl boy niece nephew aunt uncle passenger
    мама маму мамой мамы папа папу отец отца жена жену жены муж мужа сосед соседк девочк
    девушк мальчик мальчишк племянни внук внучк тётя тетя дядя пассажир
    анам анамды әкем әпкем жеңгем көрші әйелі күйеуі қызы баласы немерем жиенім
""")


def names_someone(text: str) -> bool:
    """Whether a message names another person by who they are ("my son", «құрбым», «соседка»),
    not only by a pronoun: without one, "he is blackmailing me" is about the writer."""
    return any(w not in _PRONOUNS and (w in _SOMEONE or (len(w) >= 5 and any(
        w.startswith(o) for o in _SOMEONE if len(o) >= 5))) for w in fold(text).split())


def second_net_form(topic: str, text: str) -> CrisisForm:
    """The form of the crisis reply when matching, not a phrase, found a crisis topic."""
    if topic in HURT_TOPICS:
        return "hurt_now"
    words = fold(text).split()
    return "someone_else" if words and _about_someone_else(
        words, (len(words) - 1,)) else "oneself"


#: Crisis topics about being hurt by someone.
HURT_TOPICS: Final = frozenset({"sexual-abuse", "violence-home"})
