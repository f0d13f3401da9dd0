"""The emulator features the benchmark uses, detected at run time.

Always there: the request log (``EmulatorClient.requests``). Newer, used when the emulator has them:
the latency profile (``POST/GET /_stacksmith/latency``), the resource timeline (``GET /_stacksmith/timeline``)
and the request summary (``EmulatorClient.summary``). Without them the benchmark still runs and says what it
could not measure.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .critical_path import PHASES
from .loopback import require_loopback

# The emulator's default profile (emulator/profiles/default.json, seconds per key and phase), used only to resolve a
# graph's profile keys when the running emulator publishes no profile; with no latency in the emulator the benchmark
# then computes the critical path at scale 0. The copy below is the fallback when that file cannot be read.
DEFAULT_PROFILE_FILE = Path(__file__).resolve().parent.parent / "emulator" / "profiles" / "default.json"
FALLBACK_PROFILE: dict[str, dict[str, float]] = {
    "nat_gateway": {"create": 100, "delete": 60},
    "alb": {"create": 150, "delete": 30},
    "rds_instance": {"create": 330, "delete": 300},
    "rds_instance_multi_az": {"create": 720, "delete": 300},
    "aurora_cluster": {"create": 180, "delete": 60},
    "aurora_instance": {"create": 600, "delete": 300},
    "elasticache_replication_group": {"create": 540, "delete": 300},
    "cloudfront_distribution": {"create": 200, "update": 120},
    "efs_file_system": {"create": 10},
    "efs_mount_target": {"create": 80, "delete": 60},
    "acm_validation": {"create": 40},
    "ecs_service_deployment": {"create": 70, "update": 70},
    "apprunner_service": {"create": 180},
}


def load_reference_profile(path: Path = DEFAULT_PROFILE_FILE) -> dict[str, dict[str, float]]:
    """Numbers per phase of a profile file (``{key: {create, update, delete, source...}}``); the fallback if the file
    is missing or not in that shape."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        profile = {
            key: {p: float(entry[p]) for p in PHASES if isinstance(entry.get(p), int | float)}
            for key, entry in raw.items()
            if not key.startswith("_") and isinstance(entry, dict)
        }
    except (OSError, ValueError, AttributeError):
        return dict(FALLBACK_PROFILE)
    return profile or dict(FALLBACK_PROFILE)


REFERENCE_PROFILE = load_reference_profile()


class FeatureMissing(RuntimeError):
    """The emulator does not offer this control endpoint (yet)."""


def _control(endpoint: str, method: str, path: str, body: Any = None, timeout: float = 10.0) -> Any:
    require_loopback(endpoint)
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{endpoint.rstrip('/')}/_stacksmith{path}", data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8") or "null")
    except urllib.error.HTTPError as e:
        if e.code in (404, 405):
            raise FeatureMissing(f"{method} /_stacksmith{path} -> HTTP {e.code}") from e
        raise RuntimeError(
            f"{method} /_stacksmith{path} -> HTTP {e.code}: {e.read().decode('utf-8', 'replace')}"
        ) from e


@dataclass
class Latency:
    """What the emulator's latency is set to, as the benchmark saw it."""

    available: bool
    requested_scale: float
    scale: float  # effective: 0 when the emulator has no latency feature
    profile: dict[str, Any] = field(default_factory=dict)
    source: str = "emulator"  # or "reference" (REFERENCE_PROFILE, only to resolve graph keys)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "requested_scale": self.requested_scale,
            "scale": self.scale,
            "profile_source": self.source,
            "profile": self.profile,
            "note": self.note,
        }


def _client_call(client: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """``client.<method>(...)``; an HTTP 404/405 from an emulator without the endpoint becomes FeatureMissing."""
    try:
        return getattr(client, method)(*args, **kwargs)
    except Exception as e:  # EmulatorError (emulator.client) and whatever a client raises
        if "HTTP 404" in str(e) or "HTTP 405" in str(e):
            raise FeatureMissing(str(e)) from e
        raise


def configure_latency(client: Any, scale: float) -> Latency:
    """Set the emulator's latency scale and read back its profile; degrade to scale 0 when it has none."""
    endpoint = client.endpoint
    try:
        if hasattr(client, "set_latency"):
            _client_call(client, "set_latency", scale=scale)
        else:
            _control(endpoint, "POST", "/latency", {"scale": scale})
        state = _client_call(client, "latency") if hasattr(client, "latency") else _control(endpoint, "GET", "/latency")
    except FeatureMissing as e:
        return Latency(
            available=False,
            requested_scale=scale,
            scale=0.0,
            profile=dict(REFERENCE_PROFILE),
            source="reference",
            note=(
                f"the emulator has no latency profile ({e}): every resource is ready at once, so the critical path "
                "is computed at scale 0 and the ratio converge / critical path is not defined"
            ),
        )
    state = state or {}
    profile = state.get("profile") or {}
    effective = float(state.get("scale", scale))
    note = ""
    if abs(effective - scale) > 1e-9:
        note = f"asked for scale {scale}, the emulator reports {effective}"
    if not profile:
        note = (note + "; " if note else "") + "the emulator returned an empty profile; using the reference one"
        profile, source = dict(REFERENCE_PROFILE), "reference"
    else:
        source = "emulator"
    return Latency(True, scale, effective, profile, source, note)


def timeline(client: Any) -> list[dict[str, Any]] | None:
    """The latency-managed resources' lifecycle records, or None when the emulator has no timeline."""
    try:
        if hasattr(client, "timeline"):
            data = _client_call(client, "timeline")
        else:
            data = _control(client.endpoint, "GET", "/timeline")
    except FeatureMissing:
        return None
    if isinstance(data, dict):  # tolerate {"resources": [...]}
        data = data.get("resources") or data.get("timeline") or []
    return list(data or [])


def summarize_requests(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals of request-log records: total, reads, writes, by service, by action, errors (status >= 400)."""
    by_service: dict[str, dict[str, int]] = {}
    by_action: dict[str, int] = {}
    reads = writes = errors = 0
    for r in records:
        kind = r.get("kind")
        svc = by_service.setdefault(r.get("service", "unknown"), {"total": 0, "reads": 0, "writes": 0})
        svc["total"] += 1
        if kind == "write":
            writes += 1
            svc["writes"] += 1
        else:
            reads += 1
            svc["reads"] += 1
        key = f"{r.get('service', 'unknown')}:{r.get('action', '?')}"
        by_action[key] = by_action.get(key, 0) + 1
        if int(r.get("status") or 0) >= 400:
            errors += 1
    return {
        "total": len(records),
        "reads": reads,
        "writes": writes,
        "errors": errors,
        "by_service": dict(sorted(by_service.items())),
        "by_action": dict(sorted(by_action.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
