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

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    check_prefix_scope,
    converge_set,
    is_owned,
    resource_set_argument_spec,
    run_concurrently,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import compare_tags, sorted_tags, updated_tags

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # caught by AnsibleAWSModule

# The values PutRetentionPolicy accepts (the retentionInDays enum of the CloudWatch Logs API).
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

# OperationAbortedException: another operation on the same log group is in progress (AWS asks to retry).
# ThrottlingException is not listed: botocore's standard retry mode, set for the whole play (docs/retries.md),
# retries it already, and a second layer here would multiply the attempts of a throttled call.
RETRY_ON = ["OperationAbortedException"]

CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "retention_days": {"type": "int"},
    "kms_key_id": {"type": "str", "no_log": False},
    "tags": {"type": "dict"},
}


def group_arn(arn):
    """DescribeLogGroups returns the ARN with a trailing ``:*``; tagging APIs and IAM policies want it without."""
    if arn and arn.endswith(":*"):
        return arn[:-2]
    return arn


def normalize_config(config, common_tags):
    """The config items with their full tags (common + item, sorted, no Name tag); retention checked."""
    wanted = []
    bad = []
    for item in config:
        retention = item.get("retention_days")
        if retention is not None and retention not in RETENTION_DAYS:
            bad.append(f"{item['name']}: {retention}")
        tags = {key: str(value) for key, value in (common_tags or {}).items()}
        tags.update({key: str(value) for key, value in (item.get("tags") or {}).items()})
        wanted.append(
            {
                "name": item["name"],
                "retention_days": retention,
                "kms_key_id": item.get("kms_key_id") or None,
                "tags": sorted_tags(tags),
            }
        )
    if bad:
        raise ResourceSetError(
            f"retention_days must be one of {', '.join(str(d) for d in RETENTION_DAYS)}; got {'; '.join(bad)}"
        )
    return wanted


def view(group):
    return {
        "name": group["name"],
        "arn": group.get("arn"),
        "retention_days": group.get("retention_days"),
        "kms_key_id": group.get("kms_key_id"),
        "tags": sorted_tags(group.get("tags")),
    }


def create_requests(item):
    create = {"logGroupName": item["name"]}
    if item["kms_key_id"]:
        create["kmsKeyId"] = item["kms_key_id"]
    if item["tags"]:
        create["tags"] = sorted_tags(item["tags"])
    requests = [{"action": "CreateLogGroup", "request": create}]
    if item["retention_days"] is not None:
        requests.append(
            {
                "action": "PutRetentionPolicy",
                "request": {"logGroupName": item["name"], "retentionInDays": item["retention_days"]},
            }
        )
    return requests


def from_describe(group):
    return {
        "name": group["logGroupName"],
        "arn": group_arn(group.get("logGroupArn") or group.get("arn")),
        "retention_days": group.get("retentionInDays"),
        "kms_key_id": group.get("kmsKeyId"),
    }


class LogGroupSet:
    def __init__(self, client, module):
        self.client = client
        self.module = module
        self.check_mode = module.check_mode
        self.owner_tags = module.params["owner_tags"]

    def owned(self, group):
        return is_owned(group.get("tags"), self.owner_tags)

    # Reads
    def describe_one(self, name):
        """The log group of exactly this name, or None. Groups come back in name order, so an exact match is the
        first of its prefix."""
        response = self.client.describe_log_groups(aws_retry=True, logGroupNamePrefix=name)
        for group in response.get("logGroups") or []:
            if group["logGroupName"] == name:
                return from_describe(group)
        return None

    def describe_prefix(self, prefix):
        groups = []
        kwargs = {"logGroupNamePrefix": prefix}
        while True:
            response = self.client.describe_log_groups(aws_retry=True, **kwargs)
            groups.extend(from_describe(group) for group in response.get("logGroups") or [])
            if not response.get("nextToken"):
                return groups
            kwargs["nextToken"] = response["nextToken"]

    def list_tags(self, group):
        response = self.client.list_tags_for_resource(aws_retry=True, resourceArn=group["arn"])
        return {**group, "tags": sorted_tags(response.get("tags"))}

    def read(self, names, prefix):
        found = {}
        if prefix is not None:
            for group in self.describe_prefix(prefix):
                found[group["name"]] = group
        others = [name for name in names if name not in found and (prefix is None or not name.startswith(prefix))]
        for group in run_concurrently(self.describe_one, others):
            if group is not None:
                found[group["name"]] = group
        ordered = [found[name] for name in sorted(found)]
        return {group["name"]: group for group in run_concurrently(self.list_tags, ordered)}

    # Writes (each returns whether it changed; nothing is called in check mode)
    def update_retention(self, item, current, purge):
        wanted = item["retention_days"]
        if wanted == current.get("retention_days") or (wanted is None and not purge):
            return False
        if not self.check_mode:
            if wanted is None:
                self.client.delete_retention_policy(aws_retry=True, logGroupName=item["name"])
            else:
                self.client.put_retention_policy(aws_retry=True, logGroupName=item["name"], retentionInDays=wanted)
        return True

    def update_kms_key(self, item, current, purge):
        wanted = item["kms_key_id"]
        if wanted == current.get("kms_key_id") or (wanted is None and not purge):
            return False
        if not self.check_mode:
            if wanted is None:
                self.client.disassociate_kms_key(aws_retry=True, logGroupName=item["name"])
            else:
                self.client.associate_kms_key(aws_retry=True, logGroupName=item["name"], kmsKeyId=wanted)
        return True

    def update_tags(self, item, current, purge):
        to_set, to_unset = compare_tags(current.get("tags"), item["tags"], purge_tags=purge)
        if not to_set and not to_unset:
            return False
        if not self.check_mode:
            if to_unset:
                self.client.untag_resource(aws_retry=True, resourceArn=current["arn"], tagKeys=to_unset)
            if to_set:
                self.client.tag_resource(aws_retry=True, resourceArn=current["arn"], tags=to_set)
        return True

    def create(self, item):
        if self.check_mode:
            return {**item, "arn": None}
        requests = create_requests(item)
        try:
            self.client.create_log_group(aws_retry=True, **requests[0]["request"])
        except is_boto3_error_code("ResourceAlreadyExistsException") as e:
            # A retried create whose first attempt went through: adopt the group and converge it.
            current = self.describe_one(item["name"])
            if current is None:
                raise
            current = self.list_tags(current)
            if self.owner_tags and not self.owned(current):
                raise ResourceSetError(
                    f"{item['name']} was created meanwhile by someone else (it lacks the owner tags); not rewritten"
                ) from e
            self.converge_existing(item, current, True)
            return self.refreshed(item, current, True)
        for request in requests[1:]:
            self.client.put_retention_policy(aws_retry=True, **request["request"])
        created = self.describe_one(item["name"])
        return {**item, "arn": created["arn"] if created else None}

    def converge_existing(self, item, current, purge):
        changed = self.update_retention(item, current, purge)
        changed |= self.update_kms_key(item, current, purge)
        changed |= self.update_tags(item, current, purge)
        return changed

    @staticmethod
    def refreshed(item, current, purge):
        result = dict(current)
        for key in ("retention_days", "kms_key_id"):
            if item[key] is not None or purge:
                result[key] = item[key]
        result["tags"] = updated_tags(current.get("tags"), item["tags"], purge_tags=purge)
        return result

    def present(self, item, current, purge):
        if current is None:
            return True, view(self.create(item))
        changed = self.converge_existing(item, current, purge)
        return changed, view(self.refreshed(item, current, purge))

    def absent(self, group):
        try:
            self.client.delete_log_group(aws_retry=True, logGroupName=group["name"])
        except is_boto3_error_code("ResourceNotFoundException"):
            pass

    def converge(self, state, wanted, prefix):
        existing = self.read([item["name"] for item in wanted], prefix)
        result = converge_set(
            state=state,
            config=wanted,
            existing=existing,
            owned=self.owned,
            present=self.present,
            absent=self.absent,
            view=view,
            check_mode=self.check_mode,
        )
        result["log_groups"] = result.pop("items")
        return result

    def gathered(self, wanted, prefix):
        existing = self.read([item["name"] for item in wanted], prefix)
        groups = [view(existing[name]) for name in sorted(existing) if self.owned(existing[name])]
        return {"changed": False, "log_groups": groups}


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
