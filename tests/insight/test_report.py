"""/stats and the HTML report, from counts a test run produced."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.insight.report import render_report
from bot.insight.stats import stats_text
from bot.insight.summary import build_insight, group_themes, score_bucket
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load
from bot.knowledge.markup import problems
from bot.storage.redis import RedisStore
from bot.storage.sqlite import SQLiteStore
from tests.redis_server import free_port

TODAY = date(2026, 11, 30)
VALID_KNOWLEDGE = Path(__file__).resolve().parents[1] / "data" / "knowledge" / "valid"


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
    store.record_feedback(TODAY.isoformat(), "stress-anxiety", "ru", False)
    store.record_feedback(TODAY.isoformat(), "loneliness", "kk", False)
    # Loneliness was offered first among suggestions three times, and asked about with a
    # safety check once.
    for _ in range(3):
        store.record_reply(TODAY.isoformat(), "loneliness", "ru", "suggestions")
    store.record_reply(TODAY.isoformat(), "low-mood", "ru", "check")
    for kind, bucket, times in (("answer", 9, 6), ("answer", 5, 2), ("suggestions", 3, 3),
                                ("fallback", 1, 4), ("fallback", 0, 1)):
        for _ in range(times):
            store.record_score(TODAY.isoformat(), kind, bucket)
    for text in ("где купить телефон", "купить телефон где дешевле", "погода в алматы",
                 "какая погода в алматы завтра", "рецепт плова"):
        store.save_unanswered(TODAY.isoformat(), "ru", text)
    return store


def test_insight_sums_the_days(store: SQLiteStore) -> None:
    insight = build_insight(store, TODAY, 7)
    assert insight.first_day == "2026-11-24" and len(insight.daily) == 7
    assert insight.by_kind["answer"] == sum(5 + o for o in range(7)) + 7
    assert insight.by_kind["fallback"] == 7 and insight.by_kind["crisis"] == 3
    assert insight.by_topic[0][0] == "stress-anxiety"
    assert insight.helpful == [("stress-anxiety", 2, 1), ("loneliness", 0, 1)]
    assert [t.count for t in insight.themes][:2] == [2, 2]
    assert insight.daily[-1].check == 1 and insight.daily[-1].crisis == 1


def test_insight_per_topic_counts_answers_suggestions_and_votes(store: SQLiteStore) -> None:
    rows = {r.topic: r for r in build_insight(store, TODAY, 7).topics}
    stress, lonely = rows["stress-anxiety"], rows["loneliness"]
    assert (stress.answers, stress.suggested, stress.up, stress.down) == (
        sum(5 + o for o in range(7)), 0, 2, 1)
    assert stress.down_share == pytest.approx(1 / 3) and stress.suggested_share == 0
    assert (lonely.answers, lonely.suggested, lonely.down_share) == (7, 3, 1.0)
    assert lonely.suggested_share == pytest.approx(3 / 10)
    assert "low-mood" not in rows  # a safety check is neither an answer nor a suggestion
    assert list(rows) == ["stress-anxiety", "loneliness"]  # the most shown first


def test_insight_histogram_of_scores(store: SQLiteStore) -> None:
    scores = build_insight(store, TODAY, 7).scores
    assert scores == {"answer": (0, 0, 0, 0, 0, 2, 0, 0, 0, 6),
                      "suggestions": (0, 0, 0, 3, 0, 0, 0, 0, 0, 0),
                      "fallback": (1, 4, 0, 0, 0, 0, 0, 0, 0, 0)}


@pytest.mark.parametrize(("score", "bucket"), [
    (0.0, 0), (0.05, 0), (0.1, 1), (0.3, 3), (0.29999, 2), (0.4, 4), (0.7, 7), (0.99, 9),
    (1.0, 9), (1.2, 9), (-0.1, 0)])
def test_a_score_falls_in_its_tenth(score: float, bucket: int) -> None:
    assert score_bucket(score) == bucket


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
    for section in ("scores", "registry", "translations"):
        assert f'id="{section}"' in html
    assert html.count("<svg") >= 5
    assert kb.topic("stress-anxiety").texts["en"].title in html
    assert "купить телефон" in html  # the biggest unanswered theme
    # One file: no script, nothing loaded from elsewhere (links to sources are only links).
    assert "<script" not in html and "src=" not in html and "@import" not in html
    assert "url(" not in html and "<link" not in html


def _section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}">')
    return html[start:html.index("</section>", start)]


def test_report_shows_the_down_share_and_suggestions_per_topic(
        store: SQLiteStore, kb: KnowledgeBase) -> None:
    section = _section(render_report(build_insight(store, TODAY, 7), kb, "en"), "helpfulness")
    rows = section.split("<tr>")[2:]
    assert kb.topic("stress-anxiety").texts["en"].title in rows[0]
    assert '<td class="num">2</td><td class="num">1</td>' in rows[0] and "33%" in rows[0]
    assert kb.topic("loneliness").texts["en"].title in rows[1]
    assert '<td class="num">3 (30%)</td>' in rows[1] and "100%" in rows[1]
    assert "Share not helpful" in section and "Suggested instead" in section


def test_report_shows_the_score_histogram_with_the_thresholds(
        store: SQLiteStore, kb: KnowledgeBase) -> None:
    section = _section(render_report(build_insight(store, TODAY, 7), kb, "en"), "scores")
    assert "0.9–1.0" in section and "0.0–0.1" in section
    assert '>6</text>' in section and ">4</text>" in section  # the columns' totals
    assert ">0.30</text>" in section and ">0.40</text>" in section
    assert section.count("<rect") == 5  # one per kind and bucket that holds replies


def test_report_marks_registry_entries_lint_calls_stale(
        store: SQLiteStore, kb: KnowledgeBase) -> None:
    later = date(2030, 1, 1)
    html = render_report(build_insight(store, later, 7), kb, "en")
    section = _section(html, "registry")
    assert section.count("check again") == len(kb.hotlines)
    fresh = _section(render_report(build_insight(store, TODAY, 7), kb, "en"), "registry")
    assert "check again" not in fresh
    for line in kb.hotlines:
        assert line.verified.isoformat() in fresh


def test_report_grid_marks_a_thin_translation(store: SQLiteStore, tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(VALID_KNOWLEDGE, knowledge)
    topics = knowledge / "topics.yaml"
    more = "".join(f"\n        - question number {n}" for n in ("one", "two", "three", "four",
                                                                 "five", "six"))
    text = topics.read_text(encoding="utf-8")
    topics.write_text(text.replace("        - nobody to talk to",
                                   "        - nobody to talk to" + more, 1), encoding="utf-8")
    section = _section(render_report(build_insight(store, TODAY, 7), load(knowledge), "en"),
                       "translations")
    lonely = next(row for row in section.split("<tr>") if "Loneliness" in row)
    assert lonely.count('class="warn"') == 2  # kk and ru: 8 examples beside 14 in English
    assert "<td>14 · 3</td>" in lonely and '<td class="warn"><b>8</b> · 3</td>' in lonely


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


def test_report_command_reads_redis_when_the_bot_keeps_its_counts_there(
        redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from bot.storage.redis import RedisStore

    today = datetime.now(UTC).date().isoformat()
    shared = RedisStore.from_url(redis_url)
    for _ in range(7):
        shared.record_reply(today, "grief", "kk", "answer")
    shared.record_score(today, "answer", 8)
    shared.close()
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("USER_KEY_SECRET", "report-test-secret-0123")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    out = tmp_path / "report.html"
    assert main(["report", "--out", str(out), "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<div class="card"><b>7</b>Replies</div>' in html
    assert "0.8–0.9" in _section(html, "scores")
