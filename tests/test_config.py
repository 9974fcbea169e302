"""Settings that guard people: moderators are people (positive ids in ASCII digits), the secret
of anonymous keys is long enough, a replica's name is a plain word."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings


@pytest.mark.parametrize(("value", "ids"), [
    ("7001", {7001}),
    ("7001, 7002 7003", {7001, 7002, 7003}),
    ("  ", set()),
])
def test_moderator_ids_are_positive_numbers(value: str, ids: set[int]) -> None:
    assert load_settings({"MODERATOR_IDS": value}, dotenv=None).moderator_ids == ids


@pytest.mark.parametrize("value", [
    "-1001234567890",  # a group: everyone in it would be a moderator
    "7001,-7002",
    "0",
    "٧٠٠١",  # Arabic-Indic digits: int() reads them, Telegram has no such id
    "７００１",  # fullwidth digits
    "7001.0",
    "+7001",
    "12345678901234567890",  # longer than any Telegram id
])
def test_anything_else_is_refused_naming_the_setting(value: str) -> None:
    with pytest.raises(SettingsError, match="MODERATOR_IDS") as raised:
        load_settings({"MODERATOR_IDS": value}, dotenv=None)
    assert "positive numbers" in str(raised.value)


def test_a_short_user_key_secret_is_refused() -> None:
    with pytest.raises(SettingsError, match="USER_KEY_SECRET is too short"):
        load_settings({"USER_KEY_SECRET": "secret"}, dotenv=None)
    assert load_settings({"USER_KEY_SECRET": "x" * 16}, dotenv=None).user_key_secret


def test_a_replica_name_is_a_plain_word() -> None:
    assert load_settings({"REPLICA_NAME": "bot-1.kz:8080"}, dotenv=None).replica_name
    with pytest.raises(SettingsError, match="REPLICA_NAME"):
        load_settings({"REPLICA_NAME": "two words"}, dotenv=None)
