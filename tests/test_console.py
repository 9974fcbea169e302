"""The console chat: the bot's replies as plain text with numbered options."""

from __future__ import annotations

import io

import pytest

from bot.console import ConsoleChat, run_console
from bot.i18n import translator
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.markup import to_plain
from bot.language import Lang


@pytest.fixture
def chat(kb: KnowledgeBase) -> ConsoleChat:
    return ConsoleChat(lambda: kb, "ru")


def first_line(kb: KnowledgeBase, topic: str, lang: Lang) -> str:
    return to_plain(kb.topic(topic).texts[lang].answer).splitlines()[0]


def test_a_scripted_conversation(kb: KnowledgeBase, chat: ConsoleChat) -> None:
    welcome = chat.start()
    assert "/lang" in welcome and "/quit" in welcome
    assert "  1. 🆘 " in welcome, "the main menu, numbered"

    # A question in each language is answered in that language.
    kazakh = chat.handle("жалгыздыктан не истеймин")
    assert kazakh is not None and first_line(kb, "loneliness", "kk") in kazakh
    russian = chat.handle("меня травят в соцсетях, что делать")
    assert russian is not None and first_line(kb, "online-safety", "ru") in russian
    english = chat.handle("I feel burned out at work")
    assert english is not None and first_line(kb, "burnout", "en") in english

    # A number presses the option of that number: the first related topic of burnout.
    related = kb.topic("burnout").related[0]
    assert f"  1. {kb.topic(related).texts['en'].title}" in english
    opened = chat.handle("1")
    assert opened is not None and first_line(kb, related, "en") in opened

    # /lang switches the language of the menu.
    menu = chat.handle("/lang kk")
    assert menu is not None and "  1. 🆘 " in menu
    assert translator("kk")("Hotlines") in menu and "Hotlines" not in menu
    assert chat.lang == "kk"
    assert chat.handle("/lang de") == "/lang kk|ru|en"
    assert chat.lang == "kk"

    hotlines = chat.handle("/hotlines")
    assert hotlines is not None and "150" in hotlines and "112" in hotlines

    assert chat.handle("/quit") is None


def test_a_number_from_the_main_menu_opens_that_screen(kb: KnowledgeBase,
                                                       chat: ConsoleChat) -> None:
    menu = chat.start()
    number = next(line.split(".")[0].strip() for line in menu.splitlines()
                  if line.strip().endswith("Телефоны помощи"))
    card = chat.handle(number)
    assert card is not None and "+7 708 106 08 10" in card


def test_a_button_under_an_answer_opens_in_the_language_of_that_answer(
        kb: KnowledgeBase, chat: ConsoleChat) -> None:
    chat.handle("анам кайтыс болды")  # a Kazakh question, while the chat is in Russian
    opened = chat.handle("1")
    related = kb.topic("grief").related[0]
    assert opened is not None and first_line(kb, related, "kk") in opened


def test_a_number_with_no_such_option_is_a_question(chat: ConsoleChat) -> None:
    chat.start()
    reply = chat.handle("150")
    assert reply is not None and "150" in reply


def test_the_console_shows_no_html(chat: ConsoleChat) -> None:
    reply = chat.handle("кибербулинг")
    assert reply is not None and "<b>" not in reply and "&amp;" not in reply


def test_run_console_reads_until_quit(kb: KnowledgeBase) -> None:
    stdin = io.StringIO("телефон доверия\n/quit\nthis is never read\n")
    stdout = io.StringIO()
    run_console(lambda: kb, "ru", stdin=stdin, stdout=stdout)
    out = stdout.getvalue()
    assert first_line(kb, "hotline-150", "ru") in out
    assert "never read" not in out


def test_run_console_ends_at_end_of_input(kb: KnowledgeBase) -> None:
    stdout = io.StringIO()
    run_console(lambda: kb, "en", stdin=io.StringIO(""), stdout=stdout)
    assert "/quit" in stdout.getvalue()


def test_run_console_reads_the_current_stdin(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`qoldau chat` reads sys.stdin as it is when the chat starts, not when bot.console loaded."""
    monkeypatch.setattr("sys.stdin", io.StringIO("телефон доверия\n/quit\n"))
    run_console(lambda: kb, "ru")
    assert first_line(kb, "hotline-150", "ru") in capsys.readouterr().out


# --- A conversation that keeps people safe, in the console -------------------------------------


def option(reply: str, label: str) -> str:
    """The number of the option with this label in a console reply."""
    for line in reply.splitlines():
        number, dot, text = line.strip().partition(". ")
        if dot and number.isdigit() and label in text:
            return number
    raise AssertionError(f"no option {label!r} in:\n{reply}")


def test_the_whatsapp_button_prints_a_wa_me_link_with_the_draft_url_encoded(
        kb: KnowledgeBase, chat: ConsoleChat) -> None:
    from urllib.parse import parse_qs, urlsplit

    crisis = chat.handle("SOS")
    assert crisis is not None and kb.crisis.texts["ru"][:20] not in crisis  # plain, no HTML
    link = chat.handle(option(crisis, "WhatsApp"))
    assert link == "Откройте ссылку: https://wa.me/77081060810"
    drafts = chat.handle(option(crisis, "Помогите написать"))
    assert drafts is not None
    draft = kb.first_messages.texts[0]["ru"] if kb.first_messages else ""
    printed = chat.handle(option(drafts, draft))
    assert printed is not None
    url = printed.split(": ", 1)[1]
    assert " " not in url
    assert parse_qs(urlsplit(url).query) == {"text": [draft]}


def test_calm_now_runs_start_to_end_and_can_be_left(kb: KnowledgeBase, chat: ConsoleChat) -> None:
    flow = kb.flows["calm-now"]
    reply = chat.handle("/calm")
    for step in range(1, len(flow.steps)):
        assert reply is not None
        reply = chat.handle(option(reply, "Дальше"))
        assert reply is not None and to_plain(flow.steps[step].texts["ru"]).strip() in reply
    assert reply is not None
    done = chat.handle(option(reply, "Завершить"))
    assert done is not None and to_plain(flow.done["ru"]).strip() in done
    again = chat.handle("паника")
    assert again is not None
    stopped = chat.handle(option(again, "Остановить"))
    assert stopped is not None and "Остановились" in stopped


def test_a_safety_plan_of_five_answers_with_sos_in_the_middle(kb: KnowledgeBase,
                                                             chat: ConsoleChat) -> None:
    offer = chat.handle("/plan")
    assert offer is not None
    reply = chat.handle(option(offer, "Начать"))
    answers = ["не сплю", "музыка", "сестра", "парк", "психолог"]
    for i, answer in enumerate(answers):
        if i == 2:
            crisis = chat.handle("SOS")
            assert crisis is not None and "150" in crisis
            reply = chat.handle(option(crisis, "Продолжить мой план"))
            assert reply is not None and "3/5" in reply
            crisis = chat.handle("хочу умереть")
            assert crisis is not None and "150" in crisis
            question = chat.handle("мне одиноко")  # a question, while the plan waits
            assert question is not None and "3/5" not in question
            reply = chat.handle("/plan")  # the open plan goes on
            assert reply is not None and "3/5" in reply
        reply = chat.handle(answer)
    assert reply is not None
    for step, answer in zip(kb.flows["safety-plan"].steps, answers, strict=True):
        assert step.heading is not None and f"{step.heading['ru']}\n{answer}" in reply
    assert chat.plans.get("console") is None


def test_forget_and_clean_in_the_console_drop_an_open_plan(chat: ConsoleChat) -> None:
    offer = chat.handle("/plan")
    assert offer is not None
    chat.handle(option(offer, "Начать"))
    chat.handle("не сплю")
    stopped = chat.handle("/clean")
    assert stopped is not None and "стёрты" in stopped
    assert chat.handle("/clean") == ("Консольный чат никуда ничего не отправляет: чтобы стереть "
                                     "его, очистите терминал.")


def test_another_command_pauses_the_plan_in_the_console(chat: ConsoleChat) -> None:
    offer = chat.handle("/plan")
    assert offer is not None
    chat.handle(option(offer, "Начать"))
    chat.handle("не сплю")
    chat.handle("/hotlines")
    answered = chat.handle("мне одиноко")
    assert answered is not None and "2/5" not in answered
    again = chat.handle("/plan")
    assert again is not None and "2/5" in again
