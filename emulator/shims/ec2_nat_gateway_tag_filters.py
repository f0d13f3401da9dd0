"""EC2: DescribeNatGateways honours the ``tag:<key>`` and ``tag-key`` filters.

Real EC2 filters NAT gateways by tag (``tag:stack=<name>``, ``tag-key``). moto 5.2.5 applies only the
nat-gateway-id, vpc-id, subnet-id and state filters and silently ignores the others, so a query for
"the NAT gateways of this stack" returns every NAT gateway of the region: a teardown of one stack
would delete another stack's NAT gateway.

Patch (``moto.ec2``): after moto's own filtering, keep the NAT gateways whose tags (the EC2 backend's
tag store) match every ``tag:<key>`` and ``tag-key`` filter.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


def matches(tags: dict[str, str], filters: dict[str, list[str]]) -> bool:
    for name, values in filters.items():
        if name.startswith("tag:"):
            if tags.get(name[4:]) not in values:
                return False
        elif name == "tag-key" and not any(key in tags for key in values):
            return False
    return True


@shim(
    name="ec2_nat_gateway_tag_filters",
    service="ec2",
    real_behaviour="DescribeNatGateways filters by tag:<key> and tag-key (only NAT gateways with those tags).",
    moto_behaviour="tag:<key> and tag-key filters are ignored: every NAT gateway of the region is returned.",
)
def apply() -> None:
    from moto.ec2.models.nat_gateways import NatGatewayBackend

    original = NatGatewayBackend.describe_nat_gateways

    @functools.wraps(original)
    def describe_nat_gateways(self: Any, filters: Any, nat_gateway_ids: Any) -> list[Any]:
        result = original(self, filters, nat_gateway_ids)
        tag_filters = {k: v for k, v in (filters or {}).items() if k.startswith("tag:") or k == "tag-key"}
        if not tag_filters:
            return result
        return [nat for nat in result if matches(dict(self.tags.get(nat.id, {})), tag_filters)]

    NatGatewayBackend.describe_nat_gateways = describe_nat_gateways  # type: ignore[method-assign]
