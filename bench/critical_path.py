"""Critical path of a stack's dependency graph: the shortest time any deployment tool could take.

A graph is ``{name: {"duration": ..., "after": [...], "calls": n}}`` (see bench/README.md). Each node
costs ``duration * scale + api_floor * calls``:

* ``duration`` is a number of seconds, or a key of the emulator's latency profile (``nat_gateway``),
  optionally with an explicit phase (``nat_gateway.delete``). A profile value is either a number or a
  mapping of phases (``{"create": 100, "update": 30, "delete": 60}``); the ``phase`` argument picks one.
* ``scale`` is the emulator's latency scale (0.1: every latency is a tenth of AWS's). Numbers in the graph
  are AWS seconds too, so they are scaled the same way.
* ``api_floor`` is a fixed cost per API call (``calls``, default 1), for the time a call takes at best.

The critical path is the longest path through the DAG with those costs: every node starts when the last
of its ``after`` nodes has finished. Among paths of equal cost the one with more nodes wins (so zero-cost
steps after the last wait still show), then the first in file / ``after`` order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PHASES = ("create", "update", "delete")


class GraphError(ValueError):
    """The graph or the profile cannot give a critical path (the message says why)."""


class CycleError(GraphError):
    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("dependency cycle: " + " -> ".join(cycle))


class UnknownDependencyError(GraphError):
    def __init__(self, missing: list[tuple[str, str]]) -> None:
        self.missing = missing
        super().__init__(
            "unknown dependencies: " + ", ".join(f"{node!r} is after unknown node {dep!r}" for node, dep in missing)
        )


class UnknownProfileKeyError(GraphError):
    pass


@dataclass
class CriticalPath:
    total: float
    path: list[str]
    # earliest start and finish of every node (seconds from the start of the deployment)
    schedule: dict[str, tuple[float, float]] = field(default_factory=dict)
    costs: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": round(self.total, 3),
            "path": list(self.path),
            "path_costs": {n: round(self.costs[n], 3) for n in self.path},
        }


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GraphError(f"{where}: expected a number of seconds, got {value!r}")
    if value < 0:
        raise GraphError(f"{where}: a duration cannot be negative ({value})")
    return float(value)


def resolve_duration(duration: Any, profile: Mapping[str, Any] | None = None, phase: str = "create") -> float:
    """AWS seconds of a node's ``duration`` (a number, ``key`` or ``key.phase`` of the profile), unscaled."""
    if not isinstance(duration, str):
        return _number(duration, "duration")
    key, _, explicit = duration.partition(".")
    if explicit:
        phase = explicit
    if phase not in PHASES:
        raise GraphError(f"duration {duration!r}: unknown phase {phase!r} (known: {', '.join(PHASES)})")
    profile = profile or {}
    if key not in profile:
        known = ", ".join(sorted(profile)) or "none: the profile is empty"
        raise UnknownProfileKeyError(f"duration {duration!r}: {key!r} is not a key of the latency profile ({known})")
    value = profile[key]
    if isinstance(value, Mapping):
        if phase not in value:
            raise UnknownProfileKeyError(
                f"duration {duration!r}: profile key {key!r} has no {phase!r} value (it has: {', '.join(value)})"
            )
        value = value[phase]
    return _number(value, f"profile[{key!r}][{phase!r}]" if isinstance(profile[key], Mapping) else f"profile[{key!r}]")


def _deps(name: str, node: Mapping[str, Any]) -> list[str]:
    after = node.get("after") or []
    if isinstance(after, str) or not isinstance(after, list | tuple):
        raise GraphError(f"node {name!r}: 'after' must be a list of node names, got {after!r}")
    return [str(d) for d in after]


def topological_order(nodes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Nodes in dependency order (stable: file order among ready nodes); raises on unknown deps and cycles."""
    deps = {name: _deps(name, node) for name, node in nodes.items()}
    missing = [(n, d) for n, ds in deps.items() for d in ds if d not in nodes]
    if missing:
        raise UnknownDependencyError(missing)
    order: list[str] = []
    done: set[str] = set()
    remaining = list(nodes)
    while remaining:
        ready = [n for n in remaining if all(d in done for d in deps[n])]
        if not ready:
            raise CycleError(_find_cycle(remaining, deps))
        for n in ready:
            order.append(n)
            done.add(n)
        remaining = [n for n in remaining if n not in done]
    return order


def _find_cycle(candidates: list[str], deps: Mapping[str, list[str]]) -> list[str]:
    """One cycle among the nodes that could not be ordered, as [a, b, ..., a] (a after b after ... after a)."""
    blocked = set(candidates)
    state: dict[str, int] = {}  # 1: on the stack, 2: finished
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for d in deps[n]:
            if d not in blocked:
                continue
            if state.get(d) == 1:
                return stack[stack.index(d) :] + [d]
            if d not in state:
                found = visit(d)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in candidates:
        if n not in state:
            found = visit(n)
            if found:
                return found
    return list(candidates)  # not reached: a blocked set always holds a cycle


def node_cost(
    name: str,
    node: Mapping[str, Any],
    profile: Mapping[str, Any] | None = None,
    scale: float = 1.0,
    api_floor: float = 0.0,
    phase: str = "create",
) -> float:
    if "duration" not in node:
        raise GraphError(f"node {name!r} has no duration")
    try:
        seconds = resolve_duration(node["duration"], profile, phase)
    except GraphError as e:
        raise type(e)(f"node {name!r}: {e}") from None
    calls = node.get("calls", 1)
    calls = _number(calls, f"node {name!r}: calls")
    return seconds * float(scale) + float(api_floor) * calls


def critical_path(
    nodes: Mapping[str, Mapping[str, Any]],
    profile: Mapping[str, Any] | None = None,
    scale: float = 1.0,
    api_floor: float = 0.0,
    phase: str = "create",
) -> CriticalPath:
    """Longest path through the DAG; every node costs ``duration * scale + api_floor * calls``."""
    if scale < 0 or api_floor < 0:
        raise GraphError(f"scale ({scale}) and api_floor ({api_floor}) cannot be negative")
    order = topological_order(nodes)
    costs = {n: node_cost(n, nodes[n], profile, scale, api_floor, phase) for n in order}
    schedule: dict[str, tuple[float, float]] = {}
    via: dict[str, str | None] = {}
    hops: dict[str, int] = {}  # nodes on the chosen chain ending at this node
    for n in order:
        best = None
        for d in _deps(n, nodes[n]):
            # the latest-finishing dependency; on a tie the longer chain, then the first listed
            if best is None or (schedule[d][1], hops[d]) > (schedule[best][1], hops[best]):
                best = d
        start = schedule[best][1] if best is not None else 0.0
        schedule[n] = (start, start + costs[n])
        via[n] = best
        hops[n] = 1 + (hops[best] if best is not None else 0)
    if not order:
        return CriticalPath(0.0, [], {}, {})
    # max() keeps the first of equal keys: the longest chain among the latest-finishing nodes, then file order
    end = max(order, key=lambda n: (schedule[n][1], hops[n]))
    path = [end]
    while via[path[-1]] is not None:
        path.append(via[path[-1]])  # type: ignore[arg-type]
    path.reverse()
    return CriticalPath(schedule[end][1], path, schedule, costs)
