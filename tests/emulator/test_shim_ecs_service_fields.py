"""Shim ecs_service_fields: CreateService keeps the fields moto drops; taskDefinition is always the ARN."""

from __future__ import annotations

from typing import Any

from emulator.client import EmulatorClient


def _network(aws: Any) -> dict[str, Any]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="app", Description="app")["GroupId"]
    return {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "DISABLED"}}


def _register(ecs: Any, family: str = "web") -> str:
    return ecs.register_task_definition(
        family=family,
        cpu="256",
        memory="512",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[{"name": "app", "image": "nginx:1"}],
    )["taskDefinition"]["taskDefinitionArn"]


def test_ecs_create_service_keeps_grace_period_deployment_configuration_and_exec(emu: EmulatorClient, aws: Any) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="apps")
    arn = _register(ecs)
    created = ecs.create_service(
        cluster="apps",
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=_network(aws),
        healthCheckGracePeriodSeconds=60,
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        enableExecuteCommand=True,
    )["service"]
    described = ecs.describe_services(cluster="apps", services=["web"])["services"][0]
    for service in (created, described):
        assert service["healthCheckGracePeriodSeconds"] == 60
        assert service["deploymentConfiguration"] == {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        }
        assert service["enableExecuteCommand"] is True
        assert service["taskDefinition"] == arn
        assert service["launchType"] == "FARGATE"


def test_ecs_create_service_defaults_deployment_configuration(emu: EmulatorClient, aws: Any) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="apps")
    _register(ecs)
    service = ecs.create_service(
        cluster="apps",
        serviceName="web",
        taskDefinition="web",
        desiredCount=0,
        launchType="FARGATE",
        networkConfiguration=_network(aws),
    )["service"]
    assert service["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": False, "rollback": False}
    assert service["enableExecuteCommand"] is False


def test_ecs_capacity_provider_strategy_replaces_the_launch_type(emu: EmulatorClient, aws: Any) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(
        clusterName="apps",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 2}],
    )
    _register(ecs)
    strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 1}]
    explicit = ecs.create_service(
        cluster="apps",
        serviceName="a",
        taskDefinition="web",
        desiredCount=0,
        capacityProviderStrategy=strategy,
        networkConfiguration=_network(aws),
    )["service"]
    assert explicit["capacityProviderStrategy"] == strategy
    assert "launchType" not in explicit
    default = ecs.create_service(
        cluster="apps", serviceName="b", taskDefinition="web", desiredCount=0, networkConfiguration=_network(aws)
    )["service"]
    assert [s["capacityProvider"] for s in default["capacityProviderStrategy"]] == ["FARGATE_SPOT"]
    assert "launchType" not in default


def test_ecs_update_service_stores_the_task_definition_arn(emu: EmulatorClient, aws: Any) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="apps")
    _register(ecs)
    second = _register(ecs)
    ecs.create_service(
        cluster="apps",
        serviceName="web",
        taskDefinition="web:1",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=_network(aws),
    )
    updated = ecs.update_service(cluster="apps", service="web", taskDefinition="web:2")["service"]
    described = ecs.describe_services(cluster="apps", services=["web"])["services"][0]
    assert updated["taskDefinition"] == described["taskDefinition"] == second
    assert described["deployments"][0]["taskDefinition"] == second
    # the same revision again (by family): no new deployment
    again = ecs.update_service(cluster="apps", service="web", taskDefinition="web")["service"]
    assert [d["id"] for d in again["deployments"]] == [d["id"] for d in described["deployments"]]
