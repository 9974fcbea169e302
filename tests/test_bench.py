"""`qoldau bench --quick --json`, run in-process: every number is there, of the right type.

Nothing here asserts how fast anything is: the machines that run the tests are too noisy for
that, and the benchmark reports its targets itself.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from typing import Any

import pytest

from bench.pipeline import fake_available
from bench.run import TARGETS, format_table
from bot.__main__ import main
from bot.knowledge.base import KnowledgeBase
from tests.conftest import KNOWLEDGE_DIR

NUMBERS = ("match_p50_us", "match_p99_us", "floor_p50_us", "match_vs_floor", "startup_s",
           "peak_rss_mb", "answer_p50_us", "import_s")
PIPELINE = ("updates_per_s", "echo_updates_per_s", "pipeline_vs_echo")


def is_number(value: Any) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool) and math.isfinite(value)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One quick benchmark through the command line, shared by the tests of this file."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        # As tests/conftest.py's cli_env, once for the module: the shipped knowledge, no .env.
        for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "MODERATOR_IDS",
                     "LOG_LEVEL", "USER_KEY_SECRET", "DATA_DIR"):
            patch.delenv(name, raising=False)
        patch.setenv("KNOWLEDGE_DIR", str(KNOWLEDGE_DIR))
        patch.setenv("DEFAULT_LANGUAGE", "ru")
        patch.chdir(tmp_path_factory.mktemp("bench"))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main(["bench", "--quick", "--json"]) == 0
    assert len(out.getvalue().strip().splitlines()) == 1, "one JSON object on one line"
    parsed: dict[str, Any] = json.loads(out.getvalue())
    return parsed


def test_every_number_is_there(result: dict[str, Any]) -> None:
    for key in NUMBERS:
        assert is_number(result[key]), key
    assert result["match_p50_us"] <= result["match_p99_us"]
    assert result["quick"] is True
    assert result["questions"]["count"] > 0


def test_the_growth_table_starts_at_the_shipped_size(result: dict[str, Any],
                                                     kb: KnowledgeBase) -> None:
    rows = result["scale"]
    assert [row["topics"] for row in rows] == [len(kb.topics), 10 * len(kb.topics)]
    for row in rows:
        assert isinstance(row["topics"], int)
        assert is_number(row["match_p50_us"]) and is_number(row["match_p99_us"])


@pytest.mark.skipif(not fake_available(), reason="the fake Bot API needs shared/telegram/")
def test_the_pipeline_is_measured_beside_the_echo_bot(result: dict[str, Any]) -> None:
    for key in PIPELINE:
        assert is_number(result[key]), key


def test_targets_are_reported_and_shown(result: dict[str, Any]) -> None:
    assert set(result["targets"]) == {t.key for t in TARGETS}
    for key, target in result["targets"].items():
        assert target["value"] == result[key]
        assert target["met"] in (True, False)
    table = format_table(result)
    for target in TARGETS:
        line = next(line for line in table.splitlines() if str(target) in line)
        assert line.rstrip().endswith(("✓", "✗"))
    assert result["machine"]["python"] in table
