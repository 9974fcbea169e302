"""Weekly tips for parents: loaded in order by age group, and an id written twice is a precise
problem (a subscriber's place in the series is kept by id)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.loader import KnowledgeError, load

ROOT = Path(__file__).resolve().parents[2]


def _tip(tip_id: str, age: str) -> str:
    texts = "".join(f"    {lang}:\n      title: Title {lang}\n      text: Text {lang}\n"
                    for lang in ("kk", "ru", "en"))
    return (f"  - id: {tip_id}\n    age: \"{age}\"\n"
            f"    sources: [https://www.unicef.org/parenting]\n{texts}")


def _knowledge_with(tmp_path: Path, tips: str) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", folder)
    (folder / "tips.yaml").write_text("tips:\n" + tips, encoding="utf-8")
    return folder


def test_tips_load_in_order_per_age(tmp_path: Path) -> None:
    kb = load(_knowledge_with(tmp_path, _tip("play", "0-5") + _tip("talk", "13-18")
                              + _tip("sleep", "0-5")))
    assert [t.id for t in kb.tips_for("0-5")] == ["play", "sleep"]
    assert kb.tips_for("13-18")[0].titles["kk"] == "Title kk"


def test_a_tip_id_written_twice_names_both_places(tmp_path: Path) -> None:
    folder = _knowledge_with(tmp_path, _tip("play", "0-5") + _tip("play", "6-12"))
    with pytest.raises(KnowledgeError) as raised:
        load(folder)
    assert [str(p) for p in raised.value.problems] == [
        f"{folder}/tips.yaml:14:9: the tip id 'play' is already used at {folder}/tips.yaml:2:9"]
