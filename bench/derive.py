"""What the `network` role creates for an architecture's local stack, as graph nodes.

This mirrors roles/network/tasks/present.yml (resources, their create calls and their real dependencies) on top of
the role's own plan filter (plugins/filter/network.py), fed with the variables the local stack gets from
roles/network/defaults, inventories/local and group_vars/<architecture>.yml. It is the reference the unit tests hold
bench/graphs/*.yml to, and prints the network part of a graph file:

    python -m bench.derive ha_multi_az
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
# The emulator's us-east-1 (moto): the role takes the first N of the sorted available zones.
EMULATOR_AZS = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
# The CIDR of a default VPC (AWS and moto), for architectures that adopt it.
DEFAULT_VPC_CIDR = "172.31.0.0/16"
SLUG = {"public": "public", "private_app": "app", "private_data": "data"}

NEEDED = (
    "stack_components",
    "network_name",
    "network_vpc_mode",
    "network_vpc_cidr",
    "network_az_count",
    "network_azs",
    "network_tiers",
    "network_subnet_newbits",
    "network_public_map_public_ip",
    "network_nat_gateways",
    "network_flow_logs_enabled",
    "network_flow_logs_destination",
    "network_s3_endpoint",
    "network_nacls_enabled",
)


@cache
def _filter_module() -> ModuleType:
    path = REPO / "plugins" / "filter" / "network.py"
    spec = importlib.util.spec_from_file_location("stacksmith_network_filter", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) or {} if path.exists() else {}


def local_stacks(inventory: Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """``{architecture: {stack: host vars}}`` of an inventory's hosts.yml (default inventories/local)."""
    inventory = inventory or REPO / "inventories" / "local"
    data = _yaml(inventory / "hosts.yml")
    children = (data.get("all") or {}).get("children") or {}
    return {arch: dict((group or {}).get("hosts") or {}) for arch, group in children.items()}


def raw_vars(architecture: str, stack: str, inventory: Path | None = None) -> dict[str, Any]:
    """The stack's variables before templating, in Ansible's precedence order (later wins)."""
    inventory = inventory or REPO / "inventories" / "local"
    merged: dict[str, Any] = {}
    for layer in (
        _yaml(REPO / "roles" / "network" / "defaults" / "main.yml"),
        _yaml(REPO / "roles" / "network" / "vars" / "main.yml"),
        _yaml(inventory / "group_vars" / "all.yml"),
        _yaml(REPO / "group_vars" / "all.yml"),
        _yaml(inventory / "group_vars" / f"{architecture}.yml"),
        _yaml(REPO / "group_vars" / f"{architecture}.yml"),
        local_stacks(inventory).get(architecture, {}).get(stack) or {},
    ):
        merged.update(layer)
    merged["inventory_hostname"] = stack
    return merged


def render_vars(raw: dict[str, Any], names: tuple[str, ...] = NEEDED) -> dict[str, Any]:
    """Template the named variables (and what they reference) with Jinja2's native types, as Ansible would."""
    from jinja2 import meta
    from jinja2.nativetypes import NativeEnvironment

    env = NativeEnvironment()
    done: dict[str, Any] = {}

    def value(name: str, stack: tuple[str, ...] = ()) -> Any:
        if name in done:
            return done[name]
        if name in stack:
            raise ValueError(f"variable {name!r} refers to itself through {' -> '.join(stack)}")
        if name not in raw:
            raise KeyError(f"variable {name!r} is not defined for this stack")
        done[name] = render(raw[name], stack + (name,))
        return done[name]

    def render(item: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(item, str) and ("{{" in item or "{%" in item):
            refs = meta.find_undeclared_variables(env.parse(item))
            context = {r: value(r, stack) for r in refs if r in raw}
            return env.from_string(item).render(context)
        if isinstance(item, list):
            return [render(i, stack) for i in item]
        if isinstance(item, dict):
            return {k: render(v, stack) for k, v in item.items()}
        return item

    return {n: value(n) for n in names if n in raw}


def stack_vars(architecture: str, stack: str | None = None, inventory: Path | None = None) -> dict[str, Any]:
    """The network variables of the architecture's (first, or named) stack in the inventory, templated."""
    stacks = local_stacks(inventory).get(architecture) or {}
    if stack is None:
        if not stacks:
            raise KeyError(f"no stack of architecture {architecture!r} in the inventory")
        stack = next(iter(stacks))
    out = render_vars(raw_vars(architecture, stack, inventory))
    out["stack"] = stack
    return out


def network_nodes(v: dict[str, Any], azs_available: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Graph nodes of what roles/network/tasks/present.yml creates for these (templated) variables."""
    f = _filter_module()
    if "network" not in (v.get("stack_components") or []):
        return {}
    adopt = v["network_vpc_mode"] == "adopt"
    azs = f.select_azs(azs_available or EMULATOR_AZS, int(v["network_az_count"]), v.get("network_azs") or [])
    prefix = v["network_name"]
    cidr = DEFAULT_VPC_CIDR if adopt else v["network_vpc_cidr"]
    plan = f.network_plan(
        cidr, v["network_tiers"], azs, v["network_nat_gateways"], prefix, int(v["network_subnet_newbits"])
    )

    def short(name: str) -> str:
        return name[len(prefix) + 1 :]

    def node(api: str | None, calls: int, after: list[str], duration: Any = 0) -> dict[str, Any]:
        out: dict[str, Any] = {"role": "network", "duration": duration}
        if api:
            out["api"] = api
        out["calls"] = calls
        out["after"] = after
        return out

    vpc = [] if adopt else ["vpc"]
    nodes: dict[str, dict[str, Any]] = {}
    if not adopt:
        # CreateVpc (tags in the request) + ModifyVpcAttribute for DNS hostnames (DNS support is on by default)
        nodes["vpc"] = node("ec2:CreateVpc", 2, [])
    subnet_node: dict[str, str] = {}
    for s in plan["subnets"]:
        name = f"subnet-{short(s['name'])}"
        subnet_node[s["cidr"]] = name
        map_public = s["public"] and v.get("network_public_map_public_ip", True)
        nodes[name] = node("ec2:CreateSubnet", 2 if map_public else 1, list(vpc))
    igw_needed = any(rt["route"] == "igw" for rt in plan["route_tables"])
    if igw_needed and not adopt:
        nodes["igw"] = node("ec2:CreateInternetGateway", 2, ["vpc"])  # create + attach
    # An adopted VPC's own gateway is used as is (nothing created); in create mode the role makes one.
    igw = ["igw"] if "igw" in nodes else []
    nat_nodes = []
    for nat in plan["nat_gateways"]:
        eip = f"eip-{short(nat['name'])}"
        nodes[eip] = node("ec2:AllocateAddress", 2, [])  # allocate + tag (Tag the NAT gateways' Elastic IPs)
        name = short(nat["name"])
        # a public NAT gateway needs its subnet, its address and an internet gateway on the VPC
        nodes[name] = node("ec2:CreateNatGateway", 1, [subnet_node[nat["subnet_cidr"]], eip] + igw, "nat_gateway")
        nat_nodes.append(name)
    rt_nodes = []
    for rt in plan["route_tables"]:
        name = f"rt-{short(rt['name'])}"
        subnets = [subnet_node[c] for c in rt["subnet_cidrs"]]
        routes = 0
        after = list(vpc)
        if rt["route"] == "igw":
            after += igw
            routes = 1
        elif rt["route"] == "nat":
            after.append(nat_nodes[rt["nat_index"]])  # routed only once that NAT is available
            routes = 1
        nodes[name] = node("ec2:CreateRouteTable", 1 + routes + len(subnets), after + subnets)
        rt_nodes.append(name)
    if v.get("network_flow_logs_enabled"):
        if v.get("network_flow_logs_destination", "cloud-watch-logs") == "cloud-watch-logs":
            nodes["flow-log-group"] = node("logs:CreateLogGroup", 2, [])  # create + retention
            nodes["flow-log-role"] = node("iam:CreateRole", 1, [])
            nodes["flow-log-role-policy"] = node("iam:PutRolePolicy", 1, ["flow-log-group", "flow-log-role"])
            nodes["flow-log"] = node("ec2:CreateFlowLogs", 1, list(vpc) + ["flow-log-group", "flow-log-role-policy"])
        else:
            nodes["flow-log"] = node("ec2:CreateFlowLogs", 1, list(vpc))
    if v.get("network_s3_endpoint") and rt_nodes:
        nodes["s3-endpoint"] = node("ec2:CreateVpcEndpoint", 1, list(vpc) + rt_nodes)
    if v.get("network_nacls_enabled"):
        rules = _yaml(REPO / "roles" / "network" / "vars" / "main.yml")["__network_nacl_rules"]
        for tier in dict.fromkeys(s["tier"] for s in plan["subnets"]):
            subnets = [subnet_node[s["cidr"]] for s in plan["subnets"] if s["tier"] == tier]
            entries = len(rules[tier]["ingress"]) + len(rules[tier]["egress"])
            # create + one call per rule + one association replacement per subnet
            nodes[f"nacl-{SLUG[tier]}"] = node("ec2:CreateNetworkAcl", 1 + entries + len(subnets), list(vpc) + subnets)
    return nodes


def architecture_nodes(architecture: str, inventory: Path | None = None) -> dict[str, dict[str, Any]]:
    return network_nodes(stack_vars(architecture, inventory=inventory))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m bench.derive <architecture>", file=sys.stderr)
        return 2
    architecture = argv[0]
    v = stack_vars(architecture)
    print(f"architecture: {architecture}\nstack: {v['stack']}\nnodes:")
    print(dump_nodes(network_nodes(v)), end="")
    return 0


def dump_nodes(nodes: dict[str, dict[str, Any]], indent: int = 2) -> str:
    """One flow-style line per node, the layout of bench/graphs/*.yml."""
    lines = []
    for name, node in nodes.items():
        body = yaml.safe_dump(node, sort_keys=False, default_flow_style=True, width=10_000).strip()
        lines.append(f"{' ' * indent}{name}: {body}\n")
    return "".join(lines)


if __name__ == "__main__":
    sys.exit(main())
