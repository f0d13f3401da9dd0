# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ecs_services
version_added: 0.5.0
short_description: Manage the services of an ECS cluster with their task definitions and autoscaling, as a set
description:
  - Converges the ECS services of one cluster given as a list (O(config)), each with its task definition (a new
    revision only when the configuration changes) and its Application Auto Scaling (scalable target and
    target-tracking policies), in one task; then waits for every rollout it started, concurrently.
  - Replaces three C(loop:)s (M(stacksmith.aws.ecs_task_definition), M(stacksmith.aws.ecs_service),
    M(stacksmith.aws.application_autoscaling_target)), one Python process (about 0.5 s) per service and per kind,
    and a fourth loop for the waits. Those modules stay for a single resource (M(stacksmith.aws.ecs_service) rolls
    one service back); this one shares their code, so a service converges the same way through either.
  - Reads run concurrently (the services in one C(DescribeServices) per ten, then per service its task
    definitions, scalable target and policies), and only what differs is written. The states follow Ansible's
    network resource modules (O(state)); ownership is proven by the service's tags (O(owner_tags)).
  - Images, task definition normalisation and the rollout wait behave as in M(stacksmith.aws.ecs_task_definition)
    and M(stacksmith.aws.ecs_service). A deployment the circuit breaker fails or rolls back fails the task.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  cluster:
    description: The cluster of the services (its name).
    type: str
    required: true
  config:
    description:
      - The services, each named once.
      - With O(state=deleted), an empty list means every service of the cluster that carries the O(owner_tags).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The service name.
        type: str
        required: true
      task_definition:
        description:
          - The task definition the service runs, with the options of M(stacksmith.aws.ecs_task_definition)
            (C(family) defaults to the service name; C(cpu), C(memory), C(network_mode), C(requires_compatibilities),
            C(execution_role_arn), C(task_role_arn), C(runtime_platform), C(containers), C(volumes)).
          - Required unless O(state=deleted).
        type: dict
      desired_count:
        description: The number of tasks; not set, a new service gets O(config[].initial_desired_count) and an
          existing one keeps its count (the choice for an autoscaled service).
        type: int
      initial_desired_count:
        description: The task count a new service starts with when O(config[].desired_count) is not set.
        type: int
        default: 1
      launch_type:
        description: The launch type (exclusive with O(config[].capacity_provider_strategy)).
        type: str
        choices: ['FARGATE', 'EC2', 'EXTERNAL']
      capacity_provider_strategy:
        description: The capacity provider strategy, a list of C(capacity_provider), C(weight) and C(base).
        type: list
        elements: dict
      platform_version:
        description: The Fargate platform version.
        type: str
      network_configuration:
        description: The awsvpc network configuration, C(subnets), C(security_groups) and C(assign_public_ip).
        type: dict
      load_balancers:
        description: The target groups, a list of C(target_group_arn), C(container_name) and C(container_port).
        type: list
        elements: dict
      health_check_grace_period_seconds:
        description: Seconds the scheduler ignores load balancer health checks after a task starts.
        type: int
      deployment_configuration:
        description:
          - C(maximum_percent), C(minimum_healthy_percent) and C(deployment_circuit_breaker) (C(enable),
            C(rollback)).
        type: dict
      enable_execute_command:
        description: Whether ECS Exec is enabled.
        type: bool
      propagate_tags:
        description: Where the tasks' tags come from.
        type: str
        choices: ['SERVICE', 'TASK_DEFINITION', 'NONE']
      force_new_deployment:
        description: Start a new deployment even when nothing changed.
        type: bool
        default: false
      autoscaling:
        description:
          - The scalable target of the service's desired count and its target-tracking policies, as in
            M(stacksmith.aws.application_autoscaling_target).
          - Not set, with O(state=replaced) or O(state=overridden), the service's autoscaling is removed; with
            O(state=merged) it is left as it is.
        type: dict
        suboptions:
          min_capacity:
            description: The fewest tasks.
            type: int
            required: true
          max_capacity:
            description: The most tasks.
            type: int
            required: true
          policies:
            description:
              - The target-tracking policies. Not set, the policies are left as they are; with O(state=replaced)
                or O(state=overridden) an unlisted policy is deleted.
            type: list
            elements: dict
            suboptions:
              name:
                description: The policy name.
                type: str
                required: true
              target_value:
                description: The metric value the policy keeps the service at.
                type: float
                required: true
              predefined_metric_type:
                description:
                  - For example V(ECSServiceAverageCPUUtilization), V(ECSServiceAverageMemoryUtilization) or
                    V(ALBRequestCountPerTarget).
                type: str
                required: true
              resource_label:
                description: The target group of V(ALBRequestCountPerTarget) (C(app/.../targetgroup/...)).
                type: str
              scale_in_cooldown:
                description: Seconds after a scale-in before another.
                type: int
                default: 300
              scale_out_cooldown:
                description: Seconds after a scale-out before another.
                type: int
                default: 60
              disable_scale_in:
                description: Whether the policy never scales in.
                type: bool
                default: false
      tags:
        description: Tags of this service and its task definition only, added to (and overriding) the common O(tags).
        type: dict
        default: {}
  state:
    description:
      - V(merged) creates the missing services and sets what is given; unlisted tags and scaling policies are kept.
      - V(replaced) makes every listed service exactly as described (extra tags and scaling policies purged, an
        unlisted autoscaling removed); unlisted services are untouched.
      - V(overridden) is V(replaced), and deletes every service of the cluster that carries the O(owner_tags) and is
        no longer listed (with its autoscaling and task definition family).
      - V(deleted) deletes the listed services (every owned service when O(config) is empty) with their autoscaling,
        then deregisters their task definition families. A listed service without the O(owner_tags) is refused,
        before anything is deleted.
      - V(gathered) only reads, and returns every owned service of the cluster.
      - V(rendered) makes no AWS call and returns the requests a create of each listed service sends.
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description:
      - Tags every service and task definition carries (the stack's common tags); each gets these, then its own.
      - Include the O(owner_tags) here, or the services created will not be owned.
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark a service as belonging to this set. Only services carrying all of them are deleted,
        rewritten by O(state=replaced) or returned by O(state=gathered). When empty, no service is owned.
    type: dict
    default: {}
  default_image_tag:
    description:
      - The tag of an image given without one, when the service does not run a container of that name yet.
    type: str
    default: latest
  recreate:
    description:
      - Delete and create again a service whose launch type or capacity provider choice changes (ECS cannot change
        it in place). Without it such a change fails, naming the service.
    type: bool
    default: false
  delete_task_definitions:
    description:
      - When a service is deleted, also delete (not only deregister) the revisions of its family.
    type: bool
    default: true
  wait:
    description:
      - Wait, after every service was converged, for the rollouts this run started and for services that are not
        steady (and, when services are deleted, until they are inactive). The waits run concurrently.
    type: bool
    default: true
  rollouts:
    description:
      - The RV(services) an earlier call with O(wait=false) returned (C(name), C(deployment_id),
        C(task_definition_arn)). With O(wait=true), a service still rolling out is waited for by that deployment, so
        that a deployment the circuit breaker rolled back fails the task even though the call that waits did not
        start it. The deploy play starts the rollouts, waits for the load balancer, then waits for them this way.
    type: list
    elements: dict
    default: []
  wait_timeout:
    description: Seconds to wait at most for one service.
    type: int
    default: 900
  wait_delay:
    description: The longest pause between two reads of a service while waiting (the first comes after 1 s).
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
  - Writes go service after service in O(config) order (task definition, service, autoscaling); the waits start
    after the last write.
  - In check mode a task definition that would be registered appears in the service's diff as
    C(<family> (new revision)).
seealso:
  - module: stacksmith.aws.ecs_task_definition
  - module: stacksmith.aws.ecs_service
  - module: stacksmith.aws.application_autoscaling_target
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: The services of a stack, their task definitions and autoscaling, in one task
  stacksmith.aws.ecs_services:
    cluster: shop-prod-cluster
    state: overridden
    tags:
      stack: shop-prod
      managed-by: stacksmith
    owner_tags:
      stack: shop-prod
      managed-by: stacksmith
    config:
      - name: shop-prod-api
        task_definition:
          cpu: "512"
          memory: "1024"
          execution_role_arn: arn:aws:iam::123456789012:role/shop-prod-ecs-execution
          containers:
            - name: api
              image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api
              portMappings:
                - containerPort: 3001
        capacity_provider_strategy:
          - capacity_provider: FARGATE
            weight: 1
        network_configuration:
          subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
          security_groups: [sg-0123456789abcdef0]
        load_balancers:
          - target_group_arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef
            container_name: api
            container_port: 3001
        health_check_grace_period_seconds: 60
        deployment_configuration:
          deployment_circuit_breaker:
            enable: true
            rollback: true
        autoscaling:
          min_capacity: 1
          max_capacity: 4
          policies:
            - name: shop-prod-api-cpu
              predefined_metric_type: ECSServiceAverageCPUUtilization
              target_value: 70
  register: services

- name: Remove every service of the stack (and its autoscaling and task definitions)
  stacksmith.aws.ecs_services:
    cluster: shop-prod-cluster
    state: deleted
    owner_tags:
      stack: shop-prod
      managed-by: stacksmith
"""

RETURN = r"""
services:
  description:
    - One item per listed service (every owned service with O(state=gathered)), in O(config) order.
    - In check mode, a revision that would be registered has C(task_definition_arn) and C(revision) V(null).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The service name.
      type: str
    service_arn:
      description: The service ARN (V(null) in check mode for a service that would be created).
      type: str
    task_definition_arn:
      description: The task definition revision the service is converged to.
      type: str
    family:
      description: The task definition family.
      type: str
    revision:
      description: The revision number of RV(services[].task_definition_arn).
      type: int
    images:
      description: The image of each container, by container name.
      type: dict
    deployment_id:
      description: The deployment this run started, if any.
      type: str
    steady:
      description: Whether the service's rollout is complete (after the wait, when there was one).
      type: bool
    scalable_target:
      description: The scalable target (bounds and role), empty without autoscaling.
      type: dict
    policies:
      description: The scaling policies (name, target, ARN, alarms).
      type: list
      elements: dict
  sample:
    - name: shop-prod-api
      service_arn: arn:aws:ecs:us-east-1:123456789012:service/shop-prod-cluster/shop-prod-api
      task_definition_arn: arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api:7
      family: shop-prod-api
      revision: 7
      images: {"api": "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:1.4.2"}
      deployment_id: null
      steady: true
      scalable_target: {"min_capacity": 1, "max_capacity": 4}
      policies: []
created:
  description: The services created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
updated:
  description: The services whose task definition, service settings, tags or autoscaling changed.
  returned: always
  type: list
  elements: str
deleted:
  description: The services deleted.
  returned: always
  type: list
  elements: str
deregistered:
  description: The task definition revisions deregistered.
  returned: always
  type: list
  elements: str
rendered:
  description: With O(state=rendered), per listed service the requests a create sends.
  returned: when O(state=rendered)
  type: list
  elements: dict
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils import app_autoscaling as scaling
from ansible_collections.stacksmith.aws.plugins.module_utils import ecs_service as services
from ansible_collections.stacksmith.aws.plugins.module_utils import ecs_task_definition as definitions
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs import ECSModuleError, ecs_tags_to_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    converge_set,
    duplicate_names,
    is_owned,
    item_tags,
    resource_set_argument_spec,
    run_concurrently,
)

DIMENSION = "ecs:service:DesiredCount"
DESCRIBE_BATCH = 10  # DescribeServices takes ten services at most
TARGETS_BATCH = 50  # DescribeScalableTargets takes fifty resource ids at most
TASK_DEFINITION_DEFAULTS = {
    "family": None,
    "cpu": None,
    "memory": None,
    "network_mode": "awsvpc",
    "requires_compatibilities": ["FARGATE"],
    "execution_role_arn": None,
    "task_role_arn": None,
    "runtime_platform": None,
    "containers": None,
    "volumes": [],
}

CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "task_definition": {"type": "dict"},
    "desired_count": {"type": "int"},
    "initial_desired_count": {"type": "int", "default": 1},
    "launch_type": {"type": "str", "choices": ["FARGATE", "EC2", "EXTERNAL"]},
    "capacity_provider_strategy": {"type": "list", "elements": "dict"},
    "platform_version": {"type": "str"},
    "network_configuration": {"type": "dict"},
    "load_balancers": {"type": "list", "elements": "dict"},
    "health_check_grace_period_seconds": {"type": "int"},
    "deployment_configuration": {"type": "dict"},
    "enable_execute_command": {"type": "bool"},
    "propagate_tags": {"type": "str", "choices": ["SERVICE", "TASK_DEFINITION", "NONE"]},
    "force_new_deployment": {"type": "bool", "default": False},
    "autoscaling": {
        "type": "dict",
        "options": {
            "min_capacity": {"type": "int", "required": True},
            "max_capacity": {"type": "int", "required": True},
            "policies": {
                "type": "list",
                "elements": "dict",
                "options": scaling.POLICY_OPTIONS,
            },
        },
    },
    "tags": {"type": "dict", "default": {}},
}


# -- input -----------------------------------------------------------------------------------------------------------


def task_definition_params(item, cluster, default_image_tag, tags, purge):
    """The parameters of ecs_task_definition's ensure_present for one item."""
    given = dict(TASK_DEFINITION_DEFAULTS, **(item.get("task_definition") or {}))
    given["family"] = given["family"] or item["name"]
    given.update(
        cluster=cluster, service=item["name"], default_image_tag=default_image_tag, tags=tags, purge_tags=purge
    )
    return given


def service_params(item, cluster, tags, module_params, purge):
    """The parameters of ecs_service's ensure_present for one item (never waiting: the waits come at the end)."""
    params = {key: item.get(key) for key in CONFIG_OPTIONS if key not in ("task_definition", "autoscaling", "tags")}
    network = item.get("network_configuration")
    if network is not None:
        params["network_configuration"] = {
            "subnets": list(network.get("subnets") or []),
            "security_groups": list(network.get("security_groups") or []),
            "assign_public_ip": bool(network.get("assign_public_ip")),
        }
    breaker = (item.get("deployment_configuration") or {}).get("deployment_circuit_breaker")
    if item.get("deployment_configuration") is not None:
        params["deployment_configuration"] = {
            "maximum_percent": item["deployment_configuration"].get("maximum_percent"),
            "minimum_healthy_percent": item["deployment_configuration"].get("minimum_healthy_percent"),
            "deployment_circuit_breaker": (
                {"enable": bool(breaker.get("enable")), "rollback": bool(breaker.get("rollback"))}
                if breaker is not None
                else None
            ),
        }
    params.update(
        cluster=cluster,
        name=item["name"],
        task_definition=None,
        tags=tags,
        purge_tags=purge,
        recreate=module_params["recreate"],
        wait=False,
        wait_timeout=module_params["wait_timeout"],
        wait_delay=module_params["wait_delay"],
    )
    return params


def scaling_params(cluster, name, autoscaling, purge):
    """The parameters of application_autoscaling_target's functions for the service's desired count."""
    params = {
        "state": "present" if autoscaling else "absent",
        "service_namespace": "ecs",
        "resource_id": f"service/{cluster}/{name}",
        "scalable_dimension": DIMENSION,
        "min_capacity": None,
        "max_capacity": None,
        "policies": None,
        "purge_policies": purge,
    }
    if autoscaling:
        params["min_capacity"] = autoscaling.get("min_capacity")
        params["max_capacity"] = autoscaling.get("max_capacity")
        if autoscaling.get("policies") is not None:
            params["policies"] = [dict(policy) for policy in autoscaling["policies"]]
    return params


def check_config(state, config):
    """Input errors found before any call, all at once."""
    errors = []
    dupes = duplicate_names(config)
    if dupes:
        errors.append(f"config names each service once; repeated: {', '.join(dupes)}")
    if state in ("deleted", "gathered"):
        return errors
    for item in config:
        name = item["name"]
        definition = item.get("task_definition") or {}
        if not definition.get("containers"):
            errors.append(f"service {name}: task_definition.containers is required")
        for container in definition.get("containers") or []:
            if not container.get("name") or not container.get("image"):
                errors.append(f"service {name}: every container needs a name and an image")
        network = item.get("network_configuration")
        if network is not None and not network.get("subnets"):
            errors.append(f"service {name}: network_configuration.subnets is required")
        for lb in item.get("load_balancers") or []:
            missing = [key for key in ("target_group_arn", "container_name", "container_port") if not lb.get(key)]
            if missing:
                errors.append(f"service {name}: every load_balancers item needs {', '.join(missing)}")
        for strategy in item.get("capacity_provider_strategy") or []:
            if not strategy.get("capacity_provider"):
                errors.append(f"service {name}: every capacity_provider_strategy item needs capacity_provider")
        if item.get("launch_type") and item.get("capacity_provider_strategy"):
            errors.append(f"service {name}: launch_type and capacity_provider_strategy are mutually exclusive")
        if item.get("autoscaling"):
            try:
                scaling.check_params(scaling_params("cluster", name, item["autoscaling"], True))
            except scaling.AutoScalingTargetError as e:
                errors.append(f"service {name}: autoscaling: {e}")
    return errors


# -- reading ---------------------------------------------------------------------------------------------------------


def describe_services(client, cluster, names):
    """name -> service (ACTIVE or DRAINING, tags as a dict), ten names per DescribeServices call."""
    batches = [names[start : start + DESCRIBE_BATCH] for start in range(0, len(names), DESCRIBE_BATCH)]

    def describe(batch):
        try:
            answer = client.describe_services(cluster=cluster, services=batch, include=["TAGS"], aws_retry=True)
        except is_boto3_error_code("ClusterNotFoundException"):
            return []
        return answer.get("services") or []

    found = {}
    for batch in run_concurrently(describe, batches):
        for service in batch:
            if service.get("status") in ("ACTIVE", "DRAINING"):
                found[service["serviceName"]] = dict(service, tags=ecs_tags_to_dict(service.get("tags")))
    return found


def list_service_names(client, cluster):
    """The names of every service of the cluster ([] when the cluster does not exist)."""
    try:
        arns = (
            client.get_paginator("list_services").paginate(cluster=cluster).build_full_result().get("serviceArns", [])
        )
    except is_boto3_error_code("ClusterNotFoundException"):
        return []
    return sorted(arn.rsplit("/", 1)[-1] for arn in arns)


def describe_targets(client, resource_ids):
    """resource id -> the scalable target of the service's desired count, for every id that has one (one
    DescribeScalableTargets call per fifty ids)."""
    found = {}
    for start in range(0, len(resource_ids), TARGETS_BATCH):
        answer = scaling.paginate(
            client,
            "describe_scalable_targets",
            ServiceNamespace="ecs",
            ResourceIds=resource_ids[start : start + TARGETS_BATCH],
            ScalableDimension=DIMENSION,
        )
        for target in answer.get("ScalableTargets") or []:
            if target.get("ScalableDimension") == DIMENSION:
                found[target["ResourceId"]] = target
    return found


class ServiceSet:
    """The services of a cluster, converged as a set."""

    def __init__(self, module, ecs, autoscaling):
        self.ecs = ecs
        self.autoscaling = autoscaling
        self.params = module.params
        self.check_mode = module.check_mode
        self.cluster = module.params["cluster"]
        self.owner_tags = module.params["owner_tags"]
        self.details = {}
        self.missing = {}
        self.deregistered = []
        self.deleted_services = []

    # reading

    def read(self, names, families):
        """name -> {service, comparison, latest, target, policies} for every name: the service (None when
        missing), the task definition revisions to compare with, and the service's autoscaling.

        Two concurrent rounds: the services (DescribeServices, ten a call) and their scalable targets (one
        DescribeScalableTargets for all); then per service its task definitions, and its policies when it has a
        target (AWS keeps no policy without one)."""
        ids = {name: scaling_params(self.cluster, name, None, False)["resource_id"] for name in names}
        found, targets = run_concurrently(
            lambda read: read(),
            [
                lambda: describe_services(self.ecs, self.cluster, names),
                lambda: describe_targets(self.autoscaling, list(ids.values())),
            ],
        )

        def read_one(name):
            service = found.get(name)
            current_arn = (service or {}).get("taskDefinition")
            family = families.get(name) or (definitions.family_of(current_arn) if current_arn else name)
            latest = definitions.describe_task_definition(self.ecs, family)
            comparison, latest = definitions.revisions_from(self.ecs, family, latest, current_arn)
            target = targets.get(ids[name])
            policies = []
            if target is not None:
                policies = scaling.describe_policies(self.autoscaling, scaling_params(self.cluster, name, None, False))
            return {
                "name": name,
                "family": family,
                "service": service,
                "comparison": comparison,
                "latest": latest,
                "target": target,
                "policies": policies,
            }

        return dict(zip(names, run_concurrently(read_one, names), strict=True))

    def owned(self, current):
        return is_owned(current["service"].get("tags") or {}, self.owner_tags)

    def view(self, current):
        """The config-format view of what AWS holds (for diffs and gathered)."""
        comparison = current.get("comparison")
        target = scaling.format_target(current.get("target"))
        policies = [scaling.format_policy(policy) for policy in current.get("policies") or []]
        return {
            "task_definition": (
                dict(definitions.normalize_definition(comparison), tags=comparison.get("tags") or {})
                if comparison
                else {}
            ),
            "service": services.diff_view(current.get("service")),
            "autoscaling": scaling.diff_view(target, policies),
        }

    # converging

    def present(self, item, current, purge):
        name = item["name"]
        current = current or self.missing.get(name)
        tags = item_tags(self.params["tags"], item, name_tag=False)
        td_params = task_definition_params(item, self.cluster, self.params["default_image_tag"], tags, purge)
        td = definitions.ensure_present(
            self.ecs, self.check_mode, td_params, revisions=(current["comparison"], current["latest"])
        )
        td_arn = td["task_definition_arn"] or f"{td['family']} (new revision)"
        svc = services.ensure_present(
            self.ecs,
            self.check_mode,
            service_params(item, self.cluster, tags, self.params, purge),
            service=current["service"],
            task_definition_arn=td_arn,
        )
        scale_params = scaling_params(self.cluster, name, item.get("autoscaling"), purge)
        scale = {"changed": False, "scalable_target": scaling.format_target(current["target"])}
        scale["policies"] = [scaling.format_policy(policy) for policy in current["policies"]]
        scale["diff"] = {"before": {}, "after": {}}
        read = (current["target"], current["policies"])
        if item.get("autoscaling"):
            scale = scaling.ensure_present(self.autoscaling, self.check_mode, scale_params, current=read)
        elif purge and (current["target"] or current["policies"]):
            scale = scaling.ensure_absent(self.autoscaling, self.check_mode, scale_params, current=read)
        self.details[name] = {
            "name": name,
            "service_arn": svc["service"].get("service_arn"),
            "task_definition_arn": td["task_definition_arn"],
            "family": td["family"],
            "revision": td["revision"],
            "images": td["images"],
            "deployment_id": svc.get("deployment_id"),
            "steady": bool(svc.get("steady")),
            "scalable_target": scale["scalable_target"],
            "policies": scale["policies"],
            "changed": svc["changed"],
        }
        changed = td["changed"] or svc["changed"] or scale["changed"]
        after = {
            "task_definition": td["diff"]["after"],
            "service": svc["diff"]["after"],
            "autoscaling": scale["diff"]["after"],
        }
        return changed, after

    def absent(self, current):
        """Autoscaling, then the service (scaled to 0 and deleted), then its task definition family. Honours check
        mode (converge_set calls it for real runs only; converge() calls it in check mode to predict the same).
        Returns whether there was anything to remove."""
        name = current["name"]
        changed = bool(current["target"] or current["policies"] or current["service"] is not None)
        if not self.check_mode:
            if current["target"] or current["policies"]:
                key = scaling_params(self.cluster, name, None, True)
                scaling.ensure_absent(self.autoscaling, False, key, current=(current["target"], current["policies"]))
            if current["service"] is not None:
                services.delete_service(self.ecs, {"cluster": self.cluster, "name": name}, current["service"], False)
                self.deleted_services.append(name)
        self.deregister(current["family"])
        return changed

    def deregister(self, family):
        params = {"family": family, "delete_inactive": self.params["delete_task_definitions"]}
        self.deregistered.extend(definitions.ensure_absent(self.ecs, self.check_mode, params)["deregistered"])

    # waiting

    def wait_for_rollouts(self):
        # The deployments an earlier call started (it ran with wait=false and returned them) are waited for by id,
        # even when the service looks steady now: after a circuit-breaker rollback the primary deployment is the old
        # one, COMPLETED, and only the started deployment tells the failure.
        started = {item.get("name"): item for item in self.params.get("rollouts") or [] if item.get("deployment_id")}
        pending = []
        for detail in self.details.values():
            earlier = started.get(detail["name"])
            if detail["deployment_id"] is None and earlier is not None:
                detail["deployment_id"] = earlier["deployment_id"]
                detail["task_definition_arn"] = earlier.get("task_definition_arn") or detail["task_definition_arn"]
            if detail["service_arn"] and (detail["changed"] or not detail["steady"] or earlier is not None):
                pending.append(detail)

        def wait(detail):
            expected = detail["task_definition_arn"] if detail["deployment_id"] else None
            service = services.wait_for_rollout(
                self.ecs,
                self.cluster,
                detail["name"],
                None,
                detail["deployment_id"],
                expected,
                self.params["wait_timeout"],
                self.params["wait_delay"],
            )
            detail["steady"] = True
            return service

        run_concurrently(wait, pending)

    def wait_for_deletions(self):
        run_concurrently(
            lambda name: services.wait_for_inactive(
                self.ecs, self.cluster, name, self.params["wait_timeout"], self.params["wait_delay"]
            ),
            self.deleted_services,
        )

    # states

    def converge(self, state, config):
        listed = [item["name"] for item in config]
        families = {item["name"]: (item.get("task_definition") or {}).get("family") or item["name"] for item in config}
        wide = state == "overridden" or (state == "deleted" and not config)
        names = sorted(set(listed) | set(list_service_names(self.ecs, self.cluster))) if wide else listed
        everything = self.read(names, families)
        existing = {name: read for name, read in everything.items() if read["service"] is not None}
        self.missing = {name: read for name, read in everything.items() if read["service"] is None}
        result = converge_set(
            state=state,
            config=config,
            existing=existing,
            owned=self.owned,
            present=self.present,
            absent=self.absent,
            view=self.view,
            check_mode=self.check_mode,
        )
        # converge_set deleted the services, or in check mode only named them: absent() predicts, writing nothing.
        removed = [existing[name] for name in result["deleted"]] if self.check_mode else []
        if state == "deleted":
            # A listed service already gone may have left its autoscaling or task definitions (an earlier teardown
            # that stopped half way): they go too.
            removed += [self.missing[name] for name in listed if name in self.missing]
        for current in removed:
            result["changed"] = self.absent(current) or result["changed"]
        if self.deregistered:
            result["changed"] = True
        if self.params["wait"] and not self.check_mode:
            self.wait_for_rollouts()
            self.wait_for_deletions()
        result.pop("items")
        result["services"] = []
        if state != "deleted":
            result["services"] = [{k: v for k, v in self.details[n].items() if k != "changed"} for n in listed]
        result["deregistered"] = self.deregistered
        return result

    def gathered(self):
        names = list_service_names(self.ecs, self.cluster)
        everything = self.read(names, {})
        owned = [read for read in everything.values() if read["service"] is not None and self.owned(read)]
        return {"changed": False, "services": [dict(self.view(read), name=read["name"]) for read in owned]}


def rendered(params, config):
    """The requests a create of each listed service sends, with no AWS call."""
    out = []
    for item in config:
        tags = item_tags(params["tags"], item, name_tag=False)
        td_params = task_definition_params(item, params["cluster"], params["default_image_tag"], tags, True)
        containers = definitions.resolve_images(td_params["containers"], None, params["default_image_tag"])
        register = definitions.build_request(td_params, containers)
        svc = service_params(item, params["cluster"], tags, params, True)
        requests = [
            {"operation": "register_task_definition", "params": register},
            {"operation": "create_service", "params": services.build_create(svc, f"{td_params['family']}")},
        ]
        if item.get("autoscaling"):
            key = scaling_params(params["cluster"], item["name"], item["autoscaling"], True)
            requests.append(
                {
                    "operation": "register_scalable_target",
                    "params": dict(
                        scaling.target_key(key), MinCapacity=key["min_capacity"], MaxCapacity=key["max_capacity"]
                    ),
                }
            )
            for policy in key["policies"] or []:
                requests.append({"operation": "put_scaling_policy", "params": scaling.predicted_policy(key, policy)})
        out.append({"name": item["name"], "requests": requests})
    return {"changed": False, "rendered": out, "services": []}


def main():
    argument_spec = resource_set_argument_spec(
        CONFIG_OPTIONS,
        cluster={"type": "str", "required": True},
        default_image_tag={"type": "str", "default": "latest"},
        recreate={"type": "bool", "default": False},
        delete_task_definitions={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 900},
        wait_delay={"type": "int", "default": 5},
        rollouts={"type": "list", "elements": "dict", "default": []},
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    state = module.params["state"]
    config = module.params["config"]
    errors = check_config(state, config)
    if errors:
        module.fail_json(msg="; ".join(errors))
    try:
        if state == "rendered":
            result = rendered(module.params, config)
        else:
            ecs = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
            autoscaling = module.client(
                "application-autoscaling",
                retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=scaling.RETRY_CODES),
            )
            service_set = ServiceSet(module, ecs, autoscaling)
            result = service_set.gathered() if state == "gathered" else service_set.converge(state, config)
    except (ResourceSetError, scaling.AutoScalingTargetError) as e:
        module.fail_json(msg=str(e))
    except ECSModuleError as e:
        module.fail_json(msg=e.message, **e.kwargs)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to converge the services of ECS cluster {module.params['cluster']}")

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
