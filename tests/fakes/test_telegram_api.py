"""Tests of the fake Bot API, driven through a real telegram.Bot (and raw HTTP) over loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputMediaPhoto,
    InputTextMessageContent,
    ReplyParameters,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from .telegram_api import FakeTelegram, RateLimits, parse_html, parse_markdown_v2

pytestmark = [
    pytest.mark.asyncio,
    # PTB 22 warns whenever a duration is read as int; that is PTB's business, not the fake's.
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

TOKEN = "123456:TEST"
USER = 42


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as fake:
        fake.add_private_user(USER, first_name="Aigerim", language_code="kk")
        yield fake


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with tg.make_bot() as client:
        yield client


def keyboard(*data: str) -> InlineKeyboardMarkup:
    """One row of callback buttons labelled like their data."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


def retry_after_of(error: RetryAfter) -> float:
    """retry_after in seconds, whether PTB_TIMEDELTA makes it an int or a timedelta."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def raw_post(
    tg: FakeTelegram, method: str, token: str = TOKEN, **kwargs: Any
) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{tg.base_url}{token}/{method}", **kwargs)


# ---- basics ----------------------------------------------------------------------------------


async def test_get_me_describes_the_bot_from_the_token(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "fake_test_bot"


async def test_send_message_returns_the_message_and_keeps_its_state(
    tg: FakeTelegram, bot: Bot
) -> None:
    sent = await bot.send_message(
        USER, "<b>Привет</b>, мир", parse_mode="HTML", reply_markup=keyboard("a", "b")
    )
    assert sent.text == "Привет, мир"
    assert sent.chat.id == USER
    assert sent.from_user is not None and sent.from_user.is_bot
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 6)]
    assert sent.reply_markup == keyboard("a", "b")

    [state] = tg.sent_messages(USER)
    assert state.message_id == sent.message_id
    assert state.text == "Привет, мир"
    assert state.raw_text == "<b>Привет</b>, мир"
    assert state.parse_mode == "HTML"
    assert state.callback_data == ["a", "b"]
    assert state.edits == 0
    method, params = tg.requests[-1]
    assert method == "sendMessage"
    assert params["chat_id"] == USER
    assert params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "a", "callback_data": "a"}, {"text": "b", "callback_data": "b"}]
        ]
    }


async def test_reply_parameters_must_point_at_an_existing_message(
    tg: FakeTelegram, bot: Bot
) -> None:
    incoming = tg.send_text(USER, "question")
    reply = await bot.send_message(
        USER, "answer", reply_parameters=ReplyParameters(incoming["message"]["message_id"])
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "question"
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(USER, "answer", reply_parameters=ReplyParameters(999))


# ---- tokens, unknown methods and spec validation ---------------------------------------------


async def test_wrong_token_is_unauthorized(tg: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=tg.base_url):
            pass
    response = await raw_post(tg, "getMe", token="123456:WRONG")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    # Like Telegram, a token that isn't even well-formed is "Not Found".
    assert (await raw_post(tg, "getMe", token="garbage")).status_code == 404


async def test_unknown_method_is_not_found(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathicMessage")
    response = await raw_post(tg, "sendTelepathicMessage")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive_and_get_works(tg: FakeTelegram) -> None:
    assert (await raw_post(tg, "sendmessage", data={"chat_id": USER, "text": "hi"})).json()["ok"]
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{tg.base_url}{TOKEN}/getMe")
    assert response.json()["result"]["username"] == "fake_test_bot"


async def test_missing_required_field_is_rejected(tg: FakeTelegram) -> None:
    response = await raw_post(tg, "sendMessage", data={"text": "hi"})
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat_id is empty",
    }
    response = await raw_post(tg, "sendMessage", json={"chat_id": USER})
    assert response.json()["description"] == "Bad Request: message text is empty"
    response = await raw_post(tg, "answerCallbackQuery", data={})
    assert response.status_code == 400
    response = await raw_post(tg, "sendPhoto", data={"chat_id": USER})
    assert response.json()["description"] == "Bad Request: there is no photo in the request"
    assert tg.sent_messages(USER) == []


async def test_wrong_scalar_types_are_rejected(tg: FakeTelegram) -> None:
    tg.send_text(USER, "hello")
    response = await raw_post(tg, "deleteMessage", data={"chat_id": USER, "message_id": "first"})
    assert response.status_code == 400
    assert response.json()["description"] == (
        'Bad Request: field "message_id" must be of type Integer'
    )
    response = await raw_post(
        tg, "sendMessage", json={"chat_id": USER, "text": "hi", "disable_notification": "maybe"}
    )
    assert response.status_code == 400
    assert "disable_notification" in response.json()["description"]
    response = await raw_post(
        tg, "sendMessage", data={"chat_id": USER, "text": "hi", "reply_markup": "{oops"}
    )
    assert response.json()["description"] == "Bad Request: can't parse reply_markup JSON object"
    assert tg.sent_messages(USER) == []


async def test_nested_objects_are_checked_against_the_spec(tg: FakeTelegram) -> None:
    bad_button = {"inline_keyboard": [[{"text": 5, "callback_data": "x"}]]}
    response = await raw_post(
        tg, "sendMessage", json={"chat_id": USER, "text": "hi", "reply_markup": bad_button}
    )
    assert response.status_code == 400
    description = response.json()["description"]
    assert "reply_markup.inline_keyboard[0][0].text" in description
    assert "String" in description

    not_rows = {"inline_keyboard": [{"text": "x", "callback_data": "x"}]}
    response = await raw_post(
        tg, "sendMessage", json={"chat_id": USER, "text": "hi", "reply_markup": not_rows}
    )
    assert response.status_code == 400

    response = await raw_post(
        tg, "sendMessage", json={"chat_id": USER, "text": "hi", "reply_parameters": {"quote": "x"}}
    )
    assert response.json()["description"] == (
        "Bad Request: can't parse reply_parameters: "
        'Can\'t find field "reply_parameters.message_id"'
    )

    query_id = tg.inline_query(USER, "q")["inline_query"]["id"]
    unknown_kind = [{"type": "hologram", "id": "1"}]
    response = await raw_post(
        tg, "answerInlineQuery", json={"inline_query_id": query_id, "results": unknown_kind}
    )
    assert "has unsupported value" in response.json()["description"]
    no_content = [{"type": "article", "id": "1", "title": "t"}]
    response = await raw_post(
        tg, "answerInlineQuery", json={"inline_query_id": query_id, "results": no_content}
    )
    assert "input_message_content" in response.json()["description"]


async def test_json_bodies_with_nested_objects_are_accepted(tg: FakeTelegram) -> None:
    body = {
        "chat_id": USER,
        "text": "hi",
        "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
    }
    response = await raw_post(tg, "sendMessage", json=body)
    assert response.json()["ok"], response.json()
    assert tg.last_sent(USER).callback_data == ["a"]


# ---- Telegram's own errors -------------------------------------------------------------------


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(777, "hi")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message("@nobody_here", "hi")


async def test_text_length_is_counted_after_parsing_in_utf16_units(
    tg: FakeTelegram, bot: Bot
) -> None:
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(USER, "&amp;" * 4096, parse_mode="HTML")
    await bot.send_message(USER, "😀" * 2048)  # 4096 UTF-16 code units
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "😀" * 2049)  # 2049 code points but 4098 code units
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "a" * 4097)
    assert len(tg.sent_messages(USER)) == 3


@pytest.mark.parametrize(
    ("text", "parse_mode"),
    [("   ", None), ("\n\t", None), ("<b> </b>", "HTML"), ("*  *", "MarkdownV2")],
)
async def test_empty_text_is_rejected(bot: Bot, text: str, parse_mode: str | None) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, text, parse_mode=parse_mode)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>bold", 'find end tag corresponding to start tag "b"'),
        ("<marquee>hi</marquee>", 'unsupported start tag "marquee"'),
        ("<br/>", 'unsupported start tag "br/"'),
        ("1 < 2", 'unsupported start tag ""'),
        ("Tom & Jerry", 'character "&" must be escaped'),
        ("a&nbsp;b", 'unsupported html entity "&nbsp;"'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler"'),
        ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "unexpected end tag at byte offset 1"),
        ("<b", "unclosed start tag at byte offset 0"),
    ],
)
async def test_malformed_html_cannot_be_parsed(bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(USER, text, parse_mode="HTML")
    message = str(caught.value).lower()
    assert message.startswith("can't parse entities: ")
    assert reason.lower() in message


async def test_well_formed_html_is_accepted(bot: Bot) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>"
        '<del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="https://example.com/?a=1&amp;b=2">l</a><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre><blockquote expandable>z</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&amp;&quot;&#33;&#x21;'
    )
    sent = await bot.send_message(USER, html, parse_mode="HTML")
    assert sent.text == 'bsieunskdpqlcx = 1z👍 <>&"!!'
    types = [e.type for e in sent.entities]
    assert "spoiler" in types and "text_link" in types and "expandable_blockquote" in types
    pre = next(e for e in sent.entities if e.type == "pre")
    assert pre.language == "python"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Hello.", "character '.' is reserved"),
        ("1 + 1 = 2", "character '+' is reserved"),
        ("*bold", "can't find end of bold entity at byte offset 0"),
        ("`code", "can't find end of code entity"),
        ("[link](https://example.com", "can't find end of a url"),
    ],
)
async def test_malformed_markdown_v2_cannot_be_parsed(bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(USER, text, parse_mode="MarkdownV2")
    message = str(caught.value).lower()
    assert message.startswith("can't parse entities: ")
    assert reason.lower() in message


async def test_well_formed_markdown_v2_is_accepted(bot: Bot) -> None:
    sent = await bot.send_message(
        USER,
        "*bold* _it_ __under__ ~gone~ ||hidden|| [site](https://example.com) `x` 1\\+1\\.",
        parse_mode="MarkdownV2",
    )
    assert sent.text == "bold it under gone hidden site x 1+1."
    assert [e.type for e in sent.entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "code",
    ]


async def test_unknown_parse_mode_is_rejected(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Unsupported parse_mode"):
        await bot.send_message(USER, "hi", parse_mode="BBCode")


async def test_callback_data_over_64_bytes_is_invalid(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "ok", reply_markup=keyboard("д" * 32))  # exactly 64 bytes
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "too long", reply_markup=keyboard("д" * 33))  # 66 bytes
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "too long", reply_markup=keyboard("x" * 65))
    assert len(tg.sent_messages(USER)) == 1


@pytest.mark.parametrize(
    "url", ["not a url", "http://localhost:8080", "javascript:alert(1)", "ftp://example.com",
            "tel:150", "https://wa.me/77081060810?text=I feel bad"]
)
async def test_bad_button_url_is_invalid(bot: Bot, url: str) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("open", url=url)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_URL_INVALID"):
        await bot.send_message(USER, "link", reply_markup=markup)


@pytest.mark.parametrize(
    "url", ["https://example.com/path?q=1", "http://пример.рф", "tg://user?id=42", "t.me/somebot",
            "https://wa.me/77081060810?text=I%20feel%20bad%2C%20%D0%BC%D0%BD%D0%B5"]
)
async def test_good_button_urls_pass(bot: Bot, url: str) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("open", url=url)]])
    assert (await bot.send_message(USER, "link", reply_markup=markup)).reply_markup == markup


async def test_a_button_needs_an_action(tg: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "just text"}]]}
    response = await raw_post(
        tg, "sendMessage", json={"chat_id": USER, "text": "hi", "reply_markup": markup}
    )
    assert (
        response.json()["description"]
        == "Bad Request: text buttons are unallowed in the inline keyboard"
    )


async def test_more_than_100_buttons_are_refused(bot: Bot) -> None:
    rows = [
        [InlineKeyboardButton(f"{r}-{c}", callback_data=f"{r}-{c}") for c in range(8)]
        for r in range(13)
    ]
    assert sum(map(len, rows)) == 104
    with pytest.raises(BadRequest, match=r"(?i)REPLY_MARKUP_TOO_LONG"):
        await bot.send_message(USER, "menu", reply_markup=InlineKeyboardMarkup(rows))
    await bot.send_message(
        USER, "menu", reply_markup=InlineKeyboardMarkup([*rows[:12], rows[12][:4]])
    )


async def test_blocked_user_is_forbidden(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "before")
    tg.block(USER)
    with pytest.raises(Forbidden, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(USER, "after")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    tg.unblock(USER)
    await bot.send_message(USER, "again")
    tg.add_group(-300, "Left behind")
    tg.kick_bot(-300)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(-300, "anyone?")


async def test_bot_cannot_start_a_conversation(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_private_user(7, "Never wrote", started=False)
    with pytest.raises(Forbidden, match="can't initiate conversation with a user"):
        await bot.send_message(7, "hello?")
    tg.send_command(7, "/start")
    await bot.send_message(7, "hello!")


async def test_edits_follow_telegram_rules(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Pick one", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await bot.edit_message_text(
            "Pick one", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard("a")
        )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=USER, message_id=sent.message_id, reply_markup=keyboard("a")
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    user_message = tg.send_text(USER, "mine")["message"]["message_id"]
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=user_message)

    # Same text without reply_markup removes the keyboard, which is a change.
    edited = await bot.edit_message_text("Pick one", chat_id=USER, message_id=sent.message_id)
    assert edited.reply_markup is None
    await bot.edit_message_text(
        "<i>Picked</i>", chat_id=USER, message_id=sent.message_id, parse_mode="HTML"
    )
    state = tg.last_sent(USER)
    assert (state.text, state.edits, state.reply_markup) == ("Picked", 2, None)

    await bot.delete_message(USER, sent.message_id)
    assert tg.sent_messages(USER) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("gone", chat_id=USER, message_id=sent.message_id)


async def test_delete_messages_deletes_both_sides_of_a_private_chat_and_skips_unknown_ids(
        tg: FakeTelegram, bot: Bot) -> None:
    mine = tg.send_text(USER, "a person's message")["message"]["message_id"]
    sent = await bot.send_message(USER, "the bot's message")
    assert await bot.delete_messages(USER, [mine, sent.message_id, 9999])
    assert tg.messages_in(USER) == []
    # Ids already gone are skipped too: the call still succeeds.
    assert await bot.delete_messages(USER, [mine, sent.message_id])


async def test_delete_messages_takes_1_to_100_ids(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)too many message identifiers"):
        await bot.delete_messages(USER, list(range(1, 102)))
    with pytest.raises(BadRequest, match=r"(?i)message identifiers are not specified"):
        await bot.delete_messages(USER, [])
    assert await bot.delete_messages(USER, list(range(1, 101)))


async def test_a_message_older_than_48_hours_cannot_be_deleted(
        tg: FakeTelegram, bot: Bot) -> None:
    old = await bot.send_message(USER, "two days ago")
    tg.age_messages(USER, 48 * 3600 + 1)
    new = await bot.send_message(USER, "now")
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(USER, old.message_id)
    # One too old refuses the whole batch: nothing is deleted.
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_messages(USER, [old.message_id, new.message_id])
    assert len(tg.messages_in(USER)) == 2
    assert await bot.delete_messages(USER, [new.message_id])
    assert [m.message_id for m in tg.messages_in(USER)] == [old.message_id]


async def test_in_a_group_the_bot_deletes_only_its_own_messages(
        tg: FakeTelegram, bot: Bot) -> None:
    tg.add_group(-700, "Class")
    theirs = tg.send_text(USER, "hello all", chat_id=-700)["message"]["message_id"]
    own = await bot.send_message(-700, "hello")
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(-700, theirs)
    assert await bot.delete_message(-700, own.message_id)


async def test_callback_queries_are_answered_once(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Pick", reply_markup=keyboard("yes", "no"))
    query = tg.press_button(USER, sent.message_id, "yes")["callback_query"]
    assert query["data"] == "yes"
    assert query["message"]["message_id"] == sent.message_id
    assert await bot.answer_callback_query(query["id"], text="Done")
    with pytest.raises(BadRequest, match="Query is too old and response timeout expired"):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")
    with pytest.raises(ValueError, match="no button"):
        tg.press_button(USER, sent.message_id, "maybe")


async def test_callback_queries_expire(tg: FakeTelegram, bot: Bot) -> None:
    tg.callback_query_ttl = 0.1
    sent = await bot.send_message(USER, "Pick", reply_markup=keyboard("yes"))
    query = tg.press_button(USER, sent.message_id, "yes")["callback_query"]
    await asyncio.sleep(0.2)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query["id"])


async def test_set_my_commands_limits_and_state(tg: FakeTelegram, bot: Bot) -> None:
    commands = [BotCommand("start", "Начать"), BotCommand("help_me", "Help")]
    assert await bot.set_my_commands(commands)
    assert await bot.get_my_commands() == tuple(commands)
    assert await bot.set_my_commands([BotCommand("start", "Бастау")], language_code="kk")
    assert [c.description for c in await bot.get_my_commands(language_code="kk")] == ["Бастау"]
    scope = BotCommandScopeChat(USER)
    assert await bot.set_my_commands([BotCommand("admin", "Admin")], scope=scope)
    assert tg.bot_commands({"type": "chat", "chat_id": USER}) == [
        {"command": "admin", "description": "Admin"}
    ]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()

    too_many = [BotCommand(f"c{i}", "d") for i in range(101)]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMANDS_TOO_MUCH"):
        await bot.set_my_commands(too_many)
    for bad in ("Start", "/start", "with-dash", "x" * 33):
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand(bad, "d")])
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_DESCRIPTION_INVALID"):
        await bot.set_my_commands([BotCommand("start", "d" * 257)])
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(999))


async def test_answer_inline_query(tg: FakeTelegram, bot: Bot) -> None:
    def results(count: int) -> list[InlineQueryResultArticle]:
        return [
            InlineQueryResultArticle(str(i), f"Result {i}", InputTextMessageContent(f"text {i}"))
            for i in range(count)
        ]

    query_id = tg.inline_query(USER, "anxiety")["inline_query"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(query_id, results(51))
    assert await bot.answer_inline_query(query_id, results(50))
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_inline_query(query_id, results(1))


async def test_send_chat_action(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.send_chat_action(USER, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action in request"):
        await bot.send_chat_action(USER, "dancing")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_chat_action(31337, "typing")


async def test_other_spec_methods_are_recorded(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.pin_chat_message(USER, 1)
    [call] = tg.calls_to("pinChatMessage")
    assert call.params == {"chat_id": USER, "message_id": 1}
    location = await bot.send_location(USER, latitude=43.24, longitude=76.89)
    assert location.location is not None and location.location.latitude == pytest.approx(43.24)
    assert await bot.close() and await bot.log_out()


# ---- flood control ---------------------------------------------------------------------------


async def test_private_chat_flood_gives_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    # Refill slowly (one message per 2 s) so a slow machine cannot refill during the burst.
    tg.rate_limits = RateLimits(private_per_second=0.5, private_burst=5)
    for index in range(5):
        await bot.send_message(USER, f"burst {index}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "one too many")
    assert retry_after_of(caught.value) == 2
    response = (await raw_post(tg, "sendMessage", data={"chat_id": USER, "text": "x"})).json()
    assert response["error_code"] == 429
    assert response["parameters"]["retry_after"] >= 1
    assert response["description"].startswith("Too Many Requests: retry after ")
    assert len(tg.sent_messages(USER)) == 5
    tg.reset_rate_limits()
    await bot.send_message(USER, "after the bucket refilled")


async def test_flood_bucket_refills_over_time(tg: FakeTelegram, bot: Bot) -> None:
    tg.rate_limits = RateLimits(private_per_second=5, private_burst=1)
    await bot.send_message(USER, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "two")
    await asyncio.sleep(0.3)
    await bot.send_message(USER, "two, later")


async def test_default_limits_let_a_conversation_through(tg: FakeTelegram, bot: Bot) -> None:
    for index in range(15):
        await bot.send_message(USER, f"reply {index}")


async def test_group_limit_is_20_per_minute(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_group(-1001, "Volunteers")
    for index in range(20):
        await bot.send_message(-1001, f"note {index}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(-1001, "note 21")
    assert 1 <= retry_after_of(caught.value) <= 3


async def test_global_limit_spans_all_chats(tg: FakeTelegram, bot: Bot) -> None:
    # A slow refill keeps the test independent of how fast this machine sends.
    tg.rate_limits = RateLimits(global_per_second=0.2, global_burst=30)
    for user_id in range(1000, 1031):
        tg.add_private_user(user_id)
    for user_id in range(1000, 1030):
        await bot.send_message(user_id, "broadcast")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1030, "broadcast")
    assert retry_after_of(caught.value) == 5
    assert RateLimits().global_per_second == 30


async def test_rate_limits_can_be_switched_off(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_rate_limits = False
    for index in range(40):
        await bot.send_message(USER, f"spam {index}")
    assert len(tg.sent_messages(USER)) == 40


# ---- updates ---------------------------------------------------------------------------------


async def test_get_updates_returns_queued_updates_and_honours_offset(
    tg: FakeTelegram, bot: Bot
) -> None:
    first = tg.send_text(USER, "hello")
    second = tg.send_command(USER, "/start deep-link")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first["update_id"], second["update_id"]]
    assert updates[0].message is not None and updates[0].message.text == "hello"
    command = updates[1].message
    assert command is not None and command.text == "/start deep-link"
    assert command.entities[0].type == "bot_command" and command.entities[0].length == len("/start")

    assert len(await bot.get_updates()) == 2  # not confirmed yet, so delivered again
    assert await bot.get_updates(offset=second["update_id"] + 1) == ()
    assert tg.pending_updates == []

    for text in ("a", "b", "c"):
        tg.send_text(USER, text)
    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["a", "b"]
    assert [u.message.text for u in await bot.get_updates(offset=-1)] == ["c"]
    assert len(tg.pending_updates) == 1


async def test_get_updates_filters_allowed_updates(tg: FakeTelegram, bot: Bot) -> None:
    tg.send_text(USER, "ignored")
    tg.inline_query(USER, "wanted")
    updates = await bot.get_updates(allowed_updates=["inline_query"])
    assert [u.inline_query.query for u in updates] == ["wanted"]


async def test_long_polling_waits_and_wakes_up(tg: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9

    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    tg.send_text(USER, "late")
    updates = await asyncio.wait_for(poll, 3)
    assert [u.message.text for u in updates] == ["late"]


async def test_a_second_poller_conflicts(tg: FakeTelegram) -> None:
    async with tg.make_bot() as first, tg.make_bot() as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await waiting


async def test_webhook_blocks_get_updates(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)an https url must be provided"):
        await bot.set_webhook("http://example.com/hook")
    with pytest.raises(BadRequest, match=r"(?i)ports 80, 88, 443 or 8443"):
        await bot.set_webhook("https://example.com:9999/hook")
    tg.send_text(USER, "queued")
    assert await bot.set_webhook("https://example.com/hook")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.com/hook"
    assert info.pending_update_count == 1
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates() == ()


async def test_update_builders_produce_updates_ptb_understands(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_group(-500, "Group")
    sent = await bot.send_message(USER, "Hi", reply_markup=keyboard("go"))
    own = tg.send_text(USER, "original")["message"]["message_id"]
    tg.send_text(USER, "in reply", reply_to_bot=True)
    tg.send_text(USER, "group hello", chat_id=-500)
    tg.send_sticker(USER)
    tg.send_voice(USER, duration=4)
    tg.send_photo(USER, caption="look")
    tg.send_document(USER, file_name="notes.txt", data=b"private notes")
    tg.send_location(USER, 43.2, 76.9)
    tg.send_contact(USER)
    tg.edit_text(USER, own, "edited")
    tg.press_button(USER, sent.message_id, "go")
    tg.inline_query(USER, "help")

    updates = await bot.get_updates()
    assert [u.effective_chat.id if u.effective_chat else None for u in updates] == [
        USER,
        USER,
        -500,
        USER,
        USER,
        USER,
        USER,
        USER,
        USER,
        USER,
        USER,
        None,
    ]
    reply, group, sticker, voice, photo, document, location, contact, edited, press, inline = (
        updates[1:]
    )
    assert reply.message.text == "in reply"
    assert reply.message.reply_to_message.message_id == sent.message_id
    assert group.message.chat.type == "group"
    assert sticker.message.sticker.emoji == "👍"
    assert voice.message.voice.duration in (4, dt.timedelta(seconds=4))
    assert photo.message.photo[-1].width == 1280 and photo.message.caption == "look"
    assert location.message.location.longitude == pytest.approx(76.9)
    assert contact.message.contact.user_id == USER
    assert edited.edited_message.text == "edited"
    assert press.callback_query.data == "go"
    assert inline.inline_query.query == "help"

    file = await bot.get_file(document.message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"private notes"
    with pytest.raises(BadRequest, match="Wrong file_id"):
        await bot.get_file("nope")


async def test_sending_media_uploads_files(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_photo(
        USER, photo=b"\x89PNG fake", caption="<b>Map</b>", parse_mode="HTML"
    )
    assert sent.caption == "Map"
    assert sent.caption_entities[0].type == "bold"
    call = tg.calls_to("sendPhoto")[0]
    assert call.params["photo"].data == b"\x89PNG fake"
    again = await bot.send_photo(USER, photo=sent.photo[-1].file_id)
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(USER, document=b"x", caption="c" * 1025)


async def test_albums_copies_and_forwards(tg: FakeTelegram, bot: Bot) -> None:
    album = await bot.send_media_group(
        USER,
        [InputMediaPhoto(b"one", caption="<b>1</b>", parse_mode="HTML"), InputMediaPhoto(b"two")],
    )
    assert [m.caption for m in album] == ["1", None]
    assert album[0].media_group_id == album[1].media_group_id is not None
    original = tg.send_text(USER, "forward me")["message"]["message_id"]
    forwarded = await bot.forward_message(USER, USER, original)
    assert forwarded.text == "forward me" and forwarded.forward_origin is not None
    copied = await bot.copy_message(USER, USER, original)
    assert tg.last_sent(USER).message_id == copied.message_id
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await bot.copy_message(USER, USER, 999)


async def test_bot_profile_texts(bot: Bot) -> None:
    assert await bot.set_my_description("Поддержка", language_code="ru")
    assert (await bot.get_my_description(language_code="ru")).description == "Поддержка"
    assert (await bot.get_my_description()).description == ""
    assert await bot.set_my_short_description("Help")
    assert (await bot.get_my_short_description()).short_description == "Help"


# ---- recording and waiting -------------------------------------------------------------------


async def test_wait_for_returns_matching_calls(tg: FakeTelegram, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.2)
        await bot.send_message(USER, "first")
        await bot.send_message(USER, "second")

    task = asyncio.create_task(later())
    calls = await tg.wait_for("sendMessage", predicate=lambda p: p["text"] == "second")
    assert [c.params["text"] for c in calls] == ["second"]
    assert calls[0].ok and calls[0].result["text"] == "second"
    await task
    with pytest.raises(AssertionError, match="expected 3 sendMessage"):
        await tg.wait_for("sendMessage", count=3, timeout=0.2)
    tg.send_text(USER, "nobody is polling")
    with pytest.raises(AssertionError, match="1 undelivered update"):
        await tg.wait_idle(timeout=0.2)


async def test_a_ptb_application_talks_to_the_fake(tg: FakeTelegram) -> None:
    async def start(update: Any, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("Choose:", reply_markup=keyboard("ru", "kk"))

    async def chosen(update: Any, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"Language: {update.callback_query.data}")

    app = tg.application_builder().build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(chosen))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=dt.timedelta(seconds=1))
        tg.send_command(USER, "/start")
        [call] = await tg.wait_for("sendMessage")
        tg.press_button(USER, call.result["message_id"], "kk")
        await tg.wait_for("editMessageText")
        await tg.wait_idle()
        await app.updater.stop()
        await app.stop()

    [message] = tg.sent_messages(USER)
    assert (message.text, message.edits, message.reply_markup) == ("Language: kk", 1, None)
    assert [c.ok for c in tg.calls_to("answerCallbackQuery")] == [True]
    assert tg.pending_updates == []


# ---- fault injection -------------------------------------------------------------------------


async def test_fail_next_with_429(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert retry_after_of(caught.value) == 3
    assert "Retry in 3" in str(caught.value)
    await bot.send_message(USER, "hi")
    calls = tg.calls_to("sendMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].params == {"chat_id": USER, "text": "hi"}  # typed, though it failed
    assert len(tg.sent_messages(USER)) == 1


async def test_fail_next_with_500_twice(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(USER, "hi")
    await bot.send_message(USER, "hi")
    assert [c.status for c in tg.calls_to("sendMessage")] == [500, 500, 200]


async def test_fail_next_any_method(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("*", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    tg.fail_next("getMe", status=403, description="Forbidden: bot was kicked")
    with pytest.raises(Forbidden, match="bot was kicked"):
        await bot.get_me()
    assert (await bot.get_me()).username == "fake_test_bot"


async def test_delay_next_provokes_a_client_timeout(tg: FakeTelegram) -> None:
    async with tg.make_bot(request=HTTPXRequest(read_timeout=0.3)) as slow_bot:
        tg.delay_next("sendMessage", 1.0)
        with pytest.raises(TimedOut):
            await slow_bot.send_message(USER, "slow")
        # As on the real service the message still goes out: a naive retry would duplicate it.
        await tg.wait_for("sendMessage", timeout=3)
        assert [m.text for m in tg.sent_messages(USER)] == ["slow"]


async def test_refuse_connections_then_recover(tg: FakeTelegram, bot: Bot) -> None:
    port = tg.port
    await tg.refuse_connections(0.5)
    assert not tg.accepting_connections
    with pytest.raises(NetworkError):
        await bot.get_me()
    deadline = time.monotonic() + 5
    while not tg.accepting_connections and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert tg.accepting_connections and tg.port == port
    assert (await bot.get_me()).username == "fake_test_bot"


# ---- the parsers on their own ----------------------------------------------------------------


async def test_html_parser_offsets_are_utf16() -> None:
    parsed = parse_html("😀 <b>жир</b>")
    assert parsed.text == "😀 жир"
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 3}]


async def test_markdown_v2_block_quotes() -> None:
    parsed = parse_markdown_v2(">first\n>second\nafter")
    assert parsed.text == "first\nsecond\nafter"
    assert parsed.entities == [{"type": "blockquote", "offset": 0, "length": 12}]
