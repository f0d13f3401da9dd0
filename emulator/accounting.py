"""API-call accounting over request-log records (standard library only: usable from the client side).

    summarize(records) -> {
        "total": 12, "reads": 9, "writes": 3, "injected": 1, "errors": 2,
        "by_service": {"ec2": {"reads": 8, "writes": 3, "errors": 2, "injected": 1}, ...},
        "by_action": {"ec2:CreateVpc": {"count": 2, "kind": "write", "errors": 1, "injected": 1}, ...},
        "by_injected": {"throttle": 1},
        "first_ts": 1764025200.1, "last_ts": 1764025201.9,
    }

* ``errors``: records with an HTTP status >= 400, plus dropped connections (status 0); injected ones included.
* ``injected``: records carrying ``"injected"`` (fault injection), whatever their status.
* ``by_action`` keys are ``"<service>:<action>"``; ``first_ts`` / ``last_ts`` are None for no records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def is_error(record: dict[str, Any]) -> bool:
    status = int(record.get("status") or 0)
    return status >= 400 or status == 0


def summarize(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    total = reads = writes = injected = errors = 0
    by_service: dict[str, dict[str, int]] = {}
    by_action: dict[str, dict[str, Any]] = {}
    by_injected: dict[str, int] = {}
    first_ts: float | None = None
    last_ts: float | None = None
    for record in records:
        total += 1
        kind = "read" if record.get("kind") == "read" else "write"
        service = str(record.get("service") or "unknown")
        action = str(record.get("action") or "")
        error = is_error(record)
        fault = record.get("injected")
        if kind == "read":
            reads += 1
        else:
            writes += 1
        errors += int(error)
        injected += int(bool(fault))
        svc = by_service.setdefault(service, {"reads": 0, "writes": 0, "errors": 0, "injected": 0})
        svc[kind + "s"] += 1
        svc["errors"] += int(error)
        svc["injected"] += int(bool(fault))
        act = by_action.setdefault(f"{service}:{action}", {"count": 0, "kind": kind, "errors": 0, "injected": 0})
        act["count"] += 1
        act["errors"] += int(error)
        act["injected"] += int(bool(fault))
        if fault:
            by_injected[str(fault)] = by_injected.get(str(fault), 0) + 1
        ts = record.get("ts")
        if isinstance(ts, int | float):
            first_ts = ts if first_ts is None else min(first_ts, ts)
            last_ts = ts if last_ts is None else max(last_ts, ts)
    return {
        "total": total,
        "reads": reads,
        "writes": writes,
        "injected": injected,
        "errors": errors,
        "by_service": dict(sorted(by_service.items())),
        "by_action": dict(sorted(by_action.items())),
        "by_injected": dict(sorted(by_injected.items())),
        "first_ts": first_ts,
        "last_ts": last_ts,
    }
