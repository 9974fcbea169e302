"""The `qoldau` command, called in-process: `ask` and `eval` (`validate` is in
tests/knowledge/test_loader.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.knowledge import markup

EVAL_DATA = Path(__file__).resolve().parent / "data" / "eval"
DEV_SET = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev.yaml"

pytestmark = pytest.mark.usefixtures("cli_env")


def ask_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["ask", *args, "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    reply: dict[str, Any] = json.loads(out)
    return reply


# --- qoldau ask ---------------------------------------------------------------------------------

AWKWARD = [
    "<b>стресс</b> & тревога перед экзаменом",
    "I'm anxious <3 & can't sleep 😰",
    "<script>alert('x')</script> помогите",
    "a < b && c > d",
    "😀 кенес керек 🙏",
    "мне тревожно и страшно, не знаю что делать. " * 115,  # 5,000+ characters
]


@pytest.mark.parametrize("text", AWKWARD, ids=["html", "heart", "script", "symbols", "emoji",
                                               "5000-chars"])
def test_ask_gives_a_reply_telegram_accepts(capsys: pytest.CaptureFixture[str], text: str) -> None:
    reply = ask_json(capsys, text)
    assert reply["kind"] in ("answer", "suggestions", "fallback", "crisis")
    assert reply["lang"] in ("kk", "ru", "en")
    assert markup.problems(reply["html"]) == []
    assert 0 < markup.visible_length(reply["html"]) <= markup.MESSAGE_LIMIT
    assert reply["text"] == markup.to_plain(reply["html"])
    assert reply["buttons"], "every reply offers at least the menu"
    assert {"kind", "lang", "topic", "score", "html", "text", "buttons", "candidates"} <= set(
        reply)


def test_ask_long_text_is_5000_characters() -> None:
    assert len(AWKWARD[-1]) >= 5000


def test_ask_answers_a_question_in_its_language(capsys: pytest.CaptureFixture[str]) -> None:
    reply = ask_json(capsys, "жалгыздыктан не истеймин", "--lang", "ru")
    assert (reply["kind"], reply["topic"], reply["lang"]) == ("answer", "loneliness", "kk")
    assert [b["action"] for b in reply["buttons"][-1]] == ["menu"]


def test_ask_prints_the_reply_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "кибербулинг", "--lang", "ru"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[answer, ru, topic online-safety, score ")
    assert any(line.strip().startswith("1. ") for line in lines), "numbered options"
    assert not any("<b>" in line for line in lines), "plain text, no HTML"


@pytest.mark.parametrize("text", ["", "   ", "😭😭😭", "🙏", "\x00\x01\x02", "\u200b\u200b"],
                         ids=["empty", "spaces", "emoji", "one-emoji", "control", "zero-width"])
def test_ask_with_nothing_to_read_offers_the_menu(
        capsys: pytest.CaptureFixture[str], text: str) -> None:
    reply = ask_json(capsys, text, "--lang", "kk")
    assert (reply["kind"], reply["lang"]) == ("empty", "kk")
    assert [b["action"] for row in reply["buttons"] for b in row] == ["menu"]


# --- qoldau eval --------------------------------------------------------------------------------

CONTRACT = {"total", "top1", "top3", "lang_accuracy", "crisis_recall", "crisis_false_alarm",
            "fallback_accuracy", "risk_recall", "check_rate", "by_lang", "misses"}
MISS_KEYS = {"q", "lang", "expect", "got", "got_lang", "kind", "score"}


def run_eval(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, Any]:
    assert main(["eval", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.strip().splitlines()) == 1, "one JSON object on one line"
    result: dict[str, Any] = json.loads(out)
    return result


def test_eval_prints_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_eval(capsys, EVAL_DATA / "sample.yaml")
    assert set(result) >= CONTRACT
    assert set(result["by_lang"]) == {"kk", "ru", "en"}
    for row in result["by_lang"].values():
        assert set(row) >= {"total", "top1", "top3"}
    assert result["total"] == 9
    assert [row["total"] for row in result["by_lang"].values()] == [3, 3, 3]
    assert result["top1"] == result["top3"] == pytest.approx(8 / 9, abs=1e-4)
    assert result["by_lang"]["en"]["top1"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["lang_accuracy"] == pytest.approx(8 / 9, abs=1e-4)
    assert result["crisis_recall"] == 1.0
    assert result["crisis_false_alarm"] == 0.0
    assert result["fallback_accuracy"] == 1.0
    for miss in result["misses"]:
        assert set(miss) >= MISS_KEYS
    misses = {(m["q"], m["got"], m["got_lang"], m["kind"]) for m in result["misses"]}
    assert misses == {("i feel so lonely", "loneliness", "en", "answer"),
                      ("одиночество замучило", "loneliness", "ru", "answer")}


def test_eval_counts_risk_and_safety_checks(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_eval(capsys, EVAL_DATA / "risk.yaml")
    assert result["risk_recall"] == 1.0
    assert result["check_rate"] == 0.0
    assert result["top1"] == 1.0
    # "хочу умереть" is a risk item answered with the crisis reply: no false alarm.
    assert result["crisis_false_alarm"] == 0.0


def test_eval_safety_prints_recall_by_kind_and_language(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--safety", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"crisis_recall", "risk_recall", "false_alarm", "rows", "missed"} <= set(result)
    kinds = {(row["tier"], row["kind"]) for row in result["rows"]}
    assert {("crisis", "idiom"), ("crisis", "coded"), ("crisis", "someone_else"),
            ("crisis", "hurt_now"), ("crisis", "sexual_abuse"), ("check", "hint"),
            ("none", "hard_negative")} <= kinds
    assert {row["lang"] for row in result["rows"]} == {"kk", "ru", "en"}
    assert main(["eval", "--safety"]) == 0
    assert "crisis_recall" in capsys.readouterr().out


def test_eval_without_a_file_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval"]) == 2
    assert "--safety" in capsys.readouterr().err


def test_eval_prints_a_table_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(EVAL_DATA / "sample.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["questions", "9"]
    assert "misses (2):" in out
    assert "'i feel so lonely': expected grief, got answer loneliness" in out


@pytest.mark.parametrize(("name", "problem"), [
    ("no-such-file.yaml", "no such file"),
    ("not-a-list.yaml", "expected a non-empty YAML list of questions"),
    ("missing-q.yaml", "item 2: 'q' must be the question text"),
    ("bad-lang.yaml", "item 3: 'lang' must be one of kk, ru, en"),
])
def test_eval_refuses_a_bad_file_clearly(
        capsys: pytest.CaptureFixture[str], name: str, problem: str) -> None:
    path = EVAL_DATA / name
    assert main(["eval", str(path), "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"qoldau eval: {path}: {problem}"]


# --- The development set: the floor the matcher must stay above ---------------------------------


@pytest.mark.skipif(not DEV_SET.is_file(), reason=f"{DEV_SET} is missing (no shared/ checkout)")
def test_dev_set_stays_above_the_floor(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_eval(capsys, DEV_SET)
    misses = "\n".join(f"  [{m['lang']}→{m['got_lang']}] {m['q']!r}: expected "
                       f"{'/'.join(m['expect'])}, got {m['kind']} {m['got']}"
                       for m in result["misses"])
    report = {k: result[k] for k in CONTRACT - {"misses"}}
    failures = []
    if result["top1"] < 0.90:
        failures.append(f"top1 {result['top1']} < 0.90")
    for lang, row in result["by_lang"].items():
        if row["top1"] < 0.85:
            failures.append(f"{lang} top1 {row['top1']} < 0.85")
    if result["crisis_recall"] != 1.0:
        failures.append(f"crisis_recall {result['crisis_recall']} != 1.0")
    if result["crisis_false_alarm"] > 0.03:
        failures.append(f"crisis_false_alarm {result['crisis_false_alarm']} > 0.03")
    if result["fallback_accuracy"] < 0.80:
        failures.append(f"fallback_accuracy {result['fallback_accuracy']} < 0.80")
    if result["lang_accuracy"] < 0.95:
        failures.append(f"lang_accuracy {result['lang_accuracy']} < 0.95")
    assert not failures, f"{'; '.join(failures)}\n{report}\nmisses:\n{misses}"
