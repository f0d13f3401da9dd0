"""Task spans from the ansible.posix.json callback, and where a run's wall time went."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Write calls that bring a resource into existence (the points of the Gantt chart's resource panel).
CREATE_PREFIXES = ("Create", "Allocate", "Run", "Request")


def parse_time(value: str) -> float:
    """Epoch seconds of the callback's ISO timestamps (``2026-11-25T00:17:30.509243Z``, UTC)."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


@dataclass
class TaskSpan:
    name: str
    start: float
    end: float
    status: str  # changed | ok | skipped | failed
    action: str = ""

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def as_dict(self, origin: float = 0.0) -> dict[str, Any]:
        return {
            "name": self.name,
            "start": round(self.start - origin, 3),
            "end": round(self.end - origin, 3),
            "duration": round(self.duration, 3),
            "status": self.status,
            "action": self.action,
        }


def _status(result: dict[str, Any]) -> str:
    if result.get("failed") or result.get("unreachable"):
        return "failed"
    if result.get("skipped"):
        return "skipped"
    return "changed" if result.get("changed") else "ok"


def task_spans(plays: list[dict[str, Any]], host: str) -> list[TaskSpan]:
    """One span per task that reported for ``host``, in run order. A host result's own ``duration`` is used when
    the callback gives one, else the task's (the same thing when the run is limited to one host)."""
    spans = []
    for play in plays:
        for task in play.get("tasks", []):
            result = (task.get("hosts") or {}).get(host)
            if result is None:
                continue
            duration = result.get("duration") or task["task"].get("duration") or {}
            if not duration.get("start"):
                continue
            start = parse_time(duration["start"])
            end = parse_time(duration.get("end") or duration["start"])
            spans.append(TaskSpan(task["task"]["name"], start, end, _status(result), str(result.get("action", ""))))
    spans.sort(key=lambda s: s.start)
    return spans


def union_length(intervals: Iterable[tuple[float, float]], lo: float | None = None, hi: float | None = None) -> float:
    """Total length covered by the intervals (clipped to [lo, hi] when given)."""
    clipped = []
    for a, b in intervals:
        if lo is not None:
            a = max(a, lo)
        if hi is not None:
            b = min(b, hi)
        if b > a:
            clipped.append((a, b))
    total, cur_a, cur_b = 0.0, None, None
    for a, b in sorted(clipped):
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                total += cur_b - cur_a  # type: ignore[operator]
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None:
        total += cur_b - cur_a  # type: ignore[operator]
    return total


def pending_intervals(resources: list[dict[str, Any]] | None, until: float) -> list[tuple[float, float]]:
    """(created, ready) of each timeline resource; a resource never ready counts as pending until ``until``."""
    out = []
    for r in resources or []:
        created = r.get("created")
        if created is None:
            continue
        ready = r.get("ready")
        out.append((float(created), float(ready) if ready is not None else until))
    return out


def calls_in(records: list[dict[str, Any]], start: float, end: float) -> list[dict[str, Any]]:
    return [r for r in records if start <= float(r.get("ts", 0)) <= end]


def short_task_name(name: str) -> str:
    """``stacksmith.aws.network : Create the VPC`` -> ``network: Create the VPC``."""
    return re.sub(r"^(?:[\w.]+\.)?(\w+) : ", r"\1: ", name)


def breakdown(
    run_start: float,
    run_end: float,
    spans: list[TaskSpan],
    records: list[dict[str, Any]],
    resources: list[dict[str, Any]] | None,
    critical_path: float | None,
    top: int = 8,
) -> dict[str, Any]:
    """Where the wall time of one playbook run went (seconds), for the report and the gap analysis.

    startup: process start -> first task; tail: last task -> process exit; between_tasks: gaps between consecutive
    tasks (the strategy's per-task overhead); skipped_tasks / executed_tasks: time inside tasks; aws_pending: time
    when at least one latency-managed resource was pending (from the emulator timeline); not_waiting_on_aws: the
    rest of the wall time (pure tool overhead when a timeline is available).
    """
    wall = run_end - run_start
    out: dict[str, Any] = {"wall": round(wall, 3)}
    if spans:
        first, last = spans[0].start, max(s.end for s in spans)
        between = 0.0
        cursor = spans[0].end
        for s in spans[1:]:
            if s.start > cursor:
                between += s.start - cursor
            cursor = max(cursor, s.end)
        out.update(
            {
                "startup": round(max(0.0, first - run_start), 3),
                "tail": round(max(0.0, run_end - last), 3),
                "between_tasks": round(between, 3),
                "executed_tasks": round(sum(s.duration for s in spans if s.status != "skipped"), 3),
                "skipped_tasks": round(sum(s.duration for s in spans if s.status == "skipped"), 3),
                "tasks": len(spans),
                "tasks_skipped": sum(1 for s in spans if s.status == "skipped"),
            }
        )
        out.update(inside_tasks(spans, records, run_start))
    server_ms = sum(float(r.get("duration_ms") or 0) for r in records)
    out["emulator_server_time"] = round(server_ms / 1000.0, 3)
    if resources is not None:
        pending = union_length(pending_intervals(resources, run_end), run_start, run_end)
        out["aws_pending"] = round(pending, 3)
        out["not_waiting_on_aws"] = round(wall - pending, 3)
        out["resources"] = resource_lags(resources, records, run_start)
    if critical_path is not None:
        out["gap_to_critical_path"] = round(wall - critical_path, 3)
    ranked = sorted((s for s in spans if s.status != "skipped"), key=lambda s: s.duration, reverse=True)[:top]
    out["top_tasks"] = [
        {
            "name": short_task_name(s.name),
            "status": s.status,
            "start": round(s.start - run_start, 3),
            "duration": round(s.duration, 3),
            "api_calls": len(calls_in(records, s.start, s.end)),
            "writes": sum(1 for r in calls_in(records, s.start, s.end) if r.get("kind") == "write"),
        }
        for s in ranked
    ]
    return out


def resource_lags(
    resources: list[dict[str, Any]], records: list[dict[str, Any]], origin: float
) -> list[dict[str, Any]]:
    """Each timeline resource: when it was created and ready (seconds from ``origin``), and how long after it was
    ready the next write call came (the playbook noticing: poll delays, serial tasks in between)."""
    writes = sorted(float(r["ts"]) for r in records if r.get("kind") == "write")
    out = []
    for r in sorted(resources, key=lambda r: float(r.get("created") or 0)):
        if r.get("created") is None:
            continue
        ready = r.get("ready")
        entry: dict[str, Any] = {
            "kind": r.get("kind"),
            "id": r.get("id"),
            "phase": r.get("phase", "create"),
            "created": round(float(r["created"]) - origin, 3),
            "ready": None if ready is None else round(float(ready) - origin, 3),
            "pending": None if ready is None else round(float(ready) - float(r["created"]), 3),
            "next_write_after_ready": None,
        }
        if ready is not None:
            later = [w for w in writes if w >= float(ready)]
            if later:
                entry["next_write_after_ready"] = round(later[0] - float(ready), 3)
        out.append(entry)
    return out


IDLE_GAP = 2.0


def idle_gaps(span: TaskSpan, records: list[dict[str, Any]], threshold: float = IDLE_GAP) -> list[tuple[float, float]]:
    """Stretches of at least ``threshold`` seconds inside a task with no API call (sleeps, polling delays)."""
    times = sorted(float(r["ts"]) for r in calls_in(records, span.start, span.end))
    if not times:
        return []
    points = times + [span.end]
    return [(a, b) for a, b in zip(points, points[1:], strict=False) if b - a >= threshold]


def inside_tasks(
    spans: list[TaskSpan], records: list[dict[str, Any]], origin: float = 0.0, threshold: float = IDLE_GAP
) -> dict[str, Any]:
    """Split the executed tasks' time: before their first API call (Ansible and module start-up, and tasks that call
    nothing), idle stretches of >= ``threshold`` s without a call (sleeps, polls), and the rest (calling AWS)."""
    startup = idle = 0.0
    gaps = []
    for s in spans:
        if s.status == "skipped":
            continue
        calls = sorted(float(r["ts"]) for r in calls_in(records, s.start, s.end))
        if not calls:
            startup += s.duration
            continue
        startup += calls[0] - s.start
        for a, b in idle_gaps(s, records, threshold):
            idle += b - a
            gaps.append({"task": short_task_name(s.name), "at": round(a - origin, 3), "s": round(b - a, 3)})
    executed = sum(s.duration for s in spans if s.status != "skipped")
    gaps.sort(key=lambda g: g["s"], reverse=True)
    return {
        "task_before_first_call": round(startup, 3),
        "task_idle_gaps": round(idle, 3),
        "task_calling_aws": round(max(0.0, executed - startup - idle), 3),
        "idle_gaps": gaps[:10],
    }


def create_calls(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write calls that create something (Create*/Allocate*/Run*/Request*), successful ones only."""
    return [
        r
        for r in records
        if r.get("kind") == "write"
        and str(r.get("action", "")).startswith(CREATE_PREFIXES)
        and int(r.get("status") or 0) < 400
    ]
