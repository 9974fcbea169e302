"""Timing several functions side by side over the same questions, and percentiles."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from time import perf_counter_ns


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100), interpolated linearly between ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_per_question(calls: Mapping[str, Callable[[str], object]], questions: Sequence[str],
                      repeats: int, warmup: bool = True) -> dict[str, list[float]]:
    """Each call's median time per question, in µs, in question order.

    The calls take turns on each question, so a burst of noise from the machine hits them
    alike; the median of the repeats drops the bursts that remain. With `warmup`, every call
    first sees every question once (caches, rapidfuzz's first calls), untimed.
    """
    if warmup:
        for question in questions:
            for call in calls.values():
                call(question)
    medians: dict[str, list[float]] = {name: [] for name in calls}
    for question in questions:
        samples: dict[str, list[int]] = {name: [] for name in calls}
        for _ in range(repeats):
            for name, call in calls.items():
                start = perf_counter_ns()
                call(question)
                samples[name].append(perf_counter_ns() - start)
        for name, times in samples.items():
            medians[name].append(statistics.median(times) / 1000)
    return medians


def summary(times_us: Sequence[float]) -> dict[str, float]:
    """p50 and p99 of per-question times, rounded to 0.1 µs."""
    return {"p50": round(percentile(times_us, 50), 1), "p99": round(percentile(times_us, 99), 1)}
