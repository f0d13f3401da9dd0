"""Gantt chart of one run: AWS resources (top) and playbook tasks (bottom) on one time axis."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from .timeline import TaskSpan, calls_in, create_calls, idle_gaps, short_task_name  # noqa: E402

STATUS_COLOURS = {"changed": "#e08a1e", "ok": "#3a9a4a", "failed": "#c0392b", "skipped": "#c8c8c8"}
RESOURCE_COLOUR = "#2c6fbb"
PENDING_COLOUR = "#9dbbe0"


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def _noun(action: str) -> str:
    for prefix in ("Create", "Allocate", "Run", "Request"):
        if action.startswith(prefix):
            return _snake(action[len(prefix) :])
    return _snake(action)


def _label(text: str, width: int = 58) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_run(
    path: Path,
    title: str,
    run_start: float,
    run_end: float,
    spans: list[TaskSpan],
    records: list[dict[str, Any]],
    resources: list[dict[str, Any]] | None,
    critical_path: float | None = None,
) -> Path:
    """Write the chart to ``path`` (PNG) and return it. Times are seconds from the start of the playbook process."""

    def t(x: float) -> float:
        return float(x) - run_start

    # -- top panel rows: latency-managed resources (bars), then instant resources (create call points) ----------
    resource_rows: list[tuple[str, float, float, bool]] = []
    kinds = set()
    for r in sorted(resources or [], key=lambda r: float(r.get("created") or 0)):
        if r.get("created") is None:
            continue
        kinds.add(_snake(str(r.get("kind", ""))).replace("-", "_"))
        ready = r.get("ready")
        resource_rows.append(
            (
                f"{r.get('kind', '?')} {r.get('id', '')}",
                t(r["created"]),
                t(ready if ready is not None else run_end),
                ready is not None,
            )
        )
    point_rows: dict[str, list[float]] = {}
    for c in create_calls(records):
        if _noun(str(c["action"])) in kinds:
            continue  # already drawn as a bar from the timeline
        point_rows.setdefault(f"{c.get('service')} {c['action']}", []).append(t(c["ts"]))

    executed = [s for s in spans if s.status != "skipped"]
    skipped = [s for s in spans if s.status == "skipped"]
    n_top = max(1, len(resource_rows) + len(point_rows))
    n_bottom = max(1, len(executed) + (1 if skipped else 0))
    height = min(60.0, 1.6 + 0.22 * (n_top + n_bottom))
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        sharex=True,
        figsize=(15, height),
        gridspec_kw={"height_ratios": [n_top + 1, n_bottom + 1]},
        layout="constrained",
    )

    labels: list[str] = []
    y = 0
    for label, a, b, ready in resource_rows:
        top.barh(
            y,
            max(b - a, 0.05),
            left=a,
            height=0.6,
            color=RESOURCE_COLOUR if ready else PENDING_COLOUR,
            hatch=None if ready else "//",
            edgecolor="black",
            linewidth=0.3,
        )
        top.text(b, y, f" {b - a:.1f}s" + ("" if ready else " (not ready)"), va="center", fontsize=7)
        labels.append(_label(label))
        y += 1
    for label, times in point_rows.items():
        top.plot(times, [y] * len(times), "o", color="#555555", markersize=4)
        labels.append(_label(f"{label} ×{len(times)}"))
        y += 1
    if not labels:
        labels.append("(no resource created)")
    top.set_yticks(range(len(labels)), labels, fontsize=7)
    top.set_ylim(len(labels) - 0.5, -0.7)
    top.set_title(
        "AWS resources: create -> ready (bars, emulator timeline); instant creates (points, request log)",
        fontsize=9,
        loc="left",
    )
    if resources is None:
        top.text(
            0.99,
            0.02,
            "no emulator timeline: latency-managed resources not drawn",
            transform=top.transAxes,
            ha="right",
            fontsize=7,
            color="#c0392b",
        )

    tlabels: list[str] = []
    for i, s in enumerate(executed):
        bottom.barh(
            i,
            max(s.duration, 0.02),
            left=t(s.start),
            height=0.6,
            color=STATUS_COLOURS.get(s.status, "grey"),
            edgecolor="black",
            linewidth=0.2,
        )
        for a, b in idle_gaps(s, records):  # no API call for a while: a sleep or a poll delay
            bottom.barh(i, b - a, left=t(a), height=0.6, color="white", alpha=0.6, hatch="xx", linewidth=0)
        calls = [t(r["ts"]) for r in calls_in(records, s.start, s.end)]
        bottom.plot(calls, [i] * len(calls), "|", color="black", markersize=5, markeredgewidth=0.6)
        if s.duration >= 0.5:
            bottom.text(t(s.end), i, f" {s.duration:.1f}s", va="center", fontsize=6)
        tlabels.append(_label(short_task_name(s.name)))
    if skipped:
        row = len(executed)
        for s in skipped:
            bottom.barh(row, max(s.duration, 0.02), left=t(s.start), height=0.6, color=STATUS_COLOURS["skipped"])
        tlabels.append(f"skipped tasks ×{len(skipped)} ({sum(s.duration for s in skipped):.1f}s)")
    if not tlabels:
        tlabels.append("(no task)")
    bottom.set_yticks(range(len(tlabels)), tlabels, fontsize=7)
    bottom.set_ylim(len(tlabels) - 0.5, -0.7)
    bottom.set_title("Playbook tasks (json callback start -> end)", fontsize=9, loc="left")
    bottom.set_xlabel("seconds since ansible-playbook started")

    wall = run_end - run_start
    first_task = t(spans[0].start) if spans else None
    writes = sorted(float(r["ts"]) for r in records if r.get("kind") == "write")
    for ax in (top, bottom):
        ax.axvline(wall, color="black", linewidth=0.8)
        if first_task:
            ax.axvspan(0, first_task, color="#eeeeee", zorder=0)
        if critical_path is not None and writes:
            ax.axvline(t(writes[0]) + critical_path, color="#c0392b", linestyle="--", linewidth=0.9)
        ax.grid(axis="x", linestyle=":", linewidth=0.5)
    handles = [
        Patch(color=STATUS_COLOURS["changed"], label="task changed"),
        Patch(color=STATUS_COLOURS["ok"], label="task ok"),
        Patch(color=STATUS_COLOURS["skipped"], label="task skipped"),
        Patch(color=RESOURCE_COLOUR, label="resource pending -> ready"),
        Patch(facecolor="white", hatch="xx", edgecolor="grey", label="no API call for >= 2 s inside a task"),
        plt.Line2D([], [], marker="|", color="black", linestyle="", label="API call"),
        Patch(color="#eeeeee", label="ansible start-up (before the first task)"),
        plt.Line2D([], [], color="black", linewidth=0.8, label=f"process exit ({wall:.1f}s)"),
    ]
    if critical_path is not None and writes:
        handles.append(
            plt.Line2D(
                [], [], color="#c0392b", linestyle="--", label=f"first write + critical path ({critical_path:.1f}s)"
            )
        )
    fig.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=7, frameon=False)
    bottom.set_xlim(left=0, right=max(wall, 1.0) * 1.06)
    fig.suptitle(title, fontsize=11)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
