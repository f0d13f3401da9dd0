"""The benchmark only ever talks to a loopback emulator (the same rule as tests/harness.py)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class NotLoopbackError(RuntimeError):
    pass


def is_loopback(host: str) -> bool:
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_loopback(endpoint: str) -> str:
    """Return the endpoint if its host is a loopback address, else raise NotLoopbackError."""
    if not is_loopback(urlsplit(endpoint).hostname or ""):
        raise NotLoopbackError(f"refusing to benchmark against {endpoint!r}: only a loopback emulator is allowed")
    return endpoint
