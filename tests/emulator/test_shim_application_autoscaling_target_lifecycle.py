"""Shim application_autoscaling_target_lifecycle: policies need a registered target and go with it; not-found errors
are ObjectNotFoundException; ECS targets report the service-linked role; a missing cluster is a missing service."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient

DIMENSION = "ecs:service:DesiredCount"
RESOURCE = "service/c/web"
KEY = {"ServiceNamespace": "ecs", "ResourceId": RESOURCE, "ScalableDimension": DIMENSION}
CPU = {
    "TargetValue": 70.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
}


def _service(aws: Any, name: str = "web") -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="c")
    ecs.register_task_definition(family="t", containerDefinitions=[{"name": "a", "image": "x", "memory": 64}])
    ecs.create_service(cluster="c", serviceName=name, taskDefinition="t", desiredCount=1)


def _error_code(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]["Code"]


def test_put_scaling_policy_needs_a_registered_target(emu: EmulatorClient, aws: Any) -> None:
    aas = aws("application-autoscaling")
    _service(aws)
    with pytest.raises(ClientError) as error:
        aas.put_scaling_policy(
            PolicyName="cpu", PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration=CPU, **KEY
        )
    assert error.value.response["Error"]["Code"] == "ObjectNotFoundException"
    assert error.value.response["Error"]["Message"] == (
        f"No scalable target registered for service namespace: ecs, resource ID: {RESOURCE}, "
        f"scalable dimension: {DIMENSION}"
    )
    assert aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"] == []


def test_deregister_deletes_the_policies_and_their_alarms(emu: EmulatorClient, aws: Any) -> None:
    aas, cloudwatch = aws("application-autoscaling"), aws("cloudwatch")
    _service(aws)
    _service(aws, "api")
    for resource in (RESOURCE, "service/c/api"):
        aas.register_scalable_target(**dict(KEY, ResourceId=resource), MinCapacity=1, MaxCapacity=3)
        aas.put_scaling_policy(
            PolicyName="cpu",
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=CPU,
            **dict(KEY, ResourceId=resource),
        )
    assert any(RESOURCE in a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"])

    aas.deregister_scalable_target(**KEY)

    assert aas.describe_scaling_policies(**KEY)["ScalingPolicies"] == []
    assert aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE])["ScalableTargets"] == []
    alarms = [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]]
    assert not [name for name in alarms if RESOURCE + "-" in name]
    # the other service's target and policy are untouched
    other = aas.describe_scaling_policies(**dict(KEY, ResourceId="service/c/api"))["ScalingPolicies"]
    assert [p["PolicyName"] for p in other] == ["cpu"]
    assert [a for a in alarms if "service/c/api-" in a]


def test_missing_policy_and_target_are_object_not_found(emu: EmulatorClient, aws: Any) -> None:
    aas = aws("application-autoscaling")
    assert _error_code(aas.delete_scaling_policy, PolicyName="cpu", **KEY) == "ObjectNotFoundException"
    assert _error_code(aas.deregister_scalable_target, **KEY) == "ObjectNotFoundException"


def test_ecs_target_reports_the_service_linked_role_and_suspended_state(emu: EmulatorClient, aws: Any) -> None:
    aas = aws("application-autoscaling")
    _service(aws)
    aas.register_scalable_target(**KEY, MinCapacity=1, MaxCapacity=3)
    aas.register_scalable_target(**KEY, MinCapacity=1, MaxCapacity=5)
    (target,) = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE])["ScalableTargets"]
    assert target["RoleARN"] == (
        "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
        "AWSServiceRoleForApplicationAutoScaling_ECSService"
    )
    assert target["SuspendedState"] == {
        "DynamicScalingInSuspended": False,
        "DynamicScalingOutSuspended": False,
        "ScheduledScalingSuspended": False,
    }
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 5)


def test_ecs_service_in_a_missing_cluster_does_not_exist(emu: EmulatorClient, aws: Any) -> None:
    aas = aws("application-autoscaling")
    with pytest.raises(ClientError) as error:
        aas.register_scalable_target(**dict(KEY, ResourceId="service/nope/web"), MinCapacity=1, MaxCapacity=3)
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert error.value.response["Error"]["Message"] == "ECS service doesn't exist: service/nope/web"
