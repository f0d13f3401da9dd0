"""tests/harness.py helpers the architecture tests rely on: stack_leftovers, assert_changes_nothing."""

from __future__ import annotations

from typing import Any

import pytest
from harness import PlaybookRun, assert_changes_nothing, stack_leftovers

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


class _Log:
    """The request-log side of the emulator fixture: mark() and requests(since=)."""

    def __init__(self, records):
        self.records = records

    def mark(self):
        return 0

    def requests(self, since=0):
        return self.records


def _run(rc=0, changed=False):
    task = {"task": {"name": "t"}, "hosts": {"s": {"changed": changed}}}
    return PlaybookRun(rc=rc, stats={}, plays=[{"tasks": [task]}])


def test_assert_changes_nothing_fails_on_a_write_a_change_or_a_failure() -> None:
    read = {"kind": "read", "service": "ec2", "action": "DescribeVpcs", "status": 200}
    write = {"kind": "write", "service": "ec2", "action": "CreateVpc", "status": 200}
    assert assert_changes_nothing(_Log([read]), _run).rc == 0
    with pytest.raises(AssertionError, match="ec2:CreateVpc"):
        assert_changes_nothing(_Log([read, write]), _run)
    with pytest.raises(AssertionError):
        assert_changes_nothing(_Log([]), lambda: _run(changed=True))
    with pytest.raises(AssertionError):
        assert_changes_nothing(_Log([]), lambda: _run(rc=2))
