"""ecs_cluster_services: a cluster counts its ACTIVE services, lists no deleted ones and refuses deletion while it has
services, as real ECS does."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient


def _service(aws: Any, cluster: str, name: str, desired: int = 1) -> None:
    ec2 = aws("ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    ecs = aws("ecs")
    ecs.register_task_definition(
        family="shim-td",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    ecs.create_service(
        cluster=cluster,
        serviceName=name,
        taskDefinition="shim-td",
        desiredCount=desired,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}},
    )


def _cluster(ecs: Any, name: str) -> dict[str, Any]:
    return ecs.describe_clusters(clusters=[name])["clusters"][0]


def test_active_services_count_follows_services(aws: Any, emu: EmulatorClient) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="svc-count")
    assert _cluster(ecs, "svc-count")["activeServicesCount"] == 0
    _service(aws, "svc-count", "api")
    _service(aws, "svc-count", "web")
    assert _cluster(ecs, "svc-count")["activeServicesCount"] == 2

    ecs.delete_service(cluster="svc-count", service="api", force=True)
    assert _cluster(ecs, "svc-count")["activeServicesCount"] == 1
    assert [arn.rsplit("/", 1)[-1] for arn in ecs.list_services(cluster="svc-count")["serviceArns"]] == ["web"]


def test_delete_cluster_refused_while_services_remain(aws: Any, emu: EmulatorClient) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="busy")
    _service(aws, "busy", "api")

    with pytest.raises(ClientError) as error:
        ecs.delete_cluster(cluster="busy")
    assert error.value.response["Error"]["Code"] == "ClusterContainsServicesException"
    assert _cluster(ecs, "busy")["status"] == "ACTIVE"

    ecs.delete_service(cluster="busy", service="api", force=True)
    assert ecs.delete_cluster(cluster="busy")["cluster"]["status"] == "INACTIVE"
