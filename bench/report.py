"""results.md: the table, the goals and where the time went."""

from __future__ import annotations

from typing import Any

# The targets of issue 10 ("one module process per resource set"): cold converge within 1.5x the critical path;
# a no-op re-run and a --check of the converged stack within a bound per architecture, with zero writes; a no-op
# making no more API calls than before that work (300 and 186, measured 2026-12-06).
GOAL_RATIO = 1.5
GOAL_NOOP_SECONDS_DEFAULT = 10.0
GOAL_NOOP_SECONDS = {"fargate_spot_waf": 10.0, "fargate_alb_efs": 15.0}
GOAL_NOOP_API_CALLS = {"fargate_spot_waf": 186, "fargate_alb_efs": 300}

COLUMNS = [
    ("architecture", "architecture"),
    ("cold converge s", "converge_s"),
    ("critical path s", "critical_path_s"),
    ("ratio", "ratio"),
    ("no-op s", "noop_s"),
    ("no-op changed", "noop_changed"),
    ("no-op writes", "noop_writes"),
    ("no-op API calls", "noop_api_calls"),
    ("check s", "check_s"),
    ("check writes", "check_writes"),
    ("teardown s", "teardown_s"),
]


def _get(d: dict[str, Any] | None, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def row(arch: dict[str, Any]) -> dict[str, Any]:
    """The flat row of the results table for one architecture's results."""
    cp = arch.get("critical_path") or {}
    return {
        "architecture": arch["architecture"],
        "converge_s": _get(arch, "converge", "wall"),
        "critical_path_s": cp.get("total"),
        "ratio": arch.get("ratio"),
        "noop_s": _get(arch, "noop", "wall"),
        "noop_changed": _get(arch, "noop", "changed"),
        "noop_writes": _get(arch, "noop", "api", "writes"),
        "noop_api_calls": _get(arch, "noop", "api", "total"),
        "check_s": _get(arch, "check", "wall"),
        "check_writes": _get(arch, "check", "api", "writes"),
        "teardown_s": _get(arch, "teardown", "wall"),
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def noop_bound(architecture: str) -> float:
    return GOAL_NOOP_SECONDS.get(architecture, GOAL_NOOP_SECONDS_DEFAULT)


def goals(arch: dict[str, Any]) -> dict[str, bool | None]:
    """Each goal met (True), missed (False) or not measurable (None). Reported, never enforced."""
    r = row(arch)
    ratio = r["ratio"]
    bound = noop_bound(r["architecture"])

    def within(seconds: Any, writes: Any) -> bool | None:
        if seconds is None or writes is None:
            return None
        return seconds <= bound and writes == 0

    baseline = GOAL_NOOP_API_CALLS.get(r["architecture"])
    calls = r["noop_api_calls"]
    return {
        "converge_within_ratio": None if ratio is None else ratio <= GOAL_RATIO,
        "noop_within_bound_zero_writes": within(r["noop_s"], r["noop_writes"]),
        "check_within_bound_zero_writes": within(r["check_s"], r["check_writes"]),
        "noop_api_calls_not_more": None if baseline is None or calls is None else calls <= baseline,
    }


def _mark(v: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "n/a"}[v]


def table(results: dict[str, Any]) -> str:
    lines = [
        "| " + " | ".join(h for h, _ in COLUMNS) + " |",
        "|" + "|".join("---" if k == "architecture" else "---:" for _, k in COLUMNS) + "|",
    ]
    for arch in results["architectures"]:
        r = row(arch)
        lines.append("| " + " | ".join(_fmt(r[k]) for _, k in COLUMNS) + " |")
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    lat = results.get("latency") or {}
    out = [
        "# Benchmark results",
        "",
        f"Generated {results.get('generated')} on {results.get('host', {}).get('cpus')} CPUs; "
        f"latency scale {lat.get('scale')} (asked {lat.get('requested_scale')}), "
        f"API floor {results.get('api_floor')} s per call. Times are wall seconds of `ansible-playbook` for one "
        "stack (`--limit`).",
        "",
    ]
    if not lat.get("available", True):
        out += [f"> Latency: {lat.get('note')}", ""]
    elif lat.get("note"):
        out += [f"> Latency: {lat.get('note')}", ""]
    out += [table(results), ""]
    out += [
        "## Goals",
        "",
        f"Bounds: no-op and check <= {GOAL_NOOP_SECONDS_DEFAULT:.0f} s unless listed "
        f"({', '.join(f'{a} {b:.0f} s' for a, b in sorted(GOAL_NOOP_SECONDS.items()))}); no-op API calls no more than "
        f"{', '.join(f'{a} {n}' for a, n in sorted(GOAL_NOOP_API_CALLS.items()))}.",
        "",
        f"| architecture | converge <= {GOAL_RATIO}x critical path | no-op within bound, 0 writes "
        "| check within bound, 0 writes | no-op API calls not more | playbooks |",
        "|---|---|---|---|---|---|",
    ]
    for arch in results["architectures"]:
        g = goals(arch)
        failed = [s for s in ("converge", "noop", "check", "teardown") if _get(arch, s, "rc") not in (0, None)]
        out.append(
            f"| {arch['architecture']} | {_mark(g['converge_within_ratio'])} | "
            f"{_mark(g['noop_within_bound_zero_writes'])} | {_mark(g['check_within_bound_zero_writes'])} | "
            f"{_mark(g['noop_api_calls_not_more'])} | "
            f"{'failed: ' + ', '.join(failed) if failed else 'ok'} |"
        )
    out += ["", "## Where the cold converge time went", ""]
    out += [
        "Seconds of the cold converge: ansible start-up before the first task, gaps between tasks, time inside "
        "executed tasks split into before their first API call (module start-up, tasks that call nothing), idle "
        "stretches of 2 s or more without a call (sleeps, poll delays) and the rest (calling AWS), skipped tasks, "
        "the tail after the last task; AWS pending is when at least one latency-managed resource was not ready.",
        "",
        "| architecture | wall | start-up | between tasks | tasks: before 1st call | tasks: idle >= 2 s "
        "| tasks: calling AWS | skipped tasks | tail | AWS pending | not waiting on AWS | API calls (writes) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for arch in results["architectures"]:
        b = _get(arch, "converge", "breakdown") or {}
        api = _get(arch, "converge", "api") or {}
        cells = [
            b.get(k)
            for k in (
                "wall",
                "startup",
                "between_tasks",
                "task_before_first_call",
                "task_idle_gaps",
                "task_calling_aws",
                "skipped_tasks",
                "tail",
                "aws_pending",
                "not_waiting_on_aws",
            )
        ]
        out.append(
            f"| {arch['architecture']} | "
            + " | ".join(_fmt(c) for c in cells)
            + f" | {_fmt(api.get('total'))} ({_fmt(api.get('writes'))}) |"
        )
    for arch in results["architectures"]:
        cp = arch.get("critical_path") or {}
        b = _get(arch, "converge", "breakdown") or {}
        out += ["", f"### {arch['architecture']} (`{arch.get('stack')}`)", ""]
        if cp.get("path"):
            out.append(f"Critical path ({_fmt(cp.get('total'))} s): " + " -> ".join(f"`{n}`" for n in cp["path"]))
        elif cp.get("error"):
            out.append(f"Critical path: not computed ({cp['error']})")
        check = arch.get("graph_check") or {}
        if check.get("notes"):
            out.append("")
            out += [f"- graph check: {n}" for n in check["notes"]]
        for r in b.get("resources") or []:
            lag = r.get("next_write_after_ready")
            out.append(
                f"- `{r['kind']}` {r['id']} ({r['phase']}): created at {_fmt(r['created'])} s, ready at "
                f"{_fmt(r['ready'])} s ({_fmt(r['pending'])} s pending); next write "
                + ("none" if lag is None else f"{_fmt(lag)} s after it was ready")
            )
        if b.get("idle_gaps"):
            out.append(
                "- idle stretches inside tasks: "
                + "; ".join(f"{g['task']} at {_fmt(g['at'])} s: {_fmt(g['s'])} s" for g in b["idle_gaps"][:6])
            )
        if b.get("top_tasks"):
            out += [
                "",
                "| longest converge tasks | status | start s | s | API calls | writes |",
                "|---|---|---:|---:|---:|---:|",
            ]
            for t in b["top_tasks"]:
                out.append(
                    f"| {t['name']} | {t['status']} | {_fmt(t['start'])} | {_fmt(t['duration'])} | {t['api_calls']} "
                    f"| {t['writes']} |"
                )
        for stage in ("noop", "check"):
            writes = _get(arch, stage, "write_calls")
            if writes:
                out.append(f"\n{stage} wrote: " + ", ".join(f"`{w}`" for w in writes))
        if arch.get("timeline_png"):
            out.append(f"\nGantt: `{arch['timeline_png']}`")
        for note in arch.get("notes") or []:
            out.append(f"\n> {note}")
    return "\n".join(out) + "\n"
