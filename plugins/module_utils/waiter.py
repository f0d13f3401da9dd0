# Copyright: (c) 2026, stacksmith.aws contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one poller of the collection: read until done, from a short first delay with backoff.

Every wait of a module goes through :func:`poll` (slow resources: NAT gateways, load balancers, database
instances, ECS rollouts, EFS mount targets, certificates; eventual consistency right after a create). No fixed
sleep: the first re-read comes after ``first_delay`` (a resource that is nearly ready is seen nearly at once), the
delay then grows by ``factor`` up to ``max_delay`` (a resource that takes minutes is not polled every second), and
the last sleep is cut so that the final read happens at the deadline, not after it.

``read()`` returns the current value; ``done(value)`` returns true when the wait is over and may raise to end it
with an error (a failed resource). The first read happens at once, so nothing is slept when the resource is
already in the wanted state; pass ``value`` to skip that first read when the caller has just read it.
"""

from __future__ import annotations

import time

FIRST_DELAY = 1.0
MAX_DELAY = 15.0
FACTOR = 1.5
_UNREAD = object()


class WaitTimeout(Exception):
    """The wanted state was not reached in time; ``value`` is the last value read."""

    def __init__(self, message, value=None):
        super().__init__(message)
        self.value = value


def delays(first_delay=FIRST_DELAY, max_delay=MAX_DELAY, factor=FACTOR):
    """The sleeps between reads: first_delay, then times factor, capped at max_delay (an endless generator)."""
    delay = float(first_delay)
    while True:
        yield min(delay, max_delay)
        delay = min(delay * factor, max_delay)


def poll(
    read,
    done,
    timeout,
    what,
    first_delay=FIRST_DELAY,
    max_delay=MAX_DELAY,
    factor=FACTOR,
    value=_UNREAD,
    sleep=None,
    clock=None,
):
    """Calls ``read()`` until ``done(value)`` is true and returns that value; raises WaitTimeout after ``timeout``
    seconds naming ``what`` (a description such as "NAT gateway nat-0123 to be available").

    ``sleep`` and ``clock`` default to time.sleep and time.monotonic, looked up at each call (tests patch them)."""
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + timeout
    if value is _UNREAD:
        value = read()
    for delay in delays(first_delay, max_delay, factor):
        if done(value):
            return value
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(f"Timed out after {timeout:g} seconds waiting for {what}", value)
        sleep(min(delay, remaining))
        value = read()
    return value  # pragma: no cover (delays() never ends)
