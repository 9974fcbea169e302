"""Leave-one-writer-out for the safety net: each writer's batch scored by a net trained without it.

    python -m bench.safety_lowo [--hold w6,w13] [--train w1,w2,...] [--everyday-weight 0.25]

Prints, per held-out writer, crisis recall per language, risk recall, false alarms and check
rate on the writer's hard negatives, and false alarms on the everyday topic messages of the
writers' topic batches: the rules alone beside rules + net, and their means. The figure to
calibrate on (24 writers: about 5 minutes on two cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import yaml

from bot.evaluation import evaluate_safety, read_safety
from bot.knowledge.loader import load
from bot.knowledge.topic import NOT_EVERYDAY
from bot.replies import answer
from bot.safety.net import EVERYDAY_WEIGHT, Example, net_slot

ROOT = Path(__file__).resolve().parents[1]
BATCHES = ROOT / "knowledge" / "safety-examples"
EXTRA = [ROOT / "tests" / "data" / "safety" / "heldout-w6.yaml"]
TOPICS = ROOT / "tests" / "data" / "writers"
DANGER = NOT_EVERYDAY | {"suicide-crisis", "self-harm", "sexual-abuse", "trafficking"}


def batches() -> dict[str, Path]:
    found = {}
    for path in [*sorted(BATCHES.glob("*.yaml")), *EXTRA]:
        if path.exists():
            found[yaml.safe_load(path.read_text())["writer"]] = path
    return found


def examples_of(path: Path) -> list[Example]:
    data = yaml.safe_load(path.read_text())
    return [Example(e["text"], e["tier"], e.get("form"), e.get("speaker"), data["writer"])
            for e in data["safety_examples"]]


def everyday(kb, weight: float) -> list[Example]:  # type: ignore[no-untyped-def]
    """What the loader trains on as "none" beside the writers (their examples have no writer),
    at the weight asked for."""
    return [dataclasses.replace(e, weight=weight) for e in kb.safety.examples
            if e.writer is None]


def topic_alarms(kb, writer: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    path = TOPICS / f"{writer}-topics.yaml"
    if not path.exists():
        return 0, 0
    items = [i for i in yaml.safe_load(path.read_text()) if i.get("expect") not in DANGER]
    alarms = sum(answer(kb, i["text"], None, "ru").kind in ("crisis", "check") for i in items)
    return alarms, len(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hold", default="", help="writers to score (default: all)")
    parser.add_argument("--train", default="", help="writers to train on (default: all others)")
    parser.add_argument("--everyday-weight", type=float, default=EVERYDAY_WEIGHT,
                        help="the weight of the everyday topics' examples as 'none'")
    args = parser.parse_args()
    kb = load(ROOT / "knowledge")
    base = everyday(kb, args.everyday_weight)
    found = batches()
    held = args.hold.split(",") if args.hold else sorted(found)
    pool = args.train.split(",") if args.train else sorted(found)
    rules_kb = dataclasses.replace(kb, safety=None)
    print(f"{'writer':7}{'net':>5}{'crisis':>8}{'kk':>6}{'ru':>6}{'en':>6}{'risk':>7}"
          f"{'false':>7}{'check':>7}{'topicFA':>9}")
    sums: dict[str, list[float]] = {}
    for writer in held:
        train = [e for w in pool if w != writer for e in examples_of(found[w])] + base
        started = time.perf_counter()
        slot = net_slot(train)
        slot.trained()
        took = time.perf_counter() - started
        items = read_safety(found[writer])
        for name, k in (("rules", rules_kb), ("+net", dataclasses.replace(kb, safety=slot))):
            r = evaluate_safety(k, items)
            per = {}
            for lang in ("kk", "ru", "en"):
                rows = [x for x in r["rows"] if x["tier"] == "crisis" and x["lang"] == lang]
                per[lang] = sum(x["ok"] for x in rows) / max(1, sum(x["total"] for x in rows))
            neg = [m for m in r["missed"] if m["tier"] == "none"]
            negs = sum(1 for i in items if i.tier == "none")
            false = sum(m["got"] == "crisis" for m in neg) / negs
            check = sum(m["got"] == "check" for m in neg) / negs
            fa, n = topic_alarms(k, writer)
            row = [r["crisis_recall"], per["kk"], per["ru"], per["en"], r["risk_recall"], false,
                   check, fa / n if n else 0.0]
            for key, v in zip(("crisis", "kk", "ru", "en", "risk", "false", "check", "topic"),
                              row, strict=True):
                sums.setdefault(f"{name}.{key}", []).append(v)
            print(f"{writer:7}{name:>5}" + "".join(f"{v:>7.2f}" for v in row)
                  + (f"   train {took:.1f}s" if name == "+net" else ""))
        sys.stdout.flush()
    for name in ("rules", "+net"):
        keys = ("crisis", "kk", "ru", "en", "risk", "false", "check", "topic")
        print(f"{'mean':7}{name:>5}" + "".join(
            f"{sum(sums[f'{name}.{k}']) / len(sums[f'{name}.{k}']):>7.2f}" for k in keys))


if __name__ == "__main__":
    main()
