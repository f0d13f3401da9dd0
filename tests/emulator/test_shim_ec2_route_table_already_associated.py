"""ec2_route_table_already_associated: AssociateRouteTable refuses a subnet already explicitly associated."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient


def test_ec2_route_table_already_associated_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["ec2_route_table_already_associated"]["service"] == "ec2"
    assert listed["ec2_route_table_already_associated"]["applied"] is True


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return error.value.response["Error"]["Code"]


def test_a_subnet_is_associated_once(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.93.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.93.1.0/24")["Subnet"]["SubnetId"]
    first = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    second = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]

    association = ec2.associate_route_table(RouteTableId=first, SubnetId=subnet)["AssociationId"]

    # again on the same table (a retried associate), and on another table: refused, nothing moves
    for table in (first, second):
        with pytest.raises(ClientError) as error:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        assert _code(error) == "Resource.AlreadyAssociated"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    def holder() -> list[tuple[str, str]]:
        tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
        return [
            (a["RouteTableId"], a["RouteTableAssociationId"])
            for t in tables["RouteTables"]
            for a in t["Associations"]
            if a.get("SubnetId") == subnet
        ]

    assert holder() == [(first, association)]

    # the way to move it still works, and once disassociated the subnet can be associated again
    moved = ec2.replace_route_table_association(AssociationId=association, RouteTableId=second)["NewAssociationId"]
    assert holder() == [(second, moved)]
    ec2.disassociate_route_table(AssociationId=moved)
    again = ec2.associate_route_table(RouteTableId=first, SubnetId=subnet)["AssociationId"]
    assert holder() == [(first, again)]


def test_an_unknown_route_table_is_reported_first(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.94.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.94.1.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)

    with pytest.raises(ClientError) as error:
        ec2.associate_route_table(RouteTableId="rtb-00000000000000000", SubnetId=subnet)
    assert _code(error) == "InvalidRouteTableID.NotFound"
