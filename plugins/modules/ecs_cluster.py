# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ecs_cluster
version_added: 0.2.0
short_description: Manage an Amazon ECS cluster with tags, Container Insights and capacity providers
description:
  - Creates, updates or deletes one Amazon ECS cluster.
  - C(community.aws.ecs_cluster) cannot tag a cluster nor set its Container Insights setting, and its
    waiter-less delete removes a cluster whatever still runs in it. This module fills those gaps, following
    the conventions of the C(amazon.aws) modules (check mode, diff mode, O(tags) and O(purge_tags), retries
    on throttling).
  - The Container Insights setting is changed with C(UpdateClusterSettings), the capacity providers and the
    default capacity provider strategy with C(PutClusterCapacityProviders), the tags with C(TagResource) and
    C(UntagResource). Only what differs is written; a second run with the same input makes no write call.
  - With O(state=absent) the module refuses to delete a cluster that still has services or tasks (they belong
    to whatever created them, which must remove them first). In check mode it warns instead of failing, since
    an earlier task of the same run may be about to delete them.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - Create or update (V(present)) or delete (V(absent)) the cluster.
    type: str
    choices: ['present', 'absent']
    default: present
  name:
    description:
      - The name of the cluster.
    type: str
    required: true
    aliases: ['cluster_name']
  container_insights:
    description:
      - The C(containerInsights) setting of the cluster.
      - V(enhanced) is Container Insights with enhanced observability.
      - When not set, a new cluster gets the account default and the setting of an existing cluster is
        left as it is.
    type: str
    choices: ['enabled', 'disabled', 'enhanced']
  capacity_providers:
    description:
      - The capacity providers of the cluster, for example V(FARGATE) and V(FARGATE_SPOT).
      - When not set, the capacity providers of an existing cluster are left as they are.
      - With O(purge_capacity_providers=false), capacity providers of the cluster that are not listed are kept.
    type: list
    elements: str
  default_capacity_provider_strategy:
    description:
      - The default capacity provider strategy of the cluster, used by services and tasks that name no
        launch type nor strategy.
      - Each capacity provider named must be one of the cluster's capacity providers.
      - When not set, the strategy of an existing cluster is left as it is.
      - Compared without regard to order.
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: The name of the capacity provider.
        type: str
        required: true
      weight:
        description: The relative share of tasks placed with this capacity provider.
        type: int
        default: 0
      base:
        description: The minimum number of tasks run with this capacity provider (one provider only may set it).
        type: int
        default: 0
  purge_capacity_providers:
    description:
      - Whether capacity providers of the cluster not listed in O(capacity_providers) are removed.
    type: bool
    default: true
  owner_tags:
    description:
      - With O(state=absent), delete the cluster only when it carries all these tags; otherwise leave it, report no
        change and warn. Used by teardowns so that a cluster of another stack with the same name is never deleted.
    type: dict
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - A deleted cluster stays listed by C(DescribeClusters) as C(INACTIVE) for a while; the module treats it as
    absent and creates a new cluster of the same name when asked to.
seealso:
  - module: community.aws.ecs_cluster
  - name: Amazon ECS clusters
    description: The AWS documentation on ECS clusters.
    link: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/clusters.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: A Fargate cluster with Container Insights
  stacksmith.aws.ecs_cluster:
    name: shop-prod
    container_insights: enabled
    capacity_providers: [FARGATE, FARGATE_SPOT]
    default_capacity_provider_strategy:
      - capacity_provider: FARGATE
        weight: 1
        base: 1
      - capacity_provider: FARGATE_SPOT
        weight: 3
    tags:
      stack: shop-prod
      managed-by: stacksmith
  register: cluster

- name: Delete the cluster if it is this stack's (fails while it still has services or tasks)
  stacksmith.aws.ecs_cluster:
    name: shop-prod
    state: absent
    owner_tags:
      stack: shop-prod
"""

RETURN = r"""
cluster:
  description:
    - The cluster, as described by ECS C(DescribeClusters) with its tags and settings.
    - In check mode, when the cluster would be created, the attributes it would be created with.
    - An empty dictionary when O(state=absent).
  returned: always
  type: complex
  contains:
    cluster_arn:
      description: The ARN of the cluster.
      returned: when the cluster exists
      type: str
      sample: arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod
    cluster_name:
      description: The name of the cluster.
      returned: when O(state=present)
      type: str
      sample: shop-prod
    status:
      description: The status of the cluster, for example V(ACTIVE) or V(PROVISIONING).
      returned: when the cluster exists
      type: str
      sample: ACTIVE
    settings:
      description: The settings of the cluster.
      returned: when O(state=present)
      type: list
      elements: dict
      sample: [{"name": "containerInsights", "value": "enabled"}]
    capacity_providers:
      description: The capacity providers of the cluster.
      returned: when O(state=present)
      type: list
      elements: str
      sample: ["FARGATE", "FARGATE_SPOT"]
    default_capacity_provider_strategy:
      description: The default capacity provider strategy of the cluster.
      returned: when O(state=present)
      type: list
      elements: dict
      sample: [{"capacity_provider": "FARGATE", "weight": 1, "base": 1}]
    active_services_count:
      description: The number of services in the V(ACTIVE) state.
      returned: when the cluster exists
      type: int
      sample: 2
    running_tasks_count:
      description: The number of tasks in the V(RUNNING) state.
      returned: when the cluster exists
      type: int
      sample: 3
    pending_tasks_count:
      description: The number of tasks in the V(PENDING) state.
      returned: when the cluster exists
      type: int
      sample: 0
    registered_container_instances_count:
      description: The number of container instances registered in the cluster.
      returned: when the cluster exists
      type: int
      sample: 0
    tags:
      description: The tags of the cluster.
      returned: when O(state=present)
      type: dict
      sample: {"stack": "shop-prod"}
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
    updated_tags,
)

try:
    import botocore
except ImportError:
    pass  # caught by AnsibleAWSModule

CONTAINER_INSIGHTS = "containerInsights"
# The value AWS reports for a cluster whose setting was never set and whose account default is off.
DEFAULT_CONTAINER_INSIGHTS = "disabled"
GONE_STATUSES = ("INACTIVE",)


class ClusterNotEmptyError(Exception):
    pass


def get_cluster(client, name):
    """The DescribeClusters item of the cluster (tags and settings included), or None when absent or INACTIVE."""
    response = client.describe_clusters(aws_retry=True, clusters=[name], include=["TAGS", "SETTINGS"])
    for cluster in response.get("clusters") or []:
        if cluster.get("clusterName") == name and cluster.get("status") not in GONE_STATUSES:
            return cluster
    return None


def container_insights_of(cluster):
    for setting in cluster.get("settings") or []:
        if setting.get("name") == CONTAINER_INSIGHTS:
            return setting.get("value")
    return DEFAULT_CONTAINER_INSIGHTS


def normalize_strategy(strategy):
    """A strategy (module option or boto3 shape) as a sorted list of (provider, weight, base)."""
    items = []
    for item in strategy or []:
        provider = item.get("capacityProvider", item.get("capacity_provider"))
        weight = item.get("weight")
        base = item.get("base")
        items.append((provider, int(weight or 0), int(base or 0)))
    return sorted(items)


def strategy_to_boto3(strategy):
    return [
        {"capacityProvider": provider, "weight": weight, "base": base}
        for provider, weight, base in normalize_strategy(strategy)
    ]


def wanted_capacity_providers(current, requested, purge):
    """The capacity provider list the cluster should end with, or None when not managed."""
    if requested is None:
        return None
    if purge:
        return list(requested)
    return list(current) + [provider for provider in requested if provider not in current]


def format_cluster(cluster):
    if not cluster:
        return {}
    result = camel_dict_to_snake_dict(cluster, ignore_list=["tags"])
    result["tags"] = boto3_tag_list_to_ansible_dict(cluster.get("tags") or [], "key", "value")
    result.setdefault("capacity_providers", [])
    result.setdefault("default_capacity_provider_strategy", [])
    result.setdefault("settings", [])
    return result


def build_create_params(params):
    request = {"clusterName": params["name"]}
    if params.get("container_insights"):
        request["settings"] = [{"name": CONTAINER_INSIGHTS, "value": params["container_insights"]}]
    if params.get("capacity_providers") is not None:
        request["capacityProviders"] = list(params["capacity_providers"])
    if params.get("default_capacity_provider_strategy") is not None:
        request["defaultCapacityProviderStrategy"] = strategy_to_boto3(params["default_capacity_provider_strategy"])
    if params.get("tags"):
        request["tags"] = boto3_tag_list(params["tags"], "key", "value")
    return request


def predict_cluster(params):
    """The cluster the parameters would create, in the format of format_cluster (check mode)."""
    return {
        "cluster_name": params["name"],
        "status": "ACTIVE",
        "settings": [
            {"name": CONTAINER_INSIGHTS, "value": params.get("container_insights") or DEFAULT_CONTAINER_INSIGHTS}
        ],
        "capacity_providers": list(params.get("capacity_providers") or []),
        "default_capacity_provider_strategy": camel_dict_to_snake_dict(
            {"s": strategy_to_boto3(params.get("default_capacity_provider_strategy"))}
        )["s"],
        "tags": dict(params.get("tags") or {}),
    }


def update_container_insights(client, module, cluster, wanted, after):
    """Sets containerInsights when it differs; returns whether it changed."""
    if wanted is None or container_insights_of(cluster) == wanted:
        return False
    settings = [s for s in after.get("settings") or [] if s.get("name") != CONTAINER_INSIGHTS]
    after["settings"] = settings + [{"name": CONTAINER_INSIGHTS, "value": wanted}]
    if not module.check_mode:
        client.update_cluster_settings(
            aws_retry=True, cluster=cluster["clusterName"], settings=[{"name": CONTAINER_INSIGHTS, "value": wanted}]
        )
    return True


def update_capacity_providers(client, module, cluster, params, after):
    """Puts the capacity providers and default strategy when either differs; returns whether they changed."""
    current_providers = list(cluster.get("capacityProviders") or [])
    current_strategy = cluster.get("defaultCapacityProviderStrategy") or []
    providers = wanted_capacity_providers(
        current_providers, params.get("capacity_providers"), params.get("purge_capacity_providers", True)
    )
    strategy = params.get("default_capacity_provider_strategy")

    providers_differ = providers is not None and sorted(providers) != sorted(current_providers)
    strategy_differs = strategy is not None and normalize_strategy(strategy) != normalize_strategy(current_strategy)
    if not providers_differ and not strategy_differs:
        return False

    # PutClusterCapacityProviders replaces both lists: send the current value of the one not managed.
    new_providers = providers if providers is not None else current_providers
    new_strategy = strategy_to_boto3(strategy if strategy is not None else current_strategy)
    after["capacity_providers"] = list(new_providers)
    after["default_capacity_provider_strategy"] = camel_dict_to_snake_dict({"s": new_strategy})["s"]
    if not module.check_mode:
        client.put_cluster_capacity_providers(
            aws_retry=True,
            cluster=cluster["clusterName"],
            capacityProviders=list(new_providers),
            defaultCapacityProviderStrategy=new_strategy,
        )
    return True


def update_tags(client, module, cluster, tags, purge_tags, after):
    """Tags and untags the cluster; returns whether its tags changed."""
    if tags is None:
        return False
    current = boto3_tag_list_to_ansible_dict(cluster.get("tags") or [], "key", "value")
    tags_to_set, tags_to_unset = compare_tags(current, tags, purge_tags=purge_tags)
    if not tags_to_set and not tags_to_unset:
        return False
    after["tags"] = updated_tags(current, tags, purge_tags)
    if not module.check_mode:
        arn = cluster["clusterArn"]
        if tags_to_unset:
            client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=list(tags_to_unset))
        if tags_to_set:
            client.tag_resource(aws_retry=True, resourceArn=arn, tags=boto3_tag_list(tags_to_set, "key", "value"))
    return True


def ensure_present(client, module, params):
    cluster = get_cluster(client, params["name"])
    if cluster is None:
        result = {"changed": True, "cluster": predict_cluster(params)}
        if not module.check_mode:
            created = client.create_cluster(aws_retry=True, **build_create_params(params))["cluster"]
            result["cluster"] = format_cluster(get_cluster(client, params["name"]) or created)
        result["diff"] = {"before": {}, "after": result["cluster"]}
        return result

    before = format_cluster(cluster)
    after = dict(before)
    changed = update_container_insights(client, module, cluster, params.get("container_insights"), after)
    changed |= update_capacity_providers(client, module, cluster, params, after)
    changed |= update_tags(client, module, cluster, params.get("tags"), params.get("purge_tags", True), after)
    if changed and not module.check_mode:
        after = format_cluster(get_cluster(client, params["name"]) or cluster)
    return {"changed": changed, "cluster": after, "diff": {"before": before, "after": after}}


def cluster_workload(client, cluster):
    """(services, tasks) still in the cluster: counts from DescribeClusters, confirmed by ListServices/ListTasks."""
    name = cluster["clusterName"]
    services = client.list_services(aws_retry=True, cluster=name, maxResults=10).get("serviceArns") or []
    tasks = client.list_tasks(aws_retry=True, cluster=name, maxResults=10).get("taskArns") or []
    service_count = max(len(services), cluster.get("activeServicesCount") or 0)
    task_count = max(len(tasks), (cluster.get("runningTasksCount") or 0) + (cluster.get("pendingTasksCount") or 0))
    return service_count, task_count, services


def not_empty_message(name, service_count, task_count, services):
    names = ", ".join(arn.split("/")[-1] for arn in services[:5])
    detail = f" ({names})" if names else ""
    return (
        f"Refusing to delete ECS cluster {name}: it still has {service_count} service(s){detail} and "
        f"{task_count} task(s). Delete its services and stop its tasks first (the ecs role's teardown does)."
    )


def ensure_absent(client, module, params):
    cluster = get_cluster(client, params["name"])
    if cluster is None:
        return {"changed": False, "cluster": {}, "diff": {"before": {}, "after": {}}}

    owner_tags = params.get("owner_tags") or {}
    current_tags = boto3_tag_list_to_ansible_dict(cluster.get("tags") or [], "key", "value")
    foreign = {key: value for key, value in owner_tags.items() if current_tags.get(key) != str(value)}
    if foreign:
        module.warn(
            f"ECS cluster {params['name']} is not deleted: it does not carry the owner tags "
            + ", ".join(f"{key}={value}" for key, value in sorted(foreign.items()))
        )
        return {"changed": False, "cluster": {}, "diff": {"before": {}, "after": {}}}

    service_count, task_count, services = cluster_workload(client, cluster)
    if service_count or task_count:
        message = not_empty_message(params["name"], service_count, task_count, services)
        if not module.check_mode:
            raise ClusterNotEmptyError(message)
        module.warn(message + " In check mode this is only a warning: earlier tasks may delete them.")

    if not module.check_mode:
        try:
            client.delete_cluster(aws_retry=True, cluster=params["name"])
        except is_boto3_error_code(["ClusterContainsServicesException", "ClusterContainsTasksException"]) as e:
            raise ClusterNotEmptyError(
                not_empty_message(params["name"], service_count or "some", task_count or "some", services)
            ) from e
        except is_boto3_error_code("ClusterNotFoundException"):
            return {"changed": False, "cluster": {}, "diff": {"before": {}, "after": {}}}
    return {"changed": True, "cluster": {}, "diff": {"before": format_cluster(cluster), "after": {}}}


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "name": {"type": "str", "required": True, "aliases": ["cluster_name"]},
        "container_insights": {"type": "str", "choices": ["enabled", "disabled", "enhanced"]},
        "capacity_providers": {"type": "list", "elements": "str"},
        "default_capacity_provider_strategy": {
            "type": "list",
            "elements": "dict",
            "options": {
                "capacity_provider": {"type": "str", "required": True},
                "weight": {"type": "int", "default": 0},
                "base": {"type": "int", "default": 0},
            },
        },
        "purge_capacity_providers": {"type": "bool", "default": True},
        "owner_tags": {"type": "dict"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())

    try:
        if module.params["state"] == "present":
            result = ensure_present(client, module, module.params)
        else:
            result = ensure_absent(client, module, module.params)
    except ClusterNotEmptyError as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage ECS cluster {module.params['name']}")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
