# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Application Auto Scaling logic of application_autoscaling_target and ecs_services: a scalable target and
its target-tracking policies, read, compared (after normalising what AWS leaves out) and written only where they
differ."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

TARGET_TRACKING = "TargetTrackingScaling"
ALB_REQUESTS = "ALBRequestCountPerTarget"
# The options of one target-tracking policy (application_autoscaling_target's policies, ecs_services' autoscaling).
POLICY_OPTIONS = {
    "name": {"type": "str", "required": True},
    "target_value": {"type": "float", "required": True},
    "predefined_metric_type": {"type": "str", "required": True},
    "resource_label": {"type": "str"},
    "scale_in_cooldown": {"type": "int", "default": 300},
    "scale_out_cooldown": {"type": "int", "default": 60},
    "disable_scale_in": {"type": "bool", "default": False},
}
# AWSRetry's own list has the query protocol's "Throttling" but not the JSON protocol's "ThrottlingException" that
# Application Auto Scaling sends; ConcurrentUpdateException comes while another change of the target is in flight.
RETRY_CODES = ["ThrottlingException", "ConcurrentUpdateException"]


class AutoScalingTargetError(Exception):
    pass


# -- reading ---------------------------------------------------------------------------------------------------------


@AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
def paginate(client, operation, **params):
    """The full result of a paginated describe call, retried as a whole (paginators bypass the client's retries)."""
    return client.get_paginator(operation).paginate(**params).build_full_result()


def describe_target(client, params):
    """The DescribeScalableTargets item of the target, or None."""
    result = paginate(
        client,
        "describe_scalable_targets",
        ServiceNamespace=params["service_namespace"],
        ResourceIds=[params["resource_id"]],
        ScalableDimension=params["scalable_dimension"],
    )
    for target in result.get("ScalableTargets") or []:
        if target.get("ResourceId") == params["resource_id"] and (
            target.get("ScalableDimension") == params["scalable_dimension"]
        ):
            return target
    return None


def describe_policies(client, params):
    """Every scaling policy of the target (all pages), as DescribeScalingPolicies returns them."""
    result = paginate(
        client,
        "describe_scaling_policies",
        ServiceNamespace=params["service_namespace"],
        ResourceId=params["resource_id"],
        ScalableDimension=params["scalable_dimension"],
    )
    return [
        policy
        for policy in result.get("ScalingPolicies") or []
        if policy.get("ResourceId") == params["resource_id"]
        and policy.get("ScalableDimension") == params["scalable_dimension"]
    ]


# -- normalisation ---------------------------------------------------------------------------------------------------


def wanted_configuration(policy):
    """The TargetTrackingScalingPolicyConfiguration of a listed policy (module option shape)."""
    spec = {"PredefinedMetricType": policy["predefined_metric_type"]}
    if policy.get("resource_label"):
        spec["ResourceLabel"] = policy["resource_label"]
    return {
        "TargetValue": float(policy["target_value"]),
        "PredefinedMetricSpecification": spec,
        "ScaleInCooldown": int(policy["scale_in_cooldown"]),
        "ScaleOutCooldown": int(policy["scale_out_cooldown"]),
        "DisableScaleIn": bool(policy["disable_scale_in"]),
    }


def policy_view(policy):
    """The compared attributes of a DescribeScalingPolicies / PutScalingPolicy item, snake_cased.

    AWS omits DisableScaleIn when it is false; a policy that is not target tracking, or that uses a customised
    metric, has no predefined metric type and so never equals a listed policy."""
    config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
    if policy.get("PolicyType", TARGET_TRACKING) != TARGET_TRACKING:
        config = {}
    spec = config.get("PredefinedMetricSpecification") or {}
    value = config.get("TargetValue")
    return {
        "name": policy["PolicyName"],
        "target_value": float(value) if value is not None else None,
        "predefined_metric_type": spec.get("PredefinedMetricType"),
        "resource_label": spec.get("ResourceLabel") or None,
        "scale_in_cooldown": config.get("ScaleInCooldown"),
        "scale_out_cooldown": config.get("ScaleOutCooldown"),
        "disable_scale_in": bool(config.get("DisableScaleIn", False)),
    }


def format_policy(policy):
    """A policy as returned by the module: its view, its ARN and its alarms."""
    result = policy_view(policy)
    result["arn"] = policy.get("PolicyARN")
    result["alarms"] = [
        {"alarm_name": alarm.get("AlarmName"), "alarm_arn": alarm.get("AlarmARN")}
        for alarm in policy.get("Alarms") or []
    ]
    return result


def format_target(target):
    if not target:
        return {}
    return {
        "service_namespace": target.get("ServiceNamespace"),
        "resource_id": target.get("ResourceId"),
        "scalable_dimension": target.get("ScalableDimension"),
        "min_capacity": target.get("MinCapacity"),
        "max_capacity": target.get("MaxCapacity"),
        "role_arn": target.get("RoleARN"),
    }


def diff_view(target, policies):
    """What --diff shows: the bounds and the policies by name, without the name, ARN and alarms."""
    if not target and not policies:
        return {}
    view = {}
    if target:
        view["min_capacity"] = target.get("min_capacity")
        view["max_capacity"] = target.get("max_capacity")
    view["policies"] = {
        p["name"]: {k: v for k, v in p.items() if k not in ("name", "arn", "alarms")} for p in policies or []
    }
    return view


# -- checks before any call ------------------------------------------------------------------------------------------


def check_params(params):
    """Input errors AWS would report later (or halfway through a run), found before any call."""
    if params["state"] != "present":
        return
    missing = [key for key in ("min_capacity", "max_capacity") if params.get(key) is None]
    if missing:
        raise AutoScalingTargetError(f"state is present but the following are missing: {', '.join(missing)}")
    if params["min_capacity"] < 0:
        raise AutoScalingTargetError(f"min_capacity ({params['min_capacity']}) must not be negative")
    if params["min_capacity"] > params["max_capacity"]:
        raise AutoScalingTargetError(
            f"min_capacity ({params['min_capacity']}) must not be greater than max_capacity ({params['max_capacity']})"
        )
    names = [policy["name"] for policy in params.get("policies") or []]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise AutoScalingTargetError(f"policy names must be unique for the target: {', '.join(duplicates)}")
    for policy in params.get("policies") or []:
        alb = policy["predefined_metric_type"] == ALB_REQUESTS
        if alb and not policy.get("resource_label"):
            raise AutoScalingTargetError(
                f"policy {policy['name']}: {ALB_REQUESTS} needs resource_label "
                "(app/<load balancer>/<id>/targetgroup/<target group>/<id>)"
            )
        if not alb and policy.get("resource_label"):
            raise AutoScalingTargetError(
                f"policy {policy['name']}: resource_label is only allowed with {ALB_REQUESTS}, "
                f"not with {policy['predefined_metric_type']}"
            )


# -- writing ---------------------------------------------------------------------------------------------------------


def target_key(params):
    return {
        "ServiceNamespace": params["service_namespace"],
        "ResourceId": params["resource_id"],
        "ScalableDimension": params["scalable_dimension"],
    }


def register_target(client, params):
    try:
        client.register_scalable_target(
            aws_retry=True,
            MinCapacity=params["min_capacity"],
            MaxCapacity=params["max_capacity"],
            **target_key(params),
        )
    except is_boto3_error_code("ValidationException") as e:
        message = e.response.get("Error", {}).get("Message") or str(e)
        raise AutoScalingTargetError(
            f"Cannot register the scalable target {params['resource_id']} ({params['scalable_dimension']}): "
            f"{message}. The resource must exist before its autoscaling is configured."
        ) from e


def put_policy(client, params, policy):
    """PutScalingPolicy; returns the policy as DescribeScalingPolicies would."""
    configuration = wanted_configuration(policy)
    response = client.put_scaling_policy(
        aws_retry=True,
        PolicyName=policy["name"],
        PolicyType=TARGET_TRACKING,
        TargetTrackingScalingPolicyConfiguration=configuration,
        **target_key(params),
    )
    return predicted_policy(params, policy, arn=response.get("PolicyARN"), alarms=response.get("Alarms"))


def delete_policy(client, params, name):
    try:
        client.delete_scaling_policy(aws_retry=True, PolicyName=name, **target_key(params))
    except is_boto3_error_code("ObjectNotFoundException"):
        return False
    return True


def deregister_target(client, params):
    try:
        client.deregister_scalable_target(aws_retry=True, **target_key(params))
    except is_boto3_error_code("ObjectNotFoundException"):
        return False
    return True


def predicted_policy(params, policy, arn=None, alarms=None):
    """A listed policy in the DescribeScalingPolicies shape."""
    return dict(
        target_key(params),
        PolicyName=policy["name"],
        PolicyARN=arn,
        PolicyType=TARGET_TRACKING,
        TargetTrackingScalingPolicyConfiguration=wanted_configuration(policy),
        Alarms=list(alarms or []),
    )


# -- present / absent ------------------------------------------------------------------------------------------------


def ensure_target(client, check_mode, params, current):
    """(changed, target after) for the bounds of the target."""
    wanted = dict(
        target_key(params),
        MinCapacity=params["min_capacity"],
        MaxCapacity=params["max_capacity"],
        RoleARN=(current or {}).get("RoleARN"),
    )
    if current is not None and (current.get("MinCapacity"), current.get("MaxCapacity")) == (
        params["min_capacity"],
        params["max_capacity"],
    ):
        return False, current
    if check_mode:
        return True, dict(current or {}, **wanted)
    register_target(client, params)
    if current is None:
        # The role AWS chose (the service-linked role) is known only from a describe.
        return True, describe_target(client, params) or wanted
    return True, dict(current, **wanted)


def ensure_policies(client, check_mode, params, current_policies):
    """(changed, policies after) in the DescribeScalingPolicies shape."""
    wanted = params.get("policies")
    current_by_name = {policy["PolicyName"]: policy for policy in current_policies}
    if wanted is None:
        return False, list(current_policies)
    changed = False
    result = []
    for policy in wanted:
        current = current_by_name.get(policy["name"])
        predicted = predicted_policy(params, policy)
        if current is not None and policy_view(current) == policy_view(predicted):
            result.append(current)
            continue
        changed = True
        if check_mode:
            if current is not None:
                predicted.update(PolicyARN=current.get("PolicyARN"), Alarms=current.get("Alarms") or [])
            result.append(predicted)
        else:
            result.append(put_policy(client, params, policy))
    listed = {policy["name"] for policy in wanted}
    for name, current in current_by_name.items():
        if name in listed:
            continue
        if not params["purge_policies"]:
            result.append(current)
            continue
        changed = True
        if not check_mode:
            delete_policy(client, params, name)
    return changed, result


def ensure_present(client, check_mode, params, current=None):
    """Converges the target and its policies. ``current`` is (target or None, policies) when already read."""
    if current is None:
        current = (describe_target(client, params), describe_policies(client, params))
    current_target, current_policies = current
    target_changed, target = ensure_target(client, check_mode, params, current_target)
    policies_changed, policies = ensure_policies(client, check_mode, params, current_policies)
    before_target = format_target(current_target)
    before_policies = [format_policy(p) for p in current_policies]
    after_target = format_target(target)
    after_policies = [format_policy(p) for p in policies]
    return {
        "changed": target_changed or policies_changed,
        "scalable_target": after_target,
        "policies": after_policies,
        "diff": {
            "before": diff_view(before_target, before_policies),
            "after": diff_view(after_target, after_policies),
        },
    }


def ensure_absent(client, check_mode, params, current=None):
    """Deletes the policies, then deregisters the target. ``current`` as for ensure_present."""
    if current is None:
        current = (describe_target(client, params), describe_policies(client, params))
    current_target, current_policies = current
    before = diff_view(format_target(current_target), [format_policy(p) for p in current_policies])
    changed = bool(current_target or current_policies)
    if changed and not check_mode:
        for policy in current_policies:
            delete_policy(client, params, policy["PolicyName"])
        if current_target is not None:
            deregister_target(client, params)
    return {
        "changed": changed,
        "scalable_target": {},
        "policies": [],
        "diff": {"before": before, "after": {}},
    }
