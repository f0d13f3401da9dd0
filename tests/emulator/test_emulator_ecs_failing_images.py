"""ECS failing images: a deployment of a failing image goes IN_PROGRESS, then FAILED (circuit breaker) and, with
rollback, ECS starts a deployment of the previous task definition."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from emulator import latency
from emulator.client import EmulatorClient, EmulatorError


def _setup(aws: Any, breaker: dict[str, bool] | None) -> Any:
    ecs, ec2 = aws("ecs"), aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="api", Description="api")["GroupId"]
    ecs.create_cluster(clusterName="apps")
    for tag in ("good", "broken-1"):
        ecs.register_task_definition(
            family="api",
            cpu="256",
            memory="512",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            containerDefinitions=[{"name": "app", "image": f"repo/api:{tag}"}],
        )
    kwargs: dict[str, Any] = {}
    if breaker is not None:
        kwargs["deploymentConfiguration"] = {"deploymentCircuitBreaker": breaker}
    ecs.create_service(
        cluster="apps",
        serviceName="api",
        taskDefinition="api:1",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg]}},
        **kwargs,
    )
    return ecs


def _arn(revision: int) -> str:
    return f"arn:aws:ecs:us-east-1:123456789012:task-definition/api:{revision}"


def test_ecs_control_api_sets_and_resets_failing_images(emu: EmulatorClient) -> None:
    assert emu.ecs()["failing_images"] == []
    assert emu.set_ecs_failing_images(["*:broken-*"])["failing_images"] == ["*:broken-*"]
    assert emu.ecs()["failing_images"] == ["*:broken-*"]
    emu.reset()
    assert emu.ecs()["failing_images"] == []
    with pytest.raises(EmulatorError, match="400"):
        emu.set_ecs_failing_images([""])
    emu.set_ecs_failing_images(["x"])
    assert emu.clear_ecs()["failing_images"] == []


def test_ecs_failing_images_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(latency.ECS_FAILING_IMAGES_ENV, "a:*, b:1")
    assert latency.ecs_failing_images() == ["a:*", "b:1"]
    monkeypatch.delenv(latency.ECS_FAILING_IMAGES_ENV)
    assert latency.ecs_failing_images() == [] or os.environ.get(latency.ECS_FAILING_IMAGES_ENV)


def test_ecs_failing_deployment_is_rolled_back_by_the_circuit_breaker(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"ecs_service_deployment": {"create": 0, "update": 0.4}})
    ecs = _setup(aws, {"enable": True, "rollback": True})
    emu.set_ecs_failing_images(["*:broken-*"])
    updated = ecs.update_service(cluster="apps", service="api", taskDefinition="api:2")["service"]
    assert [(d["status"], d["rolloutState"], d["taskDefinition"]) for d in updated["deployments"]] == [
        ("PRIMARY", "IN_PROGRESS", _arn(2)),
        ("ACTIVE", "COMPLETED", _arn(1)),
    ]
    failed_id = updated["deployments"][0]["id"]
    time.sleep(0.5)
    service = ecs.describe_services(cluster="apps", services=["api"])["services"][0]
    assert service["taskDefinition"] == _arn(1)
    primary, failed = service["deployments"]
    assert (primary["status"], primary["rolloutState"], primary["taskDefinition"]) == ("PRIMARY", "COMPLETED", _arn(1))
    assert (failed["id"], failed["status"], failed["rolloutState"]) == (failed_id, "ACTIVE", "FAILED")
    assert failed["taskDefinition"] == _arn(2) and failed["failedTasks"] > 0
    assert "circuit breaker" in failed["rolloutStateReason"]
    assert service["runningCount"] == 2
    assert "rolling back" in service["events"][0]["message"]
    assert "deployment failed" in service["events"][1]["message"]
    record = [r for r in emu.timeline() if r["id"] == failed_id][0]
    assert record["failing_image"] == "repo/api:broken-1"


def test_ecs_failing_deployment_without_rollback_stays_failed(emu: EmulatorClient, aws: Any) -> None:
    ecs = _setup(aws, {"enable": True, "rollback": False})
    emu.set_ecs_failing_images(["repo/api:broken-1"])
    ecs.update_service(cluster="apps", service="api", taskDefinition="api:2")
    service = ecs.describe_services(cluster="apps", services=["api"])["services"][0]
    assert service["taskDefinition"] == _arn(2)
    assert [(d["status"], d["rolloutState"]) for d in service["deployments"]] == [
        ("PRIMARY", "FAILED"),
        ("ACTIVE", "COMPLETED"),
    ]


def test_ecs_failing_deployment_without_circuit_breaker_never_completes(emu: EmulatorClient, aws: Any) -> None:
    ecs = _setup(aws, None)
    emu.set_ecs_failing_images(["*broken*"])
    ecs.update_service(cluster="apps", service="api", taskDefinition="api:2")
    service = ecs.describe_services(cluster="apps", services=["api"])["services"][0]
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert service["taskDefinition"] == _arn(2)


def test_ecs_good_image_still_completes_with_failing_globs(emu: EmulatorClient, aws: Any) -> None:
    ecs = _setup(aws, {"enable": True, "rollback": True})
    emu.set_ecs_failing_images(["*:broken-*"])
    ecs.update_service(cluster="apps", service="api", taskDefinition="api:1", forceNewDeployment=True)
    service = ecs.describe_services(cluster="apps", services=["api"])["services"][0]
    assert [(d["status"], d["rolloutState"]) for d in service["deployments"]] == [("PRIMARY", "COMPLETED")]
