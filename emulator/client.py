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

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        request = urllib.request.Request(f"{self.endpoint}/_stacksmith{path}", method=method)
        if payload is not None:
            request.data = json.dumps(payload).encode("utf-8")
            request.add_header("Content-Type", "application/json")
        elif method in ("POST", "PUT"):
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

    # -- accounting ---------------------------------------------------------------------------------------------

    def summary(self, since: int = 0) -> dict[str, Any]:
        """:func:`emulator.accounting.summarize` of the records with ``seq`` > ``since`` (computed by the server)."""
        return dict(self._call("GET", f"/summary?since={int(since)}"))

    # -- fault injection ----------------------------------------------------------------------------------------

    def faults(self) -> dict[str, Any]:
        """``{"seed": N, "rules": [...]}`` with each rule's counters (matched, injected, armed, spent)."""
        return dict(self._call("GET", "/faults"))

    def set_faults(self, rules: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
        """Replace the fault rules (see :mod:`emulator.faults`); counters and RNG start afresh."""
        return dict(self._call("POST", "/faults", {"seed": int(seed), "rules": list(rules)}))

    def clear_faults(self) -> dict[str, Any]:
        """Remove every fault rule (``/_stacksmith/reset`` does too)."""
        return dict(self._call("DELETE", "/faults"))

    # -- latency ------------------------------------------------------------------------------------------------

    def latency(self) -> dict[str, Any]:
        """``{"scale": s, "profile": {...}, "overrides": {...}, "sources": {...}, "rules": [...]}``."""
        return dict(self._call("GET", "/latency"))

    def set_latency(
        self, scale: float | None = None, profile: dict[str, Any] | None = None, replace_profile: bool = False
    ) -> dict[str, Any]:
        """Set the scale and/or merge profile overrides (``{"nat_gateway": 5}`` or ``{"nat_gateway": {"create": 5,
        "delete": 1}}``); survives ``reset()``."""
        payload: dict[str, Any] = {}
        if scale is not None:
            payload["scale"] = scale
        if profile is not None:
            payload["profile"] = profile
        if replace_profile:
            payload["replace_profile"] = True
        return dict(self._call("POST", "/latency", payload))

    def reset_latency(self) -> dict[str, Any]:
        """Back to the server's environment: ``$STACKSMITH_LATENCY_SCALE`` (default 0) and the default profile."""
        return dict(self._call("DELETE", "/latency"))

    def timeline(self) -> list[dict[str, Any]]:
        """Timed resources: ``{kind, id, service, phase, created, ready, seconds, deleted, delete_done, ...}``."""
        return list(self._call("GET", "/timeline"))

    # -- ECS ----------------------------------------------------------------------------------------------------

    def ecs(self) -> dict[str, Any]:
        """``{"failing_images": [...], "env": "STACKSMITH_ECS_FAILING_IMAGES"}``."""
        return dict(self._call("GET", "/ecs"))

    def set_ecs_failing_images(self, globs: list[str]) -> dict[str, Any]:
        """Deployments of a task definition with an image matching one of these fnmatch globs fail (circuit breaker:
        FAILED, then rollback); cleared by ``reset()``."""
        return dict(self._call("POST", "/ecs", {"failing_images": list(globs)}))

    def clear_ecs(self) -> dict[str, Any]:
        """Back to ``$STACKSMITH_ECS_FAILING_IMAGES`` (default: nothing fails)."""
        return dict(self._call("DELETE", "/ecs"))
