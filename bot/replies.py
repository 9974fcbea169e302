"""`answer(text)`: the one code path from a message to what the bot replies.

Telegram, the console chat, `qoldau ask` and `qoldau eval` all call `answer` (for free text) and
`screen` (for a menu button), and render the `Reply` they get. Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import format_date

from bot.flows import CALM_NOW, FLOW_PREFIX
from bot.flows.guided import guided_screen
from bot.flows.triggers import triggered_flow
from bot.i18n import N_, Translate, translator
from bot.knowledge.base import CrisisForm, Hotline, KnowledgeBase, Register
from bot.knowledge.hotlines import site_link, whatsapp_url
from bot.knowledge.markup import escape, to_plain
from bot.language import LANGS, Lang
from bot.language.detect import detect
from bot.language.normalize import clean, fold, has_letters_or_digits
from bot.matching import Match, also_about, fuse, heeds_channel, match
from bot.matching.learned import ranking
from bot.reach import REACH_TOPICS, reach_rows
from bot.reply_types import (
    ABOUT,
    BACK_SEPARATOR,
    CLEAN,
    CRISIS,
    EVERYDAY,
    FEEDBACK_PREFIX,
    FORGET,
    GROUPS,
    HOTLINE_PREFIX,
    HOTLINES,
    LANGUAGE,
    MENU,
    SET_LANG_PREFIX,
    TOPIC_PREFIX,
    TOPICS,
    WRITE,
    Button,
    Reply,
)
from bot.safety.crisis import detect_crisis
from bot.safety.risk import WORRIED_TOPIC, for_information, safety_reply
from bot.safety.safe_word import is_safe_word

#: Matching reads the start of a long message: a question is in its first words, and fuzzy
#: matching a 10,000-character text would only add noise and time. Crisis detection reads all.
MATCH_CHARS = 400

#: The names of the languages, each in itself: the same in every catalog.
LANGUAGE_NAMES: dict[Lang, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

def answer(kb: KnowledgeBase, text: str, chosen: Lang | None = None,
           default: Lang = "ru") -> Reply:
    """Reply to a free-text message: crisis first, then the safety check, an answer,
    suggestions or the fallback."""
    cleaned = clean(text)
    if not has_letters_or_digits(cleaned):
        lang = chosen or default
        _ = translator(lang)
        text = escape(_("I can only read text. Write your question in words, or choose from "
                        "the menu."))
        return Reply("empty", lang, text + _person_line(kb, _), ((_menu_button(_),),))
    lang = detect(cleaned, kb.lexicon, chosen, default).lang
    if is_safe_word(cleaned):
        return crisis_reply(kb, lang)  # "SOS", «көмек», "help" alone, at any moment
    found = match(kb.index, cleaned[:MATCH_CHARS])
    safety = safety_reply(kb, cleaned, found)
    if safety is not None:
        if safety.tier == "crisis":
            return crisis_reply(kb, lang, safety.form, topic=safety.topic, also=safety.also,
                                register=safety.register)
        return check_reply(kb, lang, safety.topic, found, safety.register)
    flow = triggered_flow(kb, cleaned)
    if flow is not None:
        return flow_screen(kb, FLOW_PREFIX + flow, lang) or main_menu(kb, lang)
    _ = translator(lang)
    # The safety layer judged with the matcher's own reading (it is calibrated on it); the
    # topic is chosen with the learned channel too.
    words = len(fold(cleaned).split())
    if heeds_channel(found, words):
        found = fuse(found, ranking(kb.learned, cleaned), words)
    # A question for information about a crisis subject is answered by the worried
    # adult's topic (`safety_reply` let it through: it says nothing has happened).
    found = for_information(kb, found)
    if found.kind == "answer" and found.topic is not None:
        return _answer_reply(kb, found, lang, also_about(kb.index, cleaned[:MATCH_CHARS],
                                                         found.topic))
    if found.kind == "suggestions":
        return suggestions_reply(kb, found, lang)
    return Reply("fallback", lang, _fallback_text(kb, _), (*reach_rows(kb, lang), (
        _menu_button(_), Button(_("Hotlines"), HOTLINES))), None, found.score, found.candidates)


def suggestions_reply(kb: KnowledgeBase, found: Match, lang: Lang) -> Reply:
    """A few topics to choose from, with the numbers a suggested protection topic names."""
    _ = translator(lang)
    rows = tuple((_topic_button(kb, c.topic, lang),) for c in found.candidates)
    text = escape(_("Did you mean one of these?")) + _urgent_lines(
        kb, [c.topic for c in found.candidates], lang, _)
    return Reply("suggestions", lang, text, (*rows, (_menu_button(_),)), None, found.score,
                 found.candidates)


def _urgent_lines(kb: KnowledgeBase, topics: list[str], lang: Lang, _: Translate) -> str:
    """The lines a suggested protection topic names (`urgent_lines`: 111, 102, 116-16), so
    that a person who may be in danger has the number before choosing: "" when none does."""
    ids = dict.fromkeys(line for topic in topics if topic in kb.topics
                        for line in kb.topics[topic].urgent_lines)
    lines = [line for line in map(kb.hotline, ids) if line is not None]
    if not lines:
        return ""
    listed = "\n".join(f"{_primary_contact(line)} — {escape(line.name[lang])}" for line in lines)
    return "\n\n" + escape(_("If it is happening now, do not wait:")) + "\n" + listed


def _answer_reply(kb: KnowledgeBase, found: Match, lang: Lang, also: tuple[str, ...]
                  ) -> Reply:
    """A topic's answer to a question: buttons to the other topics the message touches
    ("You also wrote about"), the topic's related ones, feedback and the menu."""
    assert found.topic is not None
    _ = translator(lang)
    reply = topic_reply(kb, found.topic, lang)
    text, rows = reply.text, list(reply.buttons[:-1])
    touched = [t for t in also if t in kb.topics]
    if touched:
        text += "\n\n<i>" + escape(_("You also wrote about:")) + "</i>"
        # The touched topics come first, each on its own row; a related button that opens one
        # of them is not repeated below.
        opened = {TOPIC_PREFIX + t for t in touched}
        related = [tuple(b for b in row if b.action not in opened) for row in rows]
        rows = [(_topic_button(kb, t, lang),) for t in touched] + [r for r in related if r]
    rows += [feedback_row(found.topic, _), reply.buttons[-1]]
    return Reply("answer", lang, text, tuple(rows), found.topic, found.score, found.candidates,
                 tuple(touched))


def check_reply(kb: KnowledgeBase, lang: Lang, topic: str | None, found: Match | None = None,
                register: Register = "teen") -> Reply:
    """The safety check: a warm, direct question with its three answers as buttons."""
    _ = translator(lang)
    yes, no, other = kb.crisis.check.labels[lang]
    rows: list[tuple[Button, ...]] = [(Button(yes, CRISIS),)]
    if topic is not None:
        rows.append((Button(no, TOPIC_PREFIX + topic),))
    if WORRIED_TOPIC in kb.topics:
        rows.append((Button(other, TOPIC_PREFIX + WORRIED_TOPIC),))
    rows += [*safety_rows(kb, lang), (_menu_button(_),)]
    return Reply("check", lang, kb.crisis.check.text(lang, register) + _person_line(kb, _),
                 tuple(rows), topic, found.score if found else 0.0,
                 found.candidates if found else ())


def feedback_row(topic_id: str, _: Translate) -> tuple[Button, ...]:
    """"Was this helpful?" under an answer to a question."""
    return (Button("👍 " + _("Helpful"), FEEDBACK_PREFIX + "+:" + topic_id),
            Button("👎 " + _("Not helpful"), FEEDBACK_PREFIX + "-:" + topic_id))


def parse_feedback(action: str) -> tuple[str, bool] | None:
    """The topic and verdict of a feedback button, or None if the action is not one."""
    if not action.startswith(FEEDBACK_PREFIX):
        return None
    verdict, _, topic = action[len(FEEDBACK_PREFIX):].partition(":")
    return (topic, verdict == "+") if verdict in "+-" and verdict and topic else None


def _fallback_text(kb: KnowledgeBase, _: Translate) -> str:
    text = escape(_("Sorry, I don't have an answer to that. I know about psychological support, "
                    "help lines and safety: try other words, or choose from the menu."))
    return text + _person_line(kb, _)


def _person_line(kb: KnowledgeBase, _: Translate) -> str:
    """Where to reach a person (the 150 line), as a paragraph to end a reply with."""
    line = kb.hotline("150")
    if line is None or not line.number:
        return ""
    return "\n\n" + escape(_("To talk to a person, call {number}: free and anonymous.")
                            ).format(number=f"<b>{escape(line.number)}</b>")


def _menu_button(_: Translate) -> Button:
    return Button("☰ " + _("Menu"), MENU)


def _topic_button(kb: KnowledgeBase, topic_id: str, lang: Lang, back: str | None = None
                  ) -> Button:
    action = TOPIC_PREFIX + topic_id + (BACK_SEPARATOR + back if back else "")
    return Button(kb.topic(topic_id).texts[lang].title, action)


def crisis_reply(kb: KnowledgeBase, lang: Lang, form: CrisisForm = "oneself",
                 topic: str | None = None, also: str | None = None,
                 register: Register = "teen") -> Reply:
    """The crisis reply in its form, with buttons to the topic found (and another close one)
    and the form's topics."""
    _ = translator(lang)
    reply = kb.crisis.forms[form]
    offered = dict.fromkeys(t for t in (topic, also, *reply.buttons) if t and t in kb.topics)
    rows = tuple((_topic_button(kb, t, lang),) for t in offered)
    return Reply("crisis", lang, reply.text(lang, register),
                 (*rows, *safety_rows(kb, lang), (_menu_button(_),)),
                 topic or (reply.buttons[0] if reply.buttons else None), 1.0,
                 register=register, checkin=True)


def topic_reply(kb: KnowledgeBase, topic_id: str, lang: Lang, back: str | None = None) -> Reply:
    """A topic's answer with its related topics and the menu as buttons.

    Opened from a menu (`back` is that menu's action), the topic is a navigation screen: it
    has a Back button and its related topics open in the same place.
    """
    topic = kb.topic(topic_id)
    _ = translator(lang)
    related = [_topic_button(kb, r, lang, back) for r in topic.related if r in kb.topics]
    rows = [tuple(related[i:i + 2]) for i in range(0, len(related), 2)]
    rows += topic_extra_rows(kb, topic_id, lang)
    if back is None:
        # The answer for the worried (the safety check's "I'm worried about someone"): an
        # adult's hard moment, where a check-in may be offered.
        worried = topic_id == WORRIED_TOPIC
        return Reply("answer", lang, topic.texts[lang].answer, (*rows, (_menu_button(_),)),
                     topic_id, register="adult" if worried else "teen", checkin=worried)
    return Reply("menu", lang, topic.texts[lang].answer,
                 (*rows, (Button("« " + _("Back"), back), _menu_button(_))), topic_id)


def main_menu(kb: KnowledgeBase, lang: Lang, text: str | None = None) -> Reply:
    """The main menu."""
    _ = translator(lang)
    rows = (
        (Button("🆘 " + _("I need help now"), CRISIS),),
        (Button(_("Family, school, friends"), EVERYDAY),),
        *flow_rows(kb, lang),
        (Button(_("Hotlines"), HOTLINES), Button(_("For whom"), GROUPS)),
        (Button(_("Topics"), TOPICS), Button(_("Language"), LANGUAGE)),
        (Button(_("About and privacy"), ABOUT),),
    )
    return Reply("menu", lang, text or escape(_("Choose a topic, or just write your question.")),
                 rows)


def hotlines_card(kb: KnowledgeBase, lang: Lang) -> Reply:
    """Every line on the card: who it is for, what it costs and how to reach it, with a
    button per line to its own screen."""
    _ = translator(lang)
    heading = _("Where to get help")
    listed = [line for line in kb.hotlines if line.in_menu]
    parts = [f"<b>{escape(heading)}</b>", *(_card_entry(line, lang, _) for line in listed)]
    emergency = kb.hotline("112")
    if emergency is not None and emergency.number:
        parts.append(escape(_("In immediate danger, call {number}.")).format(
            number=f"<b>{escape(emergency.number)}</b>"))
    parts.append(escape(_("Tap a number below to see what happens when you call or write.")))
    buttons = [Button(line.number or line.site or line.id, HOTLINE_PREFIX + line.id)
               for line in listed]
    rows = [tuple(buttons[i:i + 3]) for i in range(0, len(buttons), 3)]
    return Reply("menu", lang, "\n\n".join(parts), (*rows, (Button("« " + _("Back"), MENU),)))


#: What a line costs, as the card and a line's screen say it.
COST_WORDS = {"free": N_("free"), "paid": N_("paid")}
#: The languages a line answers in, named in the reader's language.
LANGUAGE_WORDS: dict[Lang, str] = {"kk": N_("Kazakh"), "ru": N_("Russian"), "en": N_("English")}


def _card_entry(line: Hotline, lang: Lang, _: Translate) -> str:
    """A line on the card, in up to three short lines: number and name; who it is for and
    what it costs; the other ways to reach it."""
    rows = [f"{_primary_contact(line)} — {escape(line.name[lang])}"]
    cost = escape(_(COST_WORDS[line.cost])) if line.cost else None
    if line.audience:
        rows.append(" · ".join(filter(None, (escape(line.audience[lang]), cost))))
    elif cost:
        rows[0] += " · " + cost  # "101 — Fire service · free": one line is enough
    ways = _other_contacts(line, lang)
    if ways:
        rows.append(" · ".join(ways))
    return "\n".join(rows)


def _fact(label: str, value: str) -> str:
    """A labelled fact of a line's screen ("Cost: free"); the value is already HTML."""
    return f"{escape(label)} {value}"


def hotline_reply(line: Hotline, lang: Lang) -> Reply:
    """A line's own screen: everything the registry knows, with what happens when you call,
    the day it was checked and the page it was checked against."""
    _ = translator(lang)
    facts = [f"<b>{escape(line.name[lang])}</b>",
             _fact(_("How to reach it:"), contact_line(line, lang))]
    if line.audience:
        facts.append(_fact(_("Who it is for:"), escape(line.audience[lang])))
    if line.languages:
        names = ", ".join(_(LANGUAGE_WORDS[code]) for code in line.languages)
        facts.append(_fact(_("Languages:"), escape(names)))
    if line.cost:
        facts.append(_fact(_("Cost:"), escape(_(COST_WORDS[line.cost]))))
    parts = ["\n".join(facts)]
    if line.what_happens:
        heading = _("What happens when you call or write")
        parts.append(f"<b>{escape(heading)}</b>\n{escape(line.what_happens[lang])}")
    host = line.source.split("/")[2].removeprefix("www.")
    checked = escape(_("Last checked on {date}. Source: {source}")).format(
        date=escape(format_date(line.verified, format="long", locale=lang)),
        source=f'<a href="{escape(line.source)}">{escape(host)}</a>')
    parts.append(f"<i>{checked}</i>")
    return Reply("menu", lang, "\n\n".join(parts),
                 ((Button("« " + _("Back"), HOTLINES), _menu_button(_)),))


SECTION_TITLES = {GROUPS: N_("Who is it for? Choose:"), TOPICS: N_("Choose a topic:"),
                  EVERYDAY: N_("Family, school, friends. Choose a topic:")}
SECTION_CONTENT = {GROUPS: ("groups",), TOPICS: ("selfhelp", "safety"),
                   EVERYDAY: ("everyday",)}


def section_menu(kb: KnowledgeBase, lang: Lang, action: str) -> Reply:
    """The topics of a menu section, two per row."""
    _ = translator(lang)
    buttons = [_topic_button(kb, t.id, lang, action) for section in SECTION_CONTENT[action]
               for t in kb.section(section)]  # type: ignore[arg-type]
    rows = [tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2)]
    return Reply("menu", lang, escape(_(SECTION_TITLES[action])),
                 (*rows, (Button("« " + _("Back"), MENU),)))


def language_menu(lang: Lang) -> Reply:
    """The language choice."""
    _ = translator(lang)
    row = tuple(Button(("✓ " if code == lang else "") + LANGUAGE_NAMES[code],
                       SET_LANG_PREFIX + code) for code in LANGS)
    return Reply("menu", lang, escape(_("Choose your language:")),
                 (row, (Button("« " + _("Back"), MENU),)))


def about_menu(kb: KnowledgeBase, lang: Lang) -> Reply:
    """What the bot is, what it keeps, and how to erase it."""
    _ = translator(lang)
    parts = [kb.topic(t).texts[lang].answer for t in ("about", "privacy") if t in kb.topics]
    return Reply("menu", lang, "\n\n".join(parts),
                 ((Button(_("Forget me"), FORGET),), (Button(_("Erase this chat"), CLEAN),),
                  (Button("« " + _("Back"), MENU),)))


def screen(kb: KnowledgeBase, action: str, lang: Lang) -> Reply | None:
    """The screen a menu action opens (None for an unknown or stale action)."""
    if action == MENU:
        return main_menu(kb, lang)
    if action == HOTLINES:
        return hotlines_card(kb, lang)
    if action == CRISIS:
        return crisis_reply(kb, lang)
    if action == LANGUAGE:
        return language_menu(lang)
    if action == ABOUT:
        return about_menu(kb, lang)
    if action in SECTION_CONTENT:
        return section_menu(kb, lang, action)
    if action.startswith(FLOW_PREFIX):
        return flow_screen(kb, action, lang)
    if action == WRITE:
        return first_messages_screen(kb, lang)
    if action.startswith(TOPIC_PREFIX):
        topic_id, _, back = action[len(TOPIC_PREFIX):].partition(BACK_SEPARATOR)
        if topic_id in kb.topics and (not back or back in SECTION_CONTENT):
            return topic_reply(kb, topic_id, lang, back or None)
    if action.startswith(HOTLINE_PREFIX):
        line = kb.hotline(action[len(HOTLINE_PREFIX):])
        if line is not None and line.in_menu:
            return hotline_reply(line, lang)
    return None


def welcome(kb: KnowledgeBase, lang: Lang, first_contact: bool) -> Reply:
    """The /start greeting: who the bot is, that it is no specialist, and the menu."""
    _ = translator(lang)
    line, site = kb.hotline("150"), kb.hotline("onlinehealth")
    text = escape(_("Hello! I am Qoldau. I answer questions about psychological support and "
                    "safety for children, teenagers and parents, in Kazakh, Russian and "
                    "English. Write in your own words."))
    if line is not None and line.number and site is not None and site.site:
        text += "\n\n" + escape(_("I am not a substitute for a specialist. To talk to a person, "
                                  "call {number} (free and anonymous) or visit {site}.")).format(
            number=f"<b>{escape(line.number)}</b>", site=site_link(site.site))
    menu = main_menu(kb, lang)
    rows = menu.buttons
    if first_contact:
        text += "\n\n" + escape(_("Choose your language:"))
        rows = (language_menu(lang).buttons[0], *rows)
    return Reply("menu", lang, text, rows)


@dataclass(frozen=True)
class Card:
    """A card to share into any chat (inline mode): a line or a topic."""

    id: str
    title: str
    description: str
    text: str


#: Telegram shows at most 50 inline results; a handful is what a person scans.
MAX_CARDS = 10


def share_cards(kb: KnowledgeBase, query: str, chosen: Lang | None,
                default: Lang = "ru") -> list[Card]:
    """Cards for inline mode: the crisis card when the words speak of a crisis, then the lines
    that match the query, then the topics that match it."""
    cleaned = clean(query)
    lang = detect(cleaned, kb.lexicon, chosen, default).lang if cleaned else (chosen or default)
    folded = fold(cleaned)
    crisis: list[Card] = []
    if detect_crisis(cleaned) is not None:
        # Someone typing this, even to share, may be in danger: the crisis reply comes first.
        _ = translator(lang)
        crisis.append(Card("crisis", _("I need help now"), to_plain(kb.crisis.texts[lang])[:100],
                           kb.crisis.texts[lang]))
    lines = [line for line in kb.hotlines if line.in_menu]
    # "150" or "telefon150.kz" asks for that line; any other words ("hotline", "помощь")
    # get every line, then the topics that match.
    words = set(folded.split())
    named = [line for line in lines
             if words & set(fold(" ".join(filter(None, (line.id, line.number, line.site)))).split())
             - {"kz"}]
    cards = []
    for line in named or lines:
        body = [f"<b>{escape(line.name[lang])}</b>", contact_line(line)]
        if line.note:
            body.append(escape(line.note[lang]))
        cards.append(Card(f"h:{line.id}", f"{line.number or line.site} — {line.name[lang]}",
                          line.note[lang] if line.note else "", "\n".join(body)))
    if folded:
        found = match(kb.index, cleaned[:MATCH_CHARS])
        for candidate in found.candidates if found.kind != "fallback" else ():
            topic = kb.topic(candidate.topic)
            text = topic.texts[lang]
            cards.append(Card(f"t:{topic.id}", text.title, to_plain(text.answer)[:100],
                              f"<b>{escape(text.title)}</b>\n\n{text.answer}"))
    return (crisis + cards)[:MAX_CARDS]


def contact_line(line: Hotline, lang: Lang | None = None) -> str:
    """A line's number, WhatsApp, site and (given a language) text chat on one line of
    Telegram HTML."""
    return " · ".join((_primary_contact(line), *_other_contacts(line, lang)))


def _primary_contact(line: Hotline) -> str:
    """The number to call, in bold; the site for a line that has no number."""
    if line.number:
        return f"<b>{escape(line.number)}</b>"
    return site_link(line.site) if line.site else escape(line.id)


def _other_contacts(line: Hotline, lang: Lang | None) -> list[str]:
    """The ways to reach a line besides its number: WhatsApp, site, text chat."""
    ways = ["WhatsApp " + escape(line.whatsapp)] if line.whatsapp else []
    if line.site and line.number:
        ways.append(site_link(line.site))
    if line.chat and lang is not None:
        ways.append(escape(line.chat[lang]))
    return ways


# --- A person one tap away, and conversations with steps -------------------------------------

def safety_rows(kb: KnowledgeBase, lang: Lang) -> tuple[tuple[Button, ...], ...]:
    """What goes under the crisis reply and the safety check: one tap to a person, and
    calm-now."""
    calm = flow_button(kb, CALM_NOW, lang)
    return (*reach_rows(kb, lang), *(((calm,),) if calm else ()))


def flow_button(kb: KnowledgeBase, flow_id: str, lang: Lang) -> Button | None:
    """The button that starts a flow (None when the knowledge base has no such flow)."""
    flow = kb.flows.get(flow_id)
    return Button(flow.title[lang], FLOW_PREFIX + flow_id) if flow else None


def flow_rows(kb: KnowledgeBase, lang: Lang) -> tuple[tuple[Button, ...], ...]:
    """Every flow, two to a row, for the main menu."""
    buttons = [Button(flow.title[lang], FLOW_PREFIX + flow.id) for flow in kb.flows.values()]
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


def topic_extra_rows(kb: KnowledgeBase, topic_id: str, lang: Lang,
                     ) -> list[tuple[Button, ...]]:
    """Under a topic's answer: the flows offered with it, and one tap to a person after 150's."""
    flows = [Button(flow.title[lang], FLOW_PREFIX + flow.id) for flow in kb.flows.values()
             if topic_id in flow.topics]
    rows = [tuple(flows[i:i + 2]) for i in range(0, len(flows), 2)]
    return rows + list(reach_rows(kb, lang)) if topic_id in REACH_TOPICS else rows


def first_messages_screen(kb: KnowledgeBase, lang: Lang) -> Reply | None:
    """"Help me write it": first messages, each opening WhatsApp with it already written."""
    first = kb.first_messages
    line = kb.hotline(first.line) if first is not None else None
    if first is None or line is None or not line.whatsapp:
        return None
    _ = translator(lang)
    text = escape(_("Choose a first message. WhatsApp opens with it already written, and you "
                    "can change it before sending. I don't keep your choice."))
    rows = tuple((Button(message[lang], "", whatsapp_url(line.whatsapp, message[lang])),)
                 for message in first.texts)
    return Reply("menu", lang, text, (*rows, (_menu_button(_),)))


def flow_screen(kb: KnowledgeBase, action: str, lang: Lang) -> Reply | None:
    """A screen of a flow: a guided step, or the safety plan's first page (None if stale)."""
    return guided_screen(kb, action, lang)
