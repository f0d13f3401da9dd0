# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: cloudwatch_alarm_tags
version_added: 0.2.0
short_description: Manage the tags of CloudWatch alarms
description:
  - Adds, updates and optionally removes the tags of existing CloudWatch metric or composite alarms.
  - C(amazon.aws.cloudwatch_metric_alarm) has no O(tags) option and no stock module in C(amazon.aws) or
    C(community.aws) tags CloudWatch alarms, so alarms created with the stock module carry no ownership tags.
    This module fills that gap, following the conventions of the C(amazon.aws) tagging modules (check mode,
    diff mode, O(tags) and O(purge_tags), and retries on throttling).
  - Alarms are given by name (O(alarm_names), resolved to ARNs with C(DescribeAlarms)) or by ARN
    (O(resource_arns)). Every alarm must exist; the module fails and names the missing ones otherwise.
  - Several alarms are handled in one call, so a role can tag all its alarms with a single task.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  alarm_names:
    description:
      - The names of the alarms to tag.
      - Mutually exclusive with O(resource_arns); one of them is required.
    type: list
    elements: str
  resource_arns:
    description:
      - The ARNs of the alarms to tag, for example C(arn:aws:cloudwatch:us-east-1:123456789012:alarm:my-alarm).
      - Mutually exclusive with O(alarm_names); one of them is required.
    type: list
    elements: str
  tags:
    description:
      - The tags every alarm must carry, as a dictionary of keys and values.
    type: dict
    required: true
    aliases: ['resource_tags']
  purge_tags:
    description:
      - If V(true), tags of the alarms that are not in O(tags) are removed.
      - If V(false) (the default, unlike most C(amazon.aws) modules), only the keys in O(tags) are added or
        updated and every other tag is kept, so tags set by other tools survive.
      - Tag keys beginning with C(aws:) are reserved by AWS and never removed.
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - The module only changes tags; it never creates, modifies or deletes an alarm.
seealso:
  - module: amazon.aws.cloudwatch_metric_alarm
  - module: amazon.aws.cloudwatch_metric_alarm_info
  - name: Tagging CloudWatch resources
    description: The CloudWatch TagResource API.
    link: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_TagResource.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Add the stack ownership tags to two alarms, keeping their other tags
  stacksmith.aws.cloudwatch_alarm_tags:
    alarm_names:
      - shop-prod-api-cpu-high
      - shop-prod-alb-5xx
    tags:
      stack: shop-prod
      managed-by: stacksmith

- name: Make the tags of an alarm exactly these
  stacksmith.aws.cloudwatch_alarm_tags:
    resource_arns:
      - arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-prod-api-cpu-high
    tags:
      stack: shop-prod
    purge_tags: true
"""

RETURN = r"""
alarms:
  description:
    - The alarms, in the order they were given, with their tags after the change
      (in check mode, the tags they would have).
  returned: always
  type: list
  elements: dict
  contains:
    alarm_name:
      description: The name of the alarm.
      returned: always
      type: str
      sample: shop-prod-api-cpu-high
    alarm_arn:
      description: The ARN of the alarm.
      returned: always
      type: str
      sample: arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-prod-api-cpu-high
    tags:
      description: The tags of the alarm.
      returned: always
      type: dict
      sample: {"stack": "shop-prod", "managed-by": "stacksmith"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
)

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

# DescribeAlarms accepts at most 100 alarm names per call.
DESCRIBE_BATCH = 100
ALARM_TYPES = ["MetricAlarm", "CompositeAlarm"]


def alarm_name_from_arn(arn):
    """arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME -> NAME (alarm names may contain ':')."""
    parts = arn.split(":", 6)
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "cloudwatch" or parts[5] != "alarm" or not parts[6]:
        return None
    return parts[6]


@AWSRetry.jittered_backoff()
def _describe_alarms(client, names):
    # Paginators bypass the client's retry wrapper: the whole pagination is retried instead.
    paginator = client.get_paginator("describe_alarms")
    return paginator.paginate(AlarmNames=names, AlarmTypes=ALARM_TYPES).build_full_result()


def describe_alarm_arns(client, names):
    """Returns {alarm name: alarm ARN} for the alarms among names that exist (metric and composite)."""
    found = {}
    unique = list(dict.fromkeys(names))
    for start in range(0, len(unique), DESCRIBE_BATCH):
        pages = _describe_alarms(client, unique[start : start + DESCRIBE_BATCH])
        for alarm in pages.get("MetricAlarms", []) + pages.get("CompositeAlarms", []):
            found[alarm["AlarmName"]] = alarm["AlarmArn"]
    return found


def resolve_alarms(client, module):
    """Returns [(name, arn)] in the order given; fails naming the alarms that do not exist."""
    params = module.params
    if params["alarm_names"] is not None:
        names = params["alarm_names"]
    else:
        names = []
        for arn in params["resource_arns"]:
            name = alarm_name_from_arn(arn)
            if name is None:
                module.fail_json(
                    msg=f"{arn!r} is not a CloudWatch alarm ARN (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME)."
                )
            names.append(name)
    names = list(dict.fromkeys(names))
    if not names:
        return []
    try:
        found = describe_alarm_arns(client, names)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to describe the alarms")
    missing = [name for name in names if name not in found]
    if params["resource_arns"] is not None:
        # An ARN naming an existing alarm in another region or account is not the alarm we found.
        given = {alarm_name_from_arn(arn): arn for arn in params["resource_arns"]}
        missing += [given[name] for name in names if name in found and found[name] != given[name]]
    if missing:
        module.fail_json(msg=f"CloudWatch alarms not found: {', '.join(missing)}. Create them before tagging them.")
    return [(name, found[name]) for name in names]


def list_tags(client, module, arn):
    try:
        response = client.list_tags_for_resource(aws_retry=True, ResourceARN=arn)
    except is_boto3_error_code("ResourceNotFoundException") as e:
        module.fail_json_aws(e, msg=f"CloudWatch alarm {arn} not found")
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to list the tags of {arn}")
    return boto3_tag_list_to_ansible_dict(response.get("Tags", []))


def ensure_tags(client, module, arn, current):
    """Returns (changed, tags after) for one alarm; writes nothing in check mode."""
    to_add, to_remove = compare_tags(current, module.params["tags"], purge_tags=module.params["purge_tags"])
    to_remove = [key for key in to_remove if not key.startswith("aws:")]
    if not to_add and not to_remove:
        return False, current
    desired = {key: value for key, value in current.items() if key not in to_remove}
    desired.update(to_add)
    if module.check_mode:
        return True, desired
    try:
        if to_remove:
            client.untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=to_remove)
        if to_add:
            client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=boto3_tag_list(to_add))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to update the tags of {arn}")
    return True, desired


def run(client, module):
    changed = False
    alarms = []
    before = {}
    after = {}
    for name, arn in resolve_alarms(client, module):
        current = list_tags(client, module, arn)
        alarm_changed, tags = ensure_tags(client, module, arn, current)
        changed |= alarm_changed
        before[name] = current
        after[name] = tags
        # Tags are returned as given: no camel_dict_to_snake_dict on user-defined keys.
        alarms.append({"alarm_name": name, "alarm_arn": arn, "tags": tags})
    return {"changed": changed, "alarms": alarms, "diff": {"before": before, "after": after}}


def main():
    argument_spec = {
        "alarm_names": {"type": "list", "elements": "str"},
        "resource_arns": {"type": "list", "elements": "str"},
        "tags": {"type": "dict", "required": True, "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": False},
    }

    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("alarm_names", "resource_arns")],
        required_one_of=[("alarm_names", "resource_arns")],
    )

    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    result = run(client, module)

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
