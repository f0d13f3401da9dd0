"""Dependency graph files: ``bench/graphs/<architecture>.yml`` (format in bench/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .critical_path import GraphError, topological_order

GRAPHS_DIR = Path(__file__).resolve().parent / "graphs"
TOP_KEYS = {"architecture", "stack", "description", "nodes"}
NODE_KEYS = {"duration", "after", "role", "api", "calls", "note"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (a node defined twice is a mistake)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise GraphError(f"line {key_node.start_mark.line + 1}: {key!r} is defined twice")
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class Graph:
    architecture: str
    nodes: dict[str, dict[str, Any]]
    stack: str | None = None
    description: str = ""
    path: Path | None = None
    order: list[str] = field(default_factory=list)

    def api_counts(self) -> dict[str, int]:
        """``{"ec2:CreateSubnet": 6, ...}``: how many nodes each create call makes."""
        counts: dict[str, int] = {}
        for node in self.nodes.values():
            if node.get("api"):
                counts[node["api"]] = counts.get(node["api"], 0) + 1
        return counts

    def expected_writes(self) -> int:
        return int(sum(node.get("calls", 1) for node in self.nodes.values()))

    def profile_keys(self) -> set[str]:
        return {n["duration"].partition(".")[0] for n in self.nodes.values() if isinstance(n["duration"], str)}


def parse_graph(data: Any, source: str = "<graph>") -> Graph:
    """Validate the structure of a loaded graph file and return it (dependencies and cycles are checked)."""
    if not isinstance(data, dict):
        raise GraphError(f"{source}: a graph file is a mapping with 'architecture' and 'nodes'")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise GraphError(f"{source}: unknown top-level keys {sorted(unknown)} (allowed: {sorted(TOP_KEYS)})")
    if not isinstance(data.get("architecture"), str):
        raise GraphError(f"{source}: 'architecture' (a string) is required")
    nodes = data.get("nodes")
    if not isinstance(nodes, dict):
        raise GraphError(f"{source}: 'nodes' must be a mapping of node name to node")
    clean: dict[str, dict[str, Any]] = {}
    for name, node in nodes.items():
        where = f"{source}: node {name!r}"
        if not isinstance(node, dict):
            raise GraphError(f"{where}: must be a mapping with at least 'duration'")
        bad = set(node) - NODE_KEYS
        if bad:
            raise GraphError(f"{where}: unknown keys {sorted(bad)} (allowed: {sorted(NODE_KEYS)})")
        if "duration" not in node:
            raise GraphError(f"{where}: 'duration' is required (a profile key or a number of seconds)")
        duration = node["duration"]
        if isinstance(duration, bool) or not isinstance(duration, str | int | float):
            raise GraphError(f"{where}: 'duration' must be a profile key or a number, got {duration!r}")
        if not isinstance(duration, str) and duration < 0:
            raise GraphError(f"{where}: 'duration' cannot be negative")
        after = node.get("after", [])
        if not isinstance(after, list) or not all(isinstance(d, str) for d in after):
            raise GraphError(f"{where}: 'after' must be a list of node names")
        calls = node.get("calls", 1)
        if isinstance(calls, bool) or not isinstance(calls, int) or calls < 0:
            raise GraphError(f"{where}: 'calls' must be a non-negative integer")
        api = node.get("api")
        if api is not None and (not isinstance(api, str) or ":" not in api):
            raise GraphError(f"{where}: 'api' is '<service>:<Action>' (e.g. ec2:CreateSubnet), got {api!r}")
        clean[str(name)] = {**node, "after": list(after), "calls": calls}
    try:
        order = topological_order(clean)
    except GraphError as e:
        raise GraphError(f"{source}: {e}") from e
    return Graph(
        architecture=data["architecture"],
        nodes=clean,
        stack=data.get("stack"),
        description=str(data.get("description") or ""),
        order=order,
    )


def load_graph(path: str | Path) -> Graph:
    path = Path(path)
    try:
        data = yaml.load(path.read_text(), Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise GraphError(f"{path}: not valid YAML: {e}") from e
    except GraphError as e:
        raise GraphError(f"{path}: {e}") from e
    graph = parse_graph(data, str(path))
    if graph.architecture != path.stem:
        raise GraphError(f"{path}: 'architecture' is {graph.architecture!r} but the file is named {path.stem!r}")
    graph.path = path
    return graph


def graph_path(architecture: str, graphs_dir: Path = GRAPHS_DIR) -> Path:
    return graphs_dir / f"{architecture}.yml"


def available_graphs(graphs_dir: Path = GRAPHS_DIR) -> list[str]:
    return sorted(p.stem for p in graphs_dir.glob("*.yml"))
