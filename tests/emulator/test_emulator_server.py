"""EmulatorServer: loopback-only binding, control API, and the interceptor hook point."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient
from emulator.middleware import InjectedResponse, RequestContext
from emulator.server import EmulatorServer, is_loopback_host


@pytest.mark.parametrize("host", ["0.0.0.0", "10.1.2.3", "192.168.1.20", "::", "8.8.8.8", "example.com", ""])
def test_non_loopback_hosts_are_refused(host: str) -> None:
    assert not is_loopback_host(host)
    with pytest.raises(ValueError, match="loopback"):
        EmulatorServer(host=host, port=0)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    assert is_loopback_host(host)
    EmulatorServer(host=host, port=0)  # constructing does not bind


def test_second_server_on_loopback_alias_serves_health() -> None:
    server = EmulatorServer(host="127.0.0.2", port=0)
    with server:
        assert server.port > 0
        assert server.endpoint == f"http://127.0.0.2:{server.port}"
        assert EmulatorClient(server.endpoint).health() == {"status": "ok"}
    assert not server.running
    assert not EmulatorClient(server.endpoint, timeout=1).is_healthy()


def test_endpoint_and_health(emu_server: EmulatorServer, emu: EmulatorClient) -> None:
    assert emu_server.endpoint == f"http://127.0.0.1:{emu_server.port}"
    assert emu.health() == {"status": "ok"}
    assert emu.is_healthy()


def _raw(url: str, method: str = "GET") -> tuple[int, Any]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_control_api_errors(emu_server: EmulatorServer, emu: EmulatorClient) -> None:
    status, body = _raw(f"{emu_server.endpoint}/_stacksmith/nope")
    assert status == 404 and "/health" in body["endpoints"]
    status, body = _raw(f"{emu_server.endpoint}/_stacksmith/reset")  # GET on a POST endpoint
    assert status == 405 and body["allowed"] == ["POST"]
    status, body = _raw(f"{emu_server.endpoint}/_stacksmith/requests?since=abc")
    assert status == 400
    assert emu.requests() == []


def test_shims_endpoint_lists_the_registry(emu: EmulatorClient) -> None:
    shims = {s["name"]: s for s in emu.shims()}
    assert {
        "ecs_cluster_capacity_provider_keys",
        "s3_default_bucket_security",
        "efs_describe_tags",
        "acm_dns_validation",
    } <= set(shims)
    for item in shims.values():
        assert item["service"] and item["real_behaviour"] and item["moto_behaviour"]
        assert item["applied"] is True


def test_interceptor_hook_can_answer_before_moto(emu_server: EmulatorServer, aws: Any, emu: EmulatorClient) -> None:
    """The hook point for later latency / fault injection: an interceptor sees the resolved request first."""
    seen: list[tuple[str, str, str]] = []

    def throttle_create_vpc(ctx: RequestContext) -> InjectedResponse | None:
        seen.append((ctx.service, ctx.action, ctx.kind))
        if ctx.action != "CreateVpc":
            return None
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code>'
            b"<Message>injected</Message></Error></Errors><RequestID>x</RequestID></Response>"
        )
        return InjectedResponse(503, body, [("Content-Type", "text/xml")])

    assert emu_server.app is not None
    emu_server.app.interceptors.append(throttle_create_vpc)
    try:
        ec2 = aws("ec2")
        with pytest.raises(ClientError) as excinfo:
            ec2.create_vpc(CidrBlock="10.9.0.0/16")
        assert excinfo.value.response["Error"]["Code"] == "RequestLimitExceeded"
        assert ec2.describe_vpcs()["Vpcs"]  # other calls reach moto (its default VPC)
    finally:
        emu_server.app.interceptors.remove(throttle_create_vpc)
    assert seen == [("ec2", "CreateVpc", "write"), ("ec2", "DescribeVpcs", "read")]
    assert [(r["action"], r["status"]) for r in emu.requests()] == [("CreateVpc", 503), ("DescribeVpcs", 200)]
    assert not [v for v in aws("ec2").describe_vpcs()["Vpcs"] if v["CidrBlock"] == "10.9.0.0/16"]
