"""Shim ecs_autoscaling_policy_names: DescribeScalingPolicies filters by PolicyNames and exact ResourceId."""

from __future__ import annotations

from typing import Any

from emulator.client import EmulatorClient


def test_ecs_describe_scaling_policies_honours_policy_names(emu: EmulatorClient, aws: Any) -> None:
    aas, ecs = aws("application-autoscaling"), aws("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="t", containerDefinitions=[{"name": "a", "image": "x", "memory": 64}])
    for name in ("web", "web2"):
        ecs.create_service(cluster="c", serviceName=name, taskDefinition="t", desiredCount=1)
    for resource in ("service/c/web", "service/c/web2"):
        aas.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=resource,
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=1,
            MaxCapacity=3,
        )
    for resource, name, metric in (
        ("service/c/web", "web-cpu", "ECSServiceAverageCPUUtilization"),
        ("service/c/web", "web-memory", "ECSServiceAverageMemoryUtilization"),
        ("service/c/web2", "web2-cpu", "ECSServiceAverageCPUUtilization"),
    ):
        aas.put_scaling_policy(
            PolicyName=name,
            ServiceNamespace="ecs",
            ResourceId=resource,
            ScalableDimension="ecs:service:DesiredCount",
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 70.0,
                "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
            },
        )
    named = aas.describe_scaling_policies(
        ServiceNamespace="ecs",
        ResourceId="service/c/web",
        ScalableDimension="ecs:service:DesiredCount",
        PolicyNames=["web-memory"],
        MaxResults=1,
    )["ScalingPolicies"]
    assert [p["PolicyName"] for p in named] == ["web-memory"]
    of_web = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId="service/c/web")["ScalingPolicies"]
    assert sorted(p["PolicyName"] for p in of_web) == ["web-cpu", "web-memory"]
