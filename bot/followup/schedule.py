"""When a planned message is due: the check-in a person chose, the short series after "Better",
and a parent's weekly tip.

Times are Kazakhstan's (Asia/Almaty). A message the bot chooses the time of is never sent in the
quiet hours, 22:00-08:00, when a phone lights up beside a sleeping family: the series and the
tips come at a chosen or evening hour. Only "in an hour" is kept as chosen, whatever the hour:
the person asked for it while awake, after a hard moment, and is the one who may need it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

ALMATY: Final = ZoneInfo("Asia/Almaty")
#: Never chosen by the bot: from 22:00 to 08:00 in Almaty.
QUIET_FROM: Final = time(22)
QUIET_UNTIL: Final = time(8)
#: A message due while the bot was down is still sent this late; later, it is skipped.
LATE_LIMIT: Final = timedelta(hours=12)

Choice = Literal["soon", "evening"]


@dataclass(frozen=True)
class Delays:
    """The check-ins' timing, for deployers (FOLLOWUP_DELAYS) and tests."""

    #: "In an hour".
    soon: timedelta = timedelta(hours=1)
    #: The hour of "tomorrow evening" and of the series' check-ins.
    evening: time = time(19)
    #: After "Better": check-ins this long after the answer (day 3, week 1, week 2, month 1).
    series: tuple[timedelta, ...] = (timedelta(days=3), timedelta(days=7), timedelta(days=14),
                                     timedelta(days=30))


_SPAN = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_delays(value: str) -> Delays:
    """FOLLOWUP_DELAYS: "soon=1h evening=19:00 series=3d,7d,14d,30d" (any part may be left
    out); raise ValueError with what to fix."""
    fields: dict[str, object] = {}
    for part in value.split():
        name, sep, setting = part.partition("=")
        if not sep:
            raise ValueError(f"{part!r}: write name=value (soon=1h, evening=19:00, series=3d,7d)")
        if name == "soon":
            fields["soon"] = _span(setting)
        elif name == "evening":
            fields["evening"] = _hour(setting)
        elif name == "series":
            fields["series"] = tuple(_span(s) for s in setting.split(",") if s)
        else:
            raise ValueError(f"{name!r} is not a setting of FOLLOWUP_DELAYS (soon, evening, "
                             "series)")
    return replace(Delays(), **fields)  # type: ignore[arg-type]


def _span(text: str) -> timedelta:
    found = _SPAN.match(text)
    if found is None or int(found.group(1)) == 0:
        raise ValueError(f"{text!r} is not a span of time such as 90s, 30m, 1h, 3d or 2w")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def _hour(text: str) -> time:
    try:
        hour = time.fromisoformat(text if ":" in text else f"{int(text):02d}:00")
    except ValueError:
        raise ValueError(f"{text!r} is not an hour such as 19:00") from None
    if quiet(hour):
        raise ValueError(f"{text}: the hour falls in the quiet hours 22:00-08:00")
    return hour


def quiet(moment: time) -> bool:
    """Whether a time of day in Almaty falls in the quiet hours."""
    return moment >= QUIET_FROM or moment < QUIET_UNTIL


def first_checkin(choice: Choice, now: datetime, delays: Delays = Delays()) -> datetime:
    """When the check-in the person chose is due: in an hour, or tomorrow at the evening hour."""
    if choice == "soon":
        return now + delays.soon
    tomorrow = now.astimezone(ALMATY).date() + timedelta(days=1)
    return datetime.combine(tomorrow, delays.evening, ALMATY)


def series_checkin(step: int, answered: datetime, delays: Delays = Delays()) -> datetime | None:
    """When check-in `step` (0 = the first) of the series after "Better" is due, at the evening
    hour of its day; None when the series is over."""
    if not 0 <= step < len(delays.series):
        return None
    day = (answered + delays.series[step]).astimezone(ALMATY).date()
    return datetime.combine(day, delays.evening, ALMATY)


def next_weekly(weekday: int, hour: time, after: datetime) -> datetime:
    """The next moment after `after` that is `weekday` (0 = Monday) at `hour`, in Almaty."""
    local = after.astimezone(ALMATY)
    ahead = (weekday - local.weekday()) % 7
    due = datetime.combine(local.date() + timedelta(days=ahead), hour, ALMATY)
    return due if due > after else due + timedelta(days=7)


def too_late(due: datetime, now: datetime) -> bool:
    """Whether a message due while the bot was down is too late to send (then it is skipped)."""
    return now - due > LATE_LIMIT
