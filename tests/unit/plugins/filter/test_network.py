"""Unit tests of the network plan filter (the validation that happens before any AWS call)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.stacksmith.aws.plugins.filter.network import (
    ids_by_tier,
    network_plan,
    select_azs,
)

TIERS = [
    {"name": "public", "netnum_offset": 0},
    {"name": "private_app", "netnum_offset": 10},
    {"name": "private_data", "netnum_offset": 20},
]
AZS = ["us-east-1a", "us-east-1b"]


def test_plan_of_architecture_1():
    plan = network_plan("10.40.0.0/16", TIERS, AZS, 1, "wa-prod")
    assert [(s["tier"], s["az"], s["cidr"]) for s in plan["subnets"]] == [
        ("public", "us-east-1a", "10.40.0.0/24"),
        ("public", "us-east-1b", "10.40.1.0/24"),
        ("private_app", "us-east-1a", "10.40.10.0/24"),
        ("private_app", "us-east-1b", "10.40.11.0/24"),
        ("private_data", "us-east-1a", "10.40.20.0/24"),
        ("private_data", "us-east-1b", "10.40.21.0/24"),
    ]
    assert [s["public"] for s in plan["subnets"]] == [True, True, False, False, False, False]
    assert [(rt["name"], rt["route"], rt["nat_index"]) for rt in plan["route_tables"]] == [
        ("wa-prod-public", "igw", None),
        ("wa-prod-app-us-east-1a", "nat", 0),
        ("wa-prod-app-us-east-1b", "nat", 0),
        ("wa-prod-data", "none", None),
    ]
    assert plan["nat_gateways"] == [
        {"index": 0, "az": "us-east-1a", "subnet_cidr": "10.40.0.0/24", "name": "wa-prod-nat-us-east-1a"}
    ]


@pytest.mark.parametrize(
    "nat, expected_indexes, nat_azs",
    [
        (0, [], []),
        (1, [0, 0, 0], ["a"]),
        (2, [0, 1, 0], ["a", "b"]),
        (3, [0, 1, 2], ["a", "b", "c"]),
        ("3", [0, 1, 2], ["a", "b", "c"]),
    ],
)
def test_nat_distribution(nat, expected_indexes, nat_azs):
    plan = network_plan("10.0.0.0/16", TIERS, ["a", "b", "c"], nat, "p")
    app = [rt for rt in plan["route_tables"] if rt["tier"] == "private_app"]
    if expected_indexes:
        assert [rt["nat_index"] for rt in app] == expected_indexes
    else:
        # Without NAT the app tier has one route table and no default route.
        assert [(rt["route"], len(rt["subnet_cidrs"])) for rt in app] == [("none", 3)]
    assert [n["az"] for n in plan["nat_gateways"]] == nat_azs


@pytest.mark.parametrize(
    "kwargs, variable, fragment",
    [
        ({"vpc_cidr": "10.40.0.0/33"}, "network_vpc_cidr", "not a valid IPv4 CIDR"),
        ({"vpc_cidr": "10.40.0.1/16"}, "network_vpc_cidr", "not a valid IPv4 CIDR"),
        ({"vpc_cidr": "banana"}, "network_vpc_cidr", "not a valid IPv4 CIDR"),
        ({"vpc_cidr": "10.0.0.0/8"}, "network_vpc_cidr", "between /16 and /28"),
        ({"nat_gateways": 3}, "network_nat_gateways", "out of range"),
        ({"nat_gateways": -1}, "network_nat_gateways", "out of range"),
        ({"nat_gateways": "many"}, "network_nat_gateways", "must be an integer"),
        ({"tiers": [{"name": "dmz"}]}, "network_tiers", "unknown tier 'dmz'"),
        ({"tiers": [{"name": "public"}, {"name": "public"}]}, "network_tiers", "listed twice"),
        ({"tiers": [{"name": "private_data", "route": "igw"}]}, "network_tiers", "cannot route to the internet"),
        ({"tiers": [{"name": "private_app"}]}, "network_tiers", "no 'public' tier"),
        (
            {"tiers": [{"name": "public", "netnum_offset": 0}, {"name": "private_app", "netnum_offset": 1}]},
            "network_tiers",
            "overlaps",
        ),
        ({"tiers": [{"name": "public", "cidrs": ["10.1.0.0/24", "10.40.1.0/24"]}]}, "network_tiers", "outside"),
        ({"tiers": [{"name": "public", "netnum_offset": 255}]}, "network_tiers", "does not fit"),
        ({"newbits": 13}, "network_subnet_newbits", "/28 at most"),
    ],
)
def test_plan_rejects_bad_input_naming_the_variable(kwargs, variable, fragment):
    args = {"vpc_cidr": "10.40.0.0/16", "tiers": TIERS, "azs": AZS, "nat_gateways": 1, "name_prefix": "p"}
    args.update(kwargs)
    with pytest.raises(AnsibleFilterError) as e:
        network_plan(**args)
    assert str(e.value).startswith(f"{variable}: ")
    assert fragment in str(e.value)


def test_select_azs():
    available = ["us-east-1c", "us-east-1a", "us-east-1b"]
    assert select_azs(available, 2) == ["us-east-1a", "us-east-1b"]
    assert select_azs(available, 1, ["us-east-1c"]) == ["us-east-1c"]
    with pytest.raises(AnsibleFilterError, match=r"^network_az_count: 4 AZs asked for but the region has only 3"):
        select_azs(available, 4)
    with pytest.raises(AnsibleFilterError, match=r"^network_azs: \['us-east-1z'\] not available"):
        select_azs(available, 1, ["us-east-1z"])
    with pytest.raises(AnsibleFilterError, match=r"^network_az_count: must be at least 1"):
        select_azs(available, 0)


def test_adopted_default_vpc_plan():
    tiers = [{"name": "private_app", "netnum_offset": 10}, {"name": "private_data", "netnum_offset": 12}]
    plan = network_plan("172.31.0.0/16", tiers, AZS, 0, "cmep-prod", newbits=4)
    assert [s["cidr"] for s in plan["subnets"]] == [
        "172.31.160.0/20",
        "172.31.176.0/20",
        "172.31.192.0/20",
        "172.31.208.0/20",
    ]
    assert [rt["route"] for rt in plan["route_tables"]] == ["none", "none"]
    assert plan["nat_gateways"] == []


def test_ids_helpers():
    plan = network_plan("10.40.0.0/16", TIERS, AZS, 1, "p")
    ids = {"10.40.1.0/24": "subnet-b", "10.40.0.0/24": "subnet-a", "10.40.10.0/24": "subnet-c"}
    assert ids_by_tier(plan["subnets"], ids) == {"public": ["subnet-a", "subnet-b"], "private_app": ["subnet-c"]}


# --- security groups -------------------------------------------------------------------------------

ARCH1_GROUPS = [
    {"name": "alb", "ingress": [{"ports": [443], "cidr": "0.0.0.0/0"}, {"ports": [80], "cidr": "0.0.0.0/0"}]},
    {"name": "web", "ingress": [{"ports": [3000], "source": "alb"}]},
    {"name": "api", "ingress": [{"ports": [3001], "source": "alb"}]},
    {"name": "rds", "egress_all": False, "ingress": [{"ports": [5432], "source": "api"}]},
]


def test_security_group_config_full_names_sources_and_egress():
    from ansible_collections.stacksmith.aws.plugins.filter.network import security_group_config

    groups = [
        {"name": "alb", "description": "ALB", "ingress": [{"ports": [443, 80], "cidr": "0.0.0.0/0"}]},
        {"name": "api", "ingress": [{"ports": [3001], "source": "alb", "description": "from the ALB"}]},
        {"name": "rds", "egress_all": False, "ingress": [{"ports": [5432], "cidr": ["10.0.0.0/24", "10.0.1.0/24"]}]},
    ]
    assert security_group_config(groups, "p-prod") == [
        {
            "name": "p-prod-alb",
            "description": "ALB",
            "ingress": [{"protocol": "tcp", "ports": [443, 80], "cidr": "0.0.0.0/0"}],
            "egress": [{"protocol": "all", "cidr": "0.0.0.0/0"}],
        },
        {
            "name": "p-prod-api",
            "description": "p-prod api",
            "ingress": [{"protocol": "tcp", "ports": [3001], "description": "from the ALB", "source": "p-prod-alb"}],
            "egress": [{"protocol": "all", "cidr": "0.0.0.0/0"}],
        },
        {
            "name": "p-prod-rds",
            "description": "p-prod rds",
            "ingress": [
                {"protocol": "tcp", "ports": [5432], "cidr": "10.0.0.0/24"},
                {"protocol": "tcp", "ports": [5432], "cidr": "10.0.1.0/24"},
            ],
            "egress": [],
        },
    ]
    assert security_group_config([], "p") == []


def test_security_group_ids_by_short_name_with_placeholders():
    from ansible_collections.stacksmith.aws.plugins.filter.network import security_group_ids

    groups = [{"name": "alb"}, {"name": "api"}]
    assert security_group_ids({"p-alb": "sg-1", "p-api": None}, groups, "p") == {
        "alb": "sg-1",
        "api": "(known after apply)",
    }


def test_subnet_config_from_the_plan():
    from ansible_collections.stacksmith.aws.plugins.filter.network import subnet_config

    plan = network_plan("10.40.0.0/16", TIERS[:2], AZS, 1, "wa-prod")
    config = subnet_config(plan["subnets"], True)
    assert config[0] == {
        "name": "wa-prod-public-us-east-1a",
        "cidr": "10.40.0.0/24",
        "az": "us-east-1a",
        "map_public": True,
        "tags": {"tier": "public"},
    }
    assert [c["map_public"] for c in config] == [True, True, False, False]
    assert [c["map_public"] for c in subnet_config(plan["subnets"], False)] == [False] * 4


def test_route_table_config_direct_and_nat():
    from ansible_collections.stacksmith.aws.plugins.filter.network import route_table_config

    plan = network_plan("10.40.0.0/16", TIERS, AZS, 1, "wa-prod")
    ids = {s["cidr"]: f"subnet-{i}" for i, s in enumerate(plan["subnets"])}
    direct = route_table_config(plan["route_tables"], ids, "igw-1", ["nat-1"], "direct")
    assert direct == [
        {
            "name": "wa-prod-public",
            "tags": {"tier": "public"},
            "subnets": ["subnet-0", "subnet-1"],
            "routes": [{"dest": "0.0.0.0/0", "gateway_id": "igw-1"}],
        },
        {"name": "wa-prod-data", "tags": {"tier": "private_data"}, "subnets": ["subnet-4", "subnet-5"], "routes": []},
    ]
    nat = route_table_config(plan["route_tables"], ids, "igw-1", ["nat-1"], "nat")
    assert [(rt["name"], rt["subnets"], rt["routes"]) for rt in nat] == [
        ("wa-prod-app-us-east-1a", ["subnet-2"], [{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-1"}]),
        ("wa-prod-app-us-east-1b", ["subnet-3"], [{"dest": "0.0.0.0/0", "nat_gateway_id": "nat-1"}]),
    ]
    # No NAT gateway (yet): no default route. A table whose subnets are not created yet: left out.
    assert [rt["routes"] for rt in route_table_config(plan["route_tables"], ids, "", [], "nat")] == [[], []]
    partial = {k: v for k, v in ids.items() if v != "subnet-3"}
    assert [rt["name"] for rt in route_table_config(plan["route_tables"], partial, "", [], "nat")] == [
        "wa-prod-app-us-east-1a"
    ]
    # All of them in one call (NAT gateways available): the direct ones first, then the NAT ones, as two calls give.
    assert route_table_config(plan["route_tables"], ids, "igw-1", ["nat-1"], "all") == direct + nat


def test_security_group_check_accepts_the_architecture_1_groups():
    from ansible_collections.stacksmith.aws.plugins.filter.network import security_group_check

    assert security_group_check(ARCH1_GROUPS) == ARCH1_GROUPS


@pytest.mark.parametrize(
    "groups, message",
    [
        ([{"name": "a"}, {"name": "a"}], "not unique"),
        ([{"name": "web", "ingress": [{"ports": [3000], "source": "alb"}]}, {"name": "alb"}], "listed before"),
        ([{"name": "a", "ingress": [{"ports": [], "cidr": "0.0.0.0/0"}]}], "ports"),
        ([{"name": "a", "ingress": [{"ports": [70000], "cidr": "0.0.0.0/0"}]}], "ports"),
        ([{"name": "a", "ingress": [{"ports": [1]}]}], "exactly one of source"),
        (
            [{"name": "b"}, {"name": "a", "ingress": [{"ports": [1], "cidr": "0.0.0.0/0", "source": "b"}]}],
            "exactly one",
        ),
        ([{"name": "a", "ingress": [{"ports": [1], "cidr": "10.0.0.1/8"}]}], "cidr"),
    ],
)
def test_security_group_check_refuses_bad_groups_naming_the_variable(groups, message):
    from ansible.errors import AnsibleFilterError
    from ansible_collections.stacksmith.aws.plugins.filter.network import security_group_check

    with pytest.raises(AnsibleFilterError) as e:
        security_group_check(groups)
    assert str(e.value).startswith("network_security_groups: ")
    assert message in str(e.value)
