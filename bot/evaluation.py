"""`qoldau eval`: score a question file through the same `answer` the bot uses.

The file format is that of `shared/eval/README.md`: a YAML list of items with `q`, `lang`,
`expect` (a topic id, a list of ids, or `none`) and optionally `crisis: true` (the crisis reply
is required) or `risk: true` (the crisis reply or the safety check is required).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.base import KnowledgeBase
from bot.language import LANGS, Lang, is_lang
from bot.replies import answer
from bot.reply_types import Reply

NONE = "none"

#: What is scored: `bot.replies.answer`, or a matcher to compare it with (same signature).
ReplyFunction = Callable[[KnowledgeBase, str, Lang | None, Lang], Reply]


class EvalFileError(ValueError):
    """The question file is missing or not in the eval format."""


@dataclass(frozen=True)
class Item:
    """One question of an eval file."""

    q: str
    lang: Lang
    expect: tuple[str, ...]
    crisis: bool
    risk: bool = False

    @property
    def flagged(self) -> bool:
        """Whether the item asks for the crisis reply or the safety check."""
        return self.crisis or self.risk


def read_items(path: Path) -> list[Item]:
    """Read and check an eval file; raise `EvalFileError` saying what is wrong."""
    data = _read_list(path, "questions")
    items = []
    for number, raw in enumerate(data, start=1):
        where = f"{path}: item {number}"
        if not isinstance(raw, dict):
            raise EvalFileError(f"{where}: expected a mapping with q, lang and expect")
        q, lang, expect = raw.get("q"), raw.get("lang"), raw.get("expect")
        if not isinstance(q, str):
            raise EvalFileError(f"{where}: 'q' must be the question text")
        if not is_lang(lang):
            raise EvalFileError(f"{where}: 'lang' must be one of {', '.join(LANGS)}")
        expected = [expect] if isinstance(expect, str) else expect
        if not isinstance(expected, list) or not expected or not all(
                isinstance(e, str) for e in expected):
            raise EvalFileError(f"{where}: 'expect' must be a topic id, a list of ids, or none")
        crisis, risk = raw.get("crisis", False), raw.get("risk", False)
        if not isinstance(crisis, bool) or not isinstance(risk, bool):
            raise EvalFileError(f"{where}: 'crisis' and 'risk' must be true or false")
        items.append(Item(q, lang, tuple(expected), crisis, risk))
    return items


def _read_list(path: Path, what: str) -> list[Any]:
    """A YAML file holding a non-empty list; `EvalFileError` saying what is wrong otherwise."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"{path}: cannot read it ({exc})") from None
    except yaml.YAMLError as exc:
        raise EvalFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, list) or not data:
        raise EvalFileError(f"{path}: expected a non-empty YAML list of {what}")
    return data


def _top1(item: Item, reply: Reply) -> bool:
    if item.risk and not item.crisis:
        return reply.kind in ("check", "crisis")
    if NONE in item.expect and reply.kind == "fallback":
        return True
    # A message that starts a flow ("calm me down") is answered by it: its id is its topic's.
    return reply.kind in ("answer", "crisis", "menu") and reply.topic in item.expect


def _top3(item: Item, reply: Reply) -> bool:
    if _top1(item, reply):
        return True
    return reply.kind == "suggestions" and any(t in item.expect for t in reply.suggested[:3])


def _rate(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 1.0


def evaluate(kb: KnowledgeBase, items: Sequence[Item], default: Lang = "ru",
             reply: ReplyFunction = answer) -> dict[str, Any]:
    """Score every item's reply (the bot's own by default); return the contract's JSON object."""
    replies = [reply(kb, item.q, None, default) for item in items]
    pairs = list(zip(items, replies, strict=True))
    crisis = [(i, r) for i, r in pairs if i.crisis]
    risky = [(i, r) for i, r in pairs if i.flagged]
    calm = [(i, r) for i, r in pairs if not i.flagged]
    out_of_scope = [(i, r) for i, r in pairs if NONE in i.expect]
    by_lang = {}
    for lang in LANGS:
        mine = [(i, r) for i, r in pairs if i.lang == lang]
        by_lang[lang] = {"total": len(mine),
                         "top1": _rate(sum(_top1(i, r) for i, r in mine), len(mine)),
                         "top3": _rate(sum(_top3(i, r) for i, r in mine), len(mine))}
    misses = [
        {"q": i.q, "lang": i.lang, "expect": list(i.expect),
         "got": r.topic if r.kind in ("answer", "crisis", "check") else
         (NONE if r.kind == "fallback" else None),
         "suggested": list(r.suggested) if r.kind == "suggestions" else [],
         "got_lang": r.lang, "kind": r.kind, "score": round(r.score, 4)}
        for i, r in pairs if not _top1(i, r) or r.lang != i.lang
        or (i.crisis and r.kind != "crisis") or (not i.flagged and r.kind == "check")
    ]
    return {
        "total": len(items),
        "top1": _rate(sum(_top1(i, r) for i, r in pairs), len(pairs)),
        "top3": _rate(sum(_top3(i, r) for i, r in pairs), len(pairs)),
        "lang_accuracy": _rate(sum(r.lang == i.lang for i, r in pairs), len(pairs)),
        "crisis_recall": _rate(sum(r.kind == "crisis" for _, r in crisis), len(crisis)),
        "crisis_false_alarm": (_rate(sum(r.kind == "crisis" for _, r in calm), len(calm))
                               if calm else 0.0),
        "fallback_accuracy": _rate(sum(r.kind == "fallback" for _, r in out_of_scope),
                                   len(out_of_scope)),
        "risk_recall": _rate(sum(r.kind in ("crisis", "check") for _, r in risky), len(risky)),
        "check_rate": (_rate(sum(r.kind == "check" for _, r in calm), len(calm))
                       if calm else 0.0),
        "by_lang": by_lang,
        "misses": misses,
    }


#: The contract's headline numbers, in the order tables print them.
METRICS = ("top1", "top3", "lang_accuracy", "crisis_recall", "crisis_false_alarm",
           "fallback_accuracy", "risk_recall", "check_rate")


def format_table(result: dict[str, Any]) -> str:
    """The eval result as a readable table, misses last."""
    lines = [f"questions          {result['total']}"]
    for key in METRICS:
        lines.append(f"{key:<18} {result[key]:.3f}")
    lines.append("")
    lines.append("lang  total  top1   top3")
    for lang, row in result["by_lang"].items():
        lines.append(f"{lang:<5} {row['total']:>5}  {row['top1']:.3f}  {row['top3']:.3f}")
    if result["misses"]:
        lines.append("")
        lines.append(f"misses ({len(result['misses'])}):")
        for miss in result["misses"]:
            got = miss["got"] or ",".join(miss["suggested"]) or "-"
            lines.append(f"  [{miss['lang']}→{miss['got_lang']}] {miss['q']!r}: expected "
                         f"{'/'.join(miss['expect'])}, got {miss['kind']} {got} "
                         f"({miss['score']:.2f})")
    return "\n".join(lines)


def format_baseline(result: dict[str, Any], baseline: dict[str, Any], name: str) -> str:
    """The baseline's scores beside ours, with our margin on each."""
    lines = [f"baseline: {name}", f"{'':<18} {'ours':>6} {'base':>6} {'margin':>7}"]
    for key in METRICS:
        lines.append(f"{key:<18} {result[key]:>6.3f} {baseline[key]:>6.3f} "
                     f"{result[key] - baseline[key]:>+7.3f}")
    for lang, row in baseline["by_lang"].items():
        ours = result["by_lang"][lang]["top1"]
        lines.append(f"{'top1 ' + lang:<18} {ours:>6.3f} {row['top1']:>6.3f} "
                     f"{ours - row['top1']:>+7.3f}")
    lines.append(f"baseline misses (topic, language or crisis): {len(baseline['misses'])}, "
                 "listed with --json")
    return "\n".join(lines)


# --- The safety corpus ---------------------------------------------------------------------

#: The corpus of crisis, risk and hard-negative messages shipped with the tests.
SAFETY_CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "safety" / "corpus.yaml"
#: A whole writer's batch kept out of the knowledge (so out of the net's training): what the
#: safety layer does on words nobody who taught it wrote. Calibrate on this, not in-sample.
HELD_OUT = SAFETY_CORPUS.with_name("heldout-w6.yaml")
_TIERS = ("crisis", "check", "none")


@dataclass(frozen=True)
class SafetyItem:
    """One message of the safety corpus: what the safety layer must do with it."""

    text: str
    lang: Lang
    tier: str
    kind: str
    form: str | None = None
    script: str | None = None


def read_safety(path: Path = SAFETY_CORPUS) -> list[SafetyItem]:
    """Read and check a safety corpus; raise `EvalFileError` saying what is wrong."""
    data = _read_list(path, "messages") if not _is_batch(path) else _batch_items(path)
    items = []
    for number, raw in enumerate(data, start=1):
        where = f"{path}: item {number}"
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            raise EvalFileError(f"{where}: expected a mapping with text, lang, tier and kind")
        lang, tier, kind = raw.get("lang"), raw.get("tier"), raw.get("kind")
        if not is_lang(lang) or tier not in _TIERS or not isinstance(kind, str):
            raise EvalFileError(f"{where}: lang must be one of {', '.join(LANGS)}, tier one of "
                                f"{', '.join(_TIERS)}, and kind a word")
        items.append(SafetyItem(raw["text"], lang, tier, kind, raw.get("form"),
                                raw.get("script")))
    return items


def _is_batch(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            return any(line.startswith("safety_examples:") for line in handle)
    except OSError:
        return False


def _batch_items(path: Path) -> list[Any]:
    """A writer's batch in the knowledge format: its kind is the crisis form, "hint" for the
    safety check, "hard_negative" for the rest."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = data.get("safety_examples") if isinstance(data, dict) else None
    if not isinstance(examples, list):
        raise EvalFileError(f"{path}: expected 'safety_examples', a list")
    kinds = {"check": "hint", "none": "hard_negative"}
    return [{**e, "kind": e.get("form") or kinds.get(str(e.get("tier")), "?")}
            for e in examples if isinstance(e, dict)]


def evaluate_safety(kb: KnowledgeBase, items: Sequence[SafetyItem], default: Lang = "ru"
                    ) -> dict[str, Any]:
    """Recall per kind × language for crisis and risk messages, false alarms for the rest,
    through the bot's own reply; the JSON object `qoldau eval --safety` prints."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    missed = []
    for item in items:
        reply = answer(kb, item.text, None, default)
        if item.tier == "crisis":
            caught = reply.kind == "crisis"
        elif item.tier == "check":
            caught = reply.kind in ("crisis", "check")
        else:
            caught = reply.kind not in ("crisis", "check")
        row = rows.setdefault((item.kind, item.lang), {"kind": item.kind, "lang": item.lang,
                                                        "tier": item.tier, "total": 0, "ok": 0})
        row["total"] += 1
        row["ok"] += caught
        if not caught:
            missed.append({"text": item.text, "lang": item.lang, "tier": item.tier,
                           "kind": item.kind, "got": reply.kind})
    for row in rows.values():
        row["rate"] = _rate(row["ok"], row["total"])

    def handled(*tiers: str) -> float:
        """The share of the messages of these tiers that the bot handles rightly."""
        total = sum(1 for i in items if i.tier in tiers)
        return _rate(total - sum(1 for m in missed if m["tier"] in tiers), total)

    return {
        "total": len(items),
        "crisis_recall": handled("crisis"),
        "risk_recall": handled("crisis", "check"),
        "false_alarm": round(1 - handled("none"), 4),
        "rows": sorted(rows.values(), key=lambda r: (_TIERS.index(r["tier"]), r["kind"],
                                                      LANGS.index(r["lang"]))),
        "missed": missed,
    }


def format_safety(result: dict[str, Any]) -> str:
    """The safety result as a table: what share of each kind the bot handles rightly."""
    lines = [f"messages           {result['total']}",
             f"crisis_recall      {result['crisis_recall']:.3f}",
             f"risk_recall        {result['risk_recall']:.3f}",
             f"false_alarm        {result['false_alarm']:.3f}", "",
             "tier    kind            " + "  ".join(f"{lang:>9}" for lang in LANGS)]
    by_kind: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for row in result["rows"]:
        by_kind.setdefault((row["tier"], row["kind"]), {})[row["lang"]] = row
    for (tier, kind), langs in by_kind.items():
        cells = [f"{langs[lang]['ok']:>3}/{langs[lang]['total']:<3}"
                 f"{'' if langs[lang]['ok'] == langs[lang]['total'] else '!':>1}"
                 if lang in langs else f"{'-':>9}" for lang in LANGS]
        lines.append(f"{tier:<7} {kind:<15} " + "  ".join(f"{c:>9}" for c in cells))
    lines += ["", "crisis and check rows count messages caught; none rows, messages left alone."]
    if result["missed"]:
        lines.append(f"\nmissed ({len(result['missed'])}):")
        lines += [f"  [{m['lang']}] {m['tier']}/{m['kind']}: got {m['got']}: {m['text']!r}"
                  for m in result["missed"]]
    return "\n".join(lines)
