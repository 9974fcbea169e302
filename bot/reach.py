"""One tap to a person: the buttons under the crisis reply, the safety check, the fallback and
the safety plan, built from the lines' registry (a number or an address changes in
hotlines.yaml only)."""

from __future__ import annotations

from bot.i18n import translator
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.hotlines import site_url, whatsapp_url
from bot.language import Lang
from bot.reply_types import WRITE, Button

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
