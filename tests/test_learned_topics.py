"""The learned topic channel: it learns from writers' examples, decides with the fuzzy matcher
by the rules of `bot.matching.fuse`, never answers for the safety layer, and the files that
teach it are checked like any other."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError, load
from bot.learning import bayes
from bot.learning.features import features
from bot.matching import SHORT_WORDS, Match, fuse
from bot.matching.index import Candidate
from bot.matching.learned import NONE, Ranking, TopicExample, TopicModel
from bot.replies import answer

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
LONG = "so this is what happens to me most days and i really do not know what to do now"


def _candidate(topic: str, score: float) -> Candidate:
    return Candidate(topic, score, score, score, score, "")


def _match(kind: str, *topics: str) -> Match:
    candidates = tuple(_candidate(t, 0.5 - i / 10) for i, t in enumerate(topics))
    return Match(kind, candidates, 0.0, candidates)  # type: ignore[arg-type]


def _ranking(*topics: str, lead: float) -> Ranking:
    return Ranking(topics, lead, frozenset({*topics, "sleep", "bullying", NONE}))


def test_sparse_scores_are_the_dense_scores() -> None:
    texts = ["i cannot sleep at night", "they laugh at me at school", "what is the weather",
             "nightmares every night", "classmates push me", "weather tomorrow in astana"]
    docs = [features(t) for t in texts]
    dense = bayes.train(("sleep", "bullying", NONE), docs, [0, 1, 2, 0, 1, 2])
    sparse = bayes.SparseModel.of(dense)
    for text in ("i have nightmares and cannot sleep", "school classmates laugh", "zzz"):
        assert sparse.scores(features(text)) == pytest.approx(dense.scores(features(text)))
    assert len(sparse.values) < len(dense.evidence)


def test_the_channel_ranks_what_it_learned_and_knows_when_it_read_nothing() -> None:
    model = TopicModel.train([
        TopicExample("i cannot sleep at night", "sleep"),
        TopicExample("nightmares wake me up every night", "sleep", "w1"),
        TopicExample("they laugh at me at school", "bullying"),
        TopicExample("classmates push me in the corridor", "bullying", "w1"),
        TopicExample("what is the weather tomorrow", NONE),
        TopicExample("recipe for plov please", NONE, "w1")])
    ranked = model.rank("every night the nightmares again, i cannot sleep")
    assert ranked is not None and ranked.best == "sleep" and ranked.lead > 0
    assert model.rank("🙂") is None and model.rank("qqqq xxxx") is None
    assert model.known == {"sleep", "bullying", NONE}


def test_the_matchers_answer_stands_where_the_channel_agrees_or_hesitates() -> None:
    found = _match("answer", "sleep", "bullying")
    assert fuse(found, _ranking("sleep", "bullying", lead=5.0), 20) is found
    assert fuse(found, _ranking("bullying", "sleep", lead=0.05), 20) is found


def test_a_clear_lead_overrules_the_matcher_on_a_story_not_on_a_short_question() -> None:
    found = _match("answer", "sleep", "bullying")
    fused = fuse(found, _ranking("bullying", "sleep", lead=1.0), len(LONG.split()))
    assert fused.kind == "answer" and fused.topic == "bullying"
    assert [c.topic for c in fused.candidates] == ["bullying", "sleep"]
    assert fuse(found, _ranking("bullying", "sleep", lead=1.0), SHORT_WORDS) is found


def test_a_near_copy_of_an_example_is_the_matchers_answer() -> None:
    near = _candidate("sleep", 0.9)
    found = Match("answer", (near,), 0.0, (near,))
    assert fuse(found, _ranking("bullying", "sleep", lead=3.0), 20) is found


def test_the_channels_none_is_the_fallback_only_when_it_is_sure_of_an_answer() -> None:
    assert fuse(_match("suggestions", "sleep"), _ranking(NONE, "sleep", lead=0.01),
                20).kind == "fallback"
    answered = _match("answer", "sleep")
    assert fuse(answered, _ranking(NONE, "sleep", lead=0.2), 20) is answered
    assert fuse(answered, _ranking(NONE, "sleep", lead=0.5), 20).kind == "fallback"


def test_a_fallback_is_answered_only_with_a_clear_lead_or_a_topic_the_matcher_named() -> None:
    fallback = _match("fallback", "bullying")
    assert fuse(fallback, _ranking("sleep", "bullying", lead=0.2), 20) is fallback
    assert fuse(fallback, _ranking("sleep", "bullying", lead=0.5), 20).topic == "sleep"
    assert fuse(fallback, _ranking("bullying", "sleep", lead=0.01), 20).topic == "bullying"


def test_hesitant_suggestions_put_the_channels_best_first() -> None:
    found = _match("suggestions", "bullying", "sleep")
    fused = fuse(found, _ranking("sleep", "bullying", lead=0.01), 20)
    assert fused.kind == "answer" and fused.topic == "sleep"  # named by the matcher
    assert fuse(found, _ranking("sleep", "bullying", lead=5.0), SHORT_WORDS) is found
    fused = fuse(_match("suggestions", "bullying"), _ranking("grief", "bullying", lead=0.01),
                 20)
    assert fused.kind == "suggestions"
    assert [c.topic for c in fused.candidates] == ["grief", "bullying"]


def test_a_topic_the_channel_does_not_know_is_the_matchers() -> None:
    found = _match("answer", "self-harm")
    assert fuse(found, _ranking("sleep", "bullying", lead=9.0), 20) is found


def test_the_shipped_channel_learns_no_crisis_topic(kb: KnowledgeBase) -> None:
    assert kb.learned is not None and kb.learned.examples
    crisis = {t.id for t in kb.topics.values() if t.crisis}
    assert crisis and not crisis & {e.topic for e in kb.learned.examples}
    assert {e.writer for e in kb.learned.examples} - {None}


def _copy(tmp_path: Path) -> Path:
    """The shipped knowledge without the writers' topic batches."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("topic-examples"))
    return target


def _batch(folder: Path, rows: str) -> None:
    (folder / "topic-examples").mkdir(exist_ok=True)
    (folder / "topic-examples" / "x.yaml").write_text(
        f"writer: x\ntopic_examples:\n{rows}", encoding="utf-8")


def test_without_a_writers_batch_there_is_no_channel(tmp_path: Path) -> None:
    assert load(_copy(tmp_path)).learned.examples == ()  # type: ignore[union-attr]


def test_a_moderator_teaches_the_channel_a_word_no_topic_has(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    story = ("інім соңғы кезде күнде зиптик тартатын болды, не істеуім керек, "
             "онымен қалай сөйлесемін")
    before = answer(load(folder), story, "kk")
    rows = "".join(
        f"  - text: \"{text}\"\n    lang: kk\n    topic: substances-gambling\n"
        for text in ("зиптик деген не, балам зиптик тартады", "інім зиптикке әуес болды",
                     "зиптик сатып алды мектепте", "досым зиптик ұсынды",
                     "зиптиксіз тұра алмайды", "сыныптастарым зиптик тартады"))
    _batch(folder, rows)
    taught = load(folder)
    after = answer(taught, story, "kk")
    assert before.topic != "substances-gambling"
    assert after.kind == "answer" and after.topic == "substances-gambling"


def test_a_batch_naming_no_topic_or_a_crisis_topic_is_a_precise_problem(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _batch(folder, "  - text: \"hello\"\n    lang: en\n    topic: greeting\n"
                   "  - text: \"how to bake bread\"\n    lang: en\n    topic: baking\n"
                   "  - text: \"i cut myself\"\n    lang: en\n    topic: self-harm\n")
    with pytest.raises(KnowledgeError) as caught:
        load(folder)
    problems = str(caught.value)
    assert "x.yaml:8:" in problems and "no topic 'baking'" in problems
    assert "x.yaml:11:" in problems and "crisis topic" in problems


def test_a_channel_that_fails_on_a_message_leaves_the_matcher_deciding(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: TopicModel, text: str, keep: int = 4) -> None:
        raise RuntimeError("broken")

    question = "мама и папа каждый вечер кричат друг на друга, я не могу находиться дома"
    without = answer(dataclasses.replace(kb, learned=None), question)
    monkeypatch.setattr(TopicModel, "rank", broken)
    failed = answer(kb, question)
    assert (failed.kind, failed.topic) == (without.kind, without.topic)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_suggesting_a_protection_topic_carries_its_numbers(kb: KnowledgeBase, lang: str) -> None:
    from bot.replies import suggestions_reply

    reply = suggestions_reply(kb, _match("suggestions", "violence-home", "family-conflict"),
                              lang)  # type: ignore[arg-type]
    assert "<b>111</b>" in reply.text and "<b>102</b>" in reply.text
    calm = suggestions_reply(kb, _match("suggestions", "sleep", "family-conflict"),
                             lang)  # type: ignore[arg-type]
    assert "<b>" not in calm.text
    assert reply.text.startswith(calm.text)


def test_an_urgent_line_not_in_the_registry_is_a_precise_problem(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "safety.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'urgent_lines: ["111", "102"]' in text
    path.write_text(text.replace('urgent_lines: ["111", "102"]', 'urgent_lines: ["111", "1O2"]'),
                    encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load(folder)
    assert "safety.yaml:" in str(caught.value) and "'1O2' is not in the hotline registry" in str(
        caught.value)
