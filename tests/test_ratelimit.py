"""The per-sender rate limit (components/ratelimit.py), on a clock the tests move."""

from __future__ import annotations

import pytest

from components.ratelimit import SenderRateLimit


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
