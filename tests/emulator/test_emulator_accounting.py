"""API-call accounting: summarize() over request-log records, the /summary endpoint, and ``requests --summary``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.accounting import summarize
from emulator.cli import main as cli_main
from emulator.client import EmulatorClient
from emulator.server import EmulatorServer


def record(seq: int, service: str, action: str, kind: str, status: int = 200, **extra: Any) -> dict[str, Any]:
    base = {"seq": seq, "ts": 1000.0 + seq, "service": service, "action": action, "kind": kind, "status": status}
    return {**base, **extra}


def test_summarize_counts_reads_writes_errors_and_injections() -> None:
    records = [
        record(1, "ec2", "CreateVpc", "write"),
        record(2, "ec2", "DescribeVpcs", "read"),
        record(3, "ec2", "DescribeVpcs", "read", 503, injected="throttle"),
        record(4, "ec2", "DescribeVpcs", "read"),
        record(5, "iam", "CreateRole", "write", 409),
        record(6, "iam", "GetRole", "read", 0, injected="reset"),
        record(7, "s3", "PutObject", "write", 500, injected="commit_then_fail"),
    ]
    summary = summarize(records)
    assert (summary["total"], summary["reads"], summary["writes"]) == (7, 4, 3)
    assert (summary["errors"], summary["injected"]) == (4, 3)
    assert summary["by_service"] == {
        "ec2": {"reads": 3, "writes": 1, "errors": 1, "injected": 1},
        "iam": {"reads": 1, "writes": 1, "errors": 2, "injected": 1},
        "s3": {"reads": 0, "writes": 1, "errors": 1, "injected": 1},
    }
    assert summary["by_action"]["ec2:DescribeVpcs"] == {"count": 3, "kind": "read", "errors": 1, "injected": 1}
    assert list(summary["by_action"]) == sorted(summary["by_action"])
    assert summary["by_injected"] == {"commit_then_fail": 1, "reset": 1, "throttle": 1}
    assert (summary["first_ts"], summary["last_ts"]) == (1001.0, 1007.0)


def test_summarize_nothing() -> None:
    assert summarize([]) == {
        "total": 0,
        "reads": 0,
        "writes": 0,
        "injected": 0,
        "errors": 0,
        "by_service": {},
        "by_action": {},
        "by_injected": {},
        "first_ts": None,
        "last_ts": None,
    }


def test_summary_of_real_calls_with_since(aws: Any, emu: EmulatorClient) -> None:
    ec2, iam = aws("ec2"), aws("iam")
    ec2.create_vpc(CidrBlock="10.50.0.0/16")
    ec2.describe_vpcs()
    mark = emu.mark()
    emu.set_faults([{"service": "iam", "action": "ListRoles", "kind": "throttle", "count": 1}])
    with pytest.raises(ClientError):
        iam.list_roles()
    iam.list_roles()
    iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")

    everything = emu.summary()
    assert (everything["total"], everything["reads"], everything["writes"]) == (5, 3, 2)
    assert (everything["errors"], everything["injected"]) == (1, 1)
    assert everything["by_service"]["ec2"] == {"reads": 1, "writes": 1, "errors": 0, "injected": 0}
    assert everything["by_action"]["iam:ListRoles"] == {"count": 2, "kind": "read", "errors": 1, "injected": 1}

    recent = emu.summary(since=mark)
    assert (recent["total"], recent["reads"], recent["writes"]) == (3, 2, 1)
    assert set(recent["by_service"]) == {"iam"}
    assert recent == summarize(emu.requests(since=mark))


def test_requests_summary_cli(aws: Any, emu_server: EmulatorServer, emu: EmulatorClient, capsys: Any) -> None:
    aws("ec2").create_vpc(CidrBlock="10.51.0.0/16")
    aws("ec2").describe_vpcs()
    endpoint = ["--endpoint", emu_server.endpoint]
    assert cli_main(["requests", "--summary", *endpoint]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["total"], summary["reads"], summary["writes"]) == (2, 1, 1)
    assert cli_main(["requests", "--summary", "--writes", *endpoint]) == 0
    writes = json.loads(capsys.readouterr().out)
    assert (writes["total"], writes["writes"]) == (1, 1)
    assert cli_main(["requests", "--summary", "--since", "1", *endpoint]) == 0
    assert json.loads(capsys.readouterr().out)["by_action"] == {
        "ec2:DescribeVpcs": {"count": 1, "kind": "read", "errors": 0, "injected": 0}
    }
