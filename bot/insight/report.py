"""`qoldau report`: one self-contained HTML file with charts, to open in any browser.

No script and no external file: the charts are inline SVG, so the report can be mailed,
archived and opened offline. It is written for decisions: which answers to rewrite (👎 per
topic), which topics need examples (suggested rather than answered, thin translations), where
the matcher's thresholds cut (the score histogram), what the safety layer catches, and which
registry entries to check again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from html import escape
from types import SimpleNamespace
from typing import Any

from bot.i18n import Translate, translator
from bot.insight.summary import BUCKETS, SCORED_KINDS, Insight
from bot.knowledge import coverage
from bot.knowledge.base import KnowledgeBase
from bot.language import LANGS, Lang
from bot.matching import ANSWER_SCORE, SUGGEST_SCORE

_COLORS = {"answer": "#2f7d6d", "suggestions": "#7aa9c9", "fallback": "#d89b3c",
           "crisis": "#c0392b", "check": "#8e5ea2", "empty": "#9a9a9a", "up": "#2f7d6d",
           "down": "#c0392b"}
_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;
background:#f6f5f1;color:#222}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.muted{color:#666}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border-radius:10px;padding:12px 16px;min-width:130px;
box-shadow:0 1px 2px #0001}.card b{display:block;font-size:22px}
section{background:#fff;border-radius:10px;padding:12px 16px;margin:12px 0;
box-shadow:0 1px 2px #0001}svg text{font:12px system-ui,sans-serif;fill:#333}
table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;text-align:left;
border-bottom:1px solid #eee}.legend span{display:inline-block;margin-right:14px}
.dot{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
td.warn{color:#c0392b;font-weight:600}td.num{text-align:right}
"""


def _bars(rows: list[tuple[str, int]], color: str, width: int = 900) -> str:
    """A horizontal bar chart."""
    if not rows:
        return ""
    top = max(n for _, n in rows) or 1
    label_w, bar_h = 260, 22
    height = bar_h * len(rows) + 4
    parts = [f'<svg role="img" width="100%" viewBox="0 0 {width} {height}">']
    for i, (label, n) in enumerate(rows):
        y = i * bar_h + 2
        w = max(1, int((width - label_w - 60) * n / top))
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
                     f"{escape(label[:40])}</text>"
                     f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{bar_h - 6}" '
                     f'rx="3" fill="{color}"/><text x="{label_w + w + 6}" y="{y + 15}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


#: The kinds of reply whose daily share is drawn, in the legend's order.
_RATE_KINDS = ("fallback", "check", "crisis")


def _lines(insight: Insight, width: int = 900, height: int = 220) -> str:
    """Fallback, safety check and crisis rates per day, as lines (percent of that day's
    replies)."""
    days = insight.daily
    if not days:
        return ""
    left, bottom, top_pad = 40, 30, 10
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    step = plot_w / max(len(days) - 1, 1)
    parts = [f'<svg role="img" width="100%" viewBox="0 0 {width} {height}">']
    for pct in (0, 25, 50, 75, 100):
        y = top_pad + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#eee"/><text x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{pct}%</text>')
    for kind in _RATE_KINDS:
        points = []
        for i, row in enumerate(days):
            value = getattr(row, kind) / row.total if row.total else 0.0
            points.append(f"{left + i * step:.1f},{top_pad + plot_h * (1 - value):.1f}")
        parts.append(f'<polyline fill="none" stroke="{_COLORS[kind]}" stroke-width="2.5" '
                     f'points="{" ".join(points)}"/>')
    label_every = max(1, len(days) // 8)
    for i, row in enumerate(days):
        if i % label_every == 0 or i == len(days) - 1:
            anchor = "end" if i == len(days) - 1 else "middle"
            parts.append(f'<text x="{left + i * step:.1f}" y="{height - 8}" '
                         f'text-anchor="{anchor}">{row.day[5:]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_report(insight: Insight, kb: KnowledgeBase, lang: Lang,
                  safety: Mapping[str, Any] | None = None) -> str:
    """The whole report as one HTML document; with `safety` (what `qoldau eval --safety`
    measures), the table of what the safety layer catches."""
    _ = translator(lang)

    def title(topic: str) -> str:
        return kb.topics[topic].texts[lang].title if topic in kb.topics else topic

    # Babel cannot see strings inside f-strings (Python 3.11): translate them here.
    text = SimpleNamespace(**{key: escape(value) for key, value in {
        "report": _("Report"), "asked": _("What people asked"),
        "anonymous": _("Anonymous counts: no user ids, no message text."),
        "topics": _("Demand per topic"), "languages": _("Languages"),
        "rates": _("Fallback, safety check and crisis rates per day"),
        "no_data": _("No data yet."),
        "themes": _("Most frequent unanswered themes"),
        "none_kept": _("None kept (storing unanswered questions is off, or there were none)."),
        "fallback": _("Fallback"), "crisis": _("Crisis replies"), "check": _("Safety checks"),
    }.items()})
    kinds = insight.by_kind
    total = insight.total or 1
    cards = [(_("Replies"), str(insight.total)),
             (_("Answered"), f"{100 * kinds.get('answer', 0) / total:.0f}%"),
             (_("Fallback"), f"{100 * kinds.get('fallback', 0) / total:.0f}%"),
             (_("Safety checks"), str(kinds.get("check", 0))),
             (_("Crisis replies"), str(kinds.get("crisis", 0))),
             (_("Unanswered kept"), str(insight.unanswered))]
    rate_labels = {"fallback": text.fallback, "check": text.check, "crisis": text.crisis}
    html = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>Qoldau — {text.report}</title><style>{_STYLE}</style></head>",
        "<body><main>",
        f"<h1>Qoldau — {text.asked}</h1>",
        f'<p class="muted">{escape(insight.first_day)} — {escape(insight.last_day)}. '
        f"{text.anonymous}</p>",
        '<div class="cards">' + "".join(f'<div class="card"><b>{escape(v)}</b>{escape(k)}</div>'
                                        for k, v in cards) + "</div>",
        f'<section id="topics"><h2>{text.topics}</h2>',
        _bars([(title(t), n) for t, n in insight.by_topic[:25]], _COLORS["answer"])
        or f'<p class="muted">{text.no_data}</p>', "</section>",
        f'<section id="languages"><h2>{text.languages}</h2>',
        _bars(list(insight.by_lang.items()), "#5b6ea8")
        or f'<p class="muted">{text.no_data}</p>', "</section>",
        f'<section id="rates"><h2>{text.rates}</h2>', _legend(rate_labels), _lines(insight),
        "</section>",
    ]
    html += _topic_table(insight, title, _)
    html += _score_histogram(insight, _)
    html.append(f'<section id="unanswered"><h2>{text.themes}'
                "</h2>")
    if insight.themes:
        html.append("<table>")
        for theme in insight.themes:
            examples = " · ".join(escape(e) for e in theme.examples)
            html.append(f"<tr><td>{theme.count}</td><td>{examples}</td></tr>")
        html.append("</table>")
    else:
        html.append(f'<p class="muted">{text.none_kept}</p>')
    html.append("</section>")
    if safety is not None:
        html += _safety_table(safety, _)
    html += _registry_table(kb, lang, date.fromisoformat(insight.last_day), _)
    html += _translation_grid(kb, lang, _)
    html.append("</main></body></html>")
    return "\n".join(html)


def _legend(labels: Mapping[str, str]) -> str:
    """Coloured squares naming what each colour of a chart stands for (labels are escaped)."""
    return '<p class="legend">' + "".join(
        f'<span><i class="dot" style="background:{_COLORS[key]}"></i>{label}</span>'
        for key, label in labels.items()) + "</p>"


def _share_bar(share: float, color: str, rest: str) -> str:
    """A small bar: the share in one colour, the rest in another, and the percentage."""
    return (f'<svg width="120" height="12"><rect width="120" height="12" fill="{rest}" rx="2"/>'
            f'<rect width="{120 * share:.0f}" height="12" fill="{color}" rx="2"/></svg> '
            f"{100 * share:.0f}%")


def _topic_table(insight: Insight, title: Callable[[str], str], _: Translate) -> list[str]:
    """Per topic: answers shown, how often only suggested, 👍, 👎 and the share of 👎."""
    heading = escape(_("Answers and feedback per topic"))
    note = escape(_("Suggested instead: replies that offered the topic first among "
                    "suggestions rather than answering with it. Many means its examples miss "
                    "how people ask; many 👎 means the answer itself needs work."))
    html = [f'<section id="helpfulness"><h2>{heading}</h2>']
    if not insight.topics:
        return [*html, f'<p class="muted">{escape(_("No data yet."))}</p>', "</section>"]
    headers = (_("Topic"), _("Answers"), _("Suggested instead"), "👍 " + _("Helpful"),
               "👎 " + _("Not helpful"), _("Share not helpful"))
    html += [f'<p class="muted">{note}</p>',
             "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr>"]
    for row in insight.topics:
        suggested = ("" if row.suggested_share is None
                     else f" ({100 * row.suggested_share:.0f}%)")
        down = ("–" if row.down_share is None
                else _share_bar(row.down_share, _COLORS["down"], "#e8e8e8"))
        html.append(f"<tr><td>{escape(title(row.topic))}</td><td class=\"num\">{row.answers}</td>"
                    f'<td class="num">{row.suggested}{suggested}</td>'
                    f'<td class="num">{row.up}</td><td class="num">{row.down}</td>'
                    f"<td>{down}</td></tr>")
    html += ["</table>", "</section>"]
    return html


def _score_histogram(insight: Insight, _: Translate, width: int = 900, height: int = 240
                     ) -> list[str]:
    """How many replies had their best match score in each 0.1 step, stacked by kind, with
    the matcher's thresholds for a short question."""
    heading = escape(_("Match scores"))
    note = escape(_("The best topic's score for each reply the matcher decided, in steps of "
                    "0.1. A short question gets suggestions from {suggest} and an answer from "
                    "{answer}; long messages need less.").format(
        suggest=f"{SUGGEST_SCORE:.2f}", answer=f"{ANSWER_SCORE:.2f}"))
    html = [f'<section id="scores"><h2>{heading}</h2>', f'<p class="muted">{note}</p>']
    columns = [sum(insight.scores.get(kind, (0,) * BUCKETS)[b] for kind in SCORED_KINDS)
               for b in range(BUCKETS)]
    if not any(columns):
        return [*html, f'<p class="muted">{escape(_("No data yet."))}</p>', "</section>"]
    labels = {"answer": _("Answers"), "suggestions": _("Suggestions"), "fallback": _("Fallback")}
    html.append(_legend({k: escape(v) for k, v in labels.items()}))
    left, bottom, top_pad = 40, 30, 16
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    step, most = plot_w / BUCKETS, max(columns)
    parts = [f'<svg role="img" width="100%" viewBox="0 0 {width} {height}">']
    for b in range(BUCKETS):
        y: float = top_pad + plot_h
        for kind in SCORED_KINDS:
            n = insight.scores.get(kind, (0,) * BUCKETS)[b]
            h = plot_h * n / most
            if n:
                y -= h
                parts.append(f'<rect x="{left + b * step + 3:.1f}" y="{y:.1f}" '
                             f'width="{step - 6:.1f}" height="{h:.1f}" '
                             f'fill="{_COLORS[kind]}"><title>{n}</title></rect>')
        parts.append(f'<text x="{left + (b + 0.5) * step:.1f}" y="{y - 4:.1f}" '
                     f'text-anchor="middle">{columns[b]}</text>'
                     f'<text x="{left + (b + 0.5) * step:.1f}" y="{height - 8}" '
                     f'text-anchor="middle">{b / BUCKETS:.1f}–{(b + 1) / BUCKETS:.1f}</text>')
    for score in (SUGGEST_SCORE, ANSWER_SCORE):
        x = left + plot_w * score
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad - 12}" '
                     f'y2="{top_pad + plot_h}" stroke="#333" stroke-dasharray="4 3"/>'
                     f'<text x="{x + 3:.1f}" y="{top_pad - 3}">{score:.2f}</text>')
    parts.append("</svg>")
    return [*html, "".join(parts), "</section>"]


def _registry_table(kb: KnowledgeBase, lang: Lang, today: date, _: Translate) -> list[str]:
    """Each registry entry's last check, the stale ones marked (the rule lint warns by)."""
    heading = escape(_("The hotline registry: when each entry was last checked"))
    note = escape(_("Marked: checked more than {days} days ago. Check the entry against its "
                    "source and set 'verified' to that day.").format(
        days=coverage.STALE_AFTER_DAYS))
    headers = (_("Line"), _("Verified"), _("Days ago"), _("Source"))
    html = [f'<section id="registry"><h2>{heading}</h2>', f'<p class="muted">{note}</p>',
            "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "<th></th></tr>"]
    stale_mark, future_mark = escape(_("check again")), escape(_("a day still to come"))
    for line in sorted(kb.hotlines, key=lambda h: h.verified):
        age = coverage.days_since_verified(line, today)
        mark = stale_mark if coverage.is_stale(line, today) else future_mark if age < 0 else ""
        warn = ' class="warn"' if mark else ""
        name = escape(f"{line.number or line.site or line.id} — {line.name[lang]}")
        html.append(f"<tr><td>{name}</td><td{warn}>{line.verified.isoformat()}</td>"
                    f'<td class="num">{age}</td>'
                    f'<td><a href="{escape(line.source)}">{escape(_host(line.source))}</a></td>'
                    f"<td{warn}>{mark}</td></tr>")
    html += ["</table>", "</section>"]
    return html


def _host(url: str) -> str:
    """A source page shown short: its host."""
    return url.split("://", 1)[-1].split("/", 1)[0]


def _translation_grid(kb: KnowledgeBase, lang: Lang, _: Translate) -> list[str]:
    """Topic × language: how many examples and keywords each has, thin translations marked."""
    heading = escape(_("Translations: examples and keywords per language"))
    note = escape(_("Each cell: examples · keywords. Marked: under {share} of the topic's "
                    "richest language, so people who ask in it are understood less "
                    "surely.").format(share=f"{100 * coverage.THIN_SHARE:.0f}%"))
    html = [f'<section id="translations"><h2>{heading}</h2>', f'<p class="muted">{note}</p>',
            f"<table><tr><th>{escape(_('Topic'))}</th>"
            + "".join(f"<th>{code}</th>" for code in LANGS) + "</tr>"]
    for topic in kb.topics.values():
        by_lang = coverage.counts(topic)
        thin = {(gap.lang, gap.field) for gap in coverage.translation_gaps(topic)}
        cells = []
        for code in LANGS:
            parts = []
            for field in coverage.FIELDS:
                n = str(by_lang[code][field])
                parts.append(f"<b>{n}</b>" if (code, field) in thin else n)
            warn = ' class="warn"' if any((code, f) in thin for f in coverage.FIELDS) else ""
            cells.append(f"<td{warn}>{' · '.join(parts)}</td>")
        html.append(f"<tr><td>{escape(topic.texts[lang].title)}</td>{''.join(cells)}</tr>")
    html += ["</table>", "</section>"]
    return html


def _safety_table(safety: Mapping[str, Any], _: Translate) -> list[str]:
    """What the safety layer catches, per kind of message and language."""
    heading = escape(_("What the safety layer catches"))
    note = escape(_("Crisis and risk rows count the messages caught; the others, the ordinary "
                    "messages left alone. Measured on the safety corpus."))
    html = [f'<section id="safety"><h2>{heading}</h2>', f'<p class="muted">{note}</p>',
            "<table><tr><th></th><th></th>"
            + "".join(f"<th>{lang}</th>" for lang in LANGS) + "</tr>"]
    cells: dict[tuple[str, str], dict[str, Mapping[str, Any]]] = {}
    for row in safety["rows"]:
        cells.setdefault((row["tier"], row["kind"]), {})[row["lang"]] = row
    for (tier, kind), by_lang in cells.items():
        tds = "".join(_safety_cell(by_lang.get(lang)) for lang in LANGS)
        html.append(f"<tr><td>{escape(tier)}</td><td>{escape(kind)}</td>{tds}</tr>")
    html.append("</table></section>")
    return html


def _safety_cell(row: Mapping[str, Any] | None) -> str:
    """One language's share for a kind: red when anything was missed."""
    if row is None:
        return "<td>–</td>"
    warn = "" if row["ok"] == row["total"] else ' class="warn"'
    return f"<td{warn}>{row['ok']}/{row['total']}</td>"
