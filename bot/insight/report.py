"""`qoldau report`: one self-contained HTML file with charts, to open in any browser.

No script and no external file: the charts are inline SVG, so the report can be mailed,
archived and opened offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from types import SimpleNamespace
from typing import Any

from bot.i18n import Translate, translator
from bot.insight.summary import Insight
from bot.knowledge.base import KnowledgeBase
from bot.language import LANGS, Lang

_COLORS = {"answer": "#2f7d6d", "suggestions": "#7aa9c9", "fallback": "#d89b3c",
           "crisis": "#c0392b", "empty": "#9a9a9a", "up": "#2f7d6d", "down": "#c0392b"}
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
td.warn{color:#c0392b;font-weight:600}
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


def _lines(insight: Insight, width: int = 900, height: int = 220) -> str:
    """Fallback and crisis rates per day, as lines (percent of that day's replies)."""
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
    for kind in ("fallback", "crisis"):
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
        "rates": _("Fallback and crisis rates per day"), "helpful_q": _("Was this helpful?"),
        "topic": _("Topic"), "helpful": _("Helpful"), "not_helpful": _("Not helpful"),
        "share": _("Share helpful"), "no_data": _("No data yet."),
        "themes": _("Most frequent unanswered themes"),
        "none_kept": _("None kept (storing unanswered questions is off, or there were none)."),
        "fallback": _("Fallback"), "crisis": _("Crisis replies"),
    }.items()})
    kinds = insight.by_kind
    total = insight.total or 1
    cards = [(_("Replies"), str(insight.total)),
             (_("Answered"), f"{100 * kinds.get('answer', 0) / total:.0f}%"),
             (_("Fallback"), f"{100 * kinds.get('fallback', 0) / total:.0f}%"),
             (_("Crisis replies"), str(kinds.get("crisis", 0))),
             (_("Unanswered kept"), str(insight.unanswered))]
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
        f'<section id="rates"><h2>{text.rates}</h2>',
        '<p class="legend">' + "".join(
            f'<span><i class="dot" style="background:{_COLORS[k]}"></i>{label_text}</span>'
            for k, label_text in (("fallback", text.fallback), ("crisis", text.crisis)))
        + "</p>", _lines(insight), "</section>",
        f'<section id="helpfulness"><h2>{text.helpful_q}</h2>',
    ]
    if insight.helpful:
        html.append(f"<table><tr><th>{text.topic}</th><th>👍 {text.helpful}</th>"
                    f"<th>👎 {text.not_helpful}</th>"
                    f"<th>{text.share}</th></tr>")
        for topic, up, down in insight.helpful:
            share = 100 * up / (up + down) if up + down else 0
            html.append(f"<tr><td>{escape(title(topic))}</td><td>{up}</td><td>{down}</td>"
                        f'<td><svg width="120" height="12"><rect width="120" height="12" '
                        f'fill="{_COLORS["down"]}" rx="2"/><rect width="{1.2 * share:.0f}" '
                        f'height="12" fill="{_COLORS["up"]}" rx="2"/></svg> {share:.0f}%</td>'
                        "</tr>")
        html.append("</table>")
    else:
        html.append(f'<p class="muted">{text.no_data}</p>')
    html.append("</section>")
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
    html.append("</main></body></html>")
    return "\n".join(html)


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
