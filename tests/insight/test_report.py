"""/stats and the HTML report, from counts a test run produced."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.insight.report import render_report
from bot.insight.stats import stats_text
from bot.insight.summary import build_insight, group_themes
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.markup import problems
from bot.storage.redis import RedisStore
from bot.storage.sqlite import SQLiteStore
from tests.redis_server import free_port

TODAY = date(2026, 11, 23)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "qoldau.sqlite3")
    for offset in range(10):
        day = (TODAY - timedelta(days=offset)).isoformat()
        for _ in range(5 + offset):
            store.record_reply(day, "stress-anxiety", "ru", "answer")
        store.record_reply(day, "loneliness", "kk", "answer")
        store.record_reply(day, "", "en", "fallback")
        if offset % 3 == 0:
            store.record_reply(day, "suicide-crisis", "kk", "crisis")
    store.record_feedback(TODAY.isoformat(), "stress-anxiety", "ru", True)
    store.record_feedback(TODAY.isoformat(), "stress-anxiety", "ru", True)
    store.record_feedback(TODAY.isoformat(), "loneliness", "kk", False)
    for text in ("где купить телефон", "купить телефон где дешевле", "погода в алматы",
                 "какая погода в алматы завтра", "рецепт плова"):
        store.save_unanswered(TODAY.isoformat(), "ru", text)
    return store


def test_insight_sums_the_days(store: SQLiteStore) -> None:
    insight = build_insight(store, TODAY, 7)
    assert insight.first_day == "2026-11-17" and len(insight.daily) == 7
    assert insight.by_kind["answer"] == sum(5 + o for o in range(7)) + 7
    assert insight.by_kind["fallback"] == 7 and insight.by_kind["crisis"] == 3
    assert insight.by_topic[0][0] == "stress-anxiety"
    assert insight.helpful == [("stress-anxiety", 2, 0), ("loneliness", 0, 1)]
    assert [t.count for t in insight.themes][:2] == [2, 2]


def test_stats_text_in_each_language(store: SQLiteStore, kb: KnowledgeBase) -> None:
    insight = build_insight(store, TODAY, 7)
    for lang, word in (("kk", "күн"), ("ru", "дней"), ("en", "days")):
        text = stats_text(insight, kb, lang)  # type: ignore[arg-type]
        assert word in text and str(insight.total) in text
        assert problems(text) == []
        assert kb.topic("stress-anxiety").texts[lang].title in text  # type: ignore[index]


def test_report_has_every_chart(store: SQLiteStore, kb: KnowledgeBase) -> None:
    html = render_report(build_insight(store, TODAY, 30), kb, "en")
    for section in ("topics", "languages", "rates", "helpfulness", "unanswered"):
        assert f'id="{section}"' in html
    assert html.count("<svg") >= 4
    assert kb.topic("stress-anxiety").texts["en"].title in html
    assert "купить телефон" in html  # the biggest unanswered theme
    assert "<script" not in html and "http" not in html.replace("http://www.w3", "")


def test_report_command_writes_a_file(store: SQLiteStore, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    store.close()
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    out = tmp_path / "report.html"
    assert main(["report", "--out", str(out), "--lang", "ru"]) == 0
    assert "Спрос по темам" in out.read_text(encoding="utf-8") or "<svg" in out.read_text()
    assert str(out) in capsys.readouterr().out


def test_themes_group_alike_questions() -> None:
    themes = group_themes(["где купить телефон", "купить телефон дешево", "погода"])
    assert [t.count for t in themes] == [2, 1]


def test_the_report_shows_what_the_safety_layer_catches(
        store: SQLiteStore, kb: KnowledgeBase) -> None:
    from bot.evaluation import SafetyItem, evaluate_safety

    corpus = [SafetyItem("хочу умереть", "ru", "crisis", "explicit", "oneself"),
              SafetyItem("өлгім келеді", "kk", "crisis", "explicit", "oneself"),
              SafetyItem("умираю со смеху", "ru", "none", "hard_negative"),
              SafetyItem("how to cook plov", "en", "crisis", "explicit", "oneself")]
    safety = evaluate_safety(kb, corpus)
    html = render_report(build_insight(store, TODAY, 14), kb, "en", safety)
    section = html[html.index('<section id="safety">'):]
    assert "What the safety layer catches" in section
    assert "<td>1/1</td>" in section          # the Russian and Kazakh crisis rows
    assert '<td class="warn">0/1</td>' in section  # a "crisis" the bot rightly did not see
    assert render_report(build_insight(store, TODAY, 14), kb, "ru", safety).count(
        "Что распознаёт проверка безопасности") == 1


def test_report_reads_redis_when_the_settings_name_it(
        redis_url: str, cli_env: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    today = datetime.now(UTC).date().isoformat()
    written = RedisStore.from_url(redis_url)
    for _ in range(3):
        written.record_reply(today, "loneliness", "ru", "answer")
    written.close()
    data = cli_env / "data"
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("USER_KEY_SECRET", "report-test-secret-0123")
    monkeypatch.setenv("DATA_DIR", str(data))
    assert main(["report", "--out", str(cli_env / "report.html"), "--days", "7"]) == 0
    assert ": 3 replies from" in capsys.readouterr().out
    assert not data.exists()  # no stray SQLite file beside Redis


def test_report_without_a_database_creates_none(
        cli_env: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    data = cli_env / "data"
    monkeypatch.setenv("DATA_DIR", str(data))
    assert main(["report", "--out", str(cli_env / "report.html")]) == 0
    assert ": 0 replies from" in capsys.readouterr().out
    assert not data.exists()


def test_report_when_redis_is_away_says_so(
        cli_env: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setenv("USER_KEY_SECRET", "report-test-secret-0123")
    out = cli_env / "report.html"
    assert main(["report", "--out", str(out)]) == 1
    assert "REDIS_URL does not answer" in capsys.readouterr().err
    assert not out.exists()
