"""A conversation that keeps people safe, end to end over real HTTP against the fake Bot API:
one tap to a person, calm-now, the safety plan and the safe word, in Kazakh, Russian and
English, with crisis words arriving in the middle of a flow."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.flows import CALM_NOW, SAFETY_PLAN
from bot.flows.plan import TTL_S
from bot.knowledge.markup import to_plain
from bot.language import LANGS, Lang
from bot.telegram.flood import FloodGuard
from tests.fakes.telegram_api import FakeTelegram, StoredMessage, is_valid_button_url
from tests.telegram.conftest import (
    BOT_USERNAME,
    TOKEN,
    Harness,
    actions,
    make_settings,
    run_bot,
)

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

USERS: dict[Lang, int] = {"kk": 4101, "ru": 4102, "en": 4103}
#: Five answers a person might type into a plan, in their language.
PLAN_ANSWERS: dict[Lang, list[str]] = {
    "kk": ["түнде ұйықтай алмаймын", "музыка мен серуен", "әпкем Айгүл", "әжемнің үйі",
           "мектеп психологы"],
    "ru": ["перестаю спать по ночам", "музыка и прогулка", "сестра Айгуль", "дом бабушки",
           "школьный психолог"],
    "en": ["I stop sleeping at night", "music and a walk", "my sister Aigul",
           "my grandmother's house", "the school psychologist"],
}


@pytest.fixture
def quick(harness: Harness) -> Harness:
    """The harness without Telegram's and the flood guard's pace: these tests walk flows."""
    harness.tg.enforce_rate_limits = False
    harness.runtime.flood = FloodGuard(burst=100_000)
    return harness


def plain(html: str) -> str:
    return to_plain(html).strip()


def urls(message: StoredMessage) -> list[str]:
    return [b["url"] for b in message.buttons if "url" in b]


def open_plan(harness: Harness, user: int) -> object:
    return harness.runtime.plans.get(harness.runtime.key(user))


# --- One tap to a person -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_the_whatsapp_button_opens_wa_me_with_the_drafted_text_url_encoded(
        quick: Harness, lang: Lang) -> None:
    user = USERS[lang]
    quick.tg.add_private_user(user, language_code=lang)
    crisis = await quick.command(user, "/sos")
    assert "https://wa.me/77081060810" in urls(crisis)
    assert {"https://telefon150.kz", "https://onlinehealth.kz"} <= set(urls(crisis))
    drafts = await quick.press(user, crisis, "write")
    assert drafts.message_id != crisis.message_id  # the crisis reply stays on screen
    first = quick.runtime.kb.first_messages
    assert first is not None
    offered = [(b["text"], b["url"]) for b in drafts.buttons if "url" in b]
    assert [text for text, _ in offered] == [m[lang] for m in first.texts]
    for text, url in offered:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/77081060810")
        assert " " not in url and is_valid_button_url(url)
        assert parse_qs(parts.query) == {"text": [text]}  # URL-encoded, decodes to the draft


async def test_one_tap_stands_under_the_fallback_and_the_150_answer(quick: Harness) -> None:
    user = USERS["ru"]
    quick.tg.add_private_user(user, language_code="ru")
    fallback = await quick.say(user, "asdfgh qwerty zxcvb")
    assert "https://wa.me/77081060810" in urls(fallback)
    line = await quick.say(user, "телефон доверия для подростков")
    assert "150" in line.text and "https://wa.me/77081060810" in urls(line)
    assert "write" in actions(line)


# --- The safe word -------------------------------------------------------------------------------


async def test_the_safe_word_alone_brings_the_crisis_reply(quick: Harness) -> None:
    for lang, word in (("en", "SOS"), ("en", "/sos"), ("kk", "көмек"), ("ru", "помогите"),
                       ("en", "help"), ("ru", "SOS!!")):
        user = USERS[lang]
        quick.tg.add_private_user(user, language_code=lang)
        reply = await quick.command(user, word) if word.startswith("/") else await quick.say(
            user, word)
        assert reply.text == plain(quick.runtime.kb.crisis.texts[lang]), word
        assert "t:suicide-crisis" in actions(reply)
    events = [c for c in quick.tg.calls_to("sendMessage") if c.ok]
    assert len(events) == 6


# --- Calm now -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
async def test_calm_now_runs_start_to_end_edited_in_place(quick: Harness, lang: Lang) -> None:
    user = USERS[lang]
    quick.tg.add_private_user(user, language_code=lang)
    flow = quick.runtime.kb.flows[CALM_NOW]
    first = await quick.command(user, "/calm")
    assert plain(flow.steps[0].texts[lang]) in first.text
    assert f"1/{len(flow.steps)}" in first.text
    current = first
    for step in range(1, len(flow.steps)):
        current = await quick.press(user, current, f"e|flow:calm-now:{step}")
        assert current.message_id == first.message_id  # edited in place
        assert plain(flow.steps[step].texts[lang]) in current.text
        assert {"e|flow:calm-now:stop", "e|crisis"} <= set(actions(current))
    done = await quick.press(user, current, "e|flow:calm-now:done")
    assert done.message_id == first.message_id
    assert plain(flow.done[lang]) in done.text
    assert {"e|flow:calm-now", "e|menu", "e|crisis"} <= set(actions(done))
    assert len(quick.tg.sent_messages(user)) == 1


async def test_calm_now_can_be_left_at_any_step(quick: Harness) -> None:
    user = USERS["ru"]
    quick.tg.add_private_user(user, language_code="ru")
    steps = len(quick.runtime.kb.flows[CALM_NOW].steps)
    for leave_at in range(steps):
        current = await quick.command(user, "/calm")
        for step in range(1, leave_at + 1):
            current = await quick.press(user, current, f"e|flow:calm-now:{step}")
        stopped = await quick.press(user, current, "e|flow:calm-now:stop")
        assert "Остановились" in stopped.text, leave_at
        assert not any(a.startswith("e|flow:calm-now:") for a in actions(stopped))


async def test_i_still_feel_bad_leads_to_150_and_the_crisis_topics(quick: Harness) -> None:
    user = USERS["kk"]
    quick.tg.add_private_user(user, language_code="kk")
    first = await quick.command(user, "/calm")
    second = await quick.press(user, first, "e|flow:calm-now:1")
    bad = await quick.press(user, second, "Маған әлі де ауыр")
    assert bad.text == plain(quick.runtime.kb.crisis.texts["kk"])
    assert "150" in bad.text and "t:suicide-crisis" in actions(bad)
    assert "https://wa.me/77081060810" in urls(bad)


async def test_calm_now_opens_from_free_text_the_menu_and_the_crisis_reply(
        quick: Harness) -> None:
    flow = quick.runtime.kb.flows[CALM_NOW]
    for lang, text in (("ru", "паника"), ("kk", "дем алу жаттығуы"), ("en", "calm me down"),
                       ("kk", "дем алу жаттыгуы")):
        user = USERS[lang]
        quick.tg.add_private_user(user, language_code=lang)
        reply = await quick.say(user, text)
        assert plain(flow.steps[0].texts[lang]) in reply.text, text
    user = USERS["en"]
    menu = await quick.command(user, "/menu")
    step = await quick.press(user, menu, "e|flow:calm-now")
    assert step.message_id == menu.message_id and plain(flow.steps[0].texts["en"]) in step.text
    crisis = await quick.command(user, "/sos")
    step = await quick.press(user, crisis, "flow:calm-now")
    assert step.message_id != crisis.message_id
    assert plain(flow.steps[0].texts["en"]) in step.text


@pytest.mark.parametrize(("lang", "words"), [("kk", "өлгім келеді"), ("ru", "SOS"),
                                             ("en", "i want to kill myself")])
async def test_crisis_words_mid_calm_now_get_the_crisis_reply_and_the_exercise_goes_on(
        quick: Harness, lang: Lang, words: str) -> None:
    user = USERS[lang]
    quick.tg.add_private_user(user, language_code=lang)
    first = await quick.command(user, "/calm")
    second = await quick.press(user, first, "e|flow:calm-now:1")
    crisis = await quick.say(user, words)
    assert crisis.text == plain(quick.runtime.kb.crisis.texts[lang])
    third = await quick.press(user, second, "e|flow:calm-now:2")
    assert plain(quick.runtime.kb.flows[CALM_NOW].steps[2].texts[lang]) in third.text


# --- My safety plan -----------------------------------------------------------------------------


async def start_plan(harness: Harness, user: int) -> StoredMessage:
    """/plan, then Start: the first question."""
    offer = await harness.command(user, "/plan")
    assert "30" in offer.text  # the answers are kept in memory for at most 30 minutes
    return await harness.press(user, offer, "e|plan:start")


@pytest.mark.parametrize("lang", LANGS)
async def test_a_safety_plan_of_five_answers_comes_back_as_one_message(
        quick: Harness, lang: Lang) -> None:
    user = USERS[lang]
    quick.tg.add_private_user(user, language_code=lang)
    flow = quick.runtime.kb.flows[SAFETY_PLAN]
    question = await start_plan(quick, user)
    for number, answer in enumerate(PLAN_ANSWERS[lang][:-1], start=1):
        assert plain(flow.steps[number - 1].texts[lang]) in question.text
        assert f"{number}/5" in question.text
        question = await quick.say(user, answer)
    plan = await quick.say(user, PLAN_ANSWERS[lang][-1])
    for step, answer in zip(flow.steps, PLAN_ANSWERS[lang], strict=True):
        assert step.heading is not None
        assert f"{step.heading[lang]}\n{answer}" in plan.text
    assert plain(flow.done[lang]) in plan.text and "150" in plan.text
    assert "https://wa.me/77081060810" in urls(plan)
    assert open_plan(quick, user) is None  # finished: nothing is kept


@pytest.mark.parametrize(("lang", "words"), [("kk", "көмек"), ("ru", "не хочу жить"),
                                             ("en", "/sos")])
async def test_crisis_words_mid_plan_get_the_crisis_reply_and_the_plan_waits(
        quick: Harness, lang: Lang, words: str) -> None:
    user = USERS[lang]
    quick.tg.add_private_user(user, language_code=lang)
    answers = PLAN_ANSWERS[lang]
    await start_plan(quick, user)
    await quick.say(user, answers[0])
    await quick.say(user, answers[1])
    if words.startswith("/"):
        crisis = await quick.command(user, words)
    else:
        crisis = await quick.say(user, words)
    assert crisis.text == plain(quick.runtime.kb.crisis.texts[lang])
    assert "plan:resume" in actions(crisis)
    # While the crisis reply is read, typed text is a question again, not an answer.
    question = await quick.say(user, "150")
    assert "3/5" not in question.text
    resumed = await quick.press(user, crisis, "plan:resume")
    assert "3/5" in resumed.text
    for answer in answers[2:4]:
        await quick.say(user, answer)
    plan = await quick.say(user, answers[4])
    # Five answers, each under its heading: the crisis words and the question are none of them.
    headings = [step.heading for step in quick.runtime.kb.flows[SAFETY_PLAN].steps]
    assert all(f"{heading[lang]}\n{answer}" in plan.text
               for heading, answer in zip(headings, answers, strict=True) if heading)


async def test_a_question_can_be_skipped_and_the_plan_stopped(quick: Harness) -> None:
    user = USERS["en"]
    quick.tg.add_private_user(user, language_code="en")
    first = await start_plan(quick, user)
    second = await quick.press(user, first, "e|plan:skip:0")
    assert second.message_id == first.message_id and "2/5" in second.text
    third = await quick.say(user, "music")
    assert "3/5" in third.text
    # Skip under a question already answered changes nothing.
    skip = quick.tg.press_button(user, second.message_id, next(
        b["callback_data"] for b in second.buttons if b["callback_data"].startswith("e|plan:skip")))
    await quick.tg.wait_for("answerCallbackQuery", predicate=lambda p: p.get(
        "callback_query_id") == skip["callback_query"]["id"])
    assert "3/5" in quick.tg.last_sent(user).text
    stopped = await quick.press(user, third, "e|plan:stop")
    assert "erased" in stopped.text and open_plan(quick, user) is None
    reply = await quick.say(user, "music")  # a question again
    assert "/5" not in reply.text


@pytest.mark.parametrize("command", ["/forget", "/clean"])
async def test_forget_and_clean_drop_an_open_plan(quick: Harness, command: str) -> None:
    user = USERS["ru"]
    quick.tg.add_private_user(user, language_code="ru")
    await start_plan(quick, user)
    await quick.say(user, PLAN_ANSWERS["ru"][0])
    assert open_plan(quick, user) is not None
    await quick.command(user, command)
    assert open_plan(quick, user) is None


async def test_an_open_plan_is_forgotten_after_30_minutes(quick: Harness) -> None:
    user = USERS["ru"]
    quick.tg.add_private_user(user, language_code="ru")
    question = await start_plan(quick, user)
    plans = quick.runtime.plans
    started = plans.clock()
    plans.clock = lambda: started + TTL_S  # half an hour later (no waiting)
    reply = await quick.say(user, PLAN_ANSWERS["ru"][0])
    assert "2/5" not in reply.text  # an ordinary message now
    closed = await quick.press(user, question, "e|plan:skip:0")
    assert "закрыт" in closed.text


async def test_a_restart_forgets_an_open_plan(tmp_path: Path) -> None:
    user = USERS["en"]
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as tg:
        tg.enforce_rate_limits = False
        tg.add_private_user(user, language_code="en")
        settings = make_settings(tg, tmp_path / "data")
        async with run_bot(tg, settings) as first:
            await start_plan(first, user)
            await first.say(user, PLAN_ANSWERS["en"][0])
        async with run_bot(tg, settings) as second:
            reply = await second.say(user, PLAN_ANSWERS["en"][1])
            assert "/5" not in reply.text


async def test_the_plan_is_for_a_private_chat_only(quick: Harness) -> None:
    user = USERS["en"]
    quick.tg.add_private_user(user, language_code="en")
    quick.tg.add_group(-4200, "Class")
    menu = await quick.command(user, f"/menu@{BOT_USERNAME}", chat_id=-4200)
    offer = await quick.press(user, menu, "e|flow:safety-plan")
    quick.tg.press_button(user, offer.message_id, next(
        b["callback_data"] for b in offer.buttons if "plan:start" in b["callback_data"]),
        chat_id=-4200)
    [answer] = await quick.tg.wait_for("answerCallbackQuery", predicate=lambda p: bool(
        p.get("show_alert")))
    assert "private chat" in answer.params["text"]
    assert open_plan(quick, user) is None


async def test_the_plan_command_goes_on_with_an_open_plan(quick: Harness) -> None:
    user = USERS["kk"]
    quick.tg.add_private_user(user, language_code="kk")
    await start_plan(quick, user)
    await quick.say(user, PLAN_ANSWERS["kk"][0])
    await quick.say(user, "өлгім келеді")  # the crisis reply; the plan waits
    again = await quick.command(user, "/plan")
    assert "2/5" in again.text
    third = await quick.say(user, PLAN_ANSWERS["kk"][1])
    assert "3/5" in third.text


async def test_another_command_or_button_pauses_the_plan_and_start_goes_on(
        quick: Harness) -> None:
    user = USERS["ru"]
    quick.tg.add_private_user(user, language_code="ru")
    await start_plan(quick, user)
    await quick.say(user, PLAN_ANSWERS["ru"][0])
    menu = await quick.command(user, "/menu")
    # The person went elsewhere: what they type now is a question, not an answer.
    reply = await quick.say(user, "мне одиноко")
    assert "2/5" not in reply.text and "t:" in " ".join(actions(reply))
    offer = await quick.press(user, menu, "e|flow:safety-plan")
    again = await quick.press(user, offer, "e|plan:start")  # goes on, keeping the answer
    assert "2/5" in again.text
    rest = PLAN_ANSWERS["ru"][1:]
    for answer in rest[:-1]:
        await quick.say(user, answer)
    plan = await quick.say(user, rest[-1])
    assert all(answer in plan.text for answer in PLAN_ANSWERS["ru"])
