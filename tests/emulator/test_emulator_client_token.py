"""Shim ec2_client_token_idempotency: a retried create with the same ClientToken makes one resource."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims


def test_registered() -> None:
    assert "ec2_client_token_idempotency" in {s["name"] for s in shims.registry()}


def test_same_token_same_route_table_and_nat_gateway(aws: Any, emu: Any) -> None:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    first = ec2.create_route_table(VpcId=vpc, ClientToken="tok-1")["RouteTable"]["RouteTableId"]
    again = ec2.create_route_table(VpcId=vpc, ClientToken="tok-1")["RouteTable"]["RouteTableId"]
    other = ec2.create_route_table(VpcId=vpc, ClientToken="tok-2")["RouteTable"]["RouteTableId"]
    assert first == again != other
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    assert len(tables) == 3  # main + 2

    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.6.0.0/24")["Subnet"]["SubnetId"]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat1 = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, ClientToken="n-1")["NatGateway"]["NatGatewayId"]
    nat2 = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, ClientToken="n-1")["NatGateway"]["NatGatewayId"]
    assert nat1 == nat2
    assert len(ec2.describe_nat_gateways()["NatGateways"]) == 1


def test_same_token_other_parameters_is_a_mismatch(aws: Any, emu: Any) -> None:
    ec2 = aws("ec2")
    vpc1 = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    vpc2 = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    ec2.create_network_acl(VpcId=vpc1, ClientToken="acl-1")
    with pytest.raises(ClientError) as e:
        ec2.create_network_acl(VpcId=vpc2, ClientToken="acl-1")
    assert e.value.response["Error"]["Code"] == "IdempotentParameterMismatch"


def test_reset_forgets_tokens(aws: Any, emu: Any) -> None:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    ec2.create_route_table(VpcId=vpc, ClientToken="tok-r")
    emu.reset()
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    rt = ec2.create_route_table(VpcId=vpc, ClientToken="tok-r")["RouteTable"]
    assert rt["VpcId"] == vpc


def test_commit_then_fail_then_retry_makes_one_flow_log(aws: Any, emu: Any, emu_server: Any) -> None:
    import boto3
    from botocore.config import Config

    # botocore's own retry of the 500 resends the same token, as it would against AWS.
    ec2 = boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=emu_server.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
    )
    aws("logs").create_log_group(logGroupName="/flow")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    emu.set_faults([{"service": "ec2", "action": "CreateFlowLogs", "kind": "commit_then_fail", "count": 1}])
    ids = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogGroupName="/flow",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow",
        ClientToken="fl-token",
    )["FlowLogIds"]
    emu.clear_faults()
    assert len(ec2.describe_flow_logs()["FlowLogs"]) == 1
    assert ids == [ec2.describe_flow_logs()["FlowLogs"][0]["FlowLogId"]]
