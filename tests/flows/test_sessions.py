"""Open conversations in memory: each forgotten once its time is up, whatever happens meanwhile."""

from __future__ import annotations

from bot.flows.sessions import Sessions


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_lives_its_time_from_the_start_and_no_longer() -> None:
    clock = Clock()
    sessions: Sessions[str] = Sessions(ttl_s=1800, clock=clock)
    sessions.open("a", "first answer")
    clock.now += 1000
    sessions.update("a", "second answer")  # answering does not extend it
    assert sessions.get("a") == "second answer"
    clock.now += 800
    assert sessions.get("a") is None
    sessions.update("a", "late answer")  # nothing comes back to life
    assert sessions.get("a") is None and len(sessions) == 0


def test_drop_and_update_to_none_close_a_session() -> None:
    sessions: Sessions[int] = Sessions(ttl_s=60, clock=Clock())
    sessions.open("a", 1)
    sessions.open("b", 2)
    assert sessions.drop("a") and not sessions.drop("a")
    sessions.update("b", None)
    assert sessions.get("b") is None and len(sessions) == 0


def test_expired_sessions_are_swept_without_being_asked_for() -> None:
    clock = Clock()
    sessions: Sessions[int] = Sessions(ttl_s=60, clock=clock)
    for i in range(100):
        sessions.open(f"person {i}", i)
    clock.now += 3600
    sessions.open("new", 0)  # any use sweeps what has expired
    assert len(sessions._items) == 1
