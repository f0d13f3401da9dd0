"""tests/harness.py stack_leftovers: what the teardown tests count as left behind by a stack."""

from __future__ import annotations

from typing import Any

from harness import stack_leftovers

from emulator.server import EmulatorServer


def _tags(stack: str) -> list[dict[str, str]]:
    return [{"Key": "stack", "Value": stack}]


def test_leftovers_are_the_stack_resources_still_alive(aws: Any, emu: Any, emu_server: EmulatorServer) -> None:
    ec2, sm = aws("ec2"), aws("secretsmanager")
    vpc = ec2.create_vpc(CidrBlock="10.93.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": _tags("mine")}])[
        "Vpc"
    ]["VpcId"]
    ec2.create_vpc(CidrBlock="10.94.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": _tags("theirs")}])
    alive = sm.create_secret(Name="mine/alive", SecretString="x", Tags=_tags("mine"))["ARN"]
    deleted = sm.create_secret(Name="mine/deleted", SecretString="x", Tags=_tags("mine"))["ARN"]
    sm.delete_secret(SecretId=deleted, RecoveryWindowInDays=7)

    left = stack_leftovers(emu_server.endpoint, "mine")

    # The other stack's VPC is not ours; a secret in its recovery window is what AWS keeps listing, not a leftover.
    assert sorted(left) == sorted([alive, f"arn:aws:ec2:us-east-1:123456789012:vpc/{vpc}"])
    assert stack_leftovers(emu_server.endpoint, "mine", kept=lambda arn: ":vpc/" in arn) == [alive]
    assert stack_leftovers(emu_server.endpoint, "nobody") == []
