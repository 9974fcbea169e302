"""When check-ins and tips are due: Almaty time, never in the quiet hours the bot chooses, and
what a deployer may set."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.followup.schedule import (
    ALMATY,
    Delays,
    first_checkin,
    next_weekly,
    parse_delays,
    quiet,
    series_checkin,
    too_late,
)


def almaty(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=ALMATY)


def test_in_an_hour_is_an_hour_whatever_the_time() -> None:
    # Asked for at 23:30, after a hard moment: the person is awake and chose it.
    assert first_checkin("soon", almaty(7, 23, 30)) == almaty(8, 0, 30)


@pytest.mark.parametrize("asked", [almaty(7, 0, 10), almaty(7, 12), almaty(7, 23, 59)])
def test_tomorrow_evening_is_the_next_days_evening_in_almaty(asked: datetime) -> None:
    assert first_checkin("evening", asked) == almaty(8, 19)
    # The same moment written in UTC gives the same Almaty evening.
    assert first_checkin("evening", asked.astimezone(UTC)) == almaty(8, 19)


def test_the_series_after_better_comes_on_day_3_week_1_week_2_month_1_evenings() -> None:
    answered = almaty(7, 10)
    dues = [series_checkin(step, answered) for step in range(5)]
    assert dues == [almaty(10, 19), almaty(14, 19), almaty(21, 19),
                    datetime(2027, 1, 6, 19, tzinfo=ALMATY), None]
    assert not any(quiet(d.astimezone(ALMATY).time()) for d in dues if d is not None)


def test_a_weekly_tip_comes_on_its_day_and_hour() -> None:
    monday_9 = time(9)
    # 2026-12-07 is a Monday.
    assert next_weekly(0, monday_9, almaty(7, 8)) == almaty(7, 9)
    assert next_weekly(0, monday_9, almaty(7, 9)) == almaty(14, 9)
    assert next_weekly(2, time(20), almaty(7, 21)) == almaty(9, 20)


def test_quiet_hours_are_22_to_8() -> None:
    assert [quiet(time(h)) for h in (7, 8, 21, 22, 23, 0)] == [True, False, False, True, True,
                                                               True]


def test_a_message_more_than_12_hours_late_is_skipped() -> None:
    due = almaty(7, 19)
    assert not too_late(due, due + timedelta(hours=11, minutes=59))
    assert too_late(due, due + timedelta(hours=12, seconds=1))


def test_a_deployer_sets_the_delays_and_gets_told_what_is_wrong() -> None:
    delays = parse_delays("soon=30m evening=18:30 series=2d,1w")
    assert delays == Delays(timedelta(minutes=30), time(18, 30),
                            (timedelta(days=2), timedelta(weeks=1)))
    assert parse_delays("") == Delays()
    assert parse_delays("evening=20").evening == time(20)
    for wrong, says in [("soon=0h", "span of time"), ("evening=23:00", "quiet hours"),
                        ("later=1h", "not a setting"), ("soon", "name=value"),
                        ("series=3x", "span of time")]:
        with pytest.raises(ValueError, match=says):
            parse_delays(wrong)
