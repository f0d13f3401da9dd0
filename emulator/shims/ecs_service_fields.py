"""ECS: CreateService keeps the fields moto drops, and a service's ``taskDefinition`` is always the full ARN.

Real ECS:

* CreateService stores and reports ``healthCheckGracePeriodSeconds``, ``deploymentConfiguration`` (with the
  defaults ``maximumPercent`` 200, ``minimumHealthyPercent`` 100 and a disabled ``deploymentCircuitBreaker`` when not
  given), ``enableExecuteCommand`` (default false) and ``capacityProviderStrategy``. A service created with a
  capacity provider strategy has no ``launchType``; a service created with neither a launch type nor a strategy in a
  cluster that has a default capacity provider strategy gets that strategy.
* ``taskDefinition`` (of the service and of its deployments) is the task definition's full ARN, whatever form
  (``family``, ``family:revision`` or ARN) CreateService / UpdateService were given.

moto 5.2.5: CreateService ignores ``healthCheckGracePeriodSeconds``, ``deploymentConfiguration``,
``enableExecuteCommand`` and ``capacityProviderStrategy`` (and defaults ``launchType`` to EC2); UpdateService stores
``taskDefinition`` exactly as passed (``web`` or ``web:3``), so a module that compares it with an ARN reports a
change on every run.

Patch: ``EC2ContainerServiceResponse.create_service`` passes the dropped request fields to the backend through a
context variable; a wrapper of ``EC2ContainerServiceBackend.create_service`` applies them to the new service (and its
first deployment) before anything else sees it; ``update_service`` resolves ``task_definition`` to the ARN first.
"""

from __future__ import annotations

import contextvars
import copy
import functools
from typing import Any

from . import shim

_create_params: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "stacksmith_ecs_create_service_params", default=None
)

DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}


def _deployment_configuration(given: dict[str, Any] | None) -> dict[str, Any]:
    out = copy.deepcopy(DEFAULT_DEPLOYMENT_CONFIGURATION)
    for key, value in (given or {}).items():
        if key == "deploymentCircuitBreaker" and isinstance(value, dict):
            out[key].update(value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@shim(
    name="ecs_service_fields",
    service="ecs",
    real_behaviour=(
        "CreateService stores healthCheckGracePeriodSeconds, deploymentConfiguration (defaults: maximumPercent 200, "
        "minimumHealthyPercent 100, circuit breaker disabled), enableExecuteCommand (false) and "
        "capacityProviderStrategy (then no launchType; the cluster's default strategy when neither is given); a "
        "service's taskDefinition is always the task definition ARN."
    ),
    moto_behaviour=(
        "CreateService drops those four fields and defaults launchType to EC2; UpdateService stores taskDefinition as "
        "passed (family or family:revision), so an idempotent module compare reports a change on every run."
    ),
)
def apply() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    original_response = EC2ContainerServiceResponse.create_service

    @functools.wraps(original_response)
    def create_service_response(self: Any) -> Any:
        params = {
            "healthCheckGracePeriodSeconds": self._get_param("healthCheckGracePeriodSeconds"),
            "deploymentConfiguration": self._get_param("deploymentConfiguration"),
            "enableExecuteCommand": self._get_param("enableExecuteCommand"),
            "capacityProviderStrategy": self._get_param("capacityProviderStrategy"),
            "launchType": self._get_param("launchType"),
        }
        token = _create_params.set(params)
        try:
            return original_response(self)
        finally:
            _create_params.reset(token)

    EC2ContainerServiceResponse.create_service = create_service_response  # type: ignore[method-assign]

    original_create = EC2ContainerServiceBackend.create_service

    @functools.wraps(original_create)
    def create_service(self: Any, *args: Any, **kwargs: Any) -> Any:
        service = original_create(self, *args, **kwargs)
        params = _create_params.get()
        if params is None:
            return service
        if params["healthCheckGracePeriodSeconds"] is not None:
            service.health_check_grace_period_seconds = int(params["healthCheckGracePeriodSeconds"])
        service.deployment_configuration = _deployment_configuration(params["deploymentConfiguration"])
        service.enable_execute_command = bool(params["enableExecuteCommand"])
        strategy = params["capacityProviderStrategy"]
        if not strategy and not params["launchType"]:
            cluster = self._get_cluster(service.cluster_name)
            strategy = list(getattr(cluster, "default_capacity_provider_strategy", None) or [])
        if strategy:
            service.capacity_provider_strategy = copy.deepcopy(strategy)
            service.launch_type = None
        for deployment in getattr(service, "deployments", None) or []:
            if strategy:
                deployment.pop("launchType", None)
                deployment["capacityProviderStrategy"] = copy.deepcopy(strategy)
        return service

    EC2ContainerServiceBackend.create_service = create_service  # type: ignore[method-assign]

    original_update = EC2ContainerServiceBackend.update_service

    @functools.wraps(original_update)
    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        task_definition = service_properties.get("task_definition")
        if task_definition:
            service_properties = dict(service_properties)
            service_properties["task_definition"] = self.describe_task_definition(task_definition).arn
        return original_update(self, service_properties)

    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]
