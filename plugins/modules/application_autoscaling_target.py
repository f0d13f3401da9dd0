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
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.app_autoscaling import (
    POLICY_OPTIONS,
    RETRY_CODES,
    AutoScalingTargetError,
    check_params,
    ensure_absent,
    ensure_present,
)


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
            "options": POLICY_OPTIONS,
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
