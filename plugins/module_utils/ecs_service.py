# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The service logic of ecs_service and ecs_services: the requests that create or update a service, the comparison
that makes a converged service report unchanged, and the rollout wait (circuit-breaker rollbacks fail it)."""

from __future__ import annotations

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs import (
    ECSModuleError,
    dict_to_ecs_tags,
    ecs_tags_to_dict,
    ensure_ecs_tags,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

DEFAULT_DESIRED_COUNT = 1
# ensure_present reads the service and resolves the task definition itself unless the caller (ecs_services, which
# reads a whole set at once) passes what it read.
UNREAD = object()


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
    rollout is done; fails at once on a circuit-breaker rollback. ``service`` None: the first look is a read."""
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
            sleep=sleep,
            **({} if service is None else {"value": service}),
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


def ensure_present(client, check_mode, params, sleep=None, service=UNREAD, task_definition_arn=UNREAD):
    """Creates or updates one service. ``service`` (as describe_service returns it, None when missing) and
    ``task_definition_arn`` may be given when the caller has read or registered them already."""
    cluster, name = params["cluster"], params["name"]
    if service is UNREAD:
        service = describe_service(client, cluster, name)
    if task_definition_arn is UNREAD:
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
