"""ec2_route_table_ipv6_route_exists: CreateRoute refuses an IPv6 destination the table already routes."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient


def test_ec2_route_table_ipv6_route_exists_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["ec2_route_table_ipv6_route_exists"]["service"] == "ec2"
    assert listed["ec2_route_table_ipv6_route_exists"]["applied"] is True


def test_a_second_route_to_an_ipv6_destination_is_refused(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.95.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc)["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"
    ]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="2600:1f18::/56", GatewayId=igw)

    # the same destination (also written another way), with the same target or another: refused
    for destination, target in (("::/0", {"GatewayId": igw}), ("0::/0", {"EgressOnlyInternetGatewayId": eigw})):
        with pytest.raises(ClientError) as error:
            ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock=destination, **target)
        assert error.value.response["Error"]["Code"] == "RouteAlreadyExists"
        assert destination in error.value.response["Error"]["Message"]

    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    ipv6 = {r["DestinationIpv6CidrBlock"]: r.get("GatewayId") for r in routes if "DestinationIpv6CidrBlock" in r}
    assert ipv6 == {"::/0": igw, "2600:1f18::/56": igw}

    # ReplaceRoute changes the target; IPv4 routes and other IPv6 destinations are unaffected
    ec2.replace_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="2600:1f18:100::/56", GatewayId=igw)
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    with pytest.raises(ClientError) as error:
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    assert error.value.response["Error"]["Code"] == "RouteAlreadyExists"


def test_a_deleted_ipv6_route_can_be_created_again(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.96.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
    ec2.delete_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0")
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
