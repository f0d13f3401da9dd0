# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_log
version_added: 0.1.0
short_description: Manage a VPC flow log
description:
  - Creates, tags or deletes one VPC flow log attached to a VPC, a subnet or a network interface.
  - Neither C(amazon.aws) nor C(community.aws) ships a module that manages VPC flow logs, so this module fills
    that gap, following the conventions of the C(amazon.aws) EC2 modules (check mode, diff mode, tagging
    through O(tags) and O(purge_tags), and retries on throttling).
  - A flow log is identified by the resource it is attached to (O(resource_id)) and by its destination
    (O(log_destination_type) together with O(log_group_name) or O(log_destination)).
    No two flow logs on one resource can deliver to the same destination.
  - Apart from its tags, a flow log cannot be modified once it exists. If the flow log found differs from the
    requested one in O(traffic_type), O(log_format), O(max_aggregation_interval),
    O(deliver_logs_permission_arn) or O(destination_options), the module fails and names the difference;
    the flow log must then be deleted (O(state=absent)) and created again.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - Create (V(present)) or delete (V(absent)) the flow log.
    type: str
    choices: ['present', 'absent']
    default: present
  resource_id:
    description:
      - The ID of the resource whose traffic is logged, for example C(vpc-0123456789abcdef0),
        C(subnet-0123456789abcdef0) or C(eni-0123456789abcdef0).
      - The ID must belong to the kind of resource named by O(resource_type).
    type: str
    required: true
  resource_type:
    description:
      - The kind of resource O(resource_id) refers to.
    type: str
    choices: ['VPC', 'Subnet', 'NetworkInterface']
    default: VPC
  traffic_type:
    description:
      - The type of traffic to log.
      - Cannot be changed on an existing flow log.
    type: str
    choices: ['ACCEPT', 'REJECT', 'ALL']
    default: ALL
  log_destination_type:
    description:
      - The type of destination the flow log records are published to.
    type: str
    choices: ['cloud-watch-logs', 's3', 'kinesis-data-firehose']
    default: cloud-watch-logs
  log_group_name:
    description:
      - The name of the CloudWatch Logs log group the flow log records are published to.
      - Only valid when O(log_destination_type=cloud-watch-logs), as an alternative to O(log_destination).
      - One of O(log_group_name) and O(log_destination) is required.
    type: str
  log_destination:
    description:
      - The ARN of the destination the flow log records are published to.
      - For O(log_destination_type=cloud-watch-logs), the ARN of a log group
        (C(arn:aws:logs:REGION:ACCOUNT:log-group:NAME)); O(log_group_name) may be used instead.
      - For O(log_destination_type=s3), the ARN of a bucket, optionally followed by a folder
        (C(arn:aws:s3:::BUCKET/FOLDER/)).
      - For O(log_destination_type=kinesis-data-firehose), the ARN of a Kinesis Data Firehose delivery stream.
      - One of O(log_group_name) and O(log_destination) is required.
    type: str
  deliver_logs_permission_arn:
    description:
      - The ARN of the IAM role that allows the flow logs service to publish to the destination.
      - Required when O(state=present) and O(log_destination_type=cloud-watch-logs), unless O(delivery_role) is
        given. The role must trust C(vpc-flow-logs.amazonaws.com).
      - Cannot be changed on an existing flow log.
    type: str
  log_group:
    description:
      - With O(log_destination_type=cloud-watch-logs) and O(log_group_name), also converge that log group (created
        when missing, its retention and tags set) in this task, before the flow log. Without it the log group must
        exist (or AWS creates it untagged, with no retention, on the first record).
      - A log group that exists without the O(owner_tags) is refused (the module would rewrite its retention and
        tags).
    type: dict
    suboptions:
      retention_days:
        description: How long CloudWatch Logs keeps the records; not set, forever.
        type: int
      tags:
        description: The tags of the log group (give the O(owner_tags) here too).
        type: dict
        default: {}
  delivery_role:
    description:
      - With O(log_destination_type=cloud-watch-logs), also converge the IAM role the flow logs service assumes to
        publish, in this task. It trusts C(vpc-flow-logs.amazonaws.com) and has one inline policy,
        C(write-flow-logs), that writes to the log group O(log_group_name) only. Its ARN is the
        O(deliver_logs_permission_arn) of the flow log (which must then not be given).
      - A role that exists without the O(owner_tags) is refused.
      - Replaces the separate log group and role tasks (two processes) of a playbook that creates a flow log.
    type: dict
    suboptions:
      name:
        description: The role name.
        type: str
        required: true
      description:
        description: The role description.
        type: str
      tags:
        description: The tags of the role (give the O(owner_tags) here too).
        type: dict
        default: {}
  owner_tags:
    description:
      - The tags that mark the O(log_group) and the O(delivery_role) as owned by the caller; an existing one without
        all of them is refused rather than rewritten.
    type: dict
    default: {}
  log_format:
    description:
      - The fields to include in the flow log records, in the order in which they should appear,
        for example C(${srcaddr} ${dstaddr} ${action}).
      - When not set, AWS uses its default format and the format of an existing flow log is not compared.
      - Cannot be changed on an existing flow log.
    type: str
  max_aggregation_interval:
    description:
      - The maximum interval of time, in seconds, during which a flow of packets is captured and aggregated
        into a flow log record.
      - Cannot be changed on an existing flow log.
    type: int
    choices: [60, 600]
    default: 600
  destination_options:
    description:
      - The format and partitioning of flow log files.
      - Only valid when O(log_destination_type=s3).
      - Only the suboptions that are set are compared with an existing flow log. Suboptions that are not set
        take the AWS defaults when the flow log is created.
      - Cannot be changed on an existing flow log.
    type: dict
    suboptions:
      file_format:
        description:
          - The format of the log files.
          - AWS defaults to V(plain-text).
        type: str
        choices: ['plain-text', 'parquet']
      hive_compatible_partitions:
        description:
          - Whether to use Hive-compatible prefixes for the log files.
          - AWS defaults to V(false).
        type: bool
      per_hour_partition:
        description:
          - Whether to partition the log files per hour rather than per day.
          - AWS defaults to V(false).
        type: bool
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Flow log tags are updated in place; every other attribute of a flow log is immutable.
  - The module only ever creates the flow log for a single resource, even though the AWS API accepts several.
seealso:
  - module: stacksmith.aws.ec2_vpc_flow_log_info
  - name: VPC flow logs
    description: The AWS documentation on VPC flow logs.
    link: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Publish all traffic of a VPC to a CloudWatch Logs log group
  stacksmith.aws.ec2_vpc_flow_log:
    resource_id: vpc-0123456789abcdef0
    log_group_name: /vpc/flow-logs/production
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/vpc-flow-logs
    tags:
      Name: production-vpc-flow-log
  register: flow_log

- name: Publish rejected traffic of a subnet to S3 as hourly Parquet files
  stacksmith.aws.ec2_vpc_flow_log:
    resource_id: subnet-0123456789abcdef0
    resource_type: Subnet
    traffic_type: REJECT
    log_destination_type: s3
    log_destination: arn:aws:s3:::my-flow-log-bucket/production/
    max_aggregation_interval: 60
    log_format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action}"
    destination_options:
      file_format: parquet
      hive_compatible_partitions: true
      per_hour_partition: true

- name: Delete the flow log of a VPC that publishes to a log group
  stacksmith.aws.ec2_vpc_flow_log:
    state: absent
    resource_id: vpc-0123456789abcdef0
    log_group_name: /vpc/flow-logs/production
"""

RETURN = r"""
flow_log_id:
  description:
    - The ID of the flow log.
    - V(null) when the flow log would be created in check mode, or when O(state=absent) and no flow log existed.
    - With O(state=absent), the ID of the flow log that was deleted.
  returned: always
  type: str
  sample: fl-0123456789abcdef0
flow_log:
  description:
    - The flow log, as described by EC2 C(DescribeFlowLogs).
    - In check mode, when the flow log would be created, the attributes it would be created with.
    - An empty dictionary when O(state=absent).
  returned: always
  type: complex
  contains:
    flow_log_id:
      description: The ID of the flow log.
      returned: when the flow log exists
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The ID of the resource the flow log is attached to.
      returned: when O(state=present)
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: The type of traffic logged.
      returned: when O(state=present)
      type: str
      sample: ALL
    log_destination_type:
      description: The type of destination the flow log records are published to.
      returned: when O(state=present)
      type: str
      sample: cloud-watch-logs
    log_destination:
      description: The ARN of the destination.
      returned: when reported by AWS or set in O(log_destination)
      type: str
      sample: arn:aws:logs:us-east-1:123456789012:log-group:/vpc/flow-logs/production
    log_group_name:
      description: The name of the CloudWatch Logs log group.
      returned: when O(log_destination_type=cloud-watch-logs)
      type: str
      sample: /vpc/flow-logs/production
    deliver_logs_permission_arn:
      description: The ARN of the IAM role used to publish to the destination.
      returned: when set
      type: str
      sample: arn:aws:iam::123456789012:role/vpc-flow-logs
    deliver_logs_status:
      description: The status of the logs delivery, V(SUCCESS) or V(FAILED).
      returned: when the flow log exists
      type: str
      sample: SUCCESS
    deliver_logs_error_message:
      description: Why delivery failed, when it failed.
      returned: when delivery failed
      type: str
      sample: Access error
    flow_log_status:
      description: The status of the flow log.
      returned: when the flow log exists
      type: str
      sample: ACTIVE
    creation_time:
      description: When the flow log was created.
      returned: when the flow log exists
      type: str
      sample: "2024-05-21T13:21:10.062000+00:00"
    log_format:
      description: The fields of the flow log records.
      returned: when O(state=present)
      type: str
      sample: >-
        ${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport}
        ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}
    max_aggregation_interval:
      description: The maximum aggregation interval, in seconds.
      returned: when O(state=present)
      type: int
      sample: 600
    destination_options:
      description: The format and partitioning of the log files.
      returned: when O(log_destination_type=s3) and reported by AWS
      type: dict
      contains:
        file_format:
          description: The format of the log files.
          type: str
          returned: always
          sample: plain-text
        hive_compatible_partitions:
          description: Whether Hive-compatible prefixes are used.
          type: bool
          returned: always
          sample: false
        per_hour_partition:
          description: Whether the files are partitioned per hour.
          type: bool
          returned: always
          sample: false
    tags:
      description: The tags of the flow log.
      returned: when O(state=present)
      type: dict
      sample: {"Name": "production-vpc-flow-log"}
"""

import uuid
from types import SimpleNamespace

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_specifications,
)
from ansible_collections.amazon.aws.plugins.module_utils.transformation import ansible_dict_to_boto3_filter_list
from ansible_collections.stacksmith.aws.plugins.module_utils.ec2_flow_log import (
    EC2FlowLogErrorHandler,
    describe_flow_logs,
    format_flow_log,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.iam_roles import RoleSet
from ansible_collections.stacksmith.aws.plugins.module_utils.iam_roles import normalize_config as normalize_roles
from ansible_collections.stacksmith.aws.plugins.module_utils.log_groups import RETRY_ON as LOGS_RETRY_ON
from ansible_collections.stacksmith.aws.plugins.module_utils.log_groups import LogGroupSet
from ansible_collections.stacksmith.aws.plugins.module_utils.log_groups import normalize_config as normalize_log_groups
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import ResourceSetError
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import ensure_ec2_tags, sorted_tags, updated_tags
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

# The record format AWS applies (and reports) when CreateFlowLogs is called without LogFormat.
DEFAULT_LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)
DEFAULT_MAX_AGGREGATION_INTERVAL = 600
DEFAULT_TRAFFIC_TYPE = "ALL"
DEFAULT_LOG_DESTINATION_TYPE = "cloud-watch-logs"
# What AWS applies to an S3 flow log created without DestinationOptions.
DEFAULT_DESTINATION_OPTIONS = {
    "file_format": "plain-text",
    "hive_compatible_partitions": False,
    "per_hour_partition": False,
}
DESTINATION_OPTION_KEYS = {
    "file_format": "FileFormat",
    "hive_compatible_partitions": "HiveCompatiblePartitions",
    "per_hour_partition": "PerHourPartition",
}
RESOURCE_ID_PREFIXES = {
    "VPC": "vpc-",
    "Subnet": "subnet-",
    "NetworkInterface": "eni-",
}
DELIVERY_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
# The delivery role of a preview that would create it has no ARN yet.
PENDING_ROLE_ARN = "(known after apply)"
# Seconds to wait for a new flow log to show up in DescribeFlowLogs (eventual consistency).
CREATE_WAIT_FIRST_DELAY = 0.5
CREATE_WAIT_MAX_DELAY = 5.0
CREATE_WAIT_TIMEOUT = 30


@EC2FlowLogErrorHandler.common_error_handler("create flow log")
def _create_flow_logs(client, **params):
    return client.create_flow_logs(aws_retry=True, **params)


@EC2FlowLogErrorHandler.deletion_error_handler("delete flow log")
def _delete_flow_logs(client, flow_log_ids):
    return client.delete_flow_logs(aws_retry=True, FlowLogIds=flow_log_ids)


def log_group_name_from_arn(arn):
    """Returns the log group name of a CloudWatch Logs log group ARN, or None if the ARN is not one.

    arn:aws:logs:us-east-1:123456789012:log-group:NAME and the same with a trailing ':*' are accepted.
    """
    if not arn:
        return None
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "logs" or parts[5] != "log-group":
        return None
    return parts[6]


def destination_key(log_destination_type, log_group_name=None, log_destination=None):
    """Returns a comparable identity for a flow log destination.

    CloudWatch Logs destinations are compared by log group name, whether they were given as a name or as an ARN.
    S3 destinations are compared by ARN, ignoring a trailing slash after the folder.
    """
    log_destination_type = log_destination_type or DEFAULT_LOG_DESTINATION_TYPE
    if log_destination_type == "cloud-watch-logs":
        return (log_destination_type, log_group_name or log_group_name_from_arn(log_destination))
    if log_destination_type == "s3" and log_destination:
        return (log_destination_type, log_destination.rstrip("/"))
    return (log_destination_type, log_destination)


def flow_log_destination_key(flow_log):
    return destination_key(
        flow_log.get("LogDestinationType"),
        flow_log.get("LogGroupName"),
        flow_log.get("LogDestination"),
    )


def find_flow_log(client, resource_id, log_destination_type, log_group_name=None, log_destination=None):
    """Returns the flow log (a DescribeFlowLogs item) on resource_id publishing to the given destination.

    Returns None when there is none. Flow logs on the same resource with another destination are ignored.
    """
    wanted = destination_key(log_destination_type, log_group_name, log_destination)
    flow_logs = describe_flow_logs(client, Filter=ansible_dict_to_boto3_filter_list({"resource-id": resource_id}))
    matches = [
        flow_log
        for flow_log in flow_logs
        if flow_log.get("ResourceId") == resource_id and flow_log_destination_key(flow_log) == wanted
    ]
    if len(matches) > 1:
        ids = ", ".join(flow_log["FlowLogId"] for flow_log in matches)
        raise AnsibleEC2Error(message=f"Found more than one flow log on {resource_id} with the same destination: {ids}")
    return matches[0] if matches else None


def get_flow_log(client, flow_log_id):
    flow_logs = describe_flow_logs(client, FlowLogIds=[flow_log_id])
    return flow_logs[0] if flow_logs else None


def wait_for_flow_log(client, flow_log_id, timeout=CREATE_WAIT_TIMEOUT):
    """DescribeFlowLogs until the new flow log is returned (EC2 is eventually consistent), with the shared poller."""
    try:
        return poll(
            lambda: get_flow_log(client, flow_log_id),
            lambda flow_log: flow_log is not None,
            timeout,
            what=f"flow log {flow_log_id} to be returned by DescribeFlowLogs",
            first_delay=CREATE_WAIT_FIRST_DELAY,
            max_delay=CREATE_WAIT_MAX_DELAY,
        )
    except WaitTimeout as e:
        raise AnsibleEC2Error(message=f"Flow log {flow_log_id} was created but {e}") from None


def _normalize_log_format(log_format):
    if log_format is None:
        return None
    return " ".join(log_format.split())


def normalize_destination_options(destination_options):
    """Returns snake_case destination options with the AWS defaults filled in.

    Accepts the DestinationOptions of a DescribeFlowLogs item (CamelCase), or the module option (snake_case).
    """
    normalized = dict(DEFAULT_DESTINATION_OPTIONS)
    for snake_key, camel_key in DESTINATION_OPTION_KEYS.items():
        value = (destination_options or {}).get(camel_key, (destination_options or {}).get(snake_key))
        if value is not None:
            normalized[snake_key] = value
    return normalized


def normalize_flow_log(flow_log):
    """Returns the immutable attributes of a DescribeFlowLogs item, with AWS defaults filled in."""
    log_destination_type = flow_log.get("LogDestinationType") or DEFAULT_LOG_DESTINATION_TYPE
    normalized = {
        "traffic_type": flow_log.get("TrafficType") or DEFAULT_TRAFFIC_TYPE,
        "log_format": _normalize_log_format(flow_log.get("LogFormat") or DEFAULT_LOG_FORMAT),
        "max_aggregation_interval": flow_log.get("MaxAggregationInterval") or DEFAULT_MAX_AGGREGATION_INTERVAL,
        "deliver_logs_permission_arn": flow_log.get("DeliverLogsPermissionArn"),
        "destination_options": None,
    }
    if log_destination_type == "s3":
        normalized["destination_options"] = normalize_destination_options(flow_log.get("DestinationOptions"))
    return normalized


def compare_flow_log(flow_log, params):
    """Compares an existing flow log with the module parameters.

    Returns a list of (attribute, current value, wanted value) for every immutable attribute that differs.
    Attributes the user did not set (log_format, deliver_logs_permission_arn, destination_options and its
    suboptions) are not compared.
    """
    current = normalize_flow_log(flow_log)
    differences = []

    for attribute in ("traffic_type", "max_aggregation_interval"):
        wanted = params.get(attribute)
        if wanted is not None and wanted != current[attribute]:
            differences.append((attribute, current[attribute], wanted))

    wanted_format = params.get("log_format")
    if wanted_format is not None and _normalize_log_format(wanted_format) != current["log_format"]:
        differences.append(("log_format", current["log_format"], wanted_format))

    wanted_role = params.get("deliver_logs_permission_arn")
    if wanted_role is not None and wanted_role != current["deliver_logs_permission_arn"]:
        differences.append(("deliver_logs_permission_arn", current["deliver_logs_permission_arn"], wanted_role))

    wanted_options = params.get("destination_options")
    if wanted_options:
        current_options = current["destination_options"] or dict(DEFAULT_DESTINATION_OPTIONS)
        for key in DESTINATION_OPTION_KEYS:
            wanted = wanted_options.get(key)
            if wanted is not None and wanted != current_options[key]:
                differences.append((f"destination_options.{key}", current_options[key], wanted))

    return differences


def immutable_error_message(flow_log_id, differences):
    details = "; ".join(
        f"{attribute} is {current!r} but {wanted!r} was requested" for attribute, current, wanted in differences
    )
    return (
        f"Flow log {flow_log_id} cannot be modified: {details}. Flow logs are immutable apart from their tags; "
        "delete the flow log (state=absent) and create it again to change these attributes."
    )


def build_create_params(params, client_token):
    """Returns the CreateFlowLogs request for the module parameters."""
    request = {
        "ResourceIds": [params["resource_id"]],
        "ResourceType": params.get("resource_type") or "VPC",
        "TrafficType": params.get("traffic_type") or DEFAULT_TRAFFIC_TYPE,
        "LogDestinationType": params.get("log_destination_type") or DEFAULT_LOG_DESTINATION_TYPE,
        "MaxAggregationInterval": params.get("max_aggregation_interval") or DEFAULT_MAX_AGGREGATION_INTERVAL,
        "ClientToken": client_token,
    }
    optional = {
        "LogGroupName": params.get("log_group_name"),
        "LogDestination": params.get("log_destination"),
        "DeliverLogsPermissionArn": params.get("deliver_logs_permission_arn"),
        "LogFormat": params.get("log_format"),
    }
    request.update({key: value for key, value in optional.items() if value is not None})

    destination_options = params.get("destination_options")
    if destination_options:
        options = {
            camel_key: destination_options[snake_key]
            for snake_key, camel_key in DESTINATION_OPTION_KEYS.items()
            if destination_options.get(snake_key) is not None
        }
        if options:
            request["DestinationOptions"] = options

    tag_specifications = boto3_tag_specifications(sorted_tags(params.get("tags")), types=["vpc-flow-log"])
    if tag_specifications:
        request["TagSpecifications"] = tag_specifications
    return request


def create_flow_log(client, params, client_token):
    """Creates the flow log and returns its ID. Raises AnsibleEC2Error when AWS reports it unsuccessful."""
    response = _create_flow_logs(client, **build_create_params(params, client_token))
    unsuccessful = response.get("Unsuccessful") or []
    if unsuccessful:
        errors = "; ".join(
            f"{item.get('ResourceId', params['resource_id'])}: "
            f"{item.get('Error', {}).get('Message', 'unknown error')} "
            f"({item.get('Error', {}).get('Code', 'no error code')})"
            for item in unsuccessful
        )
        raise AnsibleEC2Error(message=f"Failed to create flow log: {errors}")
    flow_log_ids = response.get("FlowLogIds") or []
    if not flow_log_ids:
        raise AnsibleEC2Error(message="Failed to create flow log: CreateFlowLogs returned no flow log ID")
    return flow_log_ids[0]


def delete_flow_log(client, flow_log_id):
    """Deletes the flow log. Returns False if it was already gone."""
    response = _delete_flow_logs(client, [flow_log_id])
    if response is False:
        return False
    for item in response.get("Unsuccessful") or []:
        error = item.get("Error", {})
        if error.get("Code") == "InvalidFlowLogId.NotFound":
            return False
        raise AnsibleEC2Error(
            message=f"Failed to delete flow log {flow_log_id}: {error.get('Message', 'unknown error')} "
            f"({error.get('Code', 'no error code')})"
        )
    return True


def predict_flow_log(params):
    """Returns the flow log that the module parameters would create, in the format of format_flow_log."""
    log_destination_type = params.get("log_destination_type") or DEFAULT_LOG_DESTINATION_TYPE
    predicted = {
        "resource_id": params["resource_id"],
        "traffic_type": params.get("traffic_type") or DEFAULT_TRAFFIC_TYPE,
        "log_destination_type": log_destination_type,
        "log_format": params.get("log_format") or DEFAULT_LOG_FORMAT,
        "max_aggregation_interval": params.get("max_aggregation_interval") or DEFAULT_MAX_AGGREGATION_INTERVAL,
        "tags": dict(params.get("tags") or {}),
    }
    if log_destination_type == "cloud-watch-logs":
        predicted["log_group_name"] = params.get("log_group_name") or log_group_name_from_arn(
            params.get("log_destination")
        )
    if params.get("log_destination"):
        predicted["log_destination"] = params["log_destination"]
    if params.get("deliver_logs_permission_arn"):
        predicted["deliver_logs_permission_arn"] = params["deliver_logs_permission_arn"]
    if log_destination_type == "s3":
        predicted["destination_options"] = normalize_destination_options(params.get("destination_options"))
    return predicted


def validate_params(params):
    """Returns an error message for inconsistent parameters, or None."""
    resource_type = params.get("resource_type") or "VPC"
    prefix = RESOURCE_ID_PREFIXES[resource_type]
    if not params["resource_id"].startswith(prefix):
        return (
            f"resource_id {params['resource_id']} is not a {resource_type} ID (expected an ID starting with "
            f"'{prefix}'); set resource_type to match the resource"
        )

    log_destination_type = params.get("log_destination_type") or DEFAULT_LOG_DESTINATION_TYPE
    if log_destination_type == "cloud-watch-logs":
        if not params.get("log_group_name") and not params.get("log_destination"):
            return "log_group_name or log_destination is required when log_destination_type=cloud-watch-logs"
        if params.get("log_destination") and not log_group_name_from_arn(params["log_destination"]):
            return f"log_destination {params['log_destination']} is not the ARN of a CloudWatch Logs log group"
        wants_role = params.get("state") == "present" and not params.get("delivery_role")
        if wants_role and not params.get("deliver_logs_permission_arn"):
            return (
                "deliver_logs_permission_arn is required when log_destination_type=cloud-watch-logs "
                "(or delivery_role, to have the role converged)"
            )
        if params.get("delivery_role") and params.get("deliver_logs_permission_arn"):
            return "delivery_role and deliver_logs_permission_arn are mutually exclusive"
        if (params.get("log_group") or params.get("delivery_role")) and not params.get("log_group_name"):
            return "log_group and delivery_role need log_group_name (the log group they are for)"
    else:
        if params.get("log_group") or params.get("delivery_role"):
            return "log_group and delivery_role can only be used with log_destination_type=cloud-watch-logs"
        if params.get("log_group_name"):
            return "log_group_name can only be used with log_destination_type=cloud-watch-logs, use log_destination"
        if not params.get("log_destination"):
            return f"log_destination is required when log_destination_type={log_destination_type}"

    if params.get("destination_options") and log_destination_type != "s3":
        return "destination_options can only be used with log_destination_type=s3"
    return None


def find_existing(client, params):
    """The flow log the module parameters identify (resource + destination), or None."""
    return find_flow_log(
        client,
        params["resource_id"],
        params.get("log_destination_type"),
        params.get("log_group_name"),
        params.get("log_destination"),
    )


def destination_policy(log_group_arn):
    """The inline policy of the delivery role: write to this log group only (its streams included)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogGroups",
                    "logs:DescribeLogStreams",
                ],
                "Resource": [log_group_arn, f"{log_group_arn}:*"],
            }
        ],
    }


def ensure_destination(module, params):
    """The O(log_group) and O(delivery_role), converged with the shared log group and role sets (state replaced).
    Returns (changed, log group ARN or None, role ARN or None, diff before, diff after)."""
    owner = SimpleNamespace(check_mode=module.check_mode, params={"owner_tags": params["owner_tags"], "path": "/"})
    changed, before, after = False, {}, {}
    group_arn = None
    if params.get("log_group") is not None:
        logs = module.client("logs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=LOGS_RETRY_ON))
        item = {"name": params["log_group_name"], "retention_days": params["log_group"].get("retention_days")}
        wanted = normalize_log_groups([dict(item, kms_key_id=None, tags={})], params["log_group"].get("tags") or {})
        result = LogGroupSet(logs, owner).converge("replaced", wanted, None)
        group_arn = result["log_groups"][0]["arn"]
        changed |= result["changed"]
        before.update({f"log_group {k}": v for k, v in result["diff"]["before"].items()})
        after.update({f"log_group {k}": v for k, v in result["diff"]["after"].items()})
    role_arn = None
    if params.get("delivery_role") is not None:
        role = params["delivery_role"]
        if params.get("log_group") is None:
            group_arn = log_group_arn_of(module, params["log_group_name"])
        iam = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
        item = {
            "name": role["name"],
            "description": role.get("description"),
            "assume_role_policy": DELIVERY_TRUST,
            "managed_policy_arns": [],
            # A preview of a new log group has no ARN yet: the role is previewed without its policy.
            "inline_policies": {"write-flow-logs": destination_policy(group_arn)} if group_arn else {},
            "max_session_duration": None,
            "tags": {},
        }
        wanted = normalize_roles([item], role.get("tags") or {}, "/")
        result = RoleSet(iam, owner).converge("replaced", wanted)
        role_arn = result["roles"][0]["arn"]
        changed |= result["changed"]
        before.update({f"delivery_role {k}": v for k, v in result["diff"]["before"].items()})
        after.update({f"delivery_role {k}": v for k, v in result["diff"]["after"].items()})
    return changed, group_arn, role_arn, before, after


def log_group_arn_of(module, name):
    """The ARN of an existing log group (without the trailing ``:*``), or None."""
    logs = module.client("logs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=LOGS_RETRY_ON))
    owner = SimpleNamespace(check_mode=True, params={"owner_tags": {}})
    group = LogGroupSet(logs, owner).describe_one(name)
    return group["arn"] if group else None


def ensure_present(client, module, params):
    """Converges the destination (O(log_group), O(delivery_role)) when asked, then creates the flow log, or checks
    it and updates its tags. Returns the module result."""
    destination_changed, group_arn, role_arn, destination_before, destination_after = False, None, None, {}, {}
    if params.get("log_group") is not None or params.get("delivery_role") is not None:
        destination_changed, group_arn, role_arn, destination_before, destination_after = ensure_destination(
            module, params
        )
        if params.get("delivery_role") is not None:
            params = dict(params, deliver_logs_permission_arn=role_arn or PENDING_ROLE_ARN)
    result = converge_flow_log(client, module, params)
    result["changed"] = result["changed"] or destination_changed
    result["log_group_arn"] = group_arn
    result["delivery_role_arn"] = role_arn
    result["diff"]["before"] = dict(result["diff"]["before"], **destination_before)
    result["diff"]["after"] = dict(result["diff"]["after"], **destination_after)
    return result


def converge_flow_log(client, module, params):
    """Creates the flow log, or checks it and updates its tags."""
    existing = find_existing(client, params)

    if existing is None:
        predicted = predict_flow_log(params)
        result = {"changed": True, "flow_log_id": None, "flow_log": predicted}
        if not module.check_mode:
            flow_log_id = create_flow_log(client, params, client_token=str(uuid.uuid4()))
            result["flow_log_id"] = flow_log_id
            result["flow_log"] = format_flow_log(wait_for_flow_log(client, flow_log_id))
        result["diff"] = {"before": {}, "after": result["flow_log"]}
        return result

    flow_log_id = existing["FlowLogId"]
    differences = compare_flow_log(existing, params)
    if differences:
        raise AnsibleEC2Error(message=immutable_error_message(flow_log_id, differences))

    before = format_flow_log(existing)
    after = dict(before)
    after["tags"] = updated_tags(before["tags"], params.get("tags"), params.get("purge_tags", True))

    changed = ensure_ec2_tags(
        client, module.check_mode, flow_log_id, before["tags"], params.get("tags"), params.get("purge_tags", True)
    )
    if changed and not module.check_mode:
        after = format_flow_log(get_flow_log(client, flow_log_id) or existing)

    return {
        "changed": changed,
        "flow_log_id": flow_log_id,
        "flow_log": after,
        "diff": {"before": before, "after": after},
    }


def ensure_absent(client, module, params):
    """Deletes the flow log if it exists. Returns the module result."""
    existing = find_existing(client, params)
    if existing is None:
        return {"changed": False, "flow_log_id": None, "flow_log": {}, "diff": {"before": {}, "after": {}}}

    flow_log_id = existing["FlowLogId"]
    changed = True
    if not module.check_mode:
        changed = delete_flow_log(client, flow_log_id)
    return {
        "changed": changed,
        "flow_log_id": flow_log_id,
        "flow_log": {},
        "diff": {"before": format_flow_log(existing), "after": {}},
    }


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "resource_id": {"type": "str", "required": True},
        "resource_type": {"type": "str", "default": "VPC", "choices": ["VPC", "Subnet", "NetworkInterface"]},
        "traffic_type": {"type": "str", "default": "ALL", "choices": ["ACCEPT", "REJECT", "ALL"]},
        "log_destination_type": {
            "type": "str",
            "default": "cloud-watch-logs",
            "choices": ["cloud-watch-logs", "s3", "kinesis-data-firehose"],
        },
        "log_group_name": {"type": "str"},
        "log_destination": {"type": "str"},
        "deliver_logs_permission_arn": {"type": "str"},
        "log_group": {
            "type": "dict",
            "options": {"retention_days": {"type": "int"}, "tags": {"type": "dict", "default": {}}},
        },
        "delivery_role": {
            "type": "dict",
            "options": {
                "name": {"type": "str", "required": True},
                "description": {"type": "str"},
                "tags": {"type": "dict", "default": {}},
            },
        },
        "owner_tags": {"type": "dict", "default": {}},
        "log_format": {"type": "str"},
        "max_aggregation_interval": {"type": "int", "default": 600, "choices": [60, 600]},
        "destination_options": {
            "type": "dict",
            "options": {
                "file_format": {"type": "str", "choices": ["plain-text", "parquet"]},
                "hive_compatible_partitions": {"type": "bool"},
                "per_hour_partition": {"type": "bool"},
            },
        },
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }

    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("log_group_name", "log_destination")],
    )

    error = validate_params(module.params)
    if error:
        module.fail_json(msg=error)

    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())

    try:
        if module.params["state"] == "present":
            result = ensure_present(client, module, module.params)
        else:
            result = ensure_absent(client, module, module.params)
    except AnsibleEC2Error as e:
        module.fail_json_aws_error(e)
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except AnsibleIAMError as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to converge the flow log's log group or delivery role")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
