"""Shim iam_aws_managed_policies: AWS managed policies exist in every account, as on AWS."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient

TASK_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
ECS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def test_shim_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["iam_aws_managed_policies"]["service"] == "iam"
    assert listed["iam_aws_managed_policies"]["applied"] is True


def test_aws_managed_policy_exists_and_attaches(aws: Any, emu: EmulatorClient) -> None:
    iam = aws("iam")
    policy = iam.get_policy(PolicyArn=TASK_EXECUTION_POLICY)["Policy"]
    assert policy["PolicyName"] == "AmazonECSTaskExecutionRolePolicy"
    assert policy["Path"] == "/service-role/"

    iam.create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(ECS_TRUST))
    iam.attach_role_policy(RoleName="exec", PolicyArn=TASK_EXECUTION_POLICY)
    attached = iam.list_attached_role_policies(RoleName="exec")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": TASK_EXECUTION_POLICY}]
    iam.detach_role_policy(RoleName="exec", PolicyArn=TASK_EXECUTION_POLICY)
    assert iam.list_attached_role_policies(RoleName="exec")["AttachedPolicies"] == []


def test_aws_managed_policies_survive_a_reset(aws: Any, emu: EmulatorClient) -> None:
    emu.reset()
    assert aws("iam").get_policy(PolicyArn=TASK_EXECUTION_POLICY)["Policy"]["Arn"] == TASK_EXECUTION_POLICY


def test_unknown_policy_is_still_refused(aws: Any, emu: EmulatorClient) -> None:
    iam = aws("iam")
    iam.create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(ECS_TRUST))
    with pytest.raises(ClientError) as err:
        iam.attach_role_policy(RoleName="exec", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"
