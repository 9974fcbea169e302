"""Messages a person asked for later (a check-in, weekly tips): kept in every store alike, taken
by one sender only, due again when a sender dies, and erased with everything else on /forget."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Planned, Store
from bot.storage.sqlite import SQLiteStore
from tests.storage.conftest import open_store

KEY, OTHER = "a" * 32, "b" * 32


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store the bot can run on, empty."""
    opened = open_store(request.param, request, tmp_path)
    yield opened
    opened.close()


def planned(key: str = KEY, kind: str = "checkin", due: float = 100.0, step: int = 0) -> Planned:
    return Planned(key, kind, b"\x00sealed\xff", "kk", "teen", step, due)


def test_a_message_is_due_at_its_time_and_taken_once(store: Store) -> None:
    store.plan_message(planned(due=100.0))
    assert store.due_messages(99.0, 10) == []
    assert store.due_messages(100.0, 10) == [(KEY, "checkin")]
    taken = store.claim_message(KEY, "checkin", 100.0, lease_until=400.0)
    assert taken == planned(due=100.0)
    # Taken: not due again until its lease ends, and not taken a second time meanwhile.
    assert store.due_messages(399.0, 10) == []
    assert store.claim_message(KEY, "checkin", 399.0, lease_until=700.0) is None
    # A sender that died while sending leaves it due again when the lease ends.
    assert store.claim_message(KEY, "checkin", 400.0, lease_until=700.0) is not None


def test_the_next_step_replaces_the_message_and_drop_ends_it(store: Store) -> None:
    store.plan_message(planned(due=100.0))
    store.plan_message(planned(due=500.0, step=1))
    assert store.due_messages(499.0, 10) == []
    assert store.claim_message(KEY, "checkin", 500.0, 800.0) == planned(due=500.0, step=1)
    assert store.drop_message(KEY, "checkin") is True
    assert store.drop_message(KEY, "checkin") is False
    assert store.due_messages(10_000.0, 10) == []


def test_the_most_overdue_come_first_within_the_limit(store: Store) -> None:
    store.plan_message(planned(KEY, due=300.0))
    store.plan_message(planned(OTHER, due=200.0))
    store.plan_message(planned(KEY, "tips", due=250.0))
    assert store.due_messages(1000.0, 2) == [(OTHER, "checkin"), (KEY, "tips")]


def test_forget_erases_every_planned_message_of_the_person_only(store: Store) -> None:
    store.plan_message(planned(KEY))
    store.plan_message(planned(KEY, "tips"))
    store.plan_message(planned(OTHER))
    assert store.forget(KEY) is True
    assert store.due_messages(1000.0, 10) == [(OTHER, "checkin")]
    assert store.claim_message(KEY, "tips", 1000.0, 2000.0) is None
    assert store.forget(KEY) is False


def test_of_senders_racing_for_a_message_one_takes_it(store: Store) -> None:
    store.plan_message(planned(due=100.0))
    won: list[Planned] = []

    def race() -> None:
        taken = store.claim_message(KEY, "checkin", 100.0, 400.0)
        if taken is not None:
            won.append(taken)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1


def test_sqlite_keeps_planned_messages_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "qoldau.sqlite3"
    first = SQLiteStore(path)
    first.plan_message(planned(due=100.0))
    first.close()
    again = SQLiteStore(path)
    assert again.claim_message(KEY, "checkin", 100.0, 400.0) == planned(due=100.0)
    again.close()


def test_after_sending_the_next_of_the_series_is_planned_unless_stopped_meanwhile(
        store: Store) -> None:
    store.plan_message(planned(due=100.0))
    claimed = store.claim_message(KEY, "checkin", 100.0, lease_until=400.5)
    assert claimed is not None
    assert store.finish_message(KEY, "checkin", 400.5, planned(due=900.0, step=1)) is True
    assert store.due_messages(899.0, 10) == []
    assert store.claim_message(KEY, "checkin", 900.0, 1200.0) == planned(due=900.0, step=1)
    # The person pressed Stop while the message was being sent: it stays erased.
    assert store.drop_message(KEY, "checkin") is True
    assert store.finish_message(KEY, "checkin", 1200.0, planned(due=2000.0, step=2)) is False
    assert store.due_messages(10_000.0, 10) == []


def test_the_last_message_sent_is_deleted_and_a_stale_claim_changes_nothing(
        store: Store) -> None:
    store.plan_message(planned(due=100.0))
    assert store.claim_message(KEY, "checkin", 100.0, lease_until=400.0) is not None
    # A sender whose lease ran out (another took the message over) finishes nothing.
    assert store.claim_message(KEY, "checkin", 400.0, lease_until=700.0) is not None
    assert store.finish_message(KEY, "checkin", 400.0, None) is False
    assert store.finish_message(KEY, "checkin", 700.0, None) is True
    assert store.drop_message(KEY, "checkin") is False
