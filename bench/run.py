"""``python -m bench``: converge, re-run, check and tear down each architecture's local stack on the emulator.

For each architecture with a stack in the inventory (or only ``--architecture``): a fresh in-process emulator on
a free loopback port, latency scale set, state reset; then for that stack (``--limit``): cold converge, critical
path, no-op re-run, ``--check``, teardown. Writes bench/out/results.json, results.md and timeline-<arch>.png.
It reports numbers and never fails on one: the exit status is non-zero only when a playbook fails (1) or the
arguments are refused (2).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from . import emulator_api
from .critical_path import GraphError, critical_path
from .derive import REPO, local_stacks
from .graph import graph_path, load_graph
from .loopback import NotLoopbackError, is_loopback, require_loopback
from .report import goals, markdown
from .timeline import TaskSpan, breakdown, create_calls, task_spans

DEFAULT_OUT = REPO / "bench" / "out"
DEFAULT_INVENTORY = REPO / "inventories" / "local"


def load_harness() -> ModuleType:
    """tests/harness.py (run_playbook with the json callback, loopback-only environment), imported by path."""
    path = REPO / "tests" / "harness.py"
    spec = importlib.util.spec_from_file_location("stacksmith_test_harness", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--architecture",
        "-a",
        action="append",
        help="only this architecture (repeatable); default: every architecture with a stack in the inventory",
    )
    p.add_argument("--scale", type=float, default=0.1, help="emulator latency scale (default 0.1: a tenth of AWS)")
    p.add_argument(
        "--api-floor", type=float, default=0.0, help="seconds added per API call of a graph node (default 0)"
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default bench/out)")
    p.add_argument("--inventory", type=Path, default=DEFAULT_INVENTORY, help="inventory (default inventories/local)")
    p.add_argument("--host", default="127.0.0.1", help="loopback address for the emulator (default 127.0.0.1)")
    p.add_argument("--timeout", type=int, default=1800, help="seconds before a playbook run is abandoned")
    p.add_argument("--no-plot", action="store_true", help="skip the Gantt charts")
    return p.parse_args(argv)


@dataclass
class Stage:
    name: str
    playbook: str
    rc: int
    wall: float
    start: float
    end: float
    changed: int
    records: list[dict[str, Any]]
    spans: list[TaskSpan] = field(default_factory=list)
    changed_tasks: list[str] = field(default_factory=list)
    failure: str = ""
    server_summary: dict[str, Any] | None = None

    def as_dict(self, resources: list[dict[str, Any]] | None = None, cp: float | None = None) -> dict[str, Any]:
        api = emulator_api.summarize_requests(self.records)
        out: dict[str, Any] = {
            "playbook": self.playbook,
            "rc": self.rc,
            "wall": round(self.wall, 3),
            "changed": self.changed,
            "changed_tasks": self.changed_tasks,
            "api": api,
            "write_calls": [f"{r['service']}:{r['action']}" for r in self.records if r.get("kind") == "write"],
            "breakdown": breakdown(self.start, self.end, self.spans, self.records, resources, cp),
            "tasks": [s.as_dict(self.start) for s in self.spans],
        }
        if self.server_summary is not None:
            theirs = {k: self.server_summary.get(k) for k in ("total", "reads", "writes")}
            ours = {k: api[k] for k in ("total", "reads", "writes")}
            out["emulator_summary"] = theirs
            if theirs != ours:
                out["accounting_note"] = f"the emulator's /summary counts {theirs}, the request log {ours}"
        if self.failure:
            out["failure"] = self.failure[-4000:]
        return out


def run_stage(
    harness: ModuleType,
    client: Any,
    name: str,
    playbook: str,
    inventory: Path,
    stack: str,
    outputs_dir: Path,
    timeout: int,
    check: bool = False,
) -> Stage:
    mark = client.mark()
    start = time.time()
    t0 = time.perf_counter()
    try:
        run = harness.run_playbook(
            playbook, inventory, client.endpoint, limit=stack, check=check, outputs_dir=outputs_dir, timeout=timeout
        )
        rc, plays, stats = run.rc, run.plays, run.stats
        failure = "" if rc == 0 else run.failure_messages()
        changed = run.changed(stack)
        changed_tasks = run.changed_tasks(stack)
    except subprocess.TimeoutExpired:
        rc, plays, stats, changed, changed_tasks = 124, [], {}, 0, []
        failure = f"{playbook}: no answer after {timeout}s"
    wall = time.perf_counter() - t0
    end = start + wall
    if rc == 0 and not stats:
        rc, failure = 1, f"{playbook}: no json callback output"
    records = client.requests(since=mark)
    server_summary = None
    if hasattr(client, "summary"):  # the emulator's own accounting, when it has it: a cross-check of ours
        try:
            server_summary = client.summary(since=mark)
        except Exception:  # noqa: BLE001 - an older emulator: our own count stands
            server_summary = None
    spans = task_spans(plays, stack)
    return Stage(name, playbook, rc, wall, start, end, changed, records, spans, changed_tasks, failure, server_summary)


# Create* calls that add to a resource rather than make one: not graph nodes.
NOT_RESOURCES = {"ec2:CreateTags", "ec2:CreateRoute", "ec2:CreateNetworkAclEntry", "logs:CreateLogStream"}


def graph_check(graph: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare the converge's calls with the graph: each node's ``api`` call once per node, no resource-creating call
    without a node, and as many successful writes as the nodes' ``calls`` add up to."""
    expected = graph.api_counts()
    made: dict[str, int] = {}
    for r in records:
        key = f"{r['service']}:{r['action']}"
        if r.get("kind") != "write" or int(r.get("status") or 0) >= 400:
            continue
        if key in expected or (r in create_calls([r]) and key not in NOT_RESOURCES):
            made[key] = made.get(key, 0) + 1
    notes = []
    for api in sorted(set(made) | set(expected)):
        if made.get(api, 0) != expected.get(api, 0):
            notes.append(f"{api}: {made.get(api, 0)} call(s) in the converge, {expected.get(api, 0)} graph node(s)")
    writes = sum(1 for r in records if r.get("kind") == "write" and int(r.get("status") or 0) < 400)
    if writes != graph.expected_writes():
        notes.append(
            f"{writes} successful writes in the converge; the graph's nodes add up to {graph.expected_writes()}"
        )
    return {
        "calls_by_api": made,
        "graph_nodes_by_api": expected,
        "writes": writes,
        "graph_calls": graph.expected_writes(),
        "notes": notes,
    }


def _window(resources: list[dict[str, Any]] | None, start: float, end: float, key: str) -> list[dict[str, Any]] | None:
    if resources is None:
        return None
    return [r for r in resources if r.get(key) is not None and start - 1 <= float(r[key]) <= end + 1]


def bench_architecture(
    harness: ModuleType, architecture: str, stack: str, args: argparse.Namespace, log: Any = print
) -> dict[str, Any]:
    from emulator.client import EmulatorClient
    from emulator.server import EmulatorServer

    result: dict[str, Any] = {"architecture": architecture, "stack": stack, "notes": []}
    server = EmulatorServer(host=args.host, port=0).start()
    try:
        client = EmulatorClient(require_loopback(server.endpoint))
        client.reset()
        latency = emulator_api.configure_latency(client, args.scale)
        result["latency"] = latency.as_dict()
        if latency.note:
            log(f"[{architecture}] latency: {latency.note}")

        cp = None
        try:
            graph = load_graph(graph_path(architecture))
            if graph.stack and graph.stack != stack:
                result["notes"].append(f"the graph describes stack {graph.stack!r}, the benchmark ran {stack!r}")
            path = critical_path(graph.nodes, latency.profile, latency.scale, args.api_floor)
            cp = path.total
            result["critical_path"] = path.as_dict()
            result["critical_path"]["nodes"] = len(graph.nodes)
        except FileNotFoundError:
            graph = None
            result["critical_path"] = {
                "total": None,
                "path": [],
                "error": f"no graph file bench/graphs/{architecture}.yml",
            }
        except GraphError as e:
            graph = None
            result["critical_path"] = {"total": None, "path": [], "error": str(e)}

        with tempfile.TemporaryDirectory(prefix="bench-outputs-") as tmp:
            outputs = Path(tmp)

            def stage(name: str, playbook: str, check: bool = False) -> Stage:
                log(
                    f"[{architecture}] {name}: ansible-playbook {playbook} --limit {stack}{' --check' if check else ''}"
                )
                s = run_stage(harness, client, name, playbook, args.inventory, stack, outputs, args.timeout, check)
                writes = sum(1 for r in s.records if r.get("kind") == "write")
                log(
                    f"[{architecture}] {name}: rc={s.rc} {s.wall:.1f}s changed={s.changed} "
                    f"api={len(s.records)} writes={writes}"
                )
                if s.rc:
                    log(f"[{architecture}] {name} failed:\n{s.failure[-2000:]}")
                return s

            converge = stage("converge", "site.yml")
            resources = emulator_api.timeline(client)
            if resources is None:
                result["notes"].append("the emulator has no timeline: no resource bars in the Gantt chart")
            created = _window(resources, converge.start, converge.end, "created")
            result["converge"] = converge.as_dict(created, cp)
            result["ratio"] = round(converge.wall / cp, 3) if cp and converge.rc == 0 else None
            if graph is not None and converge.rc == 0:
                result["graph_check"] = graph_check(graph, converge.records)
            if not args.no_plot:
                from .gantt import plot_run

                png = args.out / f"timeline-{architecture}.png"
                title = (
                    f"{architecture} ({stack}): cold converge {converge.wall:.1f}s, critical path "
                    f"{'n/a' if cp is None else f'{cp:.1f}s'}, latency scale {latency.scale}"
                )
                plot_run(png, title, converge.start, converge.end, converge.spans, converge.records, created, cp)
                result["timeline_png"] = str(png.relative_to(REPO) if png.is_relative_to(REPO) else png)
            if converge.rc == 0:
                result["noop"] = stage("noop", "site.yml").as_dict()
                result["check"] = stage("check", "site.yml", check=True).as_dict()
            else:
                result["notes"].append("the converge failed: no-op and check runs skipped")
            teardown = stage("teardown", "playbooks/teardown.yml")
            after = emulator_api.timeline(client)
            result["teardown"] = teardown.as_dict(
                None if after is None else _delete_window(after, teardown.start, teardown.end)
            )
        result["goals"] = goals(result)
    finally:
        server.stop()
    return result


def _delete_window(resources: list[dict[str, Any]], start: float, end: float) -> list[dict[str, Any]]:
    """Timeline records as (deleted -> delete_done) intervals, for the teardown's breakdown."""
    out = []
    for r in resources:
        if r.get("deleted") is not None and start - 1 <= float(r["deleted"]) <= end + 1:
            out.append({**r, "created": r["deleted"], "ready": r.get("delete_done")})
    return out


def select(inventory: Path, only: list[str] | None) -> tuple[list[tuple[str, str]], list[str]]:
    """[(architecture, stack)] to run (the first stack of each architecture) and notes; KeyError for unknown."""
    stacks = local_stacks(inventory)
    notes = []
    chosen = []
    for arch in only or list(stacks):
        hosts = stacks.get(arch)
        if not hosts:
            raise KeyError(f"architecture {arch!r} has no stack in {inventory} (known: {', '.join(stacks) or 'none'})")
        names = list(hosts)
        if len(names) > 1:
            notes.append(f"{arch}: benchmarking {names[0]}; other stacks ignored: {', '.join(names[1:])}")
        chosen.append((arch, names[0]))
    return chosen, notes


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name, mod in (("ansible-core", "ansible.release"), ("moto", "moto"), ("boto3", "boto3")):
        try:
            m = __import__(mod, fromlist=["__version__"])
            out[name] = getattr(m, "__version__", "?")
        except ImportError:
            out[name] = "missing"
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not is_loopback(args.host):
        print(
            f"python -m bench: --host {args.host!r}: the emulator only ever binds a loopback address", file=sys.stderr
        )
        return 2
    for var in ("STACKSMITH_ENDPOINT", "AWS_ENDPOINT_URL"):
        value = os.environ.get(var)
        if value:
            try:
                require_loopback(value)
            except NotLoopbackError as e:
                print(f"python -m bench: {var}: {e}", file=sys.stderr)
                return 2
    if args.scale < 0 or args.api_floor < 0:
        print("python -m bench: --scale and --api-floor cannot be negative", file=sys.stderr)
        return 2
    args.inventory = args.inventory.resolve()
    args.out = args.out.resolve()
    try:
        chosen, notes = select(args.inventory, args.architecture)
    except KeyError as e:
        print(f"python -m bench: {e.args[0]}", file=sys.stderr)
        return 2

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    sys.path.insert(0, str(REPO))  # the emulator package
    harness = load_harness()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {"cpus": os.cpu_count(), "platform": platform.platform(), **_versions()},
        "scale": args.scale,
        "api_floor": args.api_floor,
        "inventory": str(args.inventory),
        "notes": notes,
        "architectures": [],
    }
    failed = False
    for architecture, stack in chosen:
        res = bench_architecture(harness, architecture, stack, args)
        results["architectures"].append(res)
        results["latency"] = {k: v for k, v in res.get("latency", {}).items() if k != "profile"} | {
            "profile": res.get("latency", {}).get("profile")
        }
        failed |= any((res.get(s) or {}).get("rc", 0) != 0 for s in ("converge", "noop", "check", "teardown"))
        # written after every architecture, so an interrupted run keeps what it measured
        (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        (args.out / "results.md").write_text(markdown(results))
    print(f"\nresults: {args.out / 'results.md'}\n")
    print(markdown(results).split("\n## Goals")[0].split("\n", 2)[2])
    return 1 if failed else 0
