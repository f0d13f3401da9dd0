# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: application_autoscaling_target
version_added: 0.3.0
short_description: Manage an Application Auto Scaling scalable target and its target-tracking policies
description:
  - Registers, updates or deregisters one Application Auto Scaling scalable target (for example the desired count
    of an ECS service) together with its target-tracking scaling policies, in one task.
  - "Why this module exists. C(community.aws.application_autoscaling_policy) (community.aws 10.0.0) declares
    check mode support but never looks at it: under C(--check) it calls C(RegisterScalableTarget) and
    C(PutScalingPolicy) (C(DeleteScalingPolicy) with O(state=absent)) as a real run does. It returns no diff, so a
    change of the maximum capacity cannot be previewed. It manages one policy per task (a service with two
    policies has its target registered by two tasks), changes the bounds of an existing target only with
    C(override_task_capacity=true), and removes a policy only when a task names it with C(state=absent). Its
    client has no AWSRetry, so only botocore's own retries protect it from throttling."
  - This module reads the target (C(DescribeScalableTargets)) and its policies (C(DescribeScalingPolicies), every
    page) and writes only what differs. C(RegisterScalableTarget) is called only when the target is missing or its
    minimum or maximum capacity differs; C(PutScalingPolicy) only for a missing or different policy;
    C(DeleteScalingPolicy) for the policies O(purge_policies) removes. In check mode it makes no write call and
    predicts C(changed) and the diff, also when the target does not exist yet (for example a new ECS service).
  - A policy is compared after normalising what AWS leaves out (C(DisableScaleIn) missing means V(false)), so a
    re-run with the same input is unchanged.
  - AWS needs the scaled resource to exist. For an ECS service that does not exist, C(RegisterScalableTarget)
    fails with C(ValidationException) (C(ECS service doesn't exist)); the module reports it with the resource id.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - V(present) registers or updates the target and converges its policies.
      - V(absent) deletes every scaling policy of the target and deregisters it (on AWS, deregistering a target
        deletes its policies too; the module deletes them first so the diff lists them). O(policies) and
        O(purge_policies) are ignored.
    type: str
    choices: ['present', 'absent']
    default: present
  service_namespace:
    description: The namespace of the AWS service that owns the resource, for example V(ecs).
    type: str
    required: true
  resource_id:
    description:
      - The identifier of the scalable resource. For an ECS service C(service/<cluster name>/<service name>).
    type: str
    required: true
  scalable_dimension:
    description: The scalable dimension, for example V(ecs:service:DesiredCount).
    type: str
    required: true
  min_capacity:
    description:
      - The minimum capacity (for an ECS service, the minimum number of tasks).
      - Required when O(state=present). Must not be greater than O(max_capacity); this is checked before any call.
    type: int
  max_capacity:
    description:
      - The maximum capacity (for an ECS service, the maximum number of tasks).
      - Required when O(state=present).
    type: int
  policies:
    description:
      - The target-tracking scaling policies of the target.
      - When not given, the policies of the target are left alone.
    type: list
    elements: dict
    suboptions:
      name:
        description: The name of the policy, unique for the target.
        type: str
        required: true
      target_value:
        description: The value of the metric the policy keeps the resource at (for example V(70) percent CPU).
        type: float
        required: true
      predefined_metric_type:
        description:
          - The predefined metric, for example V(ECSServiceAverageCPUUtilization),
            V(ECSServiceAverageMemoryUtilization) or V(ALBRequestCountPerTarget).
        type: str
        required: true
      resource_label:
        description:
          - For V(ALBRequestCountPerTarget) (required there, and only allowed there), the target group,
            C(app/<load balancer name>/<id>/targetgroup/<target group name>/<id>).
        type: str
      scale_in_cooldown:
        description: Seconds after a scale-in activity before another scale-in can start.
        type: int
        default: 300
      scale_out_cooldown:
        description: Seconds after a scale-out activity before another scale-out can start.
        type: int
        default: 60
      disable_scale_in:
        description: Whether the policy never removes capacity.
        type: bool
        default: false
  purge_policies:
    description:
      - Delete the policies of the target that are not in O(policies) (of any type, step scaling included).
      - Has no effect when O(policies) is not given.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Only target-tracking policies with a predefined metric are managed; a policy of another type or with a
    customised metric that has the name of a listed policy is replaced by the listed one.
  - The target's IAM role is the service-linked role AWS picks (C(RoleARN) is not sent); its suspended state and
    scheduled actions are not managed.
seealso:
  - module: community.aws.application_autoscaling_policy
  - module: stacksmith.aws.ecs_service
  - name: Target tracking scaling policies
    description: The Application Auto Scaling user guide.
    link: https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: 1 to 3 tasks, on CPU 70 % and 500 ALB requests per task
  stacksmith.aws.application_autoscaling_target:
    service_namespace: ecs
    resource_id: service/shop-prod-cluster/shop-prod-api
    scalable_dimension: ecs:service:DesiredCount
    min_capacity: 1
    max_capacity: 3
    policies:
      - name: shop-prod-api-cpu
        predefined_metric_type: ECSServiceAverageCPUUtilization
        target_value: 70
      - name: shop-prod-api-requests
        predefined_metric_type: ALBRequestCountPerTarget
        resource_label: app/shop-prod-alb/0123456789abcdef/targetgroup/shop-prod-api/0123456789abcdef
        target_value: 500
        scale_in_cooldown: 300
        scale_out_cooldown: 60

- name: Change only the bounds, keep the policies as they are
  stacksmith.aws.application_autoscaling_target:
    service_namespace: ecs
    resource_id: service/shop-prod-cluster/shop-prod-api
    scalable_dimension: ecs:service:DesiredCount
    min_capacity: 1
    max_capacity: 5

- name: Remove the autoscaling of the service (its policies, then the target)
  stacksmith.aws.application_autoscaling_target:
    service_namespace: ecs
    resource_id: service/shop-prod-cluster/shop-prod-api
    scalable_dimension: ecs:service:DesiredCount
    state: absent
"""

RETURN = r"""
scalable_target:
  description:
    - The scalable target after the run (in check mode, as it would be). An empty dictionary when it does not
      exist (O(state=absent)).
  returned: always
  type: dict
  contains:
    service_namespace:
      description: The namespace of the service.
      type: str
      sample: ecs
    resource_id:
      description: The resource identifier.
      type: str
      sample: service/shop-prod-cluster/shop-prod-api
    scalable_dimension:
      description: The scalable dimension.
      type: str
      sample: ecs:service:DesiredCount
    min_capacity:
      description: The minimum capacity.
      type: int
      sample: 1
    max_capacity:
      description: The maximum capacity.
      type: int
      sample: 3
    role_arn:
      description: The IAM role Application Auto Scaling uses. V(null) when the target would be created in check mode.
      type: str
      sample: >-
        arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService
policies:
  description:
    - The scaling policies of the target after the run (in check mode, as they would be), the listed ones first,
      in the order given, then the ones kept because O(purge_policies=false) or O(policies) was not given.
    - Empty when O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The policy name.
      type: str
      sample: shop-prod-api-cpu
    arn:
      description: The policy ARN. V(null) when the policy would be created in check mode.
      type: str
      sample: >-
        arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0123abcd-0123-4567-89ab-0123456789ab:resource/ecs/service/shop-prod-cluster/shop-prod-api:policyName/shop-prod-api-cpu
    target_value:
      description: The target value of the metric (V(null) for a policy that is not target tracking).
      type: float
      sample: 70.0
    predefined_metric_type:
      description: The predefined metric (V(null) for a customised metric or another policy type).
      type: str
      sample: ECSServiceAverageCPUUtilization
    resource_label:
      description: The target group of an V(ALBRequestCountPerTarget) policy, else V(null).
      type: str
      sample: app/shop-prod-alb/0123456789abcdef/targetgroup/shop-prod-api/0123456789abcdef
    scale_in_cooldown:
      description: The scale-in cooldown in seconds.
      type: int
      sample: 300
    scale_out_cooldown:
      description: The scale-out cooldown in seconds.
      type: int
      sample: 60
    disable_scale_in:
      description: Whether scale-in is disabled.
      type: bool
      sample: false
    alarms:
      description: The CloudWatch alarms Application Auto Scaling created for the policy (empty in check mode).
      type: list
      elements: dict
      sample:
        - alarm_name: TargetTracking-service/shop/api-AlarmHigh-0123
          alarm_arn: arn:aws:cloudwatch:us-east-1:123456789012:alarm:TargetTracking-service/shop/api-AlarmHigh-0123
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

TARGET_TRACKING = "TargetTrackingScaling"
ALB_REQUESTS = "ALBRequestCountPerTarget"
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


def ensure_present(client, check_mode, params):
    current_target = describe_target(client, params)
    current_policies = describe_policies(client, params)
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


def ensure_absent(client, check_mode, params):
    current_target = describe_target(client, params)
    current_policies = describe_policies(client, params)
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


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "service_namespace": {"type": "str", "required": True},
        "resource_id": {"type": "str", "required": True},
        "scalable_dimension": {"type": "str", "required": True},
        "min_capacity": {"type": "int"},
        "max_capacity": {"type": "int"},
        "policies": {
            "type": "list",
            "elements": "dict",
            "options": {
                "name": {"type": "str", "required": True},
                "target_value": {"type": "float", "required": True},
                "predefined_metric_type": {"type": "str", "required": True},
                "resource_label": {"type": "str"},
                "scale_in_cooldown": {"type": "int", "default": 300},
                "scale_out_cooldown": {"type": "int", "default": 60},
                "disable_scale_in": {"type": "bool", "default": False},
            },
        },
        "purge_policies": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ("min_capacity", "max_capacity"))],
    )
    params = module.params
    try:
        check_params(params)
    except AutoScalingTargetError as e:
        module.fail_json(msg=str(e))

    client = module.client(
        "application-autoscaling", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    )
    try:
        if params["state"] == "present":
            result = ensure_present(client, module.check_mode, params)
        else:
            result = ensure_absent(client, module.check_mode, params)
    except AutoScalingTargetError as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage the scalable target {params['resource_id']}")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
