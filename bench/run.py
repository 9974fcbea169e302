"""Run every benchmark; print one JSON object or a readable table with the targets."""

from __future__ import annotations

import datetime
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from bench import DEV_SET
from bench.matcher import bench_matcher, bench_scale, questions
from bench.pipeline import bench_pipeline, fake_available
from bench.startup import bench_startup
from bot.knowledge.loader import load
from bot.language import Lang


@dataclass(frozen=True)
class Plan:
    """How much of each benchmark to run."""

    matcher_repeats: int
    #: (factor of the knowledge base's size, repeats per question, every n-th question) for
    #: the growth table.
    scale: tuple[tuple[int, int, int], ...]
    updates: int
    rounds: int
    users: int
    #: Updates timed as shipped (30 messages/s), 0 to skip.
    shipped_updates: int
    startup_runs: int


FULL = Plan(matcher_repeats=10, scale=((1, 5, 1), (10, 3, 1), (100, 1, 2)), updates=200,
            rounds=5, users=100, shipped_updates=150, startup_runs=3)
QUICK = Plan(matcher_repeats=3, scale=((1, 2, 1), (10, 1, 1)), updates=50, rounds=2, users=25,
             shipped_updates=0, startup_runs=1)


@dataclass(frozen=True)
class Target:
    """A number the issue asks for: `key` at most (or at least) `limit`."""

    key: str
    at_most: bool
    limit: float
    unit: str

    def met(self, value: float | None) -> bool | None:
        """Whether a measured value meets the target (None when it was not measured)."""
        if value is None:
            return None
        return value <= self.limit if self.at_most else value >= self.limit

    def __str__(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.limit:g}{self.unit}"


TARGETS = (
    Target("match_p99_us", True, 2000, " µs"),
    Target("pipeline_vs_echo", False, 0.6, ""),
    Target("startup_s", True, 2, " s"),
    Target("peak_rss_mb", True, 150, " MB"),
)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info
                        if line.startswith("model name")), cpu)
    except OSError:
        pass
    import rapidfuzz
    import telegram

    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "rapidfuzz": rapidfuzz.__version__,
        "python_telegram_bot": telegram.__version__,
    }


def run(knowledge_dir: Path, quick: bool = False, default: Lang = "ru",
        dev_set: Path = DEV_SET,
        progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run every benchmark and return one JSON-ready object (keys in README.md)."""
    plan = QUICK if quick else FULL
    started = perf_counter()
    result: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": machine(),
    }
    kb = load(knowledge_dir)
    asked, source = questions(kb, dev_set)
    result["questions"] = {"count": len(asked), "source": source}

    progress("matcher at the shipped size …")
    result.update(bench_matcher(kb, asked, plan.matcher_repeats, default))
    result["scale"] = bench_scale(kb, asked, plan.scale, progress)

    if fake_available():
        progress("pipeline: our Application and the echo bot …")
        result.update(bench_pipeline(knowledge_dir, asked, plan.updates, plan.rounds,
                                     plan.users, plan.shipped_updates))
    else:
        result.update({"updates_per_s": None, "echo_updates_per_s": None,
                       "pipeline_vs_echo": None,
                       "pipeline_skipped": "the fake Bot API needs aiohttp and "
                                           "shared/telegram/bot-api.json"})

    progress("start-up and memory of a fresh process …")
    result.update(bench_startup(knowledge_dir, asked, plan.startup_runs))

    result["targets"] = {t.key: {"target": str(t), "value": result.get(t.key),
                                 "met": t.met(result.get(t.key))} for t in TARGETS}
    result["duration_s"] = round(perf_counter() - started, 1)
    return result


def _mark(result: dict[str, Any], key: str) -> str:
    target = result["targets"][key]
    sign = {True: "✓", False: "✗", None: "-"}[target["met"]]
    return f"target {target['target']} {sign}"


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} µs"


def format_table(result: dict[str, Any]) -> str:
    """The benchmark result as a readable report, targets marked ✓ or ✗."""
    m = result["machine"]
    lines = [
        f"Qoldau benchmarks, {result['date']}, {'quick' if result['quick'] else 'full'} run "
        f"in {result['duration_s']:.0f} s",
        f"machine: {m['cpu']}, nproc {m['nproc']}; {m['platform']}; Python {m['python']}, "
        f"rapidfuzz {m['rapidfuzz']}, python-telegram-bot {m['python_telegram_bot']}",
        f"questions: {result['questions']['count']} from {result['questions']['source']}",
        "",
        "Matcher, time per question (median of the repeats; p50 and p99 over the questions)",
        f"  {'':<36}{'p50':>12}{'p99':>12}",
        f"  {'match()':<36}{_us(result['match_p50_us']):>12}{_us(result['match_p99_us']):>12}"
        f"   {_mark(result, 'match_p99_us')}",
        f"  {'match(), every word seen first':<36}{_us(result['match_cold_p50_us']):>12}",
        f"  {'topic channel rank()':<36}{_us(result.get('channel_p50_us')):>12}"
        f"{_us(result.get('channel_p99_us')):>12}",
        f"  {'answer(): crisis, language, match':<36}{_us(result['answer_p50_us']):>12}"
        f"{_us(result['answer_p99_us']):>12}",
        f"  {'floor: extractOne (WRatio)':<36}{_us(result['floor_p50_us']):>12}"
        f"{_us(result['floor_p99_us']):>12}",
        f"  {'floor: extractOne (ratio)':<36}{_us(result['floor_ratio_p50_us']):>12}",
        f"  match / floor {result['match_vs_floor']:.2f}  "
        f"(match / ratio floor {result['match_vs_floor_ratio']:.2f}), "
        f"{result['choices']} choice strings",
        "",
        "Growth with the knowledge base (synthetic copies of the topics)",
        f"  {'size':>5}{'topics':>8}{'docs':>9}{'words':>9}{'build':>9}{'asked':>7}"
        f"{'match p50':>13}{'match p99':>13}",
    ]
    for row in result["scale"]:
        lines.append(f"  {str(row['factor']) + '×':>5}{row['topics']:>8}{row['docs']:>9}"
                     f"{row['words']:>9}{row['build_s']:>8.1f}s{row['questions']:>7}"
                     f"{_us(row['match_p50_us']):>13}{_us(row['match_p99_us']):>13}")
    lines.append("")
    if result["updates_per_s"] is None:
        lines.append(f"Pipeline: skipped ({result.get('pipeline_skipped')})")
    else:
        lines += [
            f"Pipeline: {result['pipeline_updates']} text updates from "
            f"{result['pipeline_users']} people, {len(result['pipeline_rounds'])} round(s): "
            "best rate, median ratio",
            f"  ours (build_application)   {result['updates_per_s']:>8.0f} updates/s",
            f"  echo bot                   {result['echo_updates_per_s']:>8.0f} updates/s",
            f"  ours / echo                {result['pipeline_vs_echo']:>8.2f}"
            f"   {_mark(result, 'pipeline_vs_echo')}",
            f"  per CPU second: ours {result['updates_per_cpu_s']:.0f}, echo "
            f"{result['echo_updates_per_cpu_s']:.0f}, ours / echo "
            f"{result['pipeline_vs_echo_cpu']:.2f}",
        ]
        if result.get("shipped_updates_per_s") is not None:
            lines.append(f"  ours with Telegram's 30 msg/s (AIORateLimiter as shipped) "
                         f"{result['shipped_updates_per_s']:.0f} updates/s")
    lines += [
        "",
        f"Start-up of a fresh process (median of {len(result['startup_runs'])})",
        f"  to the first answer        {result['startup_s']:>8.2f} s"
        f"   {_mark(result, 'startup_s')}",
        f"    import bot.replies       {result['import_s']:>8.2f} s",
        f"    load the knowledge base  {result['knowledge_load_s']:>8.2f} s",
        f"  the safety net ready       {result['net_ready_s']:>8.2f} s"
        "   (trained in a process of its own; the rules answer until then)",
        f"  peak memory, all questions {result['peak_rss_mb']:>8.1f} MB"
        f"   {_mark(result, 'peak_rss_mb')}",
        f"  peak memory of the training {result['trainer_peak_mb']:>7.1f} MB (its own process, "
        "for the seconds it trains)",
        "",
    ]
    met = [t["met"] for t in result["targets"].values()]
    lines.append(f"Targets met: {sum(1 for v in met if v)} of {len(met)}")
    return "\n".join(lines)
