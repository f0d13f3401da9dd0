"""ec2_nat_gateway_tag_filters: DescribeNatGateways honours tag:<key> and tag-key filters."""

from __future__ import annotations

from typing import Any

from emulator import shims
from emulator.client import EmulatorClient


def test_ec2_nat_gateway_tag_filters_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["ec2_nat_gateway_tag_filters"]["service"] == "ec2"


def _nat(ec2: Any, cidr: str, stack: str) -> str:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace("/16", "/24"))["Subnet"]["SubnetId"]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(
        SubnetId=subnet_id,
        AllocationId=eip,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "stack", "Value": stack}]}],
    )["NatGateway"]["NatGatewayId"]


def test_nat_gateways_are_filtered_by_tag(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    mine = _nat(ec2, "10.91.0.0/16", "mine")
    theirs = _nat(ec2, "10.92.0.0/16", "theirs")

    def ids(filters: list[dict[str, Any]]) -> list[str]:
        return sorted(n["NatGatewayId"] for n in ec2.describe_nat_gateways(Filters=filters)["NatGateways"])

    assert ids([{"Name": "tag:stack", "Values": ["mine"]}]) == [mine]
    assert ids([{"Name": "tag:stack", "Values": ["nobody"]}]) == []
    assert ids([{"Name": "tag-key", "Values": ["stack"]}]) == sorted([mine, theirs])
    assert ids(
        [{"Name": "tag:stack", "Values": ["theirs"]}, {"Name": "state", "Values": ["available", "pending"]}]
    ) == [theirs]
