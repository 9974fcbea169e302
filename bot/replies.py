"""`answer(text)`: the one code path from a message to what the bot replies.

Telegram, the console chat, `qoldau ask` and `qoldau eval` all call `answer` (for free text) and
`screen` (for a menu button), and render the `Reply` they get. Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.flows import CALM_NOW, FLOW_PREFIX
from bot.flows.triggers import triggered_flow
from bot.i18n import N_, Translate, translator
from bot.knowledge.base import Hotline, KnowledgeBase
from bot.knowledge.hotlines import site_link, site_url, whatsapp_url
from bot.knowledge.markup import escape, to_plain
from bot.language import LANGS, Lang
from bot.language.detect import detect
from bot.language.normalize import clean, fold, has_letters_or_digits
from bot.matching import match
from bot.matching.index import Candidate
from bot.safety.crisis import detect_crisis
from bot.safety.safe_word import is_safe_word

ReplyKind = Literal["answer", "suggestions", "fallback", "crisis", "empty", "menu"]

#: Matching reads the start of a long message: a question is in its first words, and fuzzy
#: matching a 10,000-character text would only add noise and time. Crisis detection reads all.
MATCH_CHARS = 400

#: The names of the languages, each in itself: the same in every catalog.
LANGUAGE_NAMES: dict[Lang, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

# Menu actions (also Telegram callback data: keep them short, under 64 bytes).
MENU, HOTLINES, CRISIS, LANGUAGE = "menu", "hotlines", "crisis", "lang"
ABOUT, FORGET = "about", "forget"
GROUPS, TOPICS = "sec:groups", "sec:topics"
TOPIC_PREFIX, SET_LANG_PREFIX = "t:", "lang:"
#: "t:grief@sec:topics" opens a topic from the Topics menu, with Back to it.
BACK_SEPARATOR = "@"
#: "fb:+:grief" says the answer on grief helped, "fb:-:grief" that it did not.
FEEDBACK_PREFIX = "fb:"
#: "Help me write it" (first messages for WhatsApp); erasing this chat (Telegram's /clean).
WRITE, CLEAN = "write", "clean"


@dataclass(frozen=True)
class Button:
    """A button: what it says and the action it triggers (or the link it opens)."""

    label: str
    action: str
    #: A link to open instead of an action (WhatsApp, a site): nothing comes back to the bot.
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the bot says: Telegram HTML text, button rows, and why it said it."""

    kind: ReplyKind
    lang: Lang
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    topic: str | None = None
    score: float = 0.0
    candidates: tuple[Candidate, ...] = field(default=())

    @property
    def suggested(self) -> tuple[str, ...]:
        """Topic ids the reply's buttons open, in order."""
        return tuple(b.action.removeprefix(TOPIC_PREFIX).partition(BACK_SEPARATOR)[0]
                     for row in self.buttons for b in row if b.action.startswith(TOPIC_PREFIX))


def answer(kb: KnowledgeBase, text: str, chosen: Lang | None = None,
           default: Lang = "ru") -> Reply:
    """Reply to a free-text message: crisis first, then an answer, suggestions or the fallback."""
    cleaned = clean(text)
    if not has_letters_or_digits(cleaned):
        lang = chosen or default
        _ = translator(lang)
        text = escape(_("I can only read text. Write your question in words, or choose from "
                        "the menu."))
        return Reply("empty", lang, text + _person_line(kb, _), ((_menu_button(_),),))
    lang = detect(cleaned, kb.lexicon, chosen, default).lang
    hit = detect_crisis(cleaned)
    if hit is not None:
        return crisis_reply(kb, lang, topic=hit.topic)
    if is_safe_word(cleaned):
        return crisis_reply(kb, lang)
    flow = triggered_flow(kb, cleaned)
    if flow is not None:
        return flow_screen(kb, FLOW_PREFIX + flow, lang) or main_menu(kb, lang)
    found = match(kb.index, cleaned[:MATCH_CHARS])
    _ = translator(lang)
    if found.kind == "answer" and found.topic is not None:
        reply = topic_reply(kb, found.topic, lang)
        rows = (*reply.buttons[:-1], feedback_row(found.topic, _), reply.buttons[-1])
        return Reply("answer", lang, reply.text, rows, found.topic, found.score,
                     found.candidates)
    if found.kind == "suggestions":
        rows = tuple((_topic_button(kb, c.topic, lang),) for c in found.candidates)
        return Reply("suggestions", lang, escape(_("Did you mean one of these?")),
                     (*rows, (_menu_button(_),)), None, found.score, found.candidates)
    return Reply("fallback", lang, _fallback_text(kb, _), (*reach_rows(kb, lang), (
        _menu_button(_), Button(_("Hotlines"), HOTLINES))), None, found.score, found.candidates)


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


def crisis_reply(kb: KnowledgeBase, lang: Lang, topic: str | None = None) -> Reply:
    """The crisis reply, with buttons to the crisis topics and the menu."""
    _ = translator(lang)
    rows = tuple((_topic_button(kb, t, lang),) for t in kb.crisis.buttons if t in kb.topics)
    return Reply("crisis", lang, kb.crisis.texts[lang],
                 (*rows, *safety_rows(kb, lang), (_menu_button(_),)),
                 topic or (kb.crisis.buttons[0] if kb.crisis.buttons else None), 1.0)


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
        return Reply("answer", lang, topic.texts[lang].answer, (*rows, (_menu_button(_),)),
                     topic_id)
    return Reply("menu", lang, topic.texts[lang].answer,
                 (*rows, (Button("« " + _("Back"), back), _menu_button(_))), topic_id)


def main_menu(kb: KnowledgeBase, lang: Lang, text: str | None = None) -> Reply:
    """The main menu."""
    _ = translator(lang)
    rows = (
        (Button("🆘 " + _("I need help now"), CRISIS),),
        *flow_rows(kb, lang),
        (Button(_("Hotlines"), HOTLINES), Button(_("For whom"), GROUPS)),
        (Button(_("Topics"), TOPICS), Button(_("Language"), LANGUAGE)),
        (Button(_("About and privacy"), ABOUT),),
    )
    return Reply("menu", lang, text or escape(_("Choose a topic, or just write your question.")),
                 rows)


def hotlines_card(kb: KnowledgeBase, lang: Lang) -> Reply:
    """Every line of the registry with its name and number."""
    _ = translator(lang)
    heading = _("Where to get help")
    lines = [f"<b>{escape(heading)}</b>"]
    for line in kb.hotlines:
        if not line.in_menu:
            continue
        entry = contact_line(line) + " — " + escape(line.name[lang])
        if line.note:
            entry += f" ({escape(line.note[lang])})"
        lines.append(entry)
    emergency = kb.hotline("112")
    if emergency is not None and emergency.number:
        lines.append(escape(_("In immediate danger, call {number}.")).format(
            number=f"<b>{escape(emergency.number)}</b>"))
    return Reply("menu", lang, "\n\n".join(lines), ((Button("« " + _("Back"), MENU),),))


SECTION_TITLES = {GROUPS: N_("Who is it for? Choose:"), TOPICS: N_("Choose a topic:")}
SECTION_CONTENT = {GROUPS: ("groups",), TOPICS: ("selfhelp", "safety")}


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


def contact_line(line: Hotline) -> str:
    """A line's number, WhatsApp and site on one line of Telegram HTML."""
    contact = [f"<b>{escape(line.number)}</b>"] if line.number else []
    if line.whatsapp:
        contact.append("WhatsApp " + escape(line.whatsapp))
    if line.site:
        contact.append(site_link(line.site))
    return " · ".join(contact)


# --- A person one tap away, and conversations with steps -------------------------------------

#: Registry lines that "one tap to a person" opens: WhatsApp and the site of 150, onlinehealth.kz.
REACH_LINES = ("150", "onlinehealth")
#: Topics whose answer ends with those buttons too.
REACH_TOPICS = ("hotline-150",)


def reach_rows(kb: KnowledgeBase, lang: Lang) -> tuple[tuple[Button, ...], ...]:
    """One tap to a person: the line's WhatsApp and first messages for it, then the sites.

    Built from the registry, so a number or an address changes in hotlines.yaml only.
    """
    _ = translator(lang)
    chat: list[Button] = []
    sites: list[Button] = []
    for line in filter(None, (kb.hotline(line_id) for line_id in REACH_LINES)):
        if line.whatsapp:
            chat.append(Button(_("{number} on WhatsApp").format(
                number=line.number or line.id), "", whatsapp_url(line.whatsapp)))
        if line.site:
            sites.append(Button(line.site, "", site_url(line.site)))
    if chat and kb.first_messages is not None:
        chat.append(Button(_("Help me write it"), WRITE))
    return tuple(row for row in (tuple(chat), tuple(sites)) if row)


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
    # Flows build their screens from Reply and Button above, so they are imported here.
    from bot.flows.guided import guided_screen

    return guided_screen(kb, action, lang)
