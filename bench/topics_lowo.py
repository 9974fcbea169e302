"""Leave-one-writer-out for the learned topic channel: each writer's topic batch answered by a
channel trained without it, beside the fuzzy matcher alone.

    python -m bench.topics_lowo [--fresh w25,w26] [--json]

Every batch of `knowledge/topic-examples/` is held out in turn: the channel is trained on the
knowledge without that writer, and the batch is answered by the bot's own reply path (the
safety layer, flows, the matcher, the fusion). With `--fresh`, the writers named are held out
all at once (the way to measure new batches before they count: trained without any of them).
The held-out eval file (`tests/data/eval/heldout-topics-w6.yaml`) is answered by the channel
trained on every batch. Prints top-1, top-3 and fallback accuracy, per writer and language, and
the means: the figures `LEARNED_LEAD` in `bot.matching` is calibrated on.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.evaluation import Item, evaluate, read_items
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load
from bot.language import LANGS
from bot.matching.learned import TopicExample, TopicModel, TopicSlot, topic_slot

ROOT = Path(__file__).resolve().parents[1]
BATCHES = ROOT / "knowledge" / "topic-examples"
HELD_OUT = ROOT / "tests" / "data" / "eval" / "heldout-topics-w6.yaml"
FIGURES = ("top1", "top3", "fallback_accuracy")


def items_of(path: Path) -> list[Item]:
    """A writer's batch as eval questions."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Item(e["text"], e["lang"], (e["topic"],), False) for e in data["topic_examples"]]


def writer_of(path: Path) -> str:
    return str(yaml.safe_load(path.read_text(encoding="utf-8"))["writer"])


def trained_without(examples: Sequence[TopicExample], writers: set[str]) -> TopicSlot:
    """A slot whose channel is trained in this process without the writers' examples."""
    slot = topic_slot([e for e in examples if e.writer not in writers])
    model = TopicModel.train(slot.examples)
    slot._model = model  # trained here: the bench is one process, on purpose
    return slot


def scored(kb: KnowledgeBase, items: Sequence[Item], slot: TopicSlot | None) -> dict[str, Any]:
    result = evaluate(dataclasses.replace(kb, learned=slot), items)
    out = {k: result[k] for k in FIGURES}
    out.update({f"top1_{lang}": result["by_lang"][lang]["top1"] for lang in LANGS})
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.topics_lowo", description=__doc__)
    parser.add_argument("--fresh", default="", help="writers held out all at once, e.g. w25,w26")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    kb = load(ROOT / "knowledge")
    assert kb.learned is not None
    examples = kb.learned.examples
    paths = {writer_of(p): p for p in sorted(BATCHES.glob("*.yaml"))}
    fresh = {w for w in args.fresh.split(",") if w}
    unknown = fresh - set(paths)
    if unknown:
        print(f"no topic batch of {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    rows: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    folds = [fresh] if fresh else [{w} for w in paths]
    for held in folds:
        slot = trained_without(examples, held)
        for writer in sorted(held):
            items = items_of(paths[writer])
            rows[writer] = {"items": len(items), "matcher": scored(kb, items, None),
                            "fused": scored(kb, items, slot)}
    if HELD_OUT.exists() and not fresh:
        items = read_items(HELD_OUT)
        slot = trained_without(examples, set())
        rows["held-out w6"] = {"items": len(items), "matcher": scored(kb, items, None),
                               "fused": scored(kb, items, slot)}
    writers = [w for w in rows if not w.startswith("held-out")]
    mean = {way: {k: round(sum(rows[w][way][k] for w in writers) / len(writers), 3)
                  for k in rows[writers[0]][way]} for way in ("matcher", "fused")}
    report = {"rows": rows, "mean": mean, "seconds": round(time.perf_counter() - started, 1)}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    keys = list(mean["matcher"])
    print(f"{'writer':<14}{'n':>5}  " + "  ".join(f"{k:>17}" for k in keys))
    for name, row in [*rows.items(), ("mean", {"items": "", **mean})]:
        cells = "  ".join(f"{row['matcher'][k]:>7.3f} → {row['fused'][k]:<7.3f}" for k in keys)
        print(f"{name:<14}{row['items']!s:>5}  {cells}")
    print(f"(matcher alone → matcher + learned channel; {report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
