"""Start-up to the first answer, and peak memory, of a fresh process.

A new `python -c` loads the knowledge base as the bot does (`KnowledgeHolder`: the safety net
starts training in a process of its own, the rules judge meanwhile) and answers one question;
the clock runs from just before the process is spawned to the line it prints after that first
answer, so the interpreter's own start counts. The process then waits for the net, answers
every question with it, and reports its peak resident memory, and the training process's.

Peak memory is the kernel's high-water mark of the process's own memory (`VmHWM` in
/proc/self/status) where there is one. `getrusage(RUSAGE_SELF).ru_maxrss` is reported too, but
on Linux a spawned process inherits its parent's peak in it (subprocess spawns through vfork,
and exec keeps the larger peak), so from inside a benchmark that has just built a 100× index it
would report the benchmark's memory, not the bot's. Elsewhere `ru_maxrss` is all there is.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from time import perf_counter
from typing import Any

from bench import ROOT

#: The child: it reads {"knowledge": dir, "questions": [...]} on stdin.
CHILD = """\
import json, resource, sys, time
start = time.perf_counter()
import bot.replies
imported = time.perf_counter()
from bot.knowledge.live import KnowledgeHolder
from bot.knowledge.loader import load
from pathlib import Path
job = json.loads(sys.stdin.read())
holder = KnowledgeHolder(load(Path(job["knowledge"])))
loaded = time.perf_counter()
reply = bot.replies.answer(holder.current, job["questions"][0])
answered = time.perf_counter()
print(json.dumps({"kind": reply.kind}), flush=True)
kb = holder.current
kb.train_models()
net_ready = time.perf_counter()
for question in job["questions"]:
    bot.replies.answer(kb, question)
maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
maxrss_kb = maxrss // 1024 if sys.platform == "darwin" else maxrss
try:
    with open("/proc/self/status", encoding="ascii") as status:
        hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration, ValueError):
    hwm_kb = None
print(json.dumps({"import_s": imported - start, "load_s": loaded - imported,
                  "first_answer_s": answered - start, "net_ready_s": net_ready - start,
                  "hwm_kb": hwm_kb, "maxrss_kb": maxrss_kb,
                  "trainer_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}),
      flush=True)
"""
TIMEOUT_S = 60


def _run_child(knowledge_dir: Path, asked: Sequence[str]) -> dict[str, Any]:
    job = json.dumps({"knowledge": str(knowledge_dir.resolve()), "questions": list(asked)})
    start = perf_counter()
    with subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, text=True,
                          encoding="utf-8", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as child:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(job)
        child.stdin.close()
        first = child.stdout.readline()
        startup = perf_counter() - start
        rest = child.stdout.read()
        errors = child.stderr.read() if child.stderr is not None else ""
        child.wait(TIMEOUT_S)
    if child.returncode != 0 or not first:
        raise RuntimeError(f"the start-up process failed ({child.returncode}): {errors.strip()}")
    report: dict[str, Any] = json.loads(rest.splitlines()[-1])
    report["peak_rss_source"] = "VmHWM" if report["hwm_kb"] is not None else "ru_maxrss"
    report["peak_rss_mb"] = (report["hwm_kb"] or report["maxrss_kb"]) / 1024
    report["ru_maxrss_mb"] = report["maxrss_kb"] / 1024
    report["startup_s"] = startup
    return report


def bench_startup(knowledge_dir: Path, asked: Sequence[str], runs: int) -> dict[str, Any]:
    """Median start-up over `runs` fresh processes, and their peak memory."""
    reports = [_run_child(knowledge_dir, asked) for _ in range(runs)]

    def median(key: str) -> float:
        return round(float(statistics.median(r[key] for r in reports)), 3)

    return {
        "startup_s": median("startup_s"),
        "import_s": median("import_s"),
        "knowledge_load_s": median("load_s"),
        "first_answer_in_process_s": median("first_answer_s"),
        "net_ready_s": median("net_ready_s"),
        "trainer_peak_mb": round(max(r["trainer_kb"] for r in reports) / 1024, 1),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in reports), 1),
        "peak_rss_source": reports[0]["peak_rss_source"],
        "ru_maxrss_mb": round(max(r["ru_maxrss_mb"] for r in reports), 1),
        "startup_runs": [round(r["startup_s"], 3) for r in reports],
    }
