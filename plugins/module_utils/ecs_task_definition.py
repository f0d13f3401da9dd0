# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The task definition logic of ecs_task_definition and ecs_services: image resolution, the normalisation that
makes a definition read back from AWS compare equal to the one requested, and register / deregister."""

from __future__ import annotations

import copy

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs import (
    ECSModuleError,
    dict_to_ecs_tags,
    ecs_tags_to_dict,
    ensure_ecs_tags,
    prune_empty,
)

HEALTH_CHECK_DEFAULTS = {"interval": 30, "timeout": 5, "retries": 3}
COMPARED_KEYS = (
    "family",
    "containerDefinitions",
    "volumes",
    "networkMode",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "executionRoleArn",
    "taskRoleArn",
    "runtimePlatform",
    "placementConstraints",
    "pidMode",
    "ipcMode",
    "ephemeralStorage",
    "proxyConfiguration",
)


# -- images ----------------------------------------------------------------------------------------------------------


def split_image(image):
    """'repo[:tag|@digest]' -> (repo, tag_or_digest or None). A registry port (host:5000/repo) is not a tag."""
    last = image.rsplit("/", 1)[-1]
    if "@" in last:
        repo, digest = image.rsplit("@", 1)
        return repo, "@" + digest
    if ":" in last:
        repo, tag = image.rsplit(":", 1)
        return repo, tag
    return image, None


def resolve_images(containers, comparison, default_tag):
    """Containers with every image tagged: an untagged image keeps the comparison revision's image of the container
    with the same name when it is of the same repository, else gets `default_tag`."""
    current = {}
    for container in (comparison or {}).get("containerDefinitions") or []:
        current[container.get("name")] = container.get("image")
    resolved = []
    for container in containers:
        container = copy.deepcopy(container)
        image = container.get("image")
        if image:
            repo, tag = split_image(image)
            if tag is None:
                kept = current.get(container.get("name"))
                if kept and split_image(kept)[0] == repo:
                    container["image"] = kept
                else:
                    container["image"] = f"{repo}:{default_tag}"
        resolved.append(container)
    return resolved


# -- normalisation ---------------------------------------------------------------------------------------------------


def _sorted_by_name(items):
    return sorted(items or [], key=lambda item: (str(item.get("name", "")), str(item)))


def normalize_container(container):
    c = prune_empty(copy.deepcopy(container))
    c.setdefault("essential", True)
    if c.get("cpu") in (0, "0"):
        c.pop("cpu")
    for key in ("cpu", "memory", "memoryReservation"):
        if key in c:
            c[key] = int(c[key])
    mappings = []
    for mapping in c.get("portMappings") or []:
        mapping = dict(mapping)
        mapping.setdefault("hostPort", mapping.get("containerPort"))
        mapping.setdefault("protocol", "tcp")
        mappings.append(mapping)
    if mappings:
        c["portMappings"] = sorted(mappings, key=lambda m: (m.get("containerPort") or 0, str(m)))
    for key in ("environment", "secrets", "environmentFiles"):
        if key in c:
            c[key] = _sorted_by_name(c[key])
    if "healthCheck" in c:
        health = dict(HEALTH_CHECK_DEFAULTS)
        health.update(c["healthCheck"])
        if not health.get("startPeriod"):
            health.pop("startPeriod", None)
        c["healthCheck"] = health
    if "mountPoints" in c:
        points = []
        for point in c["mountPoints"]:
            point = dict(point)
            point.setdefault("readOnly", False)
            points.append(point)
        c["mountPoints"] = sorted(points, key=lambda p: (str(p.get("containerPath")), str(p)))
    return c


def normalize_volume(volume):
    v = prune_empty(copy.deepcopy(volume))
    efs = v.get("efsVolumeConfiguration")
    if efs is not None:
        efs.setdefault("rootDirectory", "/")
        efs.setdefault("transitEncryption", "DISABLED")
        auth = efs.get("authorizationConfig")
        if auth is not None:
            auth.setdefault("iam", "DISABLED")
    return v


def normalize_definition(definition):
    """The compared part of a task definition (RegisterTaskDefinition request or DescribeTaskDefinition result)."""
    if not definition:
        return {}
    d = {key: copy.deepcopy(definition[key]) for key in COMPARED_KEYS if key in definition}
    d = prune_empty(d)
    for key in ("cpu", "memory"):
        if key in d:
            d[key] = str(d[key])
    d.setdefault("networkMode", "bridge")
    if "requiresCompatibilities" in d:
        d["requiresCompatibilities"] = sorted(d["requiresCompatibilities"])
    d["containerDefinitions"] = sorted(
        (normalize_container(c) for c in d.get("containerDefinitions") or []), key=lambda c: str(c.get("name"))
    )
    volumes = sorted((normalize_volume(v) for v in d.get("volumes") or []), key=lambda v: str(v.get("name")))
    if volumes:
        d["volumes"] = volumes
    else:
        d.pop("volumes", None)
    return d


# -- AWS -------------------------------------------------------------------------------------------------------------


def describe_task_definition(client, task_definition):
    """DescribeTaskDefinition with tags: the definition dict (with 'tags' as a dict), or None when not found."""
    try:
        response = client.describe_task_definition(taskDefinition=task_definition, include=["TAGS"], aws_retry=True)
    except is_boto3_error_code("ClientException"):
        return None
    definition = response["taskDefinition"]
    if definition.get("status") != "ACTIVE" and ":" not in task_definition.rsplit("/", 1)[-1]:
        return None
    definition["tags"] = ecs_tags_to_dict(response.get("tags"))
    return definition


def service_task_definition(client, cluster, service):
    """The task definition ARN the service runs now, or None."""
    if not cluster or not service:
        return None
    try:
        response = client.describe_services(cluster=cluster, services=[service], aws_retry=True)
    except is_boto3_error_code("ClusterNotFoundException"):
        return None
    for svc in response.get("services") or []:
        if svc.get("status") == "ACTIVE":
            return svc.get("taskDefinition")
    return None


def family_of(arn):
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]


def comparison_revisions(client, family, cluster=None, service=None):
    """(comparison revision, family's latest ACTIVE revision); either may be None; the same dict when equal."""
    latest = describe_task_definition(client, family)
    return revisions_from(client, family, latest, service_task_definition(client, cluster, service))


def revisions_from(client, family, latest, current_arn):
    """comparison_revisions once the family's latest revision and the task definition the service runs
    (``current_arn``, or None) are known; reads the service's revision when it is not the latest."""
    if current_arn and family_of(current_arn) == family:
        if latest is not None and latest["taskDefinitionArn"] == current_arn:
            return latest, latest
        current = describe_task_definition(client, current_arn)
        if current is not None:
            return current, latest
    return latest, latest


def build_request(params, containers):
    request = {
        "family": params["family"],
        "containerDefinitions": containers,
        "networkMode": params["network_mode"],
        "requiresCompatibilities": params["requires_compatibilities"],
    }
    if params.get("volumes"):
        request["volumes"] = params["volumes"]
    for option, key in (
        ("cpu", "cpu"),
        ("memory", "memory"),
        ("execution_role_arn", "executionRoleArn"),
        ("task_role_arn", "taskRoleArn"),
    ):
        if params.get(option) is not None:
            request[key] = str(params[option])
    platform = params.get("runtime_platform") or {}
    runtime = {}
    if platform.get("cpu_architecture"):
        runtime["cpuArchitecture"] = platform["cpu_architecture"]
    if platform.get("operating_system_family"):
        runtime["operatingSystemFamily"] = platform["operating_system_family"]
    if runtime:
        request["runtimePlatform"] = runtime
    return request


def format_definition(definition):
    if not definition:
        return {}
    tags = definition.get("tags") or {}
    result = camel_dict_to_snake_dict({k: v for k, v in definition.items() if k != "tags"})
    # container / log option names are data, not API keys: keep them as AWS has them
    snaked = result.get("container_definitions") or []
    containers = zip(snaked, definition.get("containerDefinitions") or [], strict=True)
    for snake, raw in containers:
        for key in ("dockerLabels",):
            if key in raw:
                snake["docker_labels"] = raw[key]
        if "logConfiguration" in raw and "options" in raw["logConfiguration"]:
            snake["log_configuration"]["options"] = raw["logConfiguration"]["options"]
    result["tags"] = tags
    return result


def images_of(definition):
    return {c.get("name"): c.get("image") for c in (definition or {}).get("containerDefinitions") or []}


def ensure_present(client, check_mode, params, revisions=None):
    """Registers a revision when the definition differs. ``revisions`` is (comparison, latest) as
    comparison_revisions returns them, when the caller has read them already."""
    family = params["family"]
    if not params.get("containers"):
        raise ECSModuleError("containers is required with state=present")
    for container in params["containers"]:
        if not container.get("name") or not container.get("image"):
            raise ECSModuleError(f"every container of {family} needs a name and an image: {container!r}")
    if revisions is None:
        revisions = comparison_revisions(client, family, params.get("cluster"), params.get("service"))
    comparison, latest = revisions
    containers = resolve_images(params["containers"], comparison, params["default_image_tag"])
    request = build_request(params, containers)
    wanted = normalize_definition(request)
    before = normalize_definition(comparison)

    match = None
    for candidate in (comparison, latest):
        if candidate is not None and normalize_definition(candidate) == wanted:
            match = candidate
            break

    if match is not None:
        changed, tags = ensure_ecs_tags(
            client, check_mode, match["taskDefinitionArn"], match.get("tags"), params.get("tags"), params["purge_tags"]
        )
        result_definition = dict(match, tags=tags)
        after = dict(normalize_definition(match), tags=tags)
        before_diff = dict(normalize_definition(match), tags=match.get("tags") or {})
        return {
            "changed": changed,
            "task_definition_arn": match["taskDefinitionArn"],
            "family": family,
            "revision": match["revision"],
            "images": images_of(match),
            "task_definition": format_definition(result_definition),
            "diff": {"before": before_diff, "after": after},
        }

    tags = params.get("tags")
    if tags is None and comparison is not None:
        tags = comparison.get("tags") or {}
    diff = {
        "before": dict(before, tags=(comparison or {}).get("tags") or {}) if comparison else {},
        "after": dict(wanted, tags=tags or {}),
    }
    if check_mode:
        return {
            "changed": True,
            "task_definition_arn": None,
            "family": family,
            "revision": None,
            "images": images_of(request),
            "task_definition": format_definition(dict(request, tags=tags or {})),
            "diff": diff,
        }
    register = dict(request)
    if tags:
        register["tags"] = dict_to_ecs_tags(tags)
    response = client.register_task_definition(aws_retry=True, **register)
    registered = response["taskDefinition"]
    registered["tags"] = ecs_tags_to_dict(response.get("tags")) if response.get("tags") else dict(tags or {})
    return {
        "changed": True,
        "task_definition_arn": registered["taskDefinitionArn"],
        "family": family,
        "revision": registered["revision"],
        "images": images_of(registered),
        "task_definition": format_definition(registered),
        "diff": diff,
    }


def list_active_revisions(client, family):
    """ARNs of the ACTIVE revisions of exactly `family` (familyPrefix is a prefix match)."""
    paginator = client.get_paginator("list_task_definitions")
    arns = paginator.paginate(familyPrefix=family, status="ACTIVE").build_full_result().get("taskDefinitionArns", [])
    return [arn for arn in arns if family_of(arn) == family]


def ensure_absent(client, check_mode, params):
    family = params["family"]
    arns = list_active_revisions(client, family)
    result = {
        "changed": bool(arns),
        "task_definition_arn": None,
        "family": family,
        "revision": None,
        "deregistered": arns,
        "diff": {"before": {"active_revisions": arns}, "after": {"active_revisions": []}},
    }
    if check_mode or not arns:
        return result
    for arn in arns:
        client.deregister_task_definition(taskDefinition=arn, aws_retry=True)
    if params["delete_inactive"]:
        for start in range(0, len(arns), 10):
            try:
                client.delete_task_definitions(taskDefinitions=arns[start : start + 10], aws_retry=True)
            except is_boto3_error_code(("ClientException", "InvalidParameterException", "UnknownOperationException")):
                break  # deregistered is enough where delete is not available
    return result
