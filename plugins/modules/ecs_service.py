# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ecs_service
version_added: 0.2.0
short_description: Create, update and delete an ECS service and wait for its rollout
description:
  - Creates or updates an Amazon ECS service (rolling-update deployment controller), optionally waits until its
    deployment has rolled out, or deletes it.
  - Why this module exists. C(community.aws.ecs_service) has no rollout wait that fails when the deployment
    circuit breaker rolls a deployment back (its waiter only checks that the service is stable, which it is again
    after the rollback), and its re-runs report changes for unchanged services. This module compares every
    requested attribute with C(DescribeServices) after normalising AWS defaults, so a re-run with the same input is
    unchanged and calls no write API.
  - "O(wait=true) waits until the deployment this run started (or the current C(PRIMARY) one when nothing changed)
    is the C(PRIMARY) deployment with C(rolloutState=COMPLETED) and C(runningCount == desiredCount). When ECS marks it
    C(FAILED) (circuit breaker), or replaces it by a rollback, the module fails with a message naming the service,
    the failed task definition and the task definition ECS rolled back to."
  - Mutable attributes are updated with C(UpdateService). The launch type, and a switch between a launch type and
    a capacity provider strategy, cannot be changed in place; the module fails and names the difference unless
    O(recreate=true), which deletes the service and creates it again.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - V(present) creates or updates the service; V(absent) scales it to 0, deletes it and waits until it is
        C(INACTIVE).
    type: str
    choices: ['present', 'absent']
    default: present
  cluster:
    description: The name or ARN of the cluster.
    type: str
    required: true
  name:
    description: The name of the service.
    type: str
    required: true
    aliases: ['service']
  task_definition:
    description:
      - The task definition the service runs, as C(family:revision), C(family) (latest C(ACTIVE) revision) or ARN.
      - Required to create the service.
    type: str
  desired_count:
    description:
      - The number of tasks.
      - When V(null) (for example when Application Auto Scaling manages the count), an existing service keeps its
        count; a new service starts with O(initial_desired_count) tasks.
    type: int
  initial_desired_count:
    description:
      - The number of tasks of a new service when O(desired_count=null).
    type: int
    default: 1
  launch_type:
    description:
      - The launch type. Mutually exclusive with O(capacity_provider_strategy). Without both, ECS uses the
        cluster's default capacity provider strategy.
    type: str
    choices: ['FARGATE', 'EC2', 'EXTERNAL']
  capacity_provider_strategy:
    description: The capacity provider strategy.
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: The capacity provider name, for example V(FARGATE_SPOT).
        type: str
        required: true
      weight:
        description: The relative weight.
        type: int
        default: 0
      base:
        description: The minimum number of tasks on this provider.
        type: int
        default: 0
  platform_version:
    description: The Fargate platform version, for example V(LATEST).
    type: str
  network_configuration:
    description: The awsvpc network configuration.
    type: dict
    suboptions:
      subnets:
        description: The subnet IDs of the tasks.
        type: list
        elements: str
        required: true
      security_groups:
        description: The security group IDs of the tasks.
        type: list
        elements: str
        default: []
      assign_public_ip:
        description: Whether the tasks get a public IP address.
        type: bool
        default: false
  load_balancers:
    description: The target groups the service registers its tasks with.
    type: list
    elements: dict
    suboptions:
      target_group_arn:
        description: The target group ARN.
        type: str
        required: true
      container_name:
        description: The container that receives the traffic.
        type: str
        required: true
      container_port:
        description: The container port.
        type: int
        required: true
  health_check_grace_period_seconds:
    description: Seconds the scheduler ignores load balancer health checks after a task starts.
    type: int
  deployment_configuration:
    description: The rolling-update settings.
    type: dict
    suboptions:
      maximum_percent:
        description: The upper limit of running tasks during a deployment, in percent of the desired count.
        type: int
      minimum_healthy_percent:
        description: The lower limit of healthy tasks during a deployment, in percent of the desired count.
        type: int
      deployment_circuit_breaker:
        description: The deployment circuit breaker.
        type: dict
        suboptions:
          enable:
            description: Whether a deployment whose tasks cannot reach a steady state is marked C(FAILED).
            type: bool
            required: true
          rollback:
            description: Whether a failed deployment is rolled back to the last completed one.
            type: bool
            required: true
  enable_execute_command:
    description: Whether ECS Exec is enabled.
    type: bool
  propagate_tags:
    description: Where the tags of the tasks come from.
    type: str
    choices: ['SERVICE', 'TASK_DEFINITION', 'NONE']
  force_new_deployment:
    description:
      - Start a new deployment even when nothing changed (for example to move back to an earlier revision or to
        pull a moved image tag). Always reports a change.
    type: bool
    default: false
  recreate:
    description:
      - Delete and create the service again when an immutable attribute (O(launch_type), or a switch between a
        launch type and a capacity provider strategy) differs.
    type: bool
    default: false
  wait:
    description: Wait for the rollout (O(state=present)) or for the deletion (O(state=absent)).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait at most.
    type: int
    default: 900
  wait_delay:
    description:
      - The longest pause, in seconds, between two polls while waiting (the second poll comes after 1 s, the
        pauses then grow by half up to this).
    type: int
    default: 5
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Only services with the ECS (rolling update) deployment controller are supported.
seealso:
  - module: stacksmith.aws.ecs_task_definition
  - module: community.aws.ecs_service
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: API service behind the ALB, circuit breaker with rollback, wait for the rollout
  stacksmith.aws.ecs_service:
    cluster: shop-prod-cluster
    name: shop-prod-api
    task_definition: "{{ api_task.task_definition_arn }}"
    desired_count: 1
    launch_type: FARGATE
    network_configuration:
      subnets: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
      security_groups: [sg-0123456789abcdef0]
    load_balancers:
      - target_group_arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-api/0123456789abcdef
        container_name: api
        container_port: 3001
    health_check_grace_period_seconds: 60
    deployment_configuration:
      deployment_circuit_breaker:
        enable: true
        rollback: true
    propagate_tags: SERVICE
    tags:
      stack: shop-prod

- name: Web service whose count Application Auto Scaling owns; start the rollout, do not wait
  stacksmith.aws.ecs_service:
    cluster: shop-prod-cluster
    name: shop-prod-web
    task_definition: shop-prod-web:12
    desired_count: null
    capacity_provider_strategy:
      - capacity_provider: FARGATE_SPOT
        weight: 2
      - capacity_provider: FARGATE
        weight: 1
    network_configuration:
      subnets: [subnet-0123456789abcdef0]
    wait: false

- name: Roll back to an earlier revision
  stacksmith.aws.ecs_service:
    cluster: shop-prod-cluster
    name: shop-prod-api
    task_definition: shop-prod-api:6
    force_new_deployment: true

- name: Delete the service
  stacksmith.aws.ecs_service:
    cluster: shop-prod-cluster
    name: shop-prod-web
    state: absent
"""

RETURN = r"""
service:
  description:
    - The service as C(DescribeServices) reports it (after the wait, when waiting), snake_cased, tags as a dict.
    - In check mode, when the service would be created, the requested attributes.
    - An empty dictionary when O(state=absent).
  returned: always
  type: dict
  sample:
    service_name: shop-prod-api
    service_arn: arn:aws:ecs:us-east-1:123456789012:service/shop-prod-cluster/shop-prod-api
    task_definition: arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api:7
    desired_count: 1
    running_count: 1
    status: ACTIVE
    tags: {"stack": "shop-prod"}
deployment_id:
  description: The ID of the deployment this run started (or waited for), when there is one.
  returned: when O(state=present)
  type: str
  sample: ecs-svc/1234567890123456789
steady:
  description:
    - Whether the existing service, as this run leaves it, has nothing to wait for (one deployment, completed, with
      its running count at the desired count). V(false) for a service created or redeployed by this run.
  returned: when O(state=present) and the service existed
  type: bool
  sample: true
"""


try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs import ECSModuleError
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs_service import ensure_absent, ensure_present


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "cluster": {"type": "str", "required": True},
        "name": {"type": "str", "required": True, "aliases": ["service"]},
        "task_definition": {"type": "str"},
        "desired_count": {"type": "int"},
        "initial_desired_count": {"type": "int", "default": 1},
        "launch_type": {"type": "str", "choices": ["FARGATE", "EC2", "EXTERNAL"]},
        "capacity_provider_strategy": {
            "type": "list",
            "elements": "dict",
            "options": {
                "capacity_provider": {"type": "str", "required": True},
                "weight": {"type": "int", "default": 0},
                "base": {"type": "int", "default": 0},
            },
        },
        "platform_version": {"type": "str"},
        "network_configuration": {
            "type": "dict",
            "options": {
                "subnets": {"type": "list", "elements": "str", "required": True},
                "security_groups": {"type": "list", "elements": "str", "default": []},
                "assign_public_ip": {"type": "bool", "default": False},
            },
        },
        "load_balancers": {
            "type": "list",
            "elements": "dict",
            "options": {
                "target_group_arn": {"type": "str", "required": True},
                "container_name": {"type": "str", "required": True},
                "container_port": {"type": "int", "required": True},
            },
        },
        "health_check_grace_period_seconds": {"type": "int"},
        "deployment_configuration": {
            "type": "dict",
            "options": {
                "maximum_percent": {"type": "int"},
                "minimum_healthy_percent": {"type": "int"},
                "deployment_circuit_breaker": {
                    "type": "dict",
                    "options": {
                        "enable": {"type": "bool", "required": True},
                        "rollback": {"type": "bool", "required": True},
                    },
                },
            },
        },
        "enable_execute_command": {"type": "bool"},
        "propagate_tags": {"type": "str", "choices": ["SERVICE", "TASK_DEFINITION", "NONE"]},
        "force_new_deployment": {"type": "bool", "default": False},
        "recreate": {"type": "bool", "default": False},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 900},
        "wait_delay": {"type": "int", "default": 5},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("launch_type", "capacity_provider_strategy")],
    )
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if module.params["state"] == "present":
            result = ensure_present(client, module.check_mode, module.params)
        else:
            result = ensure_absent(client, module.check_mode, module.params)
    except ECSModuleError as e:
        module.fail_json(msg=e.message, **e.kwargs)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage ECS service {module.params['name']}")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
