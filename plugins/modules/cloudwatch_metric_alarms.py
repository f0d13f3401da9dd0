# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: cloudwatch_metric_alarms
version_added: 0.4.0
short_description: Manage a set of CloudWatch metric alarms, with their tags, in one call
description:
  - Creates, updates, tags and deletes the CloudWatch metric alarms given as a list (O(config)) in one task.
  - Replaces a C(loop:) of M(amazon.aws.cloudwatch_metric_alarm) followed by
    M(stacksmith.aws.cloudwatch_alarm_tags). That module converges one alarm per task (a Python process of about
    0.5 s each, so ten alarms are ten processes), cannot tag an alarm, and cannot remove the alarms a stack no
    longer lists.
  - This module reads the listed alarms with one C(DescribeAlarms) call per 100 names (or every alarm under
    O(name_prefix)), their tags concurrently, and sends C(PutMetricAlarm) only for an alarm whose definition
    differs (with tags only on a create, since C(PutMetricAlarm) ignores them on an existing alarm; C(TagResource) and
    C(UntagResource) converge them). It follows the states of Ansible's network resource modules (O(state)).
  - C(PutMetricAlarm) replaces the whole definition of an alarm, so every O(state) but V(deleted) writes the
    complete definition of a listed alarm that differs; O(state=merged) and O(state=replaced) differ only in
    whether tags not named are kept.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  config:
    description:
      - The alarms, each named once.
      - With O(state=deleted), an empty list means every alarm under O(name_prefix) that carries the
        O(owner_tags).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The name of the alarm (C(AlarmName)). It identifies the alarm.
        type: str
        required: true
      description:
        description: The description of the alarm.
        type: str
      namespace:
        description: The namespace of the metric (C(AWS/ECS), ...). Required unless O(state) is V(deleted).
        type: str
      metric_name:
        description: The name of the metric. Required unless O(state) is V(deleted).
        type: str
      statistic:
        description:
          - The statistic of the metric.
          - One of O(config[].statistic) and O(config[].extended_statistic) is required unless O(state) is V(deleted).
        type: str
        choices: ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']
      extended_statistic:
        description: A percentile statistic (C(p99), ...).
        type: str
      comparison:
        description:
          - The comparison of the statistic with O(config[].threshold). Required unless O(state) is V(deleted).
        type: str
        choices:
          - GreaterThanOrEqualToThreshold
          - GreaterThanThreshold
          - LessThanThreshold
          - LessThanOrEqualToThreshold
      threshold:
        description: The value the statistic is compared with. Required unless O(state) is V(deleted).
        type: float
      period:
        description: The length, in seconds, of one evaluation period.
        type: int
        default: 60
      evaluation_periods:
        description: The number of periods over which data is compared with the threshold.
        type: int
        default: 1
      datapoints_to_alarm:
        description:
          - The number of breaching data points (of O(config[].evaluation_periods)) that trigger the alarm.
        type: int
      dimensions:
        description: The dimensions of the metric, as a dictionary of names and values.
        type: dict
        default: {}
      unit:
        description: The unit of the metric.
        type: str
      treat_missing_data:
        description: How missing data points are treated.
        type: str
        choices: ['breaching', 'notBreaching', 'ignore', 'missing']
        default: missing
      actions_enabled:
        description: Whether the actions run when the alarm changes state.
        type: bool
        default: true
      alarm_actions:
        description: ARNs notified when the alarm goes to C(ALARM).
        type: list
        elements: str
        default: []
      ok_actions:
        description: ARNs notified when the alarm goes to C(OK).
        type: list
        elements: str
        default: []
      insufficient_data_actions:
        description: ARNs notified when the alarm goes to C(INSUFFICIENT_DATA).
        type: list
        elements: str
        default: []
      tags:
        description: Tags of this alarm only, added to (and overriding) the common O(tags).
        type: dict
  state:
    description:
      - V(merged) creates the missing alarms, rewrites the definition of those that differ, and adds or updates
        their tags; tags not named are kept.
      - V(replaced) is V(merged) and also removes the tags not named from every listed alarm; unlisted alarms are
        left alone.
      - V(overridden) is V(replaced), and deletes every alarm under O(name_prefix) that carries the O(owner_tags)
        and is no longer listed. Alarms without the owner tags are never touched.
      - V(deleted) deletes the listed alarms (every owned alarm under O(name_prefix) when O(config) is empty). A
        listed alarm that exists without the O(owner_tags) is refused before anything is deleted.
      - V(gathered) only reads, and returns the owned alarms (listed, or under O(name_prefix)) in the O(config)
        format.
      - V(rendered) makes no AWS call and returns the C(PutMetricAlarm) requests of the listed alarms.
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description:
      - Tags every alarm carries (the stack's common tags), then its own O(config[].tags). Include the O(owner_tags)
        here, or the alarms created will not be owned.
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark an alarm as belonging to this set. Only alarms carrying all of them are deleted by
        O(state=overridden) and O(state=deleted), rewritten by O(state=replaced), or returned by
        O(state=gathered). When empty, no alarm is owned.
    type: dict
    default: {}
  name_prefix:
    description:
      - The alarm names under this prefix are the scope of the set (C(DescribeAlarms) C(AlarmNamePrefix)).
      - Required by O(state=overridden), and by O(state=deleted) and O(state=gathered) with an empty O(config).
    type: str
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Writes are sent one after the other, in O(config) order, then deletes in name order; tags are sorted by key.
  - Composite alarms are not managed (C(DescribeAlarms) is asked for metric alarms only).
seealso:
  - module: amazon.aws.cloudwatch_metric_alarm
  - module: stacksmith.aws.cloudwatch_alarm_tags
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Every alarm of the stack in one call, notifying one topic
  stacksmith.aws.cloudwatch_metric_alarms:
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    config:
      - name: shop-prod-api-cpu-high
        description: api CPU above 80 % for 3 minutes
        namespace: AWS/ECS
        metric_name: CPUUtilization
        statistic: Average
        comparison: GreaterThanThreshold
        threshold: 80
        evaluation_periods: 3
        dimensions: {ClusterName: shop-prod, ServiceName: shop-prod-api}
        treat_missing_data: notBreaching
        alarm_actions: [arn:aws:sns:us-east-1:123456789012:shop-prod-alarms]
        ok_actions: [arn:aws:sns:us-east-1:123456789012:shop-prod-alarms]

- name: Teardown, delete every alarm of the stack (refused if one of them is not the stack's)
  stacksmith.aws.cloudwatch_metric_alarms:
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    name_prefix: shop-prod-
    state: deleted
"""

RETURN = r"""
alarms:
  description:
    - The alarms, in config order (with O(state=gathered), the owned ones by name), in the O(config) format plus
      C(arn) (V(null) in check mode for an alarm that would be created).
  returned: always
  type: list
  elements: dict
  sample:
    - name: shop-prod-api-cpu-high
      arn: arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-prod-api-cpu-high
      namespace: AWS/ECS
      metric_name: CPUUtilization
      statistic: Average
      comparison: GreaterThanThreshold
      threshold: 80.0
      tags: {stack: shop-prod}
alarm_arns:
  description: Name -> ARN of the alarms of RV(alarms).
  returned: always
  type: dict
  sample: {"shop-prod-api-cpu-high": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-prod-api-cpu-high"}
created:
  description: The names of the alarms created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
updated:
  description: The names of the alarms whose definition or tags changed.
  returned: always
  type: list
  elements: str
deleted:
  description: The names of the alarms deleted.
  returned: always
  type: list
  elements: str
rendered:
  description: The C(PutMetricAlarm) requests of the listed alarms, each with its C(action) and C(request).
  returned: when O(state=rendered)
  type: list
  elements: dict
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries
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
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
    sorted_tags,
    updated_tags,
)

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # caught by AnsibleAWSModule

CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "description": {"type": "str"},
    "namespace": {"type": "str"},
    "metric_name": {"type": "str"},
    "statistic": {"type": "str", "choices": ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]},
    "extended_statistic": {"type": "str"},
    "comparison": {
        "type": "str",
        "choices": [
            "GreaterThanOrEqualToThreshold",
            "GreaterThanThreshold",
            "LessThanThreshold",
            "LessThanOrEqualToThreshold",
        ],
    },
    "threshold": {"type": "float"},
    "period": {"type": "int", "default": 60},
    "evaluation_periods": {"type": "int", "default": 1},
    "datapoints_to_alarm": {"type": "int"},
    "dimensions": {"type": "dict", "default": {}},
    "unit": {"type": "str"},
    "treat_missing_data": {
        "type": "str",
        "choices": ["breaching", "notBreaching", "ignore", "missing"],
        "default": "missing",
    },
    "actions_enabled": {"type": "bool", "default": True},
    "alarm_actions": {"type": "list", "elements": "str", "default": []},
    "ok_actions": {"type": "list", "elements": "str", "default": []},
    "insufficient_data_actions": {"type": "list", "elements": "str", "default": []},
    "tags": {"type": "dict"},
}
REQUIRED_TO_PUT = ("namespace", "metric_name", "comparison", "threshold")
# DescribeAlarms takes at most 100 AlarmNames per call.
NAMES_PER_CALL = 100

# The PutMetricAlarm field of each config option, in request order (the request is built in this order, so that
# it is the same whatever the order of the input).
FIELDS = (
    ("name", "AlarmName"),
    ("description", "AlarmDescription"),
    ("actions_enabled", "ActionsEnabled"),
    ("ok_actions", "OKActions"),
    ("alarm_actions", "AlarmActions"),
    ("insufficient_data_actions", "InsufficientDataActions"),
    ("metric_name", "MetricName"),
    ("namespace", "Namespace"),
    ("statistic", "Statistic"),
    ("extended_statistic", "ExtendedStatistic"),
    ("dimensions", "Dimensions"),
    ("period", "Period"),
    ("unit", "Unit"),
    ("evaluation_periods", "EvaluationPeriods"),
    ("datapoints_to_alarm", "DatapointsToAlarm"),
    ("threshold", "Threshold"),
    ("comparison", "ComparisonOperator"),
    ("treat_missing_data", "TreatMissingData"),
)
ACTION_KEYS = ("ok_actions", "alarm_actions", "insufficient_data_actions")


def normalize_config(config, common_tags, state):
    """The config items in a canonical form (sorted actions, str dimensions, full sorted tags); every missing
    required field of every item in one error."""
    wanted = []
    problems = []
    for item in config:
        normal = {key: item.get(key) for key, _field in FIELDS}
        for key in ACTION_KEYS:
            normal[key] = sorted(set(item.get(key) or []))
        normal["dimensions"] = {str(k): str(v) for k, v in sorted((item.get("dimensions") or {}).items())}
        if normal["threshold"] is not None:
            normal["threshold"] = float(normal["threshold"])
        # AWS reports TreatMissingData "missing" for an alarm created without it: say so, or every run would differ.
        normal["treat_missing_data"] = normal["treat_missing_data"] or "missing"
        tags = {key: str(value) for key, value in (common_tags or {}).items()}
        tags.update({key: str(value) for key, value in (item.get("tags") or {}).items()})
        normal["tags"] = sorted_tags(tags)
        if state not in ("deleted", "gathered"):
            missing = [key for key in REQUIRED_TO_PUT if normal.get(key) is None]
            if bool(normal["statistic"]) == bool(normal["extended_statistic"]):
                missing.append("exactly one of statistic / extended_statistic")
            if missing:
                problems.append(f"{item['name']}: {', '.join(missing)}")
        wanted.append(normal)
    if problems:
        raise ResourceSetError(f"alarms missing what PutMetricAlarm needs: {'; '.join(problems)}")
    return wanted


def put_request(item, with_tags):
    """The PutMetricAlarm request of one normalized item (fields left out when not set)."""
    request = {}
    for key, field in FIELDS:
        value = item.get(key)
        if key == "dimensions":
            value = [{"Name": name, "Value": value[name]} for name in sorted(value)] if value else None
        if value is None or (key in ACTION_KEYS and not value):
            continue
        request[field] = value
    if with_tags and item["tags"]:
        request["Tags"] = boto3_tag_list(item["tags"])
    return request


def dimension_name(dimension):
    return dimension["Name"]


def from_describe(alarm):
    """A DescribeAlarms MetricAlarms entry in the normalized config format (plus its ARN)."""
    fields = {field: key for key, field in FIELDS}
    current = {key: None for key, _field in FIELDS}
    for field, value in alarm.items():
        key = fields.get(field)
        if key is not None:
            current[key] = value
    for key in ACTION_KEYS:
        current[key] = sorted(set(current[key] or []))
    current["dimensions"] = {d["Name"]: d["Value"] for d in sorted(alarm.get("Dimensions") or [], key=dimension_name)}
    if current["threshold"] is not None:
        current["threshold"] = float(current["threshold"])
    current["arn"] = alarm.get("AlarmArn")
    return current


def definition(item):
    """What PutMetricAlarm sets (no tags, no ARN): the part compared with AWS."""
    return {key: item.get(key) for key, _field in FIELDS}


def view(alarm):
    result = definition(alarm)
    result["arn"] = alarm.get("arn")
    result["tags"] = sorted_tags(alarm.get("tags"))
    return result


def chunks(values, size):
    return [values[i : i + size] for i in range(0, len(values), size)]


class AlarmSet:
    def __init__(self, client, module):
        self.client = client
        self.check_mode = module.check_mode
        self.owner_tags = module.params["owner_tags"]

    def owned(self, alarm):
        return is_owned(alarm.get("tags"), self.owner_tags)

    # Reads
    def describe_names(self, names):
        response = self.client.describe_alarms(aws_retry=True, AlarmNames=names, AlarmTypes=["MetricAlarm"])
        return response.get("MetricAlarms") or []

    def describe_prefix(self, prefix):
        result = paginated_query_with_retries(
            self.client, "describe_alarms", AlarmNamePrefix=prefix, AlarmTypes=["MetricAlarm"]
        )
        return result.get("MetricAlarms") or []

    def list_tags(self, alarm):
        response = self.client.list_tags_for_resource(aws_retry=True, ResourceARN=alarm["arn"])
        tags = {tag["Key"]: tag["Value"] for tag in response.get("Tags") or []}
        return {**alarm, "tags": sorted_tags(tags)}

    def read(self, names, prefix):
        alarms = []
        if prefix is not None:
            alarms.extend(self.describe_prefix(prefix))
        others = sorted({name for name in names if prefix is None or not name.startswith(prefix)})
        for found in run_concurrently(self.describe_names, chunks(others, NAMES_PER_CALL)):
            alarms.extend(found)
        by_name = {alarm["AlarmName"]: from_describe(alarm) for alarm in alarms}
        ordered = [by_name[name] for name in sorted(by_name)]
        return {alarm["name"]: alarm for alarm in run_concurrently(self.list_tags, ordered)}

    # Writes (nothing is called in check mode)
    def update_tags(self, item, current, purge):
        to_set, to_unset = compare_tags(current.get("tags"), item["tags"], purge_tags=purge)
        if not to_set and not to_unset:
            return False
        if not self.check_mode:
            if to_unset:
                self.client.untag_resource(aws_retry=True, ResourceARN=current["arn"], TagKeys=to_unset)
            if to_set:
                self.client.tag_resource(aws_retry=True, ResourceARN=current["arn"], Tags=boto3_tag_list(to_set))
        return True

    def present(self, item, current, purge):
        if current is None:
            arn = None
            if not self.check_mode:
                self.client.put_metric_alarm(aws_retry=True, **put_request(item, with_tags=True))
                created = self.describe_names([item["name"]])
                arn = created[0].get("AlarmArn") if created else None
            return True, view({**item, "arn": arn})
        changed = False
        if definition(item) != definition(current):
            changed = True
            if not self.check_mode:
                self.client.put_metric_alarm(aws_retry=True, **put_request(item, with_tags=False))
        changed |= self.update_tags(item, current, purge)
        tags = updated_tags(current.get("tags"), item["tags"], purge_tags=purge)
        return changed, view({**item, "arn": current["arn"], "tags": tags})

    def absent(self, alarm):
        # DeleteAlarms does not fail on a name that does not exist.
        self.client.delete_alarms(aws_retry=True, AlarmNames=[alarm["name"]])

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
        result["alarms"] = result.pop("items")
        return result

    def gathered(self, wanted, prefix):
        existing = self.read([item["name"] for item in wanted], prefix)
        alarms = [view(existing[name]) for name in sorted(existing) if self.owned(existing[name])]
        return {"changed": False, "alarms": alarms}


def rendered(wanted):
    return {
        "changed": False,
        "rendered": [{"action": "PutMetricAlarm", "request": put_request(item, with_tags=True)} for item in wanted],
        "alarms": [view({**item, "arn": None}) for item in wanted],
    }


def main():
    argument_spec = resource_set_argument_spec(CONFIG_OPTIONS, name_prefix={"type": "str"})
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    state = module.params["state"]
    prefix = module.params["name_prefix"]

    try:
        wanted = normalize_config(module.params["config"], module.params["tags"], state)
        if state == "rendered":
            result = rendered(wanted)
        else:
            check_prefix_scope(state, wanted, prefix, "alarms")
            client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
            alarm_set = AlarmSet(client, module)
            if state == "gathered":
                result = alarm_set.gathered(wanted, prefix)
            else:
                result = alarm_set.converge(state, wanted, prefix)
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to converge the CloudWatch metric alarms")

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    result.setdefault("created", [])
    result.setdefault("updated", [])
    result.setdefault("deleted", [])
    result["alarm_arns"] = {alarm["name"]: alarm["arn"] for alarm in result["alarms"]}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
