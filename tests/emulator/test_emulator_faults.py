"""Fault injection: each protocol's real throttling error, server errors, delays, dropped connections, lost
responses and eventual consistency (``error_code`` + ``after``), parsed by boto3 itself."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from emulator.cli import main as cli_main
from emulator.client import EmulatorClient, EmulatorError
from emulator.faults import FaultInjector, cbor_encode, parse_config
from emulator.server import EmulatorServer

RETRYING = Config(retries={"total_max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30)

# service -> (a cheap read, expected throttle code, expected HTTP status)
THROTTLES: dict[str, tuple[Callable[[Any], Any], str, int]] = {
    "ec2": (lambda c: c.describe_vpcs(), "RequestLimitExceeded", 503),
    "iam": (lambda c: c.list_roles(), "Throttling", 400),
    "rds": (lambda c: c.describe_db_instances(), "Throttling", 400),
    "logs": (lambda c: c.describe_log_groups(), "ThrottlingException", 400),
    "ecs": (lambda c: c.list_clusters(), "ThrottlingException", 400),
    "efs": (lambda c: c.describe_file_systems(), "ThrottlingException", 429),
    "lambda": (lambda c: c.list_functions(), "ThrottlingException", 429),
    "s3": (lambda c: c.list_buckets(), "SlowDown", 503),
    "cloudwatch": (lambda c: c.list_metrics(), "ThrottlingException", 400),
}


@pytest.fixture
def retrying(emu_server: EmulatorServer, emu_boto3_session: Any) -> Callable[[str], Any]:
    """``retrying("ec2")`` -> a client with botocore's standard retries (3 attempts)."""
    return lambda service: emu_boto3_session.client(service, endpoint_url=emu_server.endpoint, config=RETRYING)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# -- throttling, per protocol ------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", sorted(THROTTLES))
def test_throttle_is_the_protocols_real_error(service: str, aws: Any, emu: EmulatorClient) -> None:
    call, code, status = THROTTLES[service]
    emu.set_faults([{"service": service, "kind": "throttle"}])
    with pytest.raises(ClientError) as excinfo:
        call(aws(service))
    assert error_of(excinfo) == (code, status)
    [record] = emu.requests()
    assert record["service"] == service and record["status"] == status and record["injected"] == "throttle"


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's standard mode waits up to 1 s before retrying a throttle; 50 ms is enough to prove the retry."""
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setitem(ExponentialBackoff._DEFAULT_BACKOFF_CONFIG, "throttling_base_scale", 0.05)


@pytest.mark.parametrize("service", ["ec2", "iam", "logs", "efs", "s3", "cloudwatch"])
def test_count_limited_throttle_recovers_when_retries_are_on(
    service: str, retrying: Callable[[str], Any], emu: EmulatorClient, quick_backoff: None
) -> None:
    call, code, status = THROTTLES[service]
    emu.set_faults([{"service": service, "kind": "throttle", "count": 1}])
    call(retrying(service))  # no exception: botocore retried the throttle
    records = emu.requests()
    assert [(r["status"], r.get("injected")) for r in records] == [(status, "throttle"), (200, None)]
    [rule] = emu.faults()["rules"]
    assert rule["injected"] == 1 and rule["spent"] is True


def test_throttle_only_matches_its_service_and_action_glob(aws: Any, emu: EmulatorClient) -> None:
    emu.set_faults([{"service": "ec2", "action": "Create*", "kind": "throttle"}])
    ec2 = aws("ec2")
    ec2.describe_vpcs()
    aws("iam").list_roles()
    with pytest.raises(ClientError) as excinfo:
        ec2.create_vpc(CidrBlock="10.40.0.0/16")
    assert error_of(excinfo) == ("RequestLimitExceeded", 503)
    assert not [v for v in ec2.describe_vpcs()["Vpcs"] if v["CidrBlock"] == "10.40.0.0/16"]


# -- server errors, delays, resets, lost responses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "status", "code"),
    [
        ("ec2", 500, "InternalError"),
        ("ec2", 503, "Unavailable"),
        ("logs", 500, "InternalError"),
        ("logs", 503, "ServiceUnavailable"),
        ("iam", 503, "ServiceUnavailable"),
        ("s3", 500, "InternalError"),
    ],
)
def test_bare_server_errors(service: str, status: int, code: str, aws: Any, emu: EmulatorClient) -> None:
    emu.set_faults([{"service": service, "kind": "error", "status": status}])
    with pytest.raises(ClientError) as excinfo:
        THROTTLES[service][0](aws(service))
    assert error_of(excinfo) == (code, status)
    assert emu.requests()[0]["injected"] == "error"


def test_delay_sleeps_then_passes_through(aws: Any, emu: EmulatorClient) -> None:
    emu.set_faults([{"service": "ec2", "action": "DescribeVpcs", "kind": "delay", "seconds": 0.4}])
    ec2 = aws("ec2")
    start = time.monotonic()
    assert ec2.describe_vpcs()["Vpcs"]
    assert time.monotonic() - start >= 0.4
    [record] = emu.requests()
    assert record["status"] == 200 and record["injected"] == "delay" and record["duration_ms"] >= 400


def test_reset_drops_the_connection_and_botocore_retries_it(
    aws: Any, retrying: Callable[[str], Any], emu: EmulatorClient
) -> None:
    emu.set_faults([{"service": "ec2", "action": "DescribeVpcs", "kind": "reset", "count": 2}])
    with pytest.raises(ConnectionClosedError):
        aws("ec2").describe_vpcs()
    assert retrying("ec2").describe_vpcs()["Vpcs"]  # one more reset, then through
    assert [(r["status"], r.get("injected")) for r in emu.requests()] == [(0, "reset"), (0, "reset"), (200, None)]
    assert emu.health() == {"status": "ok"}  # the server is fine


def test_commit_then_fail_writes_but_answers_500(aws: Any, emu: EmulatorClient) -> None:
    emu.set_faults([{"service": "ec2", "action": "CreateVpc", "kind": "commit_then_fail", "count": 1}])
    ec2 = aws("ec2")
    with pytest.raises(ClientError) as excinfo:
        ec2.create_vpc(CidrBlock="10.41.0.0/16")
    assert error_of(excinfo) == ("InternalError", 500)
    vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if v["CidrBlock"] == "10.41.0.0/16"]
    assert len(vpcs) == 1  # the write happened: a retry without idempotency would make a second VPC
    first = emu.requests()[0]
    assert (first["action"], first["kind"], first["status"], first["injected"]) == (
        "CreateVpc",
        "write",
        500,
        "commit_then_fail",
    )


# -- eventual consistency ----------------------------------------------------------------------------------------


def test_error_code_after_a_create_models_eventual_consistency(aws: Any, emu: EmulatorClient) -> None:
    emu.set_faults(
        [
            {
                "service": "ec2",
                "action": "DescribeVpcs",
                "kind": "error_code",
                "code": "InvalidVpcID.NotFound",
                "status": 400,
                "count": 2,
                "after": "CreateVpc",
            }
        ]
    )
    ec2 = aws("ec2")
    ec2.describe_vpcs()  # not armed yet
    assert emu.faults()["rules"][0]["armed"] is False
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    assert emu.faults()["rules"][0]["armed"] is True
    for _ in range(2):
        with pytest.raises(ClientError) as excinfo:
            ec2.describe_vpcs(VpcIds=[vpc_id])
        assert error_of(excinfo) == ("InvalidVpcID.NotFound", 400)
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["VpcId"] == vpc_id
    injected = [r["injected"] for r in emu.requests() if "injected" in r]
    assert injected == ["error_code", "error_code"]


def test_error_code_after_a_write_in_another_service(aws: Any, emu: EmulatorClient) -> None:
    message = "The role defined for the function cannot be assumed by Lambda."
    emu.set_faults(
        [
            {
                "service": "lambda",
                "action": "CreateFunction",
                "kind": "error_code",
                "code": "InvalidParameterValueException",
                "message": message,
                "count": 1,
                "after": "iam:CreateRole",
            }
        ]
    )
    role = aws("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"}))
    with pytest.raises(ClientError) as excinfo:
        aws("lambda").create_function(
            FunctionName="fn",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="index.handler",
            Code={"ZipFile": b"not-a-zip"},
        )
    assert error_of(excinfo) == ("InvalidParameterValueException", 400)
    assert excinfo.value.response["Error"]["Message"] == message


# -- determinism, control, reset ---------------------------------------------------------------------------------


def test_rate_is_deterministic_for_a_seed(aws: Any, emu: EmulatorClient) -> None:
    def run(seed: int) -> list[bool]:
        emu.reset()
        emu.set_faults([{"service": "sts", "kind": "throttle", "rate": 0.5}], seed=seed)
        sts = aws("sts")
        outcome = []
        for _ in range(24):
            try:
                sts.get_caller_identity()
                outcome.append(False)
            except ClientError:
                outcome.append(True)
        return outcome

    first, again, other = run(7), run(7), run(8)
    assert first == again
    assert first != other
    assert 4 <= sum(first) <= 20
    assert emu.faults()["rules"][0]["matched"] == 24


def test_reset_clears_faults(aws: Any, emu: EmulatorClient) -> None:
    emu.set_faults([{"service": "ec2", "kind": "throttle"}], seed=3)
    assert emu.faults()["seed"] == 3
    emu.reset()
    assert emu.faults() == {"seed": 0, "rules": []}
    assert aws("ec2").describe_vpcs()["Vpcs"]


def test_clear_faults(aws: Any, emu: EmulatorClient) -> None:
    emu.set_faults([{"service": "*", "kind": "throttle"}])
    with pytest.raises(ClientError):
        aws("sts").get_caller_identity()
    assert emu.clear_faults()["rules"] == []
    aws("sts").get_caller_identity()


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "explode"},
        {"service": "ec2"},
        {"kind": "throttle", "rate": 2},
        {"kind": "throttle", "count": -1},
        {"kind": "error", "status": 404},
        {"kind": "error_code"},
        {"kind": "delay"},
        {"kind": "throttle", "seconds": 1},
        {"kind": "throttle", "colour": "red"},
    ],
)
def test_invalid_rules_are_refused(rule: dict[str, Any], emu: EmulatorClient) -> None:
    with pytest.raises(EmulatorError, match="HTTP 400"):
        emu.set_faults([rule])
    assert emu.faults()["rules"] == []


def test_faults_from_the_environment_and_the_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {"seed": 5, "rules": [{"service": "ec2", "kind": "throttle", "count": 1}]}
    monkeypatch.setenv("STACKSMITH_FAULTS", json.dumps(config))
    with EmulatorServer(host="127.0.0.3", port=0) as server:
        shown = EmulatorClient(server.endpoint).faults()
        assert shown["seed"] == 5 and shown["rules"][0]["kind"] == "throttle"
    monkeypatch.setenv("STACKSMITH_FAULTS", "{not json")
    with pytest.raises(ValueError, match="STACKSMITH_FAULTS"):
        EmulatorServer(host="127.0.0.3", port=0).start()
    monkeypatch.delenv("STACKSMITH_FAULTS")
    with EmulatorServer(host="127.0.0.3", port=0, faults=[{"kind": "delay", "seconds": 0.1}]) as server:
        assert EmulatorClient(server.endpoint).faults()["rules"][0]["kind"] == "delay"


def test_faults_cli(emu_server: EmulatorServer, emu: EmulatorClient, capsys: Any, tmp_path: Any) -> None:
    endpoint = ["--endpoint", emu_server.endpoint]
    path = tmp_path / "faults.json"
    path.write_text(json.dumps({"seed": 9, "rules": [{"service": "s3", "kind": "throttle", "rate": 0.1}]}))
    assert cli_main(["faults", "set", str(path), *endpoint]) == 0
    assert json.loads(capsys.readouterr().out)["seed"] == 9
    assert cli_main(["faults", *endpoint]) == 0
    assert json.loads(capsys.readouterr().out)["rules"][0]["service"] == "s3"
    assert cli_main(["faults", "clear", *endpoint]) == 0
    assert json.loads(capsys.readouterr().out)["rules"] == []
    path.write_text(json.dumps({"rules": [{"kind": "nope"}]}))
    assert cli_main(["faults", "set", str(path), *endpoint]) == 1
    assert "kind must be one of" in capsys.readouterr().err


# -- pure units --------------------------------------------------------------------------------------------------


def test_cbor_encoder_round_trips_through_botocore() -> None:
    from botocore.parsers import RpcV2CBORParser

    parser = RpcV2CBORParser()
    body = cbor_encode({"__type": "ThrottlingException", "message": "Rate exceeded" * 30, "n": 70000, "ok": True})
    parsed = parser._initial_body_parse(body)
    assert parsed == {"__type": "ThrottlingException", "message": "Rate exceeded" * 30, "n": 70000, "ok": True}


def test_parse_config_accepts_a_bare_list_and_the_injector_is_deterministic() -> None:
    seed, rules = parse_config([{"kind": "throttle", "rate": 0.3}])
    assert seed == 0 and rules[0].rate == 0.3
    a, b = FaultInjector(), FaultInjector()
    for injector in (a, b):
        injector.configure({"seed": 11, "rules": [{"kind": "delay", "seconds": 0, "rate": 0.5}]})
    assert a._rng.random() == b._rng.random()
