"""Client for the emulator's control API (``/_stacksmith/*``), standard library only (no boto3).

client = EmulatorClient("http://127.0.0.1:4566")
client.reset()
mark = client.mark()
...  # run a playbook / boto3 calls against the endpoint
assert not client.writes(since=mark)   # e.g. idempotence: a second run writes nothing
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"


def default_endpoint() -> str:
    """``$STACKSMITH_ENDPOINT``, else http://127.0.0.1:4566."""
    return os.environ.get("STACKSMITH_ENDPOINT") or DEFAULT_ENDPOINT


class EmulatorError(RuntimeError):
    """The control API answered with an error status, or could not be reached."""


class EmulatorClient:
    def __init__(self, endpoint: str | None = None, timeout: float = 10.0) -> None:
        self.endpoint = (endpoint or default_endpoint()).rstrip("/")
        self.timeout = timeout
        # never route loopback control calls through an HTTP proxy from the environment
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(f"{self.endpoint}/_stacksmith{path}", method=method)
        if method in ("POST", "PUT"):
            request.data = b""
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8") or "null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            raise EmulatorError(f"{method} {path} -> HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise EmulatorError(f"emulator at {self.endpoint} is not reachable: {exc}") from exc

    def health(self) -> dict[str, Any]:
        """``{"status": "ok"}``; raises :class:`EmulatorError` when the emulator is down."""
        return dict(self._call("GET", "/health"))

    def is_healthy(self) -> bool:
        try:
            return self.health().get("status") == "ok"
        except EmulatorError:
            return False

    def reset(self) -> dict[str, Any]:
        """Reset all AWS state and clear the request log."""
        return dict(self._call("POST", "/reset"))

    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        """Request-log records with ``seq`` > ``since``, oldest first."""
        return list(self._call("GET", f"/requests?since={int(since)}"))

    def writes(self, since: int = 0) -> list[dict[str, Any]]:
        """Only the records of kind ``write``."""
        return [r for r in self.requests(since) if r.get("kind") == "write"]

    def mark(self) -> int:
        """The highest ``seq`` so far (0 if the log is empty): pass it as ``since`` later."""
        records = self.requests(0)
        return max((int(r["seq"]) for r in records), default=0)

    def clear_requests(self) -> dict[str, Any]:
        """Clear the request log only (AWS state is kept)."""
        return dict(self._call("DELETE", "/requests"))

    def shims(self) -> list[dict[str, Any]]:
        """The shims the emulator applies: name, service, real_behaviour, moto_behaviour..."""
        return list(self._call("GET", "/shims"))
