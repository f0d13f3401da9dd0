# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fargate task sizes: which CPU / memory pairs AWS Fargate accepts, checked before any AWS call."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: fargate_pair_error
short_description: Why a Fargate task CPU / memory pair is invalid (empty when it is valid)
description:
  - Returns an empty string when AWS Fargate accepts the task size C(cpu) (CPU units) with C(memory) (MiB), else a
    message naming the valid memory values for that CPU.
  - "Valid pairs: 256 with 512, 1024 or 2048; 512 with 1024-4096 (step 1024); 1024 with 2048-8192 (step 1024);
    2048 with 4096-16384 (step 1024); 4096 with 8192-30720 (step 1024); 8192 with 16384-61440 (step 4096);
    16384 with 32768-122880 (step 8192)."
positional: _input
options:
  _input:
    description: The CPU units (int or numeric string).
    type: raw
    required: true
  memory:
    description: The memory in MiB (int or numeric string).
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Fail early on an invalid task size
  ansible.builtin.assert:
    that: (512 | stacksmith.aws.fargate_pair_error(1024)) == ''
"""

RETURN = r"""
_value:
  description: The error message, or an empty string.
  type: str
"""

# cpu -> (min memory, max memory, step)
FARGATE_MEMORY = {
    256: (512, 2048, None),
    512: (1024, 4096, 1024),
    1024: (2048, 8192, 1024),
    2048: (4096, 16384, 1024),
    4096: (8192, 30720, 1024),
    8192: (16384, 61440, 4096),
    16384: (32768, 122880, 8192),
}
FARGATE_256 = (512, 1024, 2048)


def valid_memory(cpu: int) -> list[int]:
    """The memory values (MiB) Fargate accepts with `cpu` units ([] for an unknown CPU)."""
    if cpu == 256:
        return list(FARGATE_256)
    if cpu not in FARGATE_MEMORY:
        return []
    low, high, step = FARGATE_MEMORY[cpu]
    return list(range(low, high + 1, step))


def _as_int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise AnsibleFilterError(f"fargate_pair_error: {what} must be a number, got {value!r}")
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"fargate_pair_error: {what} must be a number, got {value!r}") from None


def fargate_pair_error(cpu: Any, memory: Any) -> str:
    """'' when Fargate accepts cpu/memory, else a message with the valid values."""
    cpu_units, memory_mib = _as_int(cpu, "cpu"), _as_int(memory, "memory")
    if cpu_units not in FARGATE_MEMORY:
        return f"cpu {cpu_units} is not a Fargate task size; valid cpu values: {sorted(FARGATE_MEMORY)}"
    allowed = valid_memory(cpu_units)
    if memory_mib in allowed:
        return ""
    if cpu_units == 256:
        values = "512, 1024 or 2048"
    else:
        low, high, step = FARGATE_MEMORY[cpu_units]
        values = f"{low} to {high} in steps of {step}"
    return f"memory {memory_mib} is not valid with cpu {cpu_units} on Fargate; valid memory: {values}"


PREDEFINED_METRICS = (
    ("cpu_target", "cpu", "ECSServiceAverageCPUUtilization"),
    ("memory_target", "memory", "ECSServiceAverageMemoryUtilization"),
    ("requests_per_target", "requests", "ALBRequestCountPerTarget"),
)


def _cooldown(scaling: dict[str, Any], key: str, default: int) -> int:
    value = scaling.get(key)
    return default if value is None else int(value)


def ecs_autoscaling_targets(services: list[dict[str, Any]], cluster: str, prefix: str) -> list[dict[str, Any]]:
    """The Application Auto Scaling of the `ecs` role's services: one item per service with `autoscaling`, holding
    the stacksmith.aws.application_autoscaling_target parameters (resource id, bounds and one target-tracking policy
    per metric, named `<prefix>-<service>-<cpu|memory|requests>`)."""
    targets = []
    for service in services or []:
        scaling = service.get("autoscaling") or {}
        if not scaling:
            continue
        name = f"{prefix}-{service['name']}"
        policies = []
        for key, slug, metric in PREDEFINED_METRICS:
            if scaling.get(key) is None:
                continue
            policy: dict[str, Any] = {
                "name": f"{name}-{slug}",
                "predefined_metric_type": metric,
                "target_value": float(scaling[key]),
                "scale_in_cooldown": _cooldown(scaling, "scale_in_cooldown", 300),
                "scale_out_cooldown": _cooldown(scaling, "scale_out_cooldown", 60),
            }
            if metric == "ALBRequestCountPerTarget":
                if not scaling.get("resource_label"):
                    raise AnsibleFilterError(
                        f"ecs_services: service {service['name']}: autoscaling.requests_per_target needs "
                        "autoscaling.resource_label (app/<alb>/<id>/targetgroup/<tg>/<id>)"
                    )
                policy["resource_label"] = scaling["resource_label"]
            policies.append(policy)
        targets.append(
            {
                "service": service["name"],
                "resource_id": f"service/{cluster}/{name}",
                "min_capacity": int(scaling["min"]),
                "max_capacity": int(scaling["max"]),
                "policies": policies,
            }
        )
    return targets


def _default(value: Any, default: Any) -> Any:
    """Jinja's ``default(x, true)``: the default for None and for any falsy value."""
    return value if value else default


def ecs_container(service: dict[str, Any], log_prefix: str, region: str, image_tag: str = "") -> dict[str, Any]:
    """The container definition (RegisterTaskDefinition shape) of one service of the `ecs` role: its image (with
    `image_tag` when given, else untagged: the image the service runs is kept), port, environment, secrets, EFS
    mount points, awslogs logging and optional health check."""
    name = service["name"]
    port = int(service["container_port"])
    container: dict[str, Any] = {
        "name": name,
        "image": service["image_repository"] + (f":{image_tag}" if image_tag else ""),
        "essential": True,
        "portMappings": [{"containerPort": port, "hostPort": port, "protocol": "tcp"}],
        "environment": [{"name": k, "value": str(v)} for k, v in sorted((service.get("environment") or {}).items())],
        "secrets": [
            {"name": s["name"], "valueFrom": s["secret_arn"] + (f":{s['key']}::" if s.get("key") else "")}
            for s in service.get("secrets") or []
        ],
        "mountPoints": [
            {
                "sourceVolume": v["name"],
                "containerPath": v["container_path"],
                "readOnly": bool(v.get("read_only")),
            }
            for v in service.get("efs_volumes") or []
        ],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": service.get("log_group") or f"{log_prefix}{name}",
                "awslogs-region": region,
                "awslogs-stream-prefix": name,
            },
        },
    }
    health = service.get("health_check") or {}
    if health:
        container["healthCheck"] = {
            "command": list(health.get("command") or []),
            "interval": int(_default(health.get("interval"), 30)),
            "timeout": int(_default(health.get("timeout"), 5)),
            "retries": int(_default(health.get("retries"), 3)),
            "startPeriod": int(_default(health.get("start_period"), 0)),
        }
    return container


def ecs_service_config(
    services: list[dict[str, Any]],
    cluster: str,
    prefix: str,
    log_prefix: str,
    region: str,
    image_tags: dict[str, str] | None = None,
    default_strategy: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The `ecs` role's services as the config of stacksmith.aws.ecs_services: per service its task definition
    (family and service `<prefix>-<name>`), network, target group, circuit breaker and autoscaling. A service without
    a capacity provider strategy of its own runs on the cluster's default strategy, or on launch type FARGATE when
    the cluster has none. `image_tags` (short name -> tag) wins over a service's `image_tag`."""
    scaling = {target["service"]: target for target in ecs_autoscaling_targets(services, cluster, prefix)}
    config = []
    for service in services or []:
        name = service["name"]
        full_name = f"{prefix}-{name}"
        tag = _default((image_tags or {}).get(name), _default(service.get("image_tag"), ""))
        autoscaling = service.get("autoscaling") or {}
        desired = service.get("desired_count")
        desired = 1 if desired is None else int(desired)
        strategy = service.get("capacity_provider_strategy") or None
        target_group = service.get("target_group_arn") or ""
        grace = service.get("health_check_grace_period")
        breaker = bool(True if service.get("circuit_breaker") is None else service["circuit_breaker"])
        port = int(service["container_port"])
        item: dict[str, Any] = {
            "name": full_name,
            "task_definition": {
                "family": full_name,
                "cpu": str(service["cpu"]),
                "memory": str(service["memory"]),
                "network_mode": "awsvpc",
                "requires_compatibilities": ["FARGATE"],
                "execution_role_arn": service.get("execution_role_arn") or None,
                "task_role_arn": service.get("task_role_arn") or None,
                "containers": [ecs_container(service, log_prefix, region, tag)],
                "volumes": [
                    {
                        "name": v["name"],
                        "efsVolumeConfiguration": {
                            "fileSystemId": v["file_system_id"],
                            "rootDirectory": "/",
                            "transitEncryption": "ENABLED",
                            "authorizationConfig": {"accessPointId": v["access_point_id"], "iam": "ENABLED"},
                        },
                    }
                    for v in service.get("efs_volumes") or []
                ],
            },
            "desired_count": None if autoscaling else desired,
            "initial_desired_count": max(desired, int(autoscaling.get("min") or 0)),
            "launch_type": "FARGATE" if not strategy and not default_strategy else None,
            "capacity_provider_strategy": strategy,
            "network_configuration": {
                "subnets": list(service.get("subnet_ids") or []),
                "security_groups": list(service.get("security_group_ids") or []),
                "assign_public_ip": bool(service.get("assign_public_ip")),
            },
            "load_balancers": (
                [{"target_group_arn": target_group, "container_name": name, "container_port": port}]
                if target_group
                else None
            ),
            "health_check_grace_period_seconds": (60 if grace is None else int(grace)) if target_group else None,
            "deployment_configuration": {"deployment_circuit_breaker": {"enable": breaker, "rollback": breaker}},
            "propagate_tags": "SERVICE",
            "enable_execute_command": False,
            "autoscaling": None,
        }
        if name in scaling:
            target = scaling[name]
            item["autoscaling"] = {
                "min_capacity": target["min_capacity"],
                "max_capacity": target["max_capacity"],
                "policies": target["policies"],
            }
        # Unset options are left out (a null would be checked against the module's choices).
        config.append({key: value for key, value in item.items() if value is not None})
    return config


def ecs_service_refs(services: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """The `ecs` role's services as the config of stacksmith.aws.ecs_services state=deleted: their names only
    (`<prefix>-<name>`, which is also the task definition family); a teardown needs nothing else of them."""
    return [{"name": f"{prefix}-{service['name']}"} for service in services or []]


UNKNOWN = "(known after apply)"


def ecs_service_outputs(services: list[dict[str, Any]], converged: list[dict[str, Any]], prefix: str) -> dict:
    """The `ecs` role's outputs per service (short name -> name, arn, task definition, revision, image) from the
    `services` stacksmith.aws.ecs_services returned; what check mode cannot know is `(known after apply)`."""
    by_name = {item.get("name"): item for item in converged or []}
    outputs = {}
    for service in services or []:
        full_name = f"{prefix}-{service['name']}"
        item = by_name.get(full_name) or {}
        outputs[service["name"]] = {
            "name": full_name,
            "arn": item.get("service_arn") or UNKNOWN,
            "task_definition_arn": item.get("task_definition_arn") or UNKNOWN,
            "revision": item.get("revision") or UNKNOWN,
            "image": (item.get("images") or {}).get(service["name"]) or UNKNOWN,
        }
    return outputs


class FilterModule:
    def filters(self):
        return {
            "fargate_pair_error": fargate_pair_error,
            "ecs_autoscaling_targets": ecs_autoscaling_targets,
            "ecs_service_config": ecs_service_config,
            "ecs_service_outputs": ecs_service_outputs,
            "ecs_service_refs": ecs_service_refs,
        }
