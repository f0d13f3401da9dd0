"""ec2_security_group_delete_dependency: a referenced group and a default group cannot be deleted."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient


def test_ec2_security_group_delete_dependency_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["ec2_security_group_delete_dependency"]["service"] == "ec2"
    assert listed["ec2_security_group_delete_dependency"]["applied"] is True


def _error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]["Code"]


def test_a_referenced_group_is_deleted_once_the_reference_is_revoked(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.94.0.0/16")["Vpc"]["VpcId"]
    alb = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc_id)["GroupId"]
    api = ec2.create_security_group(GroupName="api", Description="api", VpcId=vpc_id)["GroupId"]
    pair = {"IpProtocol": "tcp", "FromPort": 3001, "ToPort": 3001}
    ec2.authorize_security_group_ingress(GroupId=api, IpPermissions=[dict(pair, UserIdGroupPairs=[{"GroupId": alb}])])
    ec2.authorize_security_group_egress(GroupId=alb, IpPermissions=[dict(pair, UserIdGroupPairs=[{"GroupId": api}])])
    # a self reference does not count
    ec2.authorize_security_group_ingress(GroupId=api, IpPermissions=[dict(pair, UserIdGroupPairs=[{"GroupId": api}])])

    assert _error_code(ec2.delete_security_group, GroupId=alb) == "DependencyViolation"
    assert _error_code(ec2.delete_security_group, GroupId=api) == "DependencyViolation"

    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [alb]}])["SecurityGroupRules"]
    ec2.revoke_security_group_egress(
        GroupId=alb, SecurityGroupRuleIds=[r["SecurityGroupRuleId"] for r in rules if r["IsEgress"]]
    )
    ec2.delete_security_group(GroupId=api)  # alb no longer references it; its own rules do not count
    ec2.delete_security_group(GroupId=alb)  # api (its referrer) is gone
    remaining = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    assert [group["GroupName"] for group in remaining] == ["default"]


def test_the_default_group_goes_only_with_its_vpc(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.95.0.0/16")["Vpc"]["VpcId"]
    (default,) = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    assert _error_code(ec2.delete_security_group, GroupId=default["GroupId"]) == "CannotDelete"
    ec2.delete_vpc(VpcId=vpc_id)
    assert ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"] == []
