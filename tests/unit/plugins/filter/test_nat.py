"""Unit tests of the NAT gateway config filter."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.stacksmith.aws.plugins.filter.nat import nat_gateway_config
from ansible_collections.stacksmith.aws.plugins.filter.network import network_plan

PLAN = [
    {"index": 0, "az": "us-east-1a", "subnet_cidr": "10.0.0.0/24", "name": "shop-nat-us-east-1a"},
    {"index": 1, "az": "us-east-1b", "subnet_cidr": "10.0.1.0/24", "name": "shop-nat-us-east-1b"},
]


def test_one_public_nat_per_planned_one_in_plan_order():
    ids = {"10.0.1.0/24": "subnet-b", "10.0.0.0/24": "subnet-a"}
    assert nat_gateway_config(PLAN, ids) == [
        {"name": "shop-nat-us-east-1a", "subnet_id": "subnet-a", "connectivity_type": "public"},
        {"name": "shop-nat-us-east-1b", "subnet_id": "subnet-b", "connectivity_type": "public"},
    ]


@pytest.mark.parametrize("ids", [{"10.0.1.0/24": "subnet-b"}, {"10.0.0.0/24": None, "10.0.1.0/24": "subnet-b"}])
def test_a_nat_whose_subnet_has_no_id_is_left_out(ids):
    assert [item["name"] for item in nat_gateway_config(PLAN, ids)] == ["shop-nat-us-east-1b"]


@pytest.mark.parametrize("plan", [[], None])
def test_no_nat(plan):
    assert nat_gateway_config(plan, {}) == []


def test_subnet_ids_must_be_a_dict():
    with pytest.raises(AnsibleFilterError, match="subnet_ids"):
        nat_gateway_config(PLAN, ["subnet-a"])


def test_the_plan_items_carry_what_the_filter_reads():
    tiers = [{"name": "public"}, {"name": "private_app"}]
    plan = network_plan("10.0.0.0/16", tiers, ["us-east-1a", "us-east-1b"], 2, "shop")
    ids = {s["cidr"]: f"subnet-{i}" for i, s in enumerate(plan["subnets"])}
    config = nat_gateway_config(plan["nat_gateways"], ids)
    assert [item["subnet_id"] for item in config] == ["subnet-0", "subnet-1"]
