# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn the `network` role's variables into a concrete subnet and routing plan.

The plan is computed here, in one pure function, so that every input error the argument spec
cannot express (a malformed CIDR, more AZs than the region has, a NAT count larger than the AZ
count, overlapping tiers) fails before any AWS write call, with a message naming the variable.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: network_plan
short_description: Compute the subnets and route tables of a stacksmith network
description:
  - Takes the VPC CIDR, the tiers, the AZ names and the NAT gateway count and returns the list of
    subnets (tier, AZ, CIDR, name, public) and route tables (name, tier, route target, AZ,
    subnets) the C(network) role creates.
  - Fails with a message naming the offending variable on invalid input.
positional: _input
options:
  _input:
    description: The VPC CIDR (C(network_vpc_cidr)).
    type: str
    required: true
"""

TIER_NAMES = ("public", "private_app", "private_data")
TIER_DEFAULT_ROUTE = {"public": "igw", "private_app": "nat", "private_data": "none"}
TIER_DEFAULT_OFFSET = {"public": 0, "private_app": 10, "private_data": 20}
TIER_SLUG = {"public": "public", "private_app": "app", "private_data": "data"}
# What a preview publishes for an id that exists only once the converge has run.
KNOWN_AFTER_APPLY = "(known after apply)"


def _fail(variable: str, message: str) -> None:
    raise AnsibleFilterError(f"{variable}: {message}")


def _parse_vpc_cidr(vpc_cidr: Any) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(str(vpc_cidr), strict=True)
    except ValueError as e:
        _fail("network_vpc_cidr", f"'{vpc_cidr}' is not a valid IPv4 CIDR block ({e})")
    if net.version != 4:
        _fail("network_vpc_cidr", f"'{vpc_cidr}' must be an IPv4 CIDR block")
    if not 16 <= net.prefixlen <= 28:
        _fail("network_vpc_cidr", f"'{vpc_cidr}': a VPC CIDR block must be between /16 and /28 (AWS limit)")
    return net


def select_azs(available: list[str], az_count: int, azs: list[str] | None = None) -> list[str]:
    """Pick the AZs the network spans: `azs` when given, else the first `az_count` available ones."""
    available = sorted(available or [])
    if azs:
        unknown = [a for a in azs if a not in available]
        if unknown:
            _fail("network_azs", f"{unknown} not available in this region (available: {available})")
        if len(set(azs)) != len(azs):
            _fail("network_azs", f"{azs} lists an AZ twice")
        return list(azs)
    if az_count < 1:
        _fail("network_az_count", f"must be at least 1, got {az_count}")
    if az_count > len(available):
        _fail(
            "network_az_count",
            f"{az_count} AZs asked for but the region has only {len(available)} available: {available}",
        )
    return available[:az_count]


def network_plan(
    vpc_cidr: str,
    tiers: list[dict[str, Any]],
    azs: list[str],
    nat_gateways: int,
    name_prefix: str,
    newbits: int = 8,
) -> dict[str, Any]:
    """Return {'subnets': [...], 'route_tables': [...], 'nat_azs': [...]} for the role."""
    net = _parse_vpc_cidr(vpc_cidr)
    if not azs:
        _fail("network_azs", "no AZ selected")
    if isinstance(nat_gateways, str) and nat_gateways.strip().lstrip("-").isdigit():
        nat_gateways = int(nat_gateways)
    if not isinstance(nat_gateways, int) or isinstance(nat_gateways, bool):
        _fail("network_nat_gateways", f"must be an integer, got {nat_gateways!r}")
    if nat_gateways < 0 or nat_gateways > len(azs):
        _fail(
            "network_nat_gateways",
            f"{nat_gateways} is out of range: use 0 (none), 1 (shared) or up to one per AZ ({len(azs)})",
        )
    new_prefix = net.prefixlen + int(newbits)
    if new_prefix > 28:
        _fail("network_subnet_newbits", f"{newbits} makes /{new_prefix} subnets from {net}; AWS allows /28 at most")
    capacity = 2 ** int(newbits)

    seen_names: set[str] = set()
    subnets: list[dict[str, Any]] = []
    route_tables: list[dict[str, Any]] = []
    used: dict[ipaddress.IPv4Network, str] = {}
    has_public = any(t.get("name") == "public" for t in tiers)

    for tier in tiers:
        name = tier.get("name")
        if name not in TIER_NAMES:
            _fail("network_tiers", f"unknown tier '{name}'; known tiers are {list(TIER_NAMES)}")
        if name in seen_names:
            _fail("network_tiers", f"tier '{name}' is listed twice")
        seen_names.add(name)
        route = tier.get("route") or TIER_DEFAULT_ROUTE[name]
        if route == "igw" and name != "public":
            _fail("network_tiers", f"tier '{name}' cannot route to the internet gateway; only 'public' can")
        if route == "nat" and nat_gateways == 0:
            route = "none"
        if route == "nat" and not has_public:
            _fail("network_tiers", f"tier '{name}' routes through NAT but there is no 'public' tier to hold it")
        slug = TIER_SLUG[name]
        explicit = tier.get("cidrs") or []
        if explicit and len(explicit) != len(azs):
            _fail("network_tiers", f"tier '{name}' lists {len(explicit)} cidrs for {len(azs)} AZs")
        offset = tier.get("netnum_offset")
        offset = TIER_DEFAULT_OFFSET[name] if offset is None else int(offset)
        tier_subnets = []
        for index, az in enumerate(azs):
            if explicit:
                try:
                    cidr = ipaddress.ip_network(str(explicit[index]), strict=True)
                except ValueError as e:
                    _fail("network_tiers", f"tier '{name}' cidr '{explicit[index]}' is invalid ({e})")
                if not cidr.subnet_of(net):
                    _fail("network_tiers", f"tier '{name}' cidr {cidr} is outside network_vpc_cidr {net}")
            else:
                netnum = offset + index
                if netnum >= capacity:
                    _fail(
                        "network_tiers",
                        f"tier '{name}' netnum {netnum} does not fit in {net} with network_subnet_newbits {newbits}",
                    )
                cidr = ipaddress.ip_network((int(net.network_address) + netnum * 2 ** (32 - new_prefix), new_prefix))
            for other, owner in used.items():
                if cidr.overlaps(other):
                    _fail("network_tiers", f"tier '{name}' subnet {cidr} in {az} overlaps {owner} subnet {other}")
            used[cidr] = f"{name}/{az}"
            subnet = {
                "tier": name,
                "az": az,
                "az_index": index,
                "cidr": str(cidr),
                "name": f"{name_prefix}-{slug}-{az}",
                "public": name == "public",
            }
            subnets.append(subnet)
            tier_subnets.append(subnet)

        if route == "nat":
            # One route table per AZ, each pointing at the NAT gateway of its AZ (or the shared one).
            for subnet in tier_subnets:
                route_tables.append(
                    {
                        "name": f"{name_prefix}-{slug}-{subnet['az']}",
                        "tier": name,
                        "route": "nat",
                        "nat_index": subnet["az_index"] % nat_gateways,
                        "subnet_cidrs": [subnet["cidr"]],
                    }
                )
        else:
            route_tables.append(
                {
                    "name": f"{name_prefix}-{slug}",
                    "tier": name,
                    "route": route,
                    "nat_index": None,
                    "subnet_cidrs": [s["cidr"] for s in tier_subnets],
                }
            )

    nat_azs = azs[:nat_gateways]
    nat_subnets = [s for s in subnets if s["tier"] == "public" and s["az"] in nat_azs]
    return {
        "subnets": subnets,
        "route_tables": route_tables,
        "nat_gateways": [
            {"index": i, "az": s["az"], "subnet_cidr": s["cidr"], "name": f"{name_prefix}-nat-{s['az']}"}
            for i, s in enumerate(nat_subnets)
        ],
    }


def ids_by_tier(plan_subnets: list[dict[str, Any]], id_by_cidr: dict[str, str]) -> dict[str, list[str]]:
    """{tier: [subnet ids in AZ order]} for the planned subnets that exist (have an id)."""
    out: dict[str, list[str]] = {}
    for s in sorted(plan_subnets, key=lambda s: s["az_index"]):
        if s["cidr"] in id_by_cidr:
            out.setdefault(s["tier"], []).append(id_by_cidr[s["cidr"]])
    return out


def security_group_check(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate `network_security_groups`: unique names, every rule has ports and one of source/cidr, and a
    `source` names a group listed before it (so it exists when the rule is written). Returns the list."""
    seen: list[str] = []
    for i, group in enumerate(groups or []):
        name = group.get("name")
        where = f"network_security_groups[{i}]"
        if not name or name in seen:
            _fail("network_security_groups", f"{where}: name {name!r} is empty or not unique")
        for j, rule in enumerate(group.get("ingress") or []):
            rwhere = f"{where} ({name}) ingress[{j}]"
            ports = rule.get("ports") or []
            if not ports or any(not 0 <= int(p) <= 65535 for p in ports):
                _fail("network_security_groups", f"{rwhere}: ports must be a non-empty list of 0-65535")
            if bool(rule.get("source")) == bool(rule.get("cidr")):
                _fail("network_security_groups", f"{rwhere}: give exactly one of source (a group name) or cidr")
            if rule.get("source") and rule["source"] not in seen:
                _fail(
                    "network_security_groups",
                    f"{rwhere}: source {rule['source']!r} must be a group listed before {name!r}",
                )
            if rule.get("cidr"):
                try:
                    ipaddress.ip_network(str(rule["cidr"]), strict=True)
                except ValueError as e:
                    _fail("network_security_groups", f"{rwhere}: cidr {rule['cidr']!r}: {e}")
        seen.append(name)
    return groups


# --- API shapes of the resource-set modules (ec2_vpc_subnets, ec2_security_groups, ec2_vpc_route_tables) -----------


def subnet_config(plan_subnets: list[dict[str, Any]], map_public_ip: bool) -> list[dict[str, Any]]:
    """The ``config`` of stacksmith.aws.ec2_vpc_subnets for the planned subnets (plan order)."""
    return [
        {
            "name": s["name"],
            "cidr": s["cidr"],
            "az": s["az"],
            "map_public": bool(s["public"] and map_public_ip),
            "tags": {"tier": s["tier"]},
        }
        for s in plan_subnets or []
    ]


def security_group_config(groups: list[dict[str, Any]], name_prefix: str) -> list[dict[str, Any]]:
    """The ``config`` of stacksmith.aws.ec2_security_groups for `network_security_groups`: full names
    (``<name_prefix>-<name>``), ingress rules with ``source`` resolved to the full group name, and all-traffic
    egress unless ``egress_all`` is false (then no egress at all)."""
    out: list[dict[str, Any]] = []
    for group in groups or []:
        ingress: list[dict[str, Any]] = []
        for rule in group.get("ingress") or []:
            base: dict[str, Any] = {"protocol": rule.get("protocol", "tcp"), "ports": [int(p) for p in rule["ports"]]}
            if rule.get("description"):
                base["description"] = rule["description"]
            if rule.get("source"):
                ingress.append(dict(base, source=f"{name_prefix}-{rule['source']}"))
            if rule.get("cidr"):
                cidrs = rule["cidr"] if isinstance(rule["cidr"], list) else [rule["cidr"]]
                ingress.extend(dict(base, cidr=str(cidr)) for cidr in cidrs)
        out.append(
            {
                "name": f"{name_prefix}-{group['name']}",
                "description": group.get("description") or f"{name_prefix} {group['name']}",
                "ingress": ingress,
                "egress": [{"protocol": "all", "cidr": "0.0.0.0/0"}] if group.get("egress_all", True) else [],
            }
        )
    return out


def security_group_ids(group_ids: dict[str, Any], groups: list[dict[str, Any]], name_prefix: str) -> dict[str, str]:
    """{short name: group id} of `network_security_groups` from ec2_security_groups' ``group_ids`` (full name -> id;
    None in check mode for a group not created yet, published as the placeholder)."""
    return {g["name"]: group_ids.get(f"{name_prefix}-{g['name']}") or KNOWN_AFTER_APPLY for g in groups or []}


def route_table_config(
    plan_route_tables: list[dict[str, Any]],
    subnet_ids: dict[str, str],
    igw_id: str,
    nat_gateway_ids: list[str],
    kind: str,
) -> list[dict[str, Any]]:
    """The ``config`` of stacksmith.aws.ec2_vpc_route_tables for the planned route tables of one kind: ``direct``
    (the ones that do not go through NAT), ``nat``, or ``all`` of them. ``subnet_ids`` maps CIDR -> subnet id; a
    table some of whose subnets have no id (a check-mode preview of subnets to create) is left out. A NAT table
    whose NAT gateway does not exist (yet) has no default route. ``all`` lists the direct tables first, then the
    NAT ones (the order of two calls, so that the route table ids come out in one order whichever way they were
    converged)."""
    if kind == "all":
        return [
            *route_table_config(plan_route_tables, subnet_ids, igw_id, nat_gateway_ids, "direct"),
            *route_table_config(plan_route_tables, subnet_ids, igw_id, nat_gateway_ids, "nat"),
        ]
    out: list[dict[str, Any]] = []
    for rt in plan_route_tables or []:
        if (rt["route"] == "nat") != (kind == "nat"):
            continue
        if any(cidr not in subnet_ids for cidr in rt["subnet_cidrs"]):
            continue
        routes: list[dict[str, Any]] = []
        if rt["route"] == "igw" and igw_id:
            routes = [{"dest": "0.0.0.0/0", "gateway_id": igw_id}]
        elif rt["route"] == "nat" and len(nat_gateway_ids or []) > rt["nat_index"]:
            routes = [{"dest": "0.0.0.0/0", "nat_gateway_id": nat_gateway_ids[rt["nat_index"]]}]
        out.append(
            {
                "name": rt["name"],
                "tags": {"tier": rt["tier"]},
                "subnets": [subnet_ids[cidr] for cidr in rt["subnet_cidrs"]],
                "routes": routes,
            }
        )
    return out


class FilterModule:
    def filters(self):
        return {
            "network_plan": network_plan,
            "select_azs": select_azs,
            "ids_by_tier": ids_by_tier,
            "security_group_check": security_group_check,
            "subnet_config": subnet_config,
            "security_group_config": security_group_config,
            "security_group_ids": security_group_ids,
            "route_table_config": route_table_config,
        }
