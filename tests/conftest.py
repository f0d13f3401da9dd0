"""Shared fixtures. The suite only ever talks to a loopback emulator that it starts itself."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Our collection as `ansible_collections.stacksmith.aws` (amazon.aws lives in site-packages).
sys.path.insert(0, str(REPO / ".collections"))
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from harness import NotLoopbackError, require_loopback  # noqa: E402


def pytest_configure(config):
    # An endpoint handed in from outside must be loopback, whatever the test.
    for var in ("STACKSMITH_ENDPOINT", "AWS_ENDPOINT_URL"):
        value = os.environ.get(var)
        if value:
            try:
                require_loopback(value)
            except NotLoopbackError as e:
                pytest.exit(f"{var}: {e}", returncode=2)


@pytest.fixture(scope="session")
def emulator():
    """One emulator for the session on a free loopback port; yields its EmulatorClient."""
    from emulator.client import EmulatorClient
    from emulator.server import EmulatorServer

    server = EmulatorServer(host="127.0.0.1", port=0)
    server.start()
    client = EmulatorClient(require_loopback(server.endpoint))
    client.endpoint = server.endpoint
    try:
        yield client
    finally:
        server.stop()
