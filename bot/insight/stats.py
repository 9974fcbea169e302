"""The /stats message: the last days at a glance, for moderators."""

from __future__ import annotations

from html import escape

from bot.i18n import plural_translator, translator
from bot.insight.summary import Insight
from bot.knowledge.base import KnowledgeBase
from bot.language import Lang

TOP_TOPICS = 5


def stats_text(insight: Insight, kb: KnowledgeBase, lang: Lang) -> str:
    """The summary as a short Telegram HTML message."""
    _ = translator(lang)
    ngettext = plural_translator(lang)
    kinds = insight.by_kind
    total = insight.total
    days = len(insight.daily)
    period = ngettext("Last {days} day", "Last {days} days", days).format(days=days)
    lines = [f"<b>{escape(period)}</b> ({escape(insight.first_day)} — {escape(insight.last_day)})"]
    heading = _("Replies: {total}").format(total=total)
    lines.append(escape(heading))
    if total:
        kinds_line = _("answers {answer}, suggestions {suggestions}, fallback {fallback}, "
                       "crisis {crisis}").format(**{k: kinds.get(k, 0) for k in kinds})
        lines.append("• " + escape(kinds_line))
        languages = ", ".join(f"{code} {n}" for code, n in insight.by_lang.items())
        lines.append("• " + escape(_("Languages: {languages}").format(languages=languages)))
        top = insight.by_topic[:TOP_TOPICS]
        if top:
            lines.append(escape(_("Most asked:")))
            for topic, n in top:
                name = kb.topics[topic].texts[lang].title if topic in kb.topics else topic
                lines.append(f"  {n} — {escape(name)}")
    up = sum(u for _, u, _ in insight.helpful)
    down = sum(d for _, _, d in insight.helpful)
    lines.append(escape(_("Helpful: 👍 {up} · 👎 {down}").format(up=up, down=down)))
    if insight.unanswered:
        lines.append(escape(_("Unanswered questions kept: {n}").format(n=insight.unanswered)))
    lines.append(escape(_("Full report: qoldau report --out report.html")))
    return "\n".join(lines)
