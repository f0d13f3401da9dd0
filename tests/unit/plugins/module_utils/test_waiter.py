# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one poller: first read at once, a short first delay, backoff, the last sleep cut at the deadline."""

import itertools

import pytest
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, delays, poll


class FakeTime:
    """A clock that only moves when slept on, recording each sleep."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_delays_start_short_grow_by_the_factor_and_stop_at_the_maximum():
    assert list(itertools.islice(delays(1, 5, 1.5), 7)) == [1.0, 1.5, 2.25, 3.375, 5.0, 5.0, 5.0]
    assert list(itertools.islice(delays(2, 3, 2), 3)) == [2.0, 3.0, 3.0]


def test_a_resource_already_ready_costs_one_read_and_no_sleep():
    t = FakeTime()
    reads = []
    value = poll(
        lambda: reads.append(1) or "available", lambda v: v == "available", 60, "x", sleep=t.sleep, clock=t.clock
    )
    assert value == "available"
    assert reads == [1] and t.sleeps == []


def test_a_value_given_skips_the_first_read():
    t = FakeTime()
    reads = []
    poll(
        lambda: reads.append(1) or "ready",
        lambda v: v == "ready",
        60,
        "x",
        value="pending",
        sleep=t.sleep,
        clock=t.clock,
    )
    assert reads == [1] and t.sleeps == [1.0]


def test_polls_with_backoff_until_done_and_returns_the_last_value():
    t = FakeTime()
    states = iter(["pending"] * 5 + ["available"])
    value = poll(lambda: next(states), lambda v: v == "available", 600, "x", max_delay=5, sleep=t.sleep, clock=t.clock)
    assert value == "available"
    assert t.sleeps == [1.0, 1.5, 2.25, 3.375, 5.0]


def test_the_timeout_names_what_was_awaited_and_keeps_the_last_value():
    t = FakeTime()
    with pytest.raises(WaitTimeout) as raised:
        poll(lambda: "pending", lambda v: False, 10, "NAT gateway nat-1 to be available", sleep=t.sleep, clock=t.clock)
    assert str(raised.value) == "Timed out after 10 seconds waiting for NAT gateway nat-1 to be available"
    assert raised.value.value == "pending"
    # The last sleep is cut so that the last read happens at the deadline, not after it.
    assert sum(t.sleeps) == pytest.approx(10.0)
    assert t.sleeps[-1] < 5.0


def test_done_may_raise_to_end_the_wait_with_an_error():
    t = FakeTime()

    def done(value):
        if value == "failed":
            raise RuntimeError("it failed")
        return value == "available"

    states = iter(["pending", "failed"])
    with pytest.raises(RuntimeError, match="it failed"):
        poll(lambda: next(states), done, 60, "x", sleep=t.sleep, clock=t.clock)
    assert t.sleeps == [1.0]


def test_a_zero_timeout_reads_once_and_does_not_sleep():
    t = FakeTime()
    with pytest.raises(WaitTimeout):
        poll(lambda: "pending", lambda v: False, 0, "x", sleep=t.sleep, clock=t.clock)
    assert t.sleeps == []


def test_the_defaults_are_looked_up_at_call_time(monkeypatch):
    t = FakeTime()
    monkeypatch.setattr("time.sleep", t.sleep)
    monkeypatch.setattr("time.monotonic", t.clock)
    states = iter(["pending", "available"])
    assert poll(lambda: next(states), lambda v: v == "available", 60, "x") == "available"
    assert t.sleeps == [1.0]
