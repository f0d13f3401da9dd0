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


class FilterModule:
    def filters(self):
        return {"fargate_pair_error": fargate_pair_error, "ecs_autoscaling_targets": ecs_autoscaling_targets}
