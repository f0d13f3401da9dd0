# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The log group set of cloudwatch_log_groups, shared with the modules that own a log group of their own
(ec2_vpc_flow_log's destination): read, compare, create, update and delete CloudWatch Logs log groups."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    converge_set,
    is_owned,
    run_concurrently,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import compare_tags, sorted_tags, updated_tags

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
