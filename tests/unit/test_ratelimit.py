"""The per-sender rate limit (components/ratelimit.py), on a clock the tests move."""

from __future__ import annotations

import pytest

from components.ratelimit import ClientRateLimit, SenderRateLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_sender_may_send_the_limit_in_a_minute_and_no_more(clock: Clock) -> None:
    limit = SenderRateLimit(30, clock)
    assert all(limit.allow("anna") for _ in range(30))
    assert not limit.allow("anna")
    assert limit.retry_after("anna") == 60


def test_other_senders_are_not_held_up_by_one(clock: Clock) -> None:
    limit = SenderRateLimit(3, clock)
    for _ in range(10):
        limit.allow("flood")
    assert limit.allow("anna")
    assert limit.retry_after("anna") == 0


@pytest.mark.parametrize(
    ("seconds", "allowed"),
    [(59.9, False), (60.0, True), (61.0, True)],
)
def test_the_window_slides(clock: Clock, seconds: float, allowed: bool) -> None:
    limit = SenderRateLimit(2, clock)
    limit.allow("anna")
    clock.now += 30
    limit.allow("anna")
    clock.now += seconds - 30
    assert limit.allow("anna") is allowed


def test_refused_messages_do_not_count(clock: Clock) -> None:
    limit = SenderRateLimit(1, clock)
    limit.allow("anna")
    for _ in range(100):
        clock.now += 0.5
        assert not limit.allow("anna")
    clock.now = 1060.0
    assert limit.allow("anna")


@pytest.mark.parametrize("per_minute", [0, -1])
def test_zero_means_no_limit(clock: Clock, per_minute: int) -> None:
    limit = SenderRateLimit(per_minute, clock)
    assert all(limit.allow("anna") for _ in range(1000))
    assert limit.retry_after("anna") == 0


def test_thousands_of_senders_are_forgotten_once_idle(clock: Clock) -> None:
    limit = SenderRateLimit(30, clock)
    for n in range(5000):
        limit.allow(f"sender-{n}")
    assert len(limit) == 5000
    clock.now += 61
    limit.allow("anna")
    assert len(limit) == 1


# --- Bytes, and per address (issue 23, hole 3: a few large messages filled the disk) ---------


@pytest.mark.parametrize(
    ("sizes", "allowed"),
    [
        ([40_000, 40_000, 20_000], [True, True, True]),  # exactly the budget
        ([40_000, 40_000, 20_001], [True, True, False]),
        ([150_000, 1], [True, False]),  # one message over the budget alone passes, then none
        ([100_000, 0], [True, True]),  # an empty message weighs nothing
    ],
)
def test_a_sender_may_send_the_bytes_of_a_minute_and_no_more(
    clock: Clock, sizes: list[int], allowed: list[bool]
) -> None:
    limit = SenderRateLimit(0, clock, bytes_per_minute=100_000)
    assert [limit.allow("anna", size) for size in sizes] == allowed


def test_the_bytes_come_back_after_a_minute(clock: Clock) -> None:
    limit = SenderRateLimit(0, clock, bytes_per_minute=100)
    assert limit.allow("anna", 100)
    assert not limit.allow("anna", 1)
    assert limit.retry_after("anna") == 60
    clock.now += 60
    assert limit.allow("anna", 100)


def test_many_senders_from_one_address_are_held_back_together(clock: Clock) -> None:
    limit = ClientRateLimit(
        SenderRateLimit(30, clock, bytes_per_minute=100_000),
        SenderRateLimit(0, clock, bytes_per_minute=300_000),
    )
    allowed = [limit.allow(f"sender-{n}", "203.0.113.9", 80_000) for n in range(5)]
    assert allowed == [True, True, True, False, False]
    assert limit.retry_after("sender-4", "203.0.113.9") == 60
    assert limit.allow("anna", "198.51.100.1", 80_000)  # another address is not held back


def test_one_senders_flood_does_not_use_up_its_address(clock: Clock) -> None:
    limit = ClientRateLimit(SenderRateLimit(3, clock), SenderRateLimit(10, clock))
    for _ in range(100):
        limit.allow("flood", "192.0.2.1")
    assert all(limit.allow(f"neighbour-{n}", "192.0.2.1") for n in range(7))
    assert not limit.allow("one-too-many", "192.0.2.1")
