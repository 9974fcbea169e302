"""The knowledge files: the shipped base is complete and correct, and broken files are named
with the exact file, line and column a moderator has to fix."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.__main__ import main
from bot.knowledge import markup
from bot.knowledge.base import CRISIS_FORMS, KnowledgeBase
from bot.knowledge.hotlines import PLACEHOLDER
from bot.knowledge.loader import KnowledgeError, load, validate
from bot.language import LANGS, Lang

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE_DIR = ROOT / "knowledge"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "knowledge"

REQUIRED_TOPICS = (
    "hotline-150", "hotline-1406", "hotline-116-16", "onlinehealth", "school-psychologist",
    "emergency", "group-children", "group-parents", "group-disabilities",
    "group-health-workers", "group-self-isolation", "group-older-adults", "stress-anxiety",
    "loneliness", "grief", "burnout", "suicide-crisis", "violence-home", "online-safety",
    "talk-to-children-covid", "distance-learning", "healthy-lifestyle", "covid-info",
    "covid-prevention", "about", "privacy", "greeting", "thanks",
    # The everyday topics (second release).
    "bullying", "family-conflict", "parents-divorce", "low-mood", "self-harm", "worried-adult",
    "sexual-abuse", "domestic-violence-adult", "exam-stress", "relationships", "friends-peers",
    "teen-behaviour", "screen-time", "body-image-eating", "substances-gambling", "sleep",
    "calm-now",
)


def rendered_texts(kb: KnowledgeBase) -> list[tuple[str, Lang, str]]:
    """Every text the bot can send from the knowledge base: (where, language, html)."""
    texts = [(topic.id, lang, topic.texts[lang].answer)
             for topic in kb.topics.values() for lang in LANGS]
    texts += [(f"crisis reply {form}", lang, kb.crisis.forms[form].texts[lang])
              for form in CRISIS_FORMS for lang in LANGS]
    texts += [("safety check", lang, kb.crisis.check.texts[lang]) for lang in LANGS]
    return texts


# --- The shipped knowledge base ----------------------------------------------------------------


def test_shipped_knowledge_has_no_problems() -> None:
    assert [str(p) for p in validate(KNOWLEDGE_DIR)] == []


@pytest.mark.parametrize("topic_id", REQUIRED_TOPICS)
def test_required_topic_is_complete_in_every_language(kb: KnowledgeBase, topic_id: str) -> None:
    assert topic_id in kb.topics, f"the topic {topic_id} is missing"
    for lang in LANGS:
        text = kb.topic(topic_id).texts[lang]
        assert text.title.strip(), f"{topic_id} has no {lang} title"
        assert markup.to_plain(text.answer).strip(), f"{topic_id} has no {lang} answer"
        assert len(text.examples) >= 8, f"{topic_id} has {len(text.examples)} {lang} examples"
        assert text.keywords, f"{topic_id} has no {lang} keywords"


def test_there_are_45_topics_at_least() -> None:
    assert len(REQUIRED_TOPICS) == 45 and len(set(REQUIRED_TOPICS)) == 45


@pytest.mark.parametrize("topic_id", ["suicide-crisis", "self-harm", "sexual-abuse"])
def test_crisis_topics_are_marked_and_offered_by_a_crisis_reply(
        kb: KnowledgeBase, topic_id: str) -> None:
    assert kb.topic(topic_id).crisis is True
    assert any(topic_id in kb.crisis.forms[form].buttons for form in CRISIS_FORMS)


def test_only_the_crisis_topics_are_marked() -> None:
    """A marked topic answered by matching gets the crisis reply: violence at home as a
    subject ("what is domestic violence") is a question, not a crisis."""
    marked = {t.id for t in load(KNOWLEDGE_DIR).topics.values() if t.crisis}
    assert marked == {"suicide-crisis", "self-harm", "sexual-abuse"}


def test_every_answer_is_html_telegram_accepts(kb: KnowledgeBase) -> None:
    bad = [f"{where} [{lang}] at {p.offset}: {p.message}"
           for where, lang, html in rendered_texts(kb) for p in markup.problems(html)]
    assert bad == []


def test_every_answer_fits_in_one_telegram_message(kb: KnowledgeBase) -> None:
    too_long = [f"{where} [{lang}]: {markup.visible_length(html)}"
                for where, lang, html in rendered_texts(kb)
                if markup.visible_length(html) > markup.MESSAGE_LIMIT]
    assert too_long == []


def test_no_answer_shows_a_raw_placeholder(kb: KnowledgeBase) -> None:
    raw = [f"{where} [{lang}]: {PLACEHOLDER.findall(html)}"
           for where, lang, html in rendered_texts(kb) if "{" in html or "}" in html]
    assert raw == []


def _standalone(number: str) -> re.Pattern[str]:
    """A number as a person reads it: not a part of a longer number or of a web address."""
    return re.compile(r"(?<![\w.+-])" + re.escape(number) + r"(?![\w-])")


REQUIRED_FACTS = {
    "hotline-150": ["150", "+7 708 106 08 10", "telefon150.kz"],
    "emergency": ["112", "101", "102", "103", "104"],
    "onlinehealth": ["onlinehealth.kz"],
    "hotline-116-16": ["116-16"],
    "hotline-1406": ["1406"],
    "suicide-crisis": ["150", "112"],
    "violence-home": ["150", "102", "112"],
    # The everyday topics carry the lines their advice sends people to.
    "bullying": ["111", "150"],
    "family-conflict": ["150"],
    "parents-divorce": ["150"],
    "low-mood": ["150", "onlinehealth.kz"],
    "self-harm": ["103", "150"],
    "worried-adult": ["150", "103"],
    "sexual-abuse": ["102", "111", "150"],
    "domestic-violence-adult": ["102", "111"],
    "exam-stress": ["150"],
    "relationships": ["150"],
    "friends-peers": ["150"],
    "teen-behaviour": ["150"],
    "body-image-eating": ["150"],
    "calm-now": ["150"],
}

#: What each form of the crisis reply must give (issue: about oneself 150, its WhatsApp, 111,
#: 112 and 103; being hurt now 102).
CRISIS_FACTS = {
    "oneself": ["150", "+7 708 106 08 10", "111", "112", "103"],
    "someone_else": ["150", "103", "112"],
    "hurt_now": ["102", "112", "111", "150"],
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("form", "facts"), CRISIS_FACTS.items())
def test_each_crisis_form_gives_its_numbers(
        kb: KnowledgeBase, form: str, facts: list[str], lang: Lang) -> None:
    text = markup.to_plain(kb.crisis.forms[form].texts[lang])  # type: ignore[index]
    missing = [fact for fact in facts if not _standalone(fact).search(text)]
    assert missing == [], f"crisis {form} [{lang}] does not say {missing}:\n{text}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_crisis_form_sends_a_child_to_their_parents(kb: KnowledgeBase, lang: Lang) -> None:
    for form in CRISIS_FORMS:
        text = markup.to_plain(kb.crisis.forms[form].texts[lang]).lower()
        for parents in ("ата-анаңа айт", "ата-анаңызға", "родителям", "tell your parents"):
            assert parents not in text, f"crisis {form} [{lang}] says '{parents}'"


@pytest.mark.parametrize("lang", LANGS)
def test_the_safety_check_asks_and_offers_three_answers(kb: KnowledgeBase, lang: Lang) -> None:
    assert "?" in kb.crisis.check.texts[lang]
    labels = kb.crisis.check.labels[lang]
    assert len(set(labels)) == 3 and all(0 < len(label) <= 40 for label in labels)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("topic_id", "facts"), REQUIRED_FACTS.items())
def test_answer_gives_the_numbers_and_sites_people_need(
        kb: KnowledgeBase, topic_id: str, facts: list[str], lang: Lang) -> None:
    text = markup.to_plain(kb.topic(topic_id).texts[lang].answer)
    missing = [fact for fact in facts if not _standalone(fact).search(text)]
    assert missing == [], f"{topic_id} [{lang}] does not say {missing}:\n{text}"


@pytest.mark.parametrize("lang", LANGS)
def test_crisis_reply_gives_the_trust_line_and_the_emergency_number(
        kb: KnowledgeBase, lang: Lang) -> None:
    text = markup.to_plain(kb.crisis.texts[lang])
    assert _standalone("150").search(text)
    assert _standalone("112").search(text)


def _raw_answers() -> list[tuple[str, Lang, str]]:
    """Answers as written in the YAML, before placeholders are filled: (where, lang, text)."""
    found: list[tuple[str, Lang, str]] = []
    for path in sorted(KNOWLEDGE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for topic in data.get("topics", []):
            found += [(f"{path.name}: {topic['id']}", lang, topic[lang]["answer"])
                      for lang in LANGS]
        if "crisis" in data:
            forms = [data["crisis"][form] for form in CRISIS_FORMS if form in data["crisis"]]
            found += [(f"{path.name}: crisis", lang, block[lang])
                      for block in forms for lang in LANGS]
            found += [(f"{path.name}: crisis, to an adult", lang, block["adult"][lang])
                      for block in forms if "adult" in block for lang in LANGS]
            check = data["crisis"]["safety_check"]
            found += [(f"{path.name}: safety check", lang, check[lang][key])
                      for lang in LANGS for key in ("text", "text_adult") if key in check[lang]]
    return found


def test_no_number_or_site_is_typed_into_an_answer(kb: KnowledgeBase) -> None:
    """Numbers and sites come from hotlines.yaml only, so changing one there changes them all."""
    patterns = []
    for line in kb.hotlines:
        if line.number:
            patterns.append(re.compile(r"(?<!\d)" + re.escape(line.number) + r"(?!\d)"))
        if line.whatsapp:
            digits = re.sub(r"\D", "", line.whatsapp)[-10:]
            patterns.append(re.compile(r"\D?".join(digits)))
        if line.site:
            patterns.append(re.compile(re.escape(line.site), re.IGNORECASE))
    answers = _raw_answers()
    assert len(answers) >= 3 * len(REQUIRED_TOPICS)
    typed = [f"{where} [{lang}]: {match.group(0)!r}"
             for where, lang, text in answers
             for pattern in patterns
             if (match := pattern.search(PLACEHOLDER.sub("", text)))]
    assert typed == []


# --- Broken knowledge files: every problem, exactly where it is ---------------------------------


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in tests/data/knowledge, so problems name paths like 'bad-html/topics.yaml'."""
    monkeypatch.chdir(FIXTURES)


DIV_TAGS = ("use one of: a, b, blockquote, code, del, em, i, ins, pre, s, span, strike, strong, "
            "tg-emoji, tg-spoiler, u")
BARE_AMP = "a bare '&': write &amp; (Telegram knows only &lt; &gt; &amp; &quot;)"
SYNTAX_HINT = "(check the indentation, and put text with ':' or '#' in quotes)"

BROKEN = {
    # wellbeing.yaml line 6: `title: Тыныс алу: жаттығу`, the second ':' at column 23.
    "yaml-syntax": [
        f"yaml-syntax/wellbeing.yaml:6:23: YAML syntax: mapping values are not allowed here "
        f"{SYNTAX_HINT}",
    ],
    # topics.yaml line 71: `      tittle: Сон`, first key of the ru block of the topic 'sleep'.
    "unknown-key": [
        "unknown-key/topics.yaml:71:7: missing 'title' in topics.1.ru",
        "unknown-key/topics.yaml:71:7: unknown key 'tittle' (check the spelling; "
        "see docs/knowledge-format.md)",
    ],
    # The topic 'sleep' (line 52, `  - id: sleep`) has no en block.
    "missing-language": [
        "missing-language/topics.yaml:52:5: missing 'en' in topics.1",
    ],
    # wellbeing.yaml line 3 repeats the id of topics.yaml line 3.
    "duplicate-id": [
        "duplicate-id/wellbeing.yaml:3:9: the topic id 'loneliness' is already used at "
        "duplicate-id/topics.yaml:3:9",
    ],
    # Line 82 of 'sleep' is line 27 of 'loneliness' once folded ('Мне одиноко!' = 'мне одиноко').
    "duplicate-example": [
        "duplicate-example/topics.yaml:82:11: the example 'Мне одиноко!' is also in the topic "
        "'loneliness' (duplicate-example/topics.yaml:27:11); an example belongs to one topic",
    ],
    # Line 54: `    related: [loneliness, nightmares]`.
    "related-missing": [
        "related-missing/topics.yaml:54:27: no topic has the id 'nightmares'",
    ],
    # Line 74: `        Поговорить с психологом: {onlinehealth} или {999}.`
    "unknown-placeholder": [
        "unknown-placeholder/topics.yaml:74:53: {999} is not in the hotline registry "
        "(hotlines.yaml); known: {150}, {112}, {onlinehealth}",
    ],
    # Line 72: `      answer: |`; the block below renders to 4241 characters.
    "answer-too-long": [
        "answer-too-long/topics.yaml:72:15: the answer is 4241 characters once rendered; "
        "Telegram allows 4096",
    ],
    # Line 73: `        <div>Ложитесь в одно и то же время.</div>`
    # Line 74: `        Сон & отдых: <b>{onlinehealth}.`
    "bad-html": [
        f"bad-html/topics.yaml:73:9: Telegram does not accept the tag <div>; {DIV_TAGS}",
        f"bad-html/topics.yaml:73:44: Telegram does not accept the tag <div>; {DIV_TAGS}",
        f"bad-html/topics.yaml:74:13: {BARE_AMP}",
        "bad-html/topics.yaml:74:22: <b> is never closed",
    ],
    # The kk examples of 'sleep' start on line 61 and stop after five.
    "too-few-examples": [
        "too-few-examples/topics.yaml:61:9: topics.1.kk.examples: needs at least 8 items, has 5",
    ],
    # Line 87: a second `      title:` in the en block of 'sleep'.
    "duplicate-key": [
        "duplicate-key/topics.yaml:87:7: the key 'title' appears twice here; keep one",
    ],
    "missing-crisis": [
        "missing-crisis:1:1: no crisis reply: add crisis.yaml with a 'crisis' block",
    ],
    # The same mistakes in a folded block (line 59), a plain scalar over two lines (line 73)
    # and a single-quoted string with a doubled quote before the mistake (line 86).
    "answer-styles": [
        f"answer-styles/topics.yaml:59:29: {BARE_AMP}",
        f"answer-styles/topics.yaml:73:55: Telegram does not accept the tag <br>; {DIV_TAGS}",
        f"answer-styles/topics.yaml:86:37: {BARE_AMP}",
    ],
}


@pytest.mark.usefixtures("in_fixtures")
def test_minimal_fixture_is_valid() -> None:
    kb = load("valid")
    assert sorted(kb.topics) == ["loneliness", "sleep"]
    assert validate("valid") == []


@pytest.mark.usefixtures("in_fixtures")
@pytest.mark.parametrize(("case", "expected"), BROKEN.items(), ids=list(BROKEN))
def test_broken_knowledge_is_reported_exactly(case: str, expected: list[str]) -> None:
    assert [str(p) for p in validate(case)] == expected


@pytest.mark.usefixtures("in_fixtures")
def test_several_problems_are_reported_together() -> None:
    with pytest.raises(KnowledgeError) as raised:
        load("several-problems")
    # wellbeing.yaml cannot be read, so it may hold the topics others refer to: references
    # ('violence-home', 'nightmares') are judged only once the syntax is fixed.
    assert [str(p) for p in raised.value.problems] == [
        "several-problems/topics.yaml:74:53: {999} is not in the hotline registry "
        "(hotlines.yaml); known: {150}, {112}, {onlinehealth}",
        "several-problems/topics.yaml:82:11: the example 'мне одиноко' is also in the topic "
        "'loneliness' (several-problems/topics.yaml:27:11); an example belongs to one topic",
        f"several-problems/topics.yaml:88:19: {BARE_AMP}",
        f"several-problems/wellbeing.yaml:6:23: YAML syntax: mapping values are not allowed "
        f"here {SYNTAX_HINT}",
    ]
    assert str(raised.value).splitlines() == [str(p) for p in raised.value.problems]


@pytest.mark.usefixtures("in_fixtures")
def test_a_missing_directory_is_a_problem_not_a_crash() -> None:
    assert [str(p) for p in validate("no-such-dir")] == [
        "no-such-dir:1:1: no such knowledge directory"]


# --- qoldau validate ---------------------------------------------------------------------------


@pytest.mark.usefixtures("cli_env", "in_fixtures")
def test_validate_command_accepts_a_valid_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "valid"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["valid: the knowledge base is valid."]
    assert err == ""


@pytest.mark.usefixtures("cli_env", "in_fixtures")
def test_validate_command_prints_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "bad-html"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == BROKEN["bad-html"]
    assert err.splitlines() == ["4 problem(s) found."]


@pytest.mark.usefixtures("cli_env")
def test_validate_command_checks_the_shipped_knowledge(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(KNOWLEDGE_DIR)]) == 0
    assert "the knowledge base is valid" in capsys.readouterr().out


@pytest.mark.usefixtures("in_fixtures")
def test_references_are_judged_once_every_file_reads(tmp_path: Path) -> None:
    target = tmp_path / "several"
    shutil.copytree("several-problems", target)
    (target / "wellbeing.yaml").unlink()
    problems = [str(p) for p in validate(target)]
    assert any("no topic has the id 'violence-home'" in p for p in problems)
    assert any("no topic has the id 'nightmares'" in p for p in problems)
