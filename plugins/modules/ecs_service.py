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

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs import (
    ECSModuleError,
    dict_to_ecs_tags,
    ecs_tags_to_dict,
    ensure_ecs_tags,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

DEFAULT_DESIRED_COUNT = 1


# -- reading ---------------------------------------------------------------------------------------------------------


def describe_service(client, cluster, name):
    """The service (with tags as a dict), or None when missing or INACTIVE."""
    try:
        response = client.describe_services(cluster=cluster, services=[name], include=["TAGS"], aws_retry=True)
    except is_boto3_error_code("ClusterNotFoundException"):
        return None
    for service in response.get("services") or []:
        if service.get("status") in ("ACTIVE", "DRAINING"):
            service = dict(service)
            service["tags"] = ecs_tags_to_dict(service.get("tags"))
            return service
    return None


def resolve_task_definition(client, task_definition, check_mode=False):
    """ARN of `task_definition` (family, family:revision or ARN). In check mode a task definition that does not
    exist yet (it would be registered by an earlier task) is returned as given."""
    if task_definition.startswith("arn:"):
        return task_definition
    try:
        response = client.describe_task_definition(taskDefinition=task_definition, aws_retry=True)
    except is_boto3_error_code("ClientException"):
        if check_mode:
            return task_definition
        raise
    return response["taskDefinition"]["taskDefinitionArn"]


def format_service(service):
    if not service:
        return {}
    result = camel_dict_to_snake_dict({k: v for k, v in service.items() if k != "tags"})
    result["tags"] = service.get("tags") or {}
    return result


# -- normalisation ---------------------------------------------------------------------------------------------------


def network_configuration(params):
    config = params.get("network_configuration")
    if config is None:
        return None
    return {
        "awsvpcConfiguration": {
            "subnets": list(config["subnets"]),
            "securityGroups": list(config.get("security_groups") or []),
            "assignPublicIp": "ENABLED" if config.get("assign_public_ip") else "DISABLED",
        }
    }


def normalize_network(config):
    vpc = (config or {}).get("awsvpcConfiguration") or {}
    return {
        "subnets": sorted(vpc.get("subnets") or []),
        "securityGroups": sorted(vpc.get("securityGroups") or []),
        "assignPublicIp": vpc.get("assignPublicIp") or "DISABLED",
    }


def load_balancers(params):
    if params.get("load_balancers") is None:
        return None
    return [
        {
            "targetGroupArn": lb["target_group_arn"],
            "containerName": lb["container_name"],
            "containerPort": int(lb["container_port"]),
        }
        for lb in params["load_balancers"]
    ]


def normalize_load_balancers(lbs):
    return sorted(
        (lb.get("targetGroupArn"), lb.get("loadBalancerName"), lb.get("containerName"), lb.get("containerPort"))
        for lb in (lbs or [])
    )


def capacity_provider_strategy(params):
    if params.get("capacity_provider_strategy") is None:
        return None
    return [
        {
            "capacityProvider": s["capacity_provider"],
            "weight": int(s.get("weight") or 0),
            "base": int(s.get("base") or 0),
        }
        for s in params["capacity_provider_strategy"]
    ]


def normalize_strategy(strategy):
    return sorted(
        (s.get("capacityProvider"), int(s.get("weight") or 0), int(s.get("base") or 0)) for s in (strategy or [])
    )


def deployment_configuration(params):
    config = params.get("deployment_configuration")
    if config is None:
        return None
    out = {}
    if config.get("maximum_percent") is not None:
        out["maximumPercent"] = config["maximum_percent"]
    if config.get("minimum_healthy_percent") is not None:
        out["minimumHealthyPercent"] = config["minimum_healthy_percent"]
    breaker = config.get("deployment_circuit_breaker")
    if breaker is not None:
        out["deploymentCircuitBreaker"] = {"enable": breaker["enable"], "rollback": breaker["rollback"]}
    return out


def deployment_configuration_differs(current, wanted):
    current = current or {}
    for key, value in wanted.items():
        if key == "deploymentCircuitBreaker":
            breaker = current.get(key) or {"enable": False, "rollback": False}
            if any(bool(breaker.get(k)) != bool(v) for k, v in value.items()):
                return True
        elif current.get(key) != value:
            return True
    return False


# -- comparing -------------------------------------------------------------------------------------------------------


def immutable_differences(service, params):
    """[(attribute, current, wanted)] of what UpdateService cannot change."""
    differences = []
    current_launch = service.get("launchType")
    current_strategy = service.get("capacityProviderStrategy") or []
    wanted_launch = params.get("launch_type")
    wanted_strategy = params.get("capacity_provider_strategy")
    if wanted_launch and current_launch and wanted_launch != current_launch:
        differences.append(("launch_type", current_launch, wanted_launch))
    if wanted_launch and not current_launch and current_strategy:
        differences.append(("launch_type", "capacity provider strategy", wanted_launch))
    if wanted_strategy and current_launch:
        differences.append(("capacity_provider_strategy", f"launch type {current_launch}", "a strategy"))
    return differences


def build_update(service, params, task_definition_arn):
    """The UpdateService parameters (without cluster/service) for what differs; {} when nothing does."""
    update = {}
    if task_definition_arn and task_definition_arn != service.get("taskDefinition"):
        update["taskDefinition"] = task_definition_arn
    if params.get("desired_count") is not None and params["desired_count"] != service.get("desiredCount"):
        update["desiredCount"] = params["desired_count"]
    network = network_configuration(params)
    if network is not None and normalize_network(network) != normalize_network(service.get("networkConfiguration")):
        update["networkConfiguration"] = network
    lbs = load_balancers(params)
    if lbs is not None and normalize_load_balancers(lbs) != normalize_load_balancers(service.get("loadBalancers")):
        update["loadBalancers"] = lbs
    grace = params.get("health_check_grace_period_seconds")
    if grace is not None and grace != (service.get("healthCheckGracePeriodSeconds") or 0):
        update["healthCheckGracePeriodSeconds"] = grace
    deployment = deployment_configuration(params)
    if deployment and deployment_configuration_differs(service.get("deploymentConfiguration"), deployment):
        update["deploymentConfiguration"] = deployment
    execute = params.get("enable_execute_command")
    if execute is not None and execute != bool(service.get("enableExecuteCommand")):
        update["enableExecuteCommand"] = execute
    propagate = params.get("propagate_tags")
    if propagate is not None and propagate != (service.get("propagateTags") or "NONE"):
        update["propagateTags"] = propagate
    strategy = capacity_provider_strategy(params)
    if strategy is not None and normalize_strategy(strategy) != normalize_strategy(
        service.get("capacityProviderStrategy")
    ):
        update["capacityProviderStrategy"] = strategy
        update["forceNewDeployment"] = True  # ECS requires a new deployment to move tasks to other providers
    platform = params.get("platform_version")
    if platform is not None and platform != service.get("platformVersion"):
        update["platformVersion"] = platform
    if params.get("force_new_deployment"):
        update["forceNewDeployment"] = True
    return update


def build_create(params, task_definition_arn):
    request = {
        "cluster": params["cluster"],
        "serviceName": params["name"],
        "taskDefinition": task_definition_arn,
        "desiredCount": (
            params["desired_count"]
            if params.get("desired_count") is not None
            else params.get("initial_desired_count") or DEFAULT_DESIRED_COUNT
        ),
        "deploymentController": {"type": "ECS"},
    }
    optional = {
        "launchType": params.get("launch_type"),
        "capacityProviderStrategy": capacity_provider_strategy(params),
        "platformVersion": params.get("platform_version"),
        "networkConfiguration": network_configuration(params),
        "loadBalancers": load_balancers(params),
        "healthCheckGracePeriodSeconds": params.get("health_check_grace_period_seconds"),
        "deploymentConfiguration": deployment_configuration(params),
        "enableExecuteCommand": params.get("enable_execute_command"),
        "propagateTags": params.get("propagate_tags"),
    }
    request.update({k: v for k, v in optional.items() if v is not None})
    if params.get("tags"):
        request["tags"] = dict_to_ecs_tags(params["tags"])
    return request


def diff_view(service):
    """The compared attributes of a service (DescribeServices shape) for --diff."""
    if not service:
        return {}
    keys = (
        "taskDefinition",
        "desiredCount",
        "launchType",
        "capacityProviderStrategy",
        "platformVersion",
        "networkConfiguration",
        "loadBalancers",
        "healthCheckGracePeriodSeconds",
        "deploymentConfiguration",
        "enableExecuteCommand",
        "propagateTags",
        "tags",
    )
    return {k: service[k] for k in keys if service.get(k) is not None}


# -- waiting ---------------------------------------------------------------------------------------------------------


def find_new_deployment(service, task_definition_arn, known_ids):
    """The deployment this run started: the newest one not seen before with the requested task definition."""
    candidates = [d for d in service.get("deployments") or [] if d.get("id") not in known_ids]
    if task_definition_arn:
        matching = [d for d in candidates if d.get("taskDefinition") == task_definition_arn]
        candidates = matching or candidates
    if not candidates:
        return None
    return max(candidates, key=lambda d: str(d.get("createdAt") or ""))["id"]


def primary_of(service):
    return next((d for d in service.get("deployments") or [] if d.get("status") == "PRIMARY"), None)


def rollout_state(service, deployment_id, task_definition_arn):
    """('done' | 'failed' | 'waiting', message)."""
    name = service.get("serviceName")
    deployments = service.get("deployments") or []
    mine = next((d for d in deployments if d.get("id") == deployment_id), None) if deployment_id else None
    primary = primary_of(service)
    if mine is None:
        if primary is None:
            return "waiting", f"service {name} has no PRIMARY deployment yet"
        if deployment_id and task_definition_arn and primary.get("taskDefinition") != task_definition_arn:
            return "failed", (
                f"ECS service {name}: the deployment {deployment_id} of {task_definition_arn} was replaced; the "
                f"service now runs {service.get('taskDefinition')} (rolled back by the deployment circuit breaker)"
            )
        mine = primary
    if mine.get("rolloutState") == "FAILED":
        failed_td = mine.get("taskDefinition")
        current = service.get("taskDefinition")
        if current and current != failed_td:
            outcome = f"the circuit breaker rolled the service back to {current}"
        else:
            outcome = "it was not rolled back"
        return "failed", (
            f"ECS service {name}: the deployment {mine.get('id')} of task definition {failed_td} FAILED "
            f"({mine.get('rolloutStateReason') or 'no reason given'}); {outcome}"
        )
    if mine.get("status") != "PRIMARY":
        return "waiting", f"deployment {mine.get('id')} is {mine.get('status')}"
    rollout = mine.get("rolloutState")
    desired = service.get("desiredCount", 0)
    if rollout in (None, "COMPLETED") and service.get("runningCount") == desired:
        if rollout is None and len(deployments) > 1:
            return "waiting", "older deployments are still draining"
        return "done", "COMPLETED"
    return "waiting", f"deployment {mine.get('id')} is {rollout} ({service.get('runningCount')}/{desired} running)"


def wait_for_rollout(client, cluster, name, service, deployment_id, task_definition_arn, timeout, delay, sleep=None):
    """Polls the service (the shared poller: the second look after 1 s, backing off up to `delay` s) until the
    rollout is done; fails at once on a circuit-breaker rollback."""
    last = {"message": ""}

    def read():
        current = describe_service(client, cluster, name)
        if current is None:
            raise ECSModuleError(f"ECS service {name} disappeared while waiting for its rollout")
        return current

    def done(current):
        state, last["message"] = rollout_state(current, deployment_id, task_definition_arn)
        if state == "failed":
            raise ECSModuleError(last["message"], service=format_service(current))
        return state == "done"

    try:
        return poll(
            read,
            done,
            timeout,
            what=f"the rollout of ECS service {name}",
            first_delay=min(1, delay),
            max_delay=delay,
            value=service,
            sleep=sleep,
        )
    except WaitTimeout as e:
        raise ECSModuleError(
            f"ECS service {name}: timed out after {timeout} s waiting for the rollout: {last['message']}",
            service=format_service(e.value),
        ) from None


def wait_for_inactive(client, cluster, name, timeout, delay, sleep=None):
    try:
        poll(
            lambda: describe_service(client, cluster, name),
            lambda current: current is None,
            timeout,
            what=f"ECS service {name} to be deleted",
            first_delay=min(1, delay),
            max_delay=delay,
            sleep=sleep,
        )
    except WaitTimeout:
        raise ECSModuleError(f"ECS service {name}: timed out after {timeout} s waiting for the deletion") from None


# -- present / absent ------------------------------------------------------------------------------------------------


def create_service(client, params, task_definition_arn):
    request = build_create(params, task_definition_arn)
    service = client.create_service(aws_retry=True, **request)["service"]
    service["tags"] = dict(params.get("tags") or {})
    return service


def delete_service(client, params, service, wait):
    if service.get("desiredCount"):
        client.update_service(cluster=params["cluster"], service=params["name"], desiredCount=0, aws_retry=True)
    client.delete_service(cluster=params["cluster"], service=params["name"], force=True, aws_retry=True)
    if wait:
        wait_for_inactive(client, params["cluster"], params["name"], params["wait_timeout"], params["wait_delay"])


def ensure_present(client, check_mode, params, sleep=None):
    cluster, name = params["cluster"], params["name"]
    service = describe_service(client, cluster, name)
    task_definition_arn = None
    if params.get("task_definition"):
        task_definition_arn = resolve_task_definition(client, params["task_definition"], check_mode)

    recreated = False
    if service is not None:
        differences = immutable_differences(service, params)
        if differences:
            if not params["recreate"]:
                detail = "; ".join(f"{a} is {c!r} but {w!r} was requested" for a, c, w in differences)
                raise ECSModuleError(
                    f"ECS service {name}: {detail}. This cannot be changed in place: set recreate=true to delete "
                    "and create the service again."
                )
            if check_mode:
                return {
                    "changed": True,
                    "service": format_service(service),
                    "deployment_id": None,
                    "diff": {"before": diff_view(service), "after": {"recreate": True}},
                }
            delete_service(client, params, service, wait=True)
            service, recreated = None, True

    if service is None:
        if not task_definition_arn:
            raise ECSModuleError(f"task_definition is required to create the ECS service {name}")
        request = build_create(params, task_definition_arn)
        after = diff_view(dict(request, tags=params.get("tags") or {}))
        if check_mode:
            return {
                "changed": True,
                "service": format_service(request),
                "deployment_id": None,
                "diff": {"before": {}, "after": after},
            }
        service = create_service(client, params, task_definition_arn)
        deployment_id = find_new_deployment(service, task_definition_arn, set())
        if params["wait"]:
            service = wait_for_rollout(
                client,
                cluster,
                name,
                service,
                deployment_id,
                task_definition_arn,
                params["wait_timeout"],
                params["wait_delay"],
                sleep,
            )
        return {
            "changed": True,
            "service": format_service(service),
            "deployment_id": deployment_id,
            "recreated": recreated,
            "diff": {"before": {}, "after": after},
        }

    update = build_update(service, params, task_definition_arn)
    before = diff_view(service)
    after = dict(before)
    after.update({k: v for k, v in update.items() if k != "forceNewDeployment"})
    tags_changed, tags = ensure_ecs_tags(
        client, check_mode, service["serviceArn"], service.get("tags"), params.get("tags"), params["purge_tags"]
    )
    after["tags"] = tags
    changed = bool(update) or tags_changed
    deployment_id = None
    if update and not check_mode:
        known = {d.get("id") for d in service.get("deployments") or []}
        updated = client.update_service(cluster=cluster, service=name, aws_retry=True, **update)["service"]
        updated["tags"] = tags
        service = updated
        if "taskDefinition" in update or update.get("forceNewDeployment"):
            deployment_id = find_new_deployment(service, task_definition_arn, known)
    else:
        service = dict(service, tags=tags)
    if params["wait"] and not check_mode:
        if deployment_id is None:
            primary = primary_of(service)
            deployment_id = primary.get("id") if primary else None
        expected = task_definition_arn if update.get("taskDefinition") or update.get("forceNewDeployment") else None
        service = wait_for_rollout(
            client, cluster, name, service, deployment_id, expected, params["wait_timeout"], params["wait_delay"], sleep
        )
        service["tags"] = tags
    return {
        "changed": changed,
        "service": format_service(service),
        "deployment_id": deployment_id,
        # Nothing to wait for: a role skips its rollout wait for a service that is unchanged and steady.
        "steady": rollout_state(service, None, None)[0] == "done",
        "diff": {"before": before, "after": after},
    }


def ensure_absent(client, check_mode, params):
    service = describe_service(client, params["cluster"], params["name"])
    if service is None:
        return {"changed": False, "service": {}, "diff": {"before": {}, "after": {}}}
    result = {"changed": True, "service": {}, "diff": {"before": diff_view(service), "after": {}}}
    if not check_mode:
        delete_service(client, params, service, params["wait"])
    return result


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
