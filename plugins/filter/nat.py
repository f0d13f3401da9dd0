# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn the `network` role's NAT gateway plan into the config of stacksmith.aws.ec2_vpc_nat_gateways."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: nat_gateway_config
short_description: The config of stacksmith.aws.ec2_vpc_nat_gateways for the planned NAT gateways
description:
  - Takes the C(nat_gateways) of the C(network_plan) (each with C(name) and C(subnet_cidr)) and the subnet IDs by
    CIDR, and returns one public NAT gateway per planned one, in plan order, in its subnet.
  - A planned gateway whose subnet has no ID yet (a check-mode preview) is left out.
positional: _input, subnet_ids
options:
  _input:
    description: The planned NAT gateways (C(__network_plan.nat_gateways)).
    type: list
    elements: dict
    required: true
  subnet_ids:
    description: Subnet CIDR to subnet ID.
    type: dict
    required: true
"""


def nat_gateway_config(plan_nats: list[dict[str, Any]], subnet_ids: dict[str, str]) -> list[dict[str, Any]]:
    """The ``config`` of stacksmith.aws.ec2_vpc_nat_gateways, in plan order, for the NATs whose subnet has an id."""
    if not isinstance(subnet_ids, dict):
        raise AnsibleFilterError(
            f"nat_gateway_config: subnet_ids must be a dict of CIDR to subnet id, got {subnet_ids!r}"
        )
    config = []
    for nat in plan_nats or []:
        subnet_id = subnet_ids.get(nat["subnet_cidr"])
        if not subnet_id:
            continue
        config.append({"name": nat["name"], "subnet_id": subnet_id, "connectivity_type": "public"})
    return config


class FilterModule:
    def filters(self):
        return {"nat_gateway_config": nat_gateway_config}
