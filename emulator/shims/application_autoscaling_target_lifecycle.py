"""Application Auto Scaling: scaling policies belong to a registered scalable target.

Real AWS:

* PutScalingPolicy for a target that is not registered fails with ``ObjectNotFoundException`` "No scalable target
  registered for service namespace: ecs, resource ID: service/<cluster>/<service>, scalable dimension:
  ecs:service:DesiredCount" (the error the stock module's register-first fix of 2018, ansible/ansible#35632, was
  written against).
* DeregisterScalableTarget deletes the target's scaling policies (and with them the CloudWatch alarms of its
  target-tracking policies) and its scheduled actions (API reference, DeregisterScalableTarget).
* DeleteScalingPolicy / DeregisterScalableTarget of a policy / target that does not exist fail with
  ``ObjectNotFoundException`` (the error both operations model for it).
* RegisterScalableTarget of an ECS service without ``RoleARN`` uses the service-linked role
  ``arn:aws:iam::<account>:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/
  AWSServiceRoleForApplicationAutoScaling_ECSService``, which DescribeScalableTargets reports as ``RoleARN``;
  ``SuspendedState`` is reported with its three flags false unless set.
* RegisterScalableTarget for an ECS service in a cluster that does not exist fails like any other missing
  service: ``ValidationException`` "ECS service doesn't exist: service/<cluster>/<service>".

moto 5.2.5: PutScalingPolicy accepts any resource id; DeregisterScalableTarget leaves the policies (and their
alarms) behind; the two not-found cases answer ``ValidationException``; ``RoleARN`` and ``SuspendedState`` are null;
a missing cluster answers ECS's ``ClusterNotFoundException``.

Patch: the backend methods of ``ApplicationAutoscalingBackend`` (put_scaling_policy, deregister_scalable_target,
delete_scaling_policy, register_scalable_target).
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim

ECS_ROLE = (
    "arn:{partition}:iam::{account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_ECSService"
)
NOT_SUSPENDED = {
    "DynamicScalingInSuspended": False,
    "DynamicScalingOutSuspended": False,
    "ScheduledScalingSuspended": False,
}


@shim(
    name="application_autoscaling_target_lifecycle",
    service="application-autoscaling",
    real_behaviour=(
        "PutScalingPolicy needs a registered scalable target (ObjectNotFoundException); DeregisterScalableTarget "
        "deletes the target's scaling policies (and their alarms) and scheduled actions; a missing policy or target "
        "is ObjectNotFoundException; an ECS target gets the service-linked RoleARN and SuspendedState flags false; "
        "a missing ECS cluster is ValidationException 'ECS service doesn't exist'."
    ),
    moto_behaviour=(
        "PutScalingPolicy accepts an unregistered target; policies and alarms survive DeregisterScalableTarget; "
        "ValidationException for missing policies / targets; RoleARN and SuspendedState null; a missing cluster "
        "answers ClusterNotFoundException."
    ),
)
def apply() -> None:
    from moto.applicationautoscaling.exceptions import AWSValidationException
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.core.exceptions import JsonRESTError
    from moto.ecs.exceptions import ClusterNotFoundException
    from moto.utilities.utils import get_partition

    class ObjectNotFoundException(JsonRESTError):
        def __init__(self, message: str) -> None:
            super().__init__("ObjectNotFoundException", message)

    def describe_target(namespace: str, resource_id: str, dimension: str) -> str:
        return f"service namespace: {namespace}, resource ID: {resource_id}, scalable dimension: {dimension}"

    original_put = ApplicationAutoscalingBackend.put_scaling_policy

    @functools.wraps(original_put)
    def put_scaling_policy(
        self: Any,
        policy_name: str,
        service_namespace: str,
        resource_id: str,
        scalable_dimension: str,
        policy_body: dict[str, Any],
        policy_type: str | None,
    ) -> Any:
        target = self.targets.get(scalable_dimension, {}).get(resource_id)
        if target is None or target.service_namespace != service_namespace:
            raise ObjectNotFoundException(
                "No scalable target registered for "
                + describe_target(service_namespace, resource_id, scalable_dimension)
            )
        return original_put(
            self, policy_name, service_namespace, resource_id, scalable_dimension, policy_body, policy_type
        )

    def deregister_scalable_target(self: Any, namespace: str, r_id: str, dimension: str) -> None:
        if r_id not in self.targets.get(dimension, {}):
            raise ObjectNotFoundException("No scalable target found for " + describe_target(namespace, r_id, dimension))
        for key, policy in list(self.policies.items()):
            if (policy.service_namespace, policy.resource_id, policy.scalable_dimension) == (
                namespace,
                r_id,
                dimension,
            ):
                policy.delete_alarms(self.account_id, self.region_name)
                del self.policies[key]
        self.scheduled_actions = [
            action
            for action in self.scheduled_actions
            if (action.service_namespace, action.resource_id, action.scalable_dimension) != (namespace, r_id, dimension)
        ]
        del self.targets[dimension][r_id]

    original_delete_policy = ApplicationAutoscalingBackend.delete_scaling_policy

    @functools.wraps(original_delete_policy)
    def delete_scaling_policy(
        self: Any, policy_name: str, service_namespace: str, resource_id: str, scalable_dimension: str
    ) -> None:
        try:
            original_delete_policy(self, policy_name, service_namespace, resource_id, scalable_dimension)
        except AWSValidationException as e:
            raise ObjectNotFoundException(e.message) from e

    original_register = ApplicationAutoscalingBackend.register_scalable_target

    @functools.wraps(original_register)
    def register_scalable_target(
        self: Any,
        namespace: str,
        r_id: str,
        dimension: str,
        min_capacity: int | None,
        max_capacity: int | None,
        role_arn: str,
        suspended_state: Any,
    ) -> Any:
        existing = self.targets.get(dimension, {}).get(r_id)
        try:
            target = original_register(
                self, namespace, r_id, dimension, min_capacity, max_capacity, role_arn, suspended_state
            )
        except ClusterNotFoundException as e:
            raise AWSValidationException(f"ECS service doesn't exist: {r_id}") from e
        if existing is None:
            if not target.role_arn and namespace == "ecs":
                target.role_arn = ECS_ROLE.format(partition=get_partition(self.region_name), account=self.account_id)
            if not target.suspended_state:
                target.suspended_state = dict(NOT_SUSPENDED)
        elif suspended_state:
            target.suspended_state = dict(NOT_SUSPENDED, **suspended_state)
        return target

    ApplicationAutoscalingBackend.put_scaling_policy = put_scaling_policy  # type: ignore[method-assign]
    ApplicationAutoscalingBackend.deregister_scalable_target = deregister_scalable_target  # type: ignore[method-assign]
    ApplicationAutoscalingBackend.delete_scaling_policy = delete_scaling_policy  # type: ignore[method-assign]
    ApplicationAutoscalingBackend.register_scalable_target = register_scalable_target  # type: ignore[method-assign]
