"""Application Auto Scaling (ECS services): DescribeScalingPolicies honours ``PolicyNames`` and matches
``ResourceId`` / ``ScalableDimension`` exactly.

Real AWS returns only the named policies, of exactly that resource and dimension. moto 5.2.5 ignores
``PolicyNames`` and matches ``ResourceId`` as a substring, so ``community.aws.application_autoscaling_policy``
(``PolicyNames=[name], MaxResults=1``) compares its policy with another one of the same service and re-writes it
on every run (an ECS service with a CPU and a memory policy is never idempotent).

Patch: the response handler passes ``PolicyNames`` through a context variable; the backend method filters exactly.
"""

from __future__ import annotations

import contextvars
import functools
from typing import Any

from . import shim

_policy_names: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "stacksmith_scaling_policy_names", default=None
)


@shim(
    name="ecs_autoscaling_policy_names",
    service="application-autoscaling",
    real_behaviour=(
        "DescribeScalingPolicies returns only the policies named in PolicyNames, of exactly the given ResourceId "
        "and ScalableDimension."
    ),
    moto_behaviour=(
        "PolicyNames is ignored and ResourceId is matched as a substring, so community.aws."
        "application_autoscaling_policy re-writes the second policy of a service on every run."
    ),
)
def apply() -> None:
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    original_response = ApplicationAutoScalingResponse.describe_scaling_policies

    @functools.wraps(original_response)
    def describe_scaling_policies_response(self: Any) -> Any:
        token = _policy_names.set(self._get_param("PolicyNames"))
        try:
            return original_response(self)
        finally:
            _policy_names.reset(token)

    ApplicationAutoScalingResponse.describe_scaling_policies = describe_scaling_policies_response  # type: ignore[method-assign]

    def describe_scaling_policies(
        self: Any,
        service_namespace: str,
        resource_id: str,
        scalable_dimension: str,
        max_results: int | None,
        next_token: str,
    ) -> tuple[str | None, list[Any]]:
        names = _policy_names.get()
        policies = [
            policy
            for policy in self.policies.values()
            if policy.service_namespace == service_namespace
            and (not resource_id or policy.resource_id == resource_id)
            and (not scalable_dimension or policy.scalable_dimension == scalable_dimension)
            and (not names or policy.policy_name in names)
        ]
        start = int(next_token) if next_token else 0
        end = start + (max_results or 100)
        return (str(end) if end < len(policies) else None), policies[start:end]

    ApplicationAutoscalingBackend.describe_scaling_policies = describe_scaling_policies  # type: ignore[method-assign]
