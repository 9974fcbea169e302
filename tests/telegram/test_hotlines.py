"""The Hotlines card over real HTTP: a button per line opens that line's own screen in place,
and Back returns to the card."""

from __future__ import annotations

import pytest

from tests.telegram.conftest import Harness, actions

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PARENT, TEEN = 3001, 3002


async def test_hotline_card_opens_a_line_screen_in_place_and_back(harness: Harness) -> None:
    harness.tg.add_private_user(PARENT, language_code="ru")
    card = await harness.command(PARENT, "/hotlines")
    assert "e|h:150" in actions(card) and "e|h:112" in actions(card)
    assert all(len(b["callback_data"].encode()) <= 64 for b in card.buttons)

    line = await harness.press(PARENT, card, "e|h:150")
    assert line.message_id == card.message_id  # navigation edits the card in place
    assert "Для кого:" in line.text and "Языки: казахский, русский" in line.text
    assert "Что будет, когда вы позвоните или напишете" in line.text
    assert "Последняя проверка:" in line.text
    assert actions(line) == ["e|hotlines", "e|menu"]

    back = await harness.press(PARENT, line, "e|hotlines")
    assert back.message_id == card.message_id and "Нажмите на номер ниже" in back.text


async def test_hotline_screen_opens_in_the_language_of_the_card(harness: Harness) -> None:
    harness.tg.add_private_user(TEEN, language_code="ru")
    menu = await harness.command(TEEN, "/language")
    await harness.press(TEEN, menu, "Қазақша")
    card = await harness.command(TEEN, "/hotlines")
    line = await harness.press(TEEN, card, "e|h:111")
    assert "Кімге арналған:" in line.text and "QR-код" in line.text
    assert "Хабарласқанда не болады" in line.text
