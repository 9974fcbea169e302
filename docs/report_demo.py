"""Build the README's report screenshot from a test run: our own paraphrase questions answered
by the real `answer()`, counted as the bot counts them (`bot.insight.counting.count`), spread
over two weeks.

    python docs/report_demo.py /tmp/report.html
    chromium --headless --no-sandbox --screenshot=docs/report.png --window-size=1100,4200 \
        file:///tmp/report.html
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import yaml

from bot.insight.counting import count
from bot.insight.report import render_report
from bot.insight.summary import build_insight
from bot.knowledge.loader import load
from bot.replies import answer
from bot.storage.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]


def main(out: str) -> None:
    """Replay the questions over 14 days into a temporary store and write the report."""
    kb = load(ROOT / "knowledge")
    questions = [item["q"] for item in yaml.safe_load(
        (ROOT / "tests" / "data" / "eval" / "paraphrases.yaml").read_text(encoding="utf-8"))]
    rng = random.Random(7)
    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "demo.sqlite3")
        for offset in range(14):
            day = today - timedelta(days=offset)
            for question in rng.sample(questions, k=rng.randint(25, 60)):
                reply = answer(kb, question)
                count(store, reply, day, question, keep_unanswered_days=30)
                if reply.kind == "answer" and rng.random() < 0.3:
                    store.record_feedback(day.isoformat(), reply.topic or "", reply.lang,
                                          rng.random() < 0.8)
        Path(out).write_text(render_report(build_insight(store, today, 14), kb, "en"),
                             encoding="utf-8")
        store.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "report.html")
