"""Risk tiers: crisis, the safety check, or nothing, decided before matching and once after.

`assess` reads the whole message: crisis words first (`crisis.py`), then hints of risk
(`hints.py`). `safety_reply` then decides with what matching found: which topic the crisis
reply offers, what the safety check's "No, but it's hard" opens, and the second net (a message
whose best topic is a crisis topic gets the crisis reply too).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Final, Literal

from bot.knowledge.base import CrisisForm, KnowledgeBase, Register
from bot.knowledge.topic import Topic
from bot.language.normalize import fold
from bot.matching import ANSWER_SCORE, CERTAIN_SCORE, SUGGEST_SCORE, Match
from bot.safety.crisis import (
    CrisisHit,
    asks_in_general,
    figures_of_speech,
    names_someone,
    read_crisis,
    second_net_form,
)
from bot.safety.hints import HINTS, Hint
from bot.safety.net import FORM_LEAD, SPEAKER_LEAD, Verdict
from bot.safety.patterns import Phrase, PhraseSet, parse_all

log = logging.getLogger("qoldau.safety")

Tier = Literal["crisis", "check", "none"]

HINT_LIST: Final[tuple[Phrase[Hint], ...]] = parse_all(HINTS)
_HINTS: Final = PhraseSet(HINT_LIST)


@dataclass(frozen=True)
class Risk:
    """How much risk a message shows, and what was found."""

    tier: Tier
    crisis: CrisisHit | None = None
    hint: Hint | None = None
    phrase: str | None = None


NO_RISK: Final = Risk("none")


def detect_hint(text: str) -> Phrase[Hint] | None:
    """The first hint of risk a message holds, or None."""
    words = fold(text).split()
    found = _HINTS.find(words, figures_of_speech(words)) if words else []
    return found[0].phrase if found else None


def assess(text: str) -> Risk:
    """Crisis, safety check or nothing, for a whole message."""
    hit, laughed = read_crisis(text)
    if hit is not None:
        return Risk("crisis", crisis=hit, phrase=hit.phrase)
    if laughed:
        # A threat told laughing ("he'll kill me if I tell mum lol"): ask, as for a hint.
        return Risk("check")
    hint = detect_hint(text)
    if hint is not None:
        return Risk("check", hint=hint.kind, phrase=hint.text)
    return NO_RISK


#: The topics each crisis form may lead to; matching picks the closest, the family's the rest.
FORM_TOPICS: Final[dict[CrisisForm, tuple[str, ...]]] = {
    "oneself": ("suicide-crisis", "self-harm"),
    "someone_else": ("worried-adult", "self-harm", "suicide-crisis"),
    # Being hurt: whether it is a child or an adult; "online safety tips, my stepfather hits
    # me" is about the stepfather, however well the first words match.
    "hurt_now": ("violence-home", "domestic-violence-adult", "sexual-abuse"),
    # Someone else being hurt: a parent or a teacher is told, or sees it.
    "someone_hurt": ("violence-home", "sexual-abuse", "domestic-violence-adult",
                     "worried-adult"),
}
#: Topics offered beside a form's own when matching finds them closest: photos demanded online
#: are sexual abuse, and online safety says what to do with the account.
NEARBY: Final[dict[CrisisForm, tuple[str, ...]]] = {"hurt_now": ("online-safety",),
                                                   "someone_hurt": ("online-safety",)}
#: How far past its threshold the net alone must be to overrule matching's everyday answer:
#: the noise band of the threshold. At 1.0, writer-held-out over 19 writers, crisis recall
#: fell 0.88 -> 0.85 (w6: 0.83 -> 0.78); at 0.15 w6 lost nothing, at 0.25 one message. With the
#: out-of-scope list grown to 655, "my girlfriend broke up with me today" came out at 0.27: at
#: 0.3, held-out w6 crisis recall is unchanged (0.828).
NET_DOUBT: Final = 0.3
#: The writer's own form for a form about someone else.
_ABOUT_OTHERS: Final[dict[CrisisForm, CrisisForm]] = {"someone_else": "oneself",
                                                       "someone_hurt": "hurt_now"}
#: A message of at most this many words tells no more than its one hint.
BARE_WORDS: Final = 8
#: The net alone is not believed on a message this short: on one or two words («сегодня»,
#: "my girlfriend") its score is one word's share of the crisis examples, not a reading. Of
#: the writers' 33 messages of one or two words, none was labelled a crisis the rules miss
#: (9 of two words a check, the rest none), and no eval or corpus item is one.
NET_FEWEST_WORDS: Final = 2
#: What the safety check's "No, but it's hard" leads to when matching found nothing closer.
GENTLE_TOPIC: Final = "low-mood"
#: The topic for someone worried about another person (the safety check's third button).
WORRIED_TOPIC: Final = "worried-adult"


@dataclass(frozen=True)
class SafetyReply:
    """The reply the safety layer decided on: its tier, form and the topics it offers."""

    tier: Literal["crisis", "check"]
    form: CrisisForm = "oneself"
    topic: str | None = None
    also: str | None = None
    register: Register = "teen"


def safety_reply(kb: KnowledgeBase, text: str, found: Match) -> SafetyReply | None:
    """The crisis reply or the safety check a message needs, given what matching found.

    Crisis if the phrase rules or the learned net (`net.py`) say so; the safety check if
    either sees a hint; and last the matcher's net (a crisis topic answered)."""
    risk = assess(text)
    verdict = _judged(kb, text)
    # Who is spoken to matters only when there is a reply to give: read it then, not for
    # every message.
    register: Register = "teen"
    if risk.tier != "none" or (verdict is not None and verdict.tier != "none") or (
            _crisis_topic(kb, found) is not None):
        register = speaker_register(text, verdict)
    if risk.crisis is not None:
        # The family's topic first (refined by matching for the general families), then the
        # closest topic of the same form, or near it, that matching found, if another.
        form = _refined_form(risk.crisis, text, verdict)
        default = risk.crisis.topic if form == risk.crisis.form else FORM_TOPICS[form][0]
        topic = _closest(kb, found, FORM_TOPICS[form], default) if (
            risk.crisis.general or form != risk.crisis.form) else default
        nearby = _closest(kb, found, FORM_TOPICS[form] + NEARBY.get(form, ()), default)
        return SafetyReply("crisis", form, topic, nearby, register)
    if verdict is not None and _everyday_example(kb, found):
        # The net alone never overrules a message that is an everyday topic's example nearly
        # word for word («кто видит что я пишу», "goodbye"): it learned them at a quarter of a
        # writer's weight and may still lean to crisis. Writer-held-out, over 1,783 crisis
        # messages, no crisis reply was lost this way.
        verdict = None
    if verdict is not None and verdict.tier == "crisis" and risk.tier == "none" and (
            verdict.crisis_score < NET_DOUBT and _everyday_answer(kb, found)):
        # The net alone, just past its threshold, on a message matching answers with an
        # everyday topic ("my girlfriend broke up with me today"): the answer, no alarm.
        verdict = None
    words = len(fold(text).split())
    if verdict is not None and risk.tier == "none" and words <= NET_FEWEST_WORDS and (
            verdict.tier == "crisis" or words == 1):
        # The net alone on one or two words: nothing on one word (it is a greeting or a
        # reply to a button far more often than a disclosure), the direct question on two.
        verdict = replace(verdict, tier="check" if words > 1 else "none")
    if verdict is not None and verdict.tier == "crisis" and not (
            risk.tier == "check" and words <= BARE_WORDS):
        # Words no phrase knows, that the net learned from examples. Not a bare hint («хочу
        # сбежать из дома», "what's the highest bridge in the city"): told no more, the
        # safety check asks what is wrong. Of the writers' messages of 8 words or fewer in
        # which the rules see a hint, they labelled 27 a check and 9 a crisis. (A story with
        # a hint stays a crisis when the net says so: 39 of 42 were labelled one.)
        form = verdict.form if verdict.form in FORM_TOPICS else "oneself"
        if form in _ABOUT_OTHERS and not names_someone(text):
            # No other person named: about the writer ("goodbye everyone").
            form = _ABOUT_OTHERS[form]
        sure = _certain_danger_topic(kb, found)
        if sure is not None and sure not in FORM_TOPICS[form]:
            # Matching is certain of the subject («мама увидела следы на руках»: self-harm),
            # the net only that it is a crisis: the subject's form.
            form = next((f for f, topics in FORM_TOPICS.items() if sure in topics), form)
        topic = _closest(kb, found, FORM_TOPICS[form], FORM_TOPICS[form][0])
        return SafetyReply("crisis", form, topic, None, register)
    if risk.tier == "check":
        # Only a hint: ask directly, as counsellors do, rather than guess.
        return SafetyReply("check", topic=_gentle_topic(kb, found), register=register)
    in_general = _answers_crisis_topic(kb, found) and asks_in_general(text)
    crisis_topic = _crisis_topic(kb, found)
    if crisis_topic is not None and not in_general:
        # The matcher's net: words no phrase list knows, but matching says they are a crisis.
        return SafetyReply("crisis", second_net_form(crisis_topic, text), crisis_topic,
                           register=register)
    if _answers_crisis_topic(kb, found) and not in_general:
        # A crisis topic is never answered as a plain topic: a long story that matching
        # answers with one on little evidence gets the direct question instead.
        return SafetyReply("check", topic=_gentle_topic(kb, found), register=register)
    if verdict is not None and verdict.tier == "check":
        # A hint the net learned: ask directly too.
        return SafetyReply("check", topic=_gentle_topic(kb, found), register=register)
    return None


def _judged(kb: KnowledgeBase, text: str) -> Verdict | None:
    """The net's verdict, or None: without a net, and if it fails (logged, never the text),
    so that the rules' crisis reply is never lost to the net."""
    try:
        net = kb.safety.current if kb.safety is not None else None
        return net.judge(text) if net is not None else None
    except Exception as error:
        log.error("safety net failed on a message; the rules judge it",
                  extra={"reason": type(error).__name__})
        return None


def _refined_form(hit: CrisisHit, text: str, verdict: Verdict | None) -> CrisisForm:
    """The rules' form, or the net's where it is sure of a distinction the rules cannot make:
    that the one being hurt, or at risk, is someone else. Never when the phrase itself says
    it is the writer ("hits me") or no other person is named ("he is blackmailing me")."""
    form = hit.form
    if verdict is None or verdict.form_lead < FORM_LEAD or hit.in_person or not (
            names_someone(text)):
        return form
    if form == "hurt_now" and verdict.form == "someone_hurt":
        return "someone_hurt"
    if form == "oneself" and verdict.form == "someone_else":
        return "someone_else"
    return form


#: An adult saying who they are: «я мама», "I'm a teacher", "school psychologist here",
#: «мен мұғаліммін».
_ROLES: Final = frozenset(fold("""
    мама мать отец папа бабушка дедушка учитель учительница психолог педагог медсестра врач
    классный классная воспитатель тётя тетя дядя
    mom mum dad mother father teacher psychologist counsellor counselor nurse doctor
    grandmother grandfather grandma grandpa aunt uncle
    мұғалім мұғаліммін психологпын анасымын әкесімін дәрігермін медбикемін апасымын
""").split())
_I_AM: Final = frozenset(fold("я мен i im am").split())
_ARTICLES: Final = frozenset(fold("a an").split())
#: A profession said last: "school psychologist here" (not "mom here": a teenager writes it).
_PROFESSIONS: Final = frozenset(fold("""
    teacher psychologist counsellor counselor nurse doctor учитель учительница психолог педагог
    медсестра врач
""").split())
#: An adult naming their child, pupil or family: "my son", «моя дочь», "my husband".
_CHILDREN: Final = frozenset(fold("""
    son daughter pupil pupils student students grandson granddaughter grandchild nephew niece
    husband wife colleague
    сын сына сыну дочь дочери дочка ребенок ребёнок ученик ученица учеников внук внучка внуку
    внучке племянник племянница муж мужа жена жены коллега
""").split())
_MY: Final = frozenset(fold("my мой моя моего моей моему мою наш наша our").split())
#: Kazakh "my son / daughter / child / pupil / grandchild / nephew / husband / wife" on the word
#: itself.
_MY_CHILD_KK: Final = tuple(fold("ұлым қызым балам оқушым немерем жиенім күйеуім әйелім"
                                 ).split())


def speaker_register(text: str, verdict: Verdict | None) -> Register:
    """Whether to speak to the writer as an adult (сіз, вы) or a teenager (сен, ты): an adult
    who says so («я мама», "my son", «ұлым»), or the net's reading of who writes, when it is
    sure (`SPEAKER_LEAD`)."""
    words = fold(text).split()
    for i, word in enumerate(words):
        # "I'm a nurse", «я учитель»: the role right after "I" (or "I am a"); not "I told
        # mom", «как папа узнает».
        said = i > 0 and (words[i - 1] in _I_AM or (
            words[i - 1] in _ARTICLES and i > 1 and words[i - 2] in _I_AM))
        here = word in _PROFESSIONS and words[i + 1:i + 2] == ["here"]
        if (word in _ROLES and (said or here)) or (
                word in _CHILDREN and i and words[i - 1] in _MY) or (
                word.startswith(_MY_CHILD_KK)):
            return "adult"
    if verdict is not None and verdict.speaker == "adult" and (
            verdict.speaker_lead >= SPEAKER_LEAD):
        return "adult"
    return "teen"


def _closest(kb: KnowledgeBase, found: Match, allowed: tuple[str, ...], default: str) -> str:
    """The best-ranked of the allowed topics that matching offered, or the default."""
    for candidate in found.candidates:
        if candidate.topic in allowed and candidate.score >= SUGGEST_SCORE and (
                candidate.topic in kb.topics):
            return candidate.topic
    return default


def _crisis_topic(kb: KnowledgeBase, found: Match) -> str | None:
    """A crisis topic that matching answers with, sure as of a short question (a long story
    is answered on less, and its everyday words must not make a crisis of it)."""
    best = found.topic
    if best is None or best not in kb.topics or found.score < ANSWER_SCORE:
        return None
    return best if kb.topic(best).crisis else None


def _matched(kb: KnowledgeBase, found: Match) -> Topic | None:
    """The topic matching ranks first, if the knowledge has it."""
    return kb.topics.get(found.topic) if found.topic is not None else None


def _everyday_answer(kb: KnowledgeBase, found: Match) -> bool:
    """Whether matching answers with an everyday topic."""
    topic = _matched(kb, found)
    return found.kind == "answer" and topic is not None and topic.everyday


def _everyday_example(kb: KnowledgeBase, found: Match) -> bool:
    """Whether matching is certain of an everyday topic (a message that is nearly one of its
    examples)."""
    topic = _matched(kb, found)
    return topic is not None and found.score >= CERTAIN_SCORE and topic.everyday


def _certain_danger_topic(kb: KnowledgeBase, found: Match) -> str | None:
    """The crisis or danger topic matching is certain of, if any."""
    topic = _matched(kb, found)
    if topic is None or found.score < CERTAIN_SCORE or topic.everyday:
        return None
    return topic.id


def _answers_crisis_topic(kb: KnowledgeBase, found: Match) -> bool:
    """Whether matching would answer with a crisis topic (on any score)."""
    topic = found.topic
    return found.kind == "answer" and topic is not None and topic in kb.topics \
        and kb.topic(topic).crisis


def for_information(kb: KnowledgeBase, found: Match) -> Match:
    """What answers a question for information about a crisis subject ("how do I talk to my
    son about self-harm, nothing happened"): the worried adult's topic, not the crisis card,
    and never the crisis topic as a plain answer. Any other match as it is."""
    if not _answers_crisis_topic(kb, found) or WORRIED_TOPIC not in kb.topics:
        return found
    best = replace(found.candidates[0], topic=WORRIED_TOPIC)
    rest = tuple(c for c in found.candidates[1:] if c.topic != WORRIED_TOPIC)
    return replace(found, candidates=(best, *rest))


def _gentle_topic(kb: KnowledgeBase, found: Match) -> str | None:
    """The topic the safety check's "No, but it's hard" opens: the best ordinary one."""
    for candidate in found.candidates[:1]:
        if candidate.score >= SUGGEST_SCORE and not kb.topic(candidate.topic).crisis:
            return candidate.topic
    return GENTLE_TOPIC if GENTLE_TOPIC in kb.topics else None
