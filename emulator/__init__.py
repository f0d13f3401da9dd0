"""Stacksmith's embedded AWS emulator: moto behind a middleware with a control API, a request log and shims.

Import the parts directly (``from emulator.server import EmulatorServer``, ``from emulator.client import
EmulatorClient``); the names below are also available lazily from the package so that importing the client does not
import moto.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EmulatorClient", "EmulatorServer"]


def __getattr__(name: str) -> Any:
    if name == "EmulatorServer":
        from .server import EmulatorServer

        return EmulatorServer
    if name == "EmulatorClient":
        from .client import EmulatorClient

        return EmulatorClient
    raise AttributeError(f"module 'emulator' has no attribute {name!r}")
