"""A naive matcher to measure ours against: rapidfuzz WRatio over the raw example questions.

What a first attempt would do: no normalisation or script folding, no language handling, no
crisis detection, no stop words. The best example's topic is the answer when it scores at least
`CUTOFF`; below it, the three best topics are offered (so it never gives the fallback, except to
a message nothing matches at all). It always replies in the default language. It returns the
same `Reply` as `bot.replies.answer`, so `qoldau eval --baseline` scores both with one code.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.i18n import translator
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.markup import escape
from bot.language import LANGS, Lang
from bot.matching.index import Candidate
from bot.replies import main_menu, topic_reply
from bot.reply_types import TOPIC_PREFIX, Button, Reply

#: WRatio (0..100) at which the best example's topic is answered: rapidfuzz's customary "good
#: match", chosen before looking at any eval set and not tuned on one.
CUTOFF = 80
SUGGESTIONS = 3
#: How `qoldau eval --baseline` names it.
DESCRIPTION = (f"rapidfuzz WRatio over the raw example questions, answer at >= {CUTOFF}, "
               "else its 3 best topics; default language; no crisis detection")


def answer(kb: KnowledgeBase, text: str, chosen: Lang | None = None,
           default: Lang = "ru") -> Reply:
    """Reply as the naive matcher would; `chosen` is ignored (it knows no languages)."""
    examples = [(example, topic.id) for topic in kb.topics.values() for lang in LANGS
                for example in topic.texts[lang].examples]
    best: dict[str, tuple[float, str]] = {}
    for example, score, pos in process.extract(text, [e for e, _ in examples],
                                               scorer=fuzz.WRatio, processor=None, limit=None):
        if score <= 0 or len(best) == SUGGESTIONS:
            break
        best.setdefault(examples[pos][1], (score, example))
    candidates = tuple(Candidate(topic, round(score / 100, 4), round(score / 100, 4), 0.0, 0.0,
                                 example) for topic, (score, example) in best.items())
    lang = default
    if not candidates:
        menu = main_menu(kb, lang)
        return Reply("fallback", lang, menu.text, menu.buttons)
    top, top_score = candidates[0], next(iter(best.values()))[0]
    if top_score >= CUTOFF:
        reply = topic_reply(kb, top.topic, lang)
        return Reply("answer", lang, reply.text, reply.buttons, top.topic, top.score, candidates)
    _ = translator(lang)
    rows = tuple((Button(kb.topic(c.topic).texts[lang].title, TOPIC_PREFIX + c.topic),)
                 for c in candidates)
    return Reply("suggestions", lang, escape(_("Did you mean one of these?")), rows, None,
                 top.score, candidates)
