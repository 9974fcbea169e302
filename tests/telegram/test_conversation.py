"""Conversations with the running bot over real HTTP: what a person reads and can press."""

from __future__ import annotations

import pytest

from bot.telegram.flood import FloodGuard
from tests.telegram.conftest import Harness, actions, button_data, buttons

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PARENT, TEEN, VISITOR = 1001, 1002, 1003


async def test_parent_in_russian_gets_welcome_menu_and_answers(harness: Harness) -> None:
    harness.tg.add_private_user(PARENT, first_name="Гульнар", language_code="ru")
    welcome = await harness.command(PARENT, "/start")
    assert "Qoldau" in welcome.text and "специалиста" in welcome.text
    assert "150" in welcome.text
    labels = [b["text"] for b in buttons(welcome)]
    # First contact: a language choice, then the main menu.
    assert {"Қазақша", "✓ Русский", "English"} <= set(labels)
    assert any("помощь сейчас" in label for label in labels)

    answer = await harness.say(PARENT, "как поговорить с ребёнком про коронавирус")
    assert "сказк" in answer.text.lower() or "герой" in answer.text.lower()
    assert "menu" in actions(answer)


async def test_teen_writing_kazakh_on_russian_keyboard_gets_kazakh(harness: Harness) -> None:
    harness.tg.add_private_user(TEEN, language_code="ru")
    reply = await harness.say(TEEN, "мен жалгызбын, досым жок")
    # The answer is in Kazakh although Telegram says Russian and no Kazakh letter was typed.
    assert any(ch in reply.text for ch in "әғқңөұүі")


async def test_english_speaker(harness: Harness) -> None:
    harness.tg.add_private_user(VISITOR, language_code="en")
    reply = await harness.say(VISITOR, "is there a free helpline for kids")
    assert "150" in reply.text
    assert reply.parse_mode == "HTML"


async def test_switching_language_is_remembered(harness: Harness) -> None:
    harness.tg.add_private_user(PARENT, language_code="ru")
    menu = await harness.command(PARENT, "/language")
    after = await harness.press(PARENT, menu, "Қазақша")
    assert "Тіл: Қазақша" in after.text
    again = await harness.command(PARENT, "/menu")
    assert any(b["text"] == "Тақырыптар" for b in buttons(again))
    assert harness.runtime.store.get_language(harness.runtime.key(PARENT)) == "kk"


@pytest.mark.parametrize(("text", "marker"), [
    ("я больше не хочу жить", "150"),
    ("өмір сүргім келмейді", "150"),
    ("i want to kill myself", "150"),
])
async def test_crisis_reply_comes_first_in_the_language_written(
        harness: Harness, text: str, marker: str) -> None:
    harness.tg.add_private_user(TEEN, language_code="ru")
    reply = await harness.say(TEEN, text)
    assert marker in reply.text and "112" in reply.text and "103" in reply.text
    assert "t:suicide-crisis" in actions(reply) and "t:self-harm" in actions(reply)


@pytest.mark.parametrize(("text", "yes"), [
    # Hints alone. («никому я не нужна, хочу сбежать из дома» the net reads as a crisis, as
    # the writers labelled 39 of the 42 hint messages it fires on.)
    ("я для всех обуза", "Да"),
    ("ешкімге керегім жоқ", "Иә"),
    ("nobody needs me, I can't take it anymore", "Yes"),
])
async def test_a_hint_of_risk_gets_the_safety_check_and_yes_opens_the_crisis_reply(
        harness: Harness, text: str, yes: str) -> None:
    harness.tg.add_private_user(TEEN, language_code="ru")
    check = await harness.say(TEEN, text)
    assert "?" in check.text and "150" in check.text
    assert "crisis" in actions(check) and "t:worried-adult" in actions(check)
    label = next(b["text"] for b in buttons(check) if b["text"].startswith(yes))
    crisis = await harness.press(TEEN, check, label)
    assert "150" in crisis.text and "112" in crisis.text


async def test_a_friend_in_danger_gets_the_reply_for_the_worried(harness: Harness) -> None:
    harness.tg.add_private_user(TEEN, language_code="en")
    reply = await harness.say(TEEN, "my best friend says she wants to die, what do i do")
    assert "150" in reply.text and "t:worried-adult" in actions(reply)


async def test_crisis_while_in_a_menu(harness: Harness) -> None:
    harness.tg.add_private_user(TEEN, language_code="kk")
    menu = await harness.command(TEEN, "/menu")
    topics = await harness.press(TEEN, menu, "Тақырыптар")
    assert topics.message_id == menu.message_id  # navigation edits in place
    reply = await harness.say(TEEN, "әкем мені ұрады")
    assert "150" in reply.text and "111" in reply.text
    assert "t:violence-home" in actions(reply)


async def test_walking_every_menu_in_every_language(harness: Harness) -> None:
    """Every navigation button, reached from the main menu, opens a screen in every language."""
    # A robot pressing hundreds of buttons is a flood; this test is about the menus.
    harness.runtime.flood = FloodGuard(burst=100_000)
    harness.tg.enforce_rate_limits = False
    for user, lang in ((2001, "kk"), (2002, "ru"), (2003, "en")):
        harness.tg.add_private_user(user, language_code=lang)
        menu = await harness.command(user, "/menu")
        paths = {d: [d] for d in _navigation(menu)}
        queue = list(paths)
        while queue:
            target = queue.pop(0)
            current = await harness.command(user, "/menu")
            for step in paths[target]:
                assert step in _navigation(current), (paths[target], current.text[:80])
                current = await harness.press(user, current, step)
            assert current.text.strip(), target
            for data in _navigation(current):
                if data not in paths:
                    paths[data] = [*paths[target], data]
                    queue.append(data)
        # Main menu screens, both sections, every topic under them, hotlines, about.
        assert len(paths) >= 25, sorted(paths)


def _navigation(message: object) -> list[str]:
    """Buttons of a screen that navigate in place (not language, erasing or the safety plan,
    which change state and have tests of their own)."""
    return [a for a in actions(message)  # type: ignore[arg-type]
            if a.startswith("e|") and a not in ("e|forget", "e|menu")
            and not a.startswith(("e|lang:", "e|clean", "e|plan:"))]


async def test_same_button_twice_changes_nothing_and_breaks_nothing(harness: Harness) -> None:
    harness.tg.add_private_user(PARENT, language_code="ru")
    menu = await harness.command(PARENT, "/menu")
    first = await harness.press(PARENT, menu, "e|hotlines")
    answers = len(harness.tg.calls_to("answerCallbackQuery"))
    back = button_data(first, "e|menu")
    harness.tg.press_button(PARENT, first.message_id, back)
    harness.tg.press_button(PARENT, first.message_id, back)
    await harness.tg.wait_for("answerCallbackQuery", count=answers + 2)
    await harness.tg.wait_idle()
    # No apology: the second press is simply the same screen.
    assert not any("пошло не так" in m.text for m in harness.tg.sent_messages(PARENT))


async def test_forget_erases_the_language_choice(harness: Harness) -> None:
    harness.tg.add_private_user(PARENT, language_code="ru")
    menu = await harness.command(PARENT, "/language")
    await harness.press(PARENT, menu, "English")
    assert harness.runtime.store.get_language(harness.runtime.key(PARENT)) == "en"
    reply = await harness.command(PARENT, "/forget")
    assert "erased" in reply.text
    assert harness.runtime.store.get_language(harness.runtime.key(PARENT)) is None
    again = await harness.command(PARENT, "/forget")
    # The choice is gone, so the bot speaks Telegram's language (Russian) again.
    assert "нечего" in again.text


async def test_group_answers_only_when_addressed(harness: Harness) -> None:
    group = -100500
    harness.tg.add_group(group, "Parents of 5B")
    harness.tg.add_private_user(PARENT, language_code="ru")
    harness.tg.send_text(PARENT, "всем привет, завтра собрание", chat_id=group)
    await harness.tg.wait_idle(quiet=0.3)
    assert harness.sends_to(group) == []
    reply = await harness.say(PARENT, "@qoldau_test_bot телефон доверия для детей",
                              chat_id=group)
    assert "150" in reply.text
    assert any(b.get("url") == "https://t.me/qoldau_test_bot" for b in buttons(reply))
    menu = await harness.command(PARENT, "/menu@qoldau_test_bot", chat_id=group)
    assert buttons(menu)


@pytest.mark.parametrize("send", ["send_sticker", "send_voice", "send_photo", "send_document",
                                  "send_location", "send_contact"])
async def test_anything_but_text_gets_a_kind_reply(harness: Harness, send: str) -> None:
    harness.tg.add_private_user(VISITOR, language_code="en")
    reply = await harness.reply_to(VISITOR, lambda: getattr(harness.tg, send)(VISITOR))
    assert "only read text" in reply.text
    assert buttons(reply)


async def test_photo_caption_is_read_like_a_message(harness: Harness) -> None:
    harness.tg.add_private_user(TEEN, language_code="ru")
    reply = await harness.reply_to(
        TEEN, lambda: harness.tg.send_photo(TEEN, caption="хочу умереть"))
    assert "112" in reply.text and "t:suicide-crisis" in actions(reply)


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "\x00\x07\x1b", "x" * 10_000,
                                  "<b>&amp; & < > " * 300, "\u202e\u200b"])
async def test_odd_text_never_breaks(harness: Harness, text: str) -> None:
    harness.tg.add_private_user(VISITOR, language_code="en")
    if not text:
        # Telegram never delivers an empty message; an update without text is "not text".
        reply = await harness.reply_to(VISITOR, lambda: harness.tg.send_sticker(VISITOR))
    else:
        reply = await harness.say(VISITOR, text)
    assert reply.text.strip()


async def test_edited_message_is_answered_again(harness: Harness) -> None:
    harness.tg.add_private_user(PARENT, language_code="ru")
    harness.tg.send_text(PARENT, "горячая линия минздрава")
    await harness.tg.wait_for("sendMessage", predicate=lambda p: p.get("chat_id") == PARENT)
    question = max(m for m in harness.tg.chats[PARENT].messages.values() if not m.from_bot)
    reply = await harness.reply_to(PARENT, lambda: harness.tg.edit_text(
        PARENT, question.message_id, "телефон доверия для подростков"))
    assert "150" in reply.text


async def test_inline_mode_offers_cards(harness: Harness) -> None:
    harness.tg.add_private_user(VISITOR, language_code="en")
    harness.tg.inline_query(VISITOR, "150")
    call = (await harness.tg.wait_for("answerInlineQuery"))[-1]
    results = call.params["results"]
    assert results and results[0]["id"] == "h:150"
    assert "+7 708 106 08 10" in results[0]["input_message_content"]["message_text"]
    harness.tg.inline_query(VISITOR, "hotline")
    call = (await harness.tg.wait_for("answerInlineQuery", count=2))[-1]
    assert len(call.params["results"]) >= 5


async def test_commands_are_published_in_every_language(harness: Harness) -> None:
    for lang, word in (("kk", "мәзір"), ("ru", "меню"), ("en", "menu")):
        commands = harness.tg.bot_commands(language_code=lang)
        assert {c["command"] for c in commands} >= {"start", "help", "menu", "hotlines",
                                                    "language", "privacy", "forget"}
        assert any(word in c["description"].lower() for c in commands)


async def test_unknown_command_gets_the_menu(harness: Harness) -> None:
    harness.tg.add_private_user(VISITOR, language_code="en")
    reply = await harness.command(VISITOR, "/stats")
    assert "don't know this command" in reply.text


async def test_buttons_open_in_the_language_of_the_screen(harness: Harness) -> None:
    # Telegram says Russian, but the person wrote in Kazakh: what they press stays Kazakh.
    harness.tg.add_private_user(TEEN, language_code="ru")
    reply = await harness.say(TEEN, "мен жалгызбын, досым жок")
    opened = await harness.press(TEEN, reply, "menu")
    assert "Тақырыптар" in [b["text"] for b in buttons(opened)]


async def test_inline_query_about_a_crisis_offers_the_crisis_card_first(
        harness: Harness) -> None:
    harness.tg.add_private_user(VISITOR, language_code="ru")
    harness.tg.inline_query(VISITOR, "не хочу жить")
    call = (await harness.tg.wait_for("answerInlineQuery"))[-1]
    first = call.params["results"][0]
    assert first["id"] == "crisis"
    assert "150" in first["input_message_content"]["message_text"]


@pytest.mark.parametrize("command", ["/start хочу умереть", "/help I want to kill myself"])
async def test_crisis_words_after_a_command_get_the_crisis_reply(
        harness: Harness, command: str) -> None:
    harness.tg.add_private_user(TEEN, language_code="ru")
    reply = await harness.command(TEEN, command)
    assert "112" in reply.text and "t:suicide-crisis" in actions(reply)


async def test_crisis_caption_mentioning_the_bot_in_a_group(harness: Harness) -> None:
    group = -100777
    harness.tg.add_group(group, "Class 9A")
    harness.tg.add_private_user(TEEN, language_code="ru")
    reply = await harness.reply_to(group, lambda: harness.tg.send_photo(
        TEEN, caption="@qoldau_test_bot я не хочу жить", chat_id=group))
    assert "112" in reply.text


async def test_a_store_that_fails_still_lets_the_crisis_reply_through(harness: Harness) -> None:
    harness.tg.add_private_user(TEEN, language_code="kk")

    def broken(user_key: str) -> None:
        raise OSError("disk gone")

    harness.runtime.store.get_language = broken  # type: ignore[method-assign]
    reply = await harness.say(TEEN, "өлгім келеді")
    assert "150" in reply.text and "t:suicide-crisis" in actions(reply)
