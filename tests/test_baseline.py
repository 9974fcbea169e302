"""`qoldau eval --baseline`: a naive rapidfuzz matcher scored with the same code as ours."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.knowledge.base import KnowledgeBase
from bot.matching import baseline

EVAL_DATA = Path(__file__).resolve().parent / "data" / "eval"
DEV_SET = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev.yaml"
METRICS = {"total", "top1", "top3", "lang_accuracy", "crisis_recall", "crisis_false_alarm",
           "fallback_accuracy", "by_lang", "misses"}

pytestmark = pytest.mark.usefixtures("cli_env")


def eval_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["eval", *args, "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.strip().splitlines()) == 1, "one JSON object on one line"
    result: dict[str, Any] = json.loads(out)
    return result


# --- The naive matcher ---------------------------------------------------------------------------


def test_an_example_as_written_is_answered_in_the_default_language(kb: KnowledgeBase) -> None:
    topic = kb.topics["hotline-150"]
    question = topic.texts["en"].examples[0]
    reply = baseline.answer(kb, question, chosen="en", default="ru")
    assert (reply.kind, reply.topic, reply.lang) == ("answer", "hotline-150", "ru")
    assert reply.text == topic.texts["ru"].answer
    assert reply.score == 1.0


def test_below_the_cutoff_it_offers_three_topics_never_the_fallback(kb: KnowledgeBase) -> None:
    reply = baseline.answer(kb, "xylophone", default="en")
    assert reply.kind == "suggestions"
    assert reply.score < baseline.CUTOFF / 100
    assert len(reply.suggested) == len(set(reply.suggested)) == baseline.SUGGESTIONS
    assert [c.topic for c in reply.candidates] == list(reply.suggested)
    assert reply.lang == "en"


def test_it_knows_no_crisis(kb: KnowledgeBase) -> None:
    assert baseline.answer(kb, "не хочу жить").kind != "crisis"


# --- qoldau eval --baseline ----------------------------------------------------------------------


def test_eval_json_has_the_baseline_with_the_same_metrics(
        capsys: pytest.CaptureFixture[str]) -> None:
    ours = eval_json(capsys, str(EVAL_DATA / "sample.yaml"))
    both = eval_json(capsys, str(EVAL_DATA / "sample.yaml"), "--baseline")
    naive = both.pop("baseline")
    assert both == ours, "--baseline leaves our own numbers alone"
    assert set(naive) >= METRICS
    assert set(naive["by_lang"]) == {"kk", "ru", "en"}
    assert naive["total"] == 9
    # Always the default language (ru): right for the three Russian questions only.
    assert naive["lang_accuracy"] == pytest.approx(3 / 9, abs=1e-4)
    assert naive["crisis_recall"] == 0.0
    assert naive["fallback_accuracy"] == 0.0
    assert str(baseline.CUTOFF) in naive["matcher"]


def test_eval_table_shows_the_baseline_beside_ours(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(EVAL_DATA / "sample.yaml"), "--baseline"]) == 0
    out = capsys.readouterr().out
    head, _, rest = out.partition("baseline: ")
    assert head.splitlines()[0].split() == ["questions", "9"]
    assert rest.startswith(baseline.DESCRIPTION)
    rows = {line.split()[0]: line.split()[1:] for line in rest.splitlines()[2:8]}
    ours, naive, margin = (float(v) for v in rows["top1"])
    assert margin == pytest.approx(ours - naive, abs=0.0015)
    assert rows["crisis_recall"][:2] == ["1.000", "0.000"]


@pytest.mark.skipif(not DEV_SET.is_file(), reason=f"{DEV_SET} is missing (no shared/ checkout)")
def test_on_the_dev_set_ours_beats_the_baseline_by_a_wide_margin(
        capsys: pytest.CaptureFixture[str]) -> None:
    result = eval_json(capsys, str(DEV_SET), "--baseline")
    margin = result["top1"] - result["baseline"]["top1"]
    assert margin >= 0.20, f"top1 {result['top1']} vs baseline {result['baseline']['top1']}"
