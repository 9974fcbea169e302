"""The learned safety net: it learns from examples, fires beside the rules, keeps serving while
a new net trains, and the knowledge files that teach it are checked like any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError, load
from bot.learning import bayes
from bot.learning.calibration import threshold
from bot.learning.features import features, stem
from bot.learning.slot import train_apart
from bot.safety.net import Example, SafetyNet, net_slot

CRISIS = ["i wrote letters to everyone, tomorrow i won't be here", "tonight i say goodbye for good",
          "wrote my goodbye letter, nobody will miss me", "this is my last night, goodbye all",
          "i won't be here tomorrow, the letter is on my desk", "goodbye everyone, it ends tonight"]
NONE = ["i died five times in the boss fight lol", "the exam is tomorrow and i am not ready",
        "what do i cook for dinner tonight", "goodbye summer, school starts tomorrow",
        "my letter to santa is ready", "tomorrow we play football at school"]


def _examples(writer: str | None = None) -> list[Example]:
    return ([Example(t, "crisis", "oneself", "teen", writer) for t in CRISIS]
            + [Example(t, "none", None, "teen", writer) for t in NONE])


def test_kazakh_endings_meet_their_stem() -> None:
    assert stem("kazinoga") == stem("kazino")
    assert stem("iwimdikke") == stem("iwimdik")


def test_features_read_the_head_and_tail_of_a_long_message() -> None:
    long = "word " * 3000 + "goodbye"
    assert "w:goodb" in features(long)
    assert sum(features(long).values()) < 3000


def test_the_model_tells_the_classes_apart() -> None:
    docs = [features(t) for t in CRISIS + NONE]
    model = bayes.train(("crisis", "none"), docs, [0] * len(CRISIS) + [1] * len(NONE))
    farewell = features("goodbye all, the letter is written, i won't be here")
    assert model.best(farewell)[0] == "crisis"
    assert model.best(features("i died in the boss fight again"))[0] == "none"


def test_the_threshold_lets_the_share_of_negatives_fire() -> None:
    scores = [float(i) for i in range(100)]
    at = threshold(scores, 0.02)
    assert sum(s >= at for s in scores) == 2


def test_the_net_fires_on_words_of_its_examples_not_on_game_talk() -> None:
    net = SafetyNet.train(_examples("w1") + _examples("w2"))
    assert net.judge("wrote a goodbye letter to everyone, tonight i won't be here").tier == "crisis"
    assert net.judge("i died in the boss fight lol").tier == "none"


def test_a_new_slot_serves_the_previous_net_while_it_trains() -> None:
    old = net_slot(_examples())
    trained = old.trained()
    new = net_slot([*_examples(), Example("see you all on the other side", "crisis", "oneself")])
    new.inherit(old)
    new._background = _Alive()  # training under way
    assert new.current is trained
    new._background = None
    assert new.current is not None and new.current is not trained


def test_a_reload_with_the_same_examples_serves_the_same_net_at_once() -> None:
    trained = net_slot(_examples("w3")).trained()
    again = net_slot(_examples("w3"))
    again.train_in_background()
    assert again._background is None and again.current is trained


def test_the_net_trained_apart_judges_as_one_trained_here() -> None:
    examples = _examples("w1") + _examples("w2")
    apart = train_apart(SafetyNet.train, examples, SafetyNet)
    here = SafetyNet.train(examples)
    for text in ("goodbye all, the letter is written", "i died in the boss fight"):
        assert apart.judge(text) == here.judge(text)


class _Alive:
    def is_alive(self) -> bool:
        return True


def test_a_crisis_example_without_a_form_is_a_precise_problem(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "knowledge"
    for path in source.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "safety-examples-x.yaml").write_text(
        "writer: x\nsafety_examples:\n  - text: \"i won't be here tomorrow\"\n    lang: en\n"
        "    tier: crisis\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load(tmp_path)
    problem = str(caught.value)
    assert "safety-examples-x.yaml" in problem and "form" in problem


def test_a_failed_training_leaves_the_rules_judging(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.learning.slot as slot_module

    def broken(*args: object) -> SafetyNet:
        raise slot_module.TrainingFailed("the trainer exited with 1")

    monkeypatch.setattr(slot_module, "train_apart", broken)
    slot = net_slot(_examples("w9"))
    assert slot.trained() is None and slot.current is None
    slot.train_in_background()
    assert slot.current is None  # tried once, never again inline


def test_a_net_that_fails_on_a_message_leaves_the_rules_reply(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.replies import answer

    net = kb.safety.trained() if kb.safety is not None else None
    assert net is not None

    def broken(self: SafetyNet, text: str) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr(SafetyNet, "judge", broken)
    assert answer(kb, "хочу умереть").kind == "crisis"
