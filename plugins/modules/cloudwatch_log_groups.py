# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: cloudwatch_log_groups
version_added: 0.4.0
short_description: Converge a set of CloudWatch Logs log groups (retention, KMS key, tags) in one call
description:
  - Creates, updates or deletes a whole list of CloudWatch Logs log groups, with their retention, their KMS key
    and their tags, in one task.
  - It replaces C(amazon.aws.cloudwatchlogs_log_group) in a C(loop:), which costs one Python process per log
    group and has no retries of its own on throttling. Here the log groups are read concurrently
    (C(DescribeLogGroups) by name prefix, C(ListTagsForResource)), every call is retried with a jittered
    backoff, and only what differs is written, in config order, so a second run makes no write call.
  - Follows the resource-set interface of the collection (O(state) V(merged), V(replaced), V(overridden),
    V(deleted), V(gathered), V(rendered)); a log group is owned when it carries every tag of O(owner_tags).
  - Log groups are named by their name, so no C(Name) tag is added.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  config:
    description:
      - The log groups.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The name of the log group, for example V(/ecs/shop/prod/api).
        type: str
        required: true
      retention_days:
        description:
          - How many days events are kept; one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90,
            120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), checked before any call.
          - V(null) means never expire; with O(state=replaced) or O(state=overridden) an existing retention policy
            is then deleted, with O(state=merged) it is left as it is.
        type: int
      kms_key_id:
        description:
          - The ARN of the KMS key that encrypts the log group's data (C(AssociateKmsKey)).
          - V(null) means no key; with O(state=replaced) or O(state=overridden) an associated key is then
            disassociated, with O(state=merged) it is left as it is.
        type: str
      tags:
        description: Tags of this log group, added to O(tags).
        type: dict
  state:
    description:
      - V(merged) creates the missing log groups and sets what is given, keeping extra tags.
      - V(replaced) makes every listed log group exactly as described (extra tags, retention and key are removed).
      - V(overridden) is V(replaced), and also deletes every owned log group under O(name_prefix) that the list
        does not name. Requires O(name_prefix).
      - V(deleted) deletes the listed log groups (all owned ones under O(name_prefix) when O(config) is empty); a
        listed log group that is not owned is refused before anything is deleted.
      - V(gathered) returns the owned log groups under O(name_prefix) (the listed ones without it); V(rendered)
        returns the requests a create would send, without any AWS call.
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description: Tags every log group carries (the item's O(config[].tags) are added to them).
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that prove the set owns a log group. Without them nothing is owned, so O(state=overridden) and an
        empty O(state=deleted) delete nothing.
    type: dict
    default: {}
  name_prefix:
    description:
      - The scope of the set for O(state=overridden), O(state=gathered) and an empty O(state=deleted), that is
        the log groups whose names start with this prefix, for example V(/ecs/shop/prod/).
    type: str
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
seealso:
  - module: amazon.aws.cloudwatchlogs_log_group
  - name: Working with log groups
    description: The AWS documentation on CloudWatch Logs log groups.
    link: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: The log groups of the services, exactly as listed
  stacksmith.aws.cloudwatch_log_groups:
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: replaced
    config:
      - name: /ecs/shop/prod/api
        retention_days: 30
      - name: /ecs/shop/prod/worker
        retention_days: 90
        kms_key_id: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
  register: log_groups

- name: Also delete the stack's log groups under /ecs/shop/prod/ that are no longer listed
  stacksmith.aws.cloudwatch_log_groups:
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    name_prefix: /ecs/shop/prod/
    state: overridden
    config:
      - name: /ecs/shop/prod/api
        retention_days: 30

- name: Delete them (refused if one of them is not the stack's)
  stacksmith.aws.cloudwatch_log_groups:
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: deleted
    config:
      - name: /ecs/shop/prod/api
"""

RETURN = r"""
log_groups:
  description:
    - The log groups, in config order (with O(state=gathered), the owned ones by name).
    - In check mode, a log group that would be created has O(config[].name) and its planned settings, with
      RV(log_groups[].arn) V(null).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name of the log group.
      type: str
      sample: /ecs/shop/prod/api
    arn:
      description: The ARN of the log group, without the trailing C(:*) of C(DescribeLogGroups).
      type: str
      sample: arn:aws:logs:us-east-1:123456789012:log-group:/ecs/shop/prod/api
    retention_days:
      description: The retention in days; V(null) when events never expire.
      type: int
      sample: 30
    kms_key_id:
      description: The ARN of the KMS key, or V(null).
      type: str
      sample: null
    tags:
      description: The tags.
      type: dict
      sample: {"stack": "shop-prod", "managed-by": "stacksmith"}
log_group_arns:
  description: Name -> ARN of the log groups of RV(log_groups) (V(null) in check mode for one that would be created).
  returned: always
  type: dict
  sample: {"/ecs/shop/prod/api": "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/shop/prod/api"}
created:
  description: The names of the log groups created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: ["/ecs/shop/prod/api"]
updated:
  description: The names of the log groups updated.
  returned: always
  type: list
  elements: str
  sample: []
deleted:
  description: The names of the log groups deleted.
  returned: always
  type: list
  elements: str
  sample: []
rendered:
  description: The requests a create of the listed log groups sends, in order, each with its C(action) and C(request).
  returned: when O(state=rendered)
  type: list
  elements: dict
  sample:
    - action: CreateLogGroup
      request: {"logGroupName": "/ecs/shop/prod/api", "tags": {"stack": "shop-prod"}}
    - action: PutRetentionPolicy
      request: {"logGroupName": "/ecs/shop/prod/api", "retentionInDays": 30}
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.log_groups import (
    CONFIG_OPTIONS,
    RETRY_ON,
    LogGroupSet,
    create_requests,
    normalize_config,
    view,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    check_prefix_scope,
    resource_set_argument_spec,
)


def rendered(wanted):
    requests = [request for item in wanted for request in create_requests(item)]
    return {"changed": False, "rendered": requests, "log_groups": [view({**item, "arn": None}) for item in wanted]}


def main():
    argument_spec = resource_set_argument_spec(CONFIG_OPTIONS, name_prefix={"type": "str"})
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    state = module.params["state"]
    prefix = module.params["name_prefix"]

    try:
        wanted = normalize_config(module.params["config"], module.params["tags"])
        if state == "rendered":
            result = rendered(wanted)
        else:
            check_prefix_scope(state, wanted, prefix, "log groups")
            client = module.client("logs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_ON))
            group_set = LogGroupSet(client, module)
            if state == "gathered":
                result = group_set.gathered(wanted, prefix)
            else:
                result = group_set.converge(state, wanted, prefix)
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to converge the CloudWatch Logs log groups")

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    result.setdefault("created", [])
    result.setdefault("updated", [])
    result.setdefault("deleted", [])
    result["log_group_arns"] = {group["name"]: group["arn"] for group in result["log_groups"]}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
