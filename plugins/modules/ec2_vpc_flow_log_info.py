# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_log_info
version_added: 0.1.0
short_description: Gather information about VPC flow logs
description:
  - Lists VPC flow logs, optionally restricted to some flow log IDs and/or by filters.
  - Companion of M(stacksmith.aws.ec2_vpc_flow_log); neither C(amazon.aws) nor C(community.aws) ships
    a module for VPC flow logs.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  flow_log_ids:
    description:
      - The IDs of the flow logs to describe.
      - IDs that do not exist are ignored.
    type: list
    elements: str
  filters:
    description:
      - A dict of filters to apply. Each dict item consists of a filter key and a filter value.
        See U(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeFlowLogs.html) for possible
        filters, for example C(resource-id), C(log-destination-type), C(log-group-name), C(traffic-type)
        or C(tag:Name).
    type: dict
    default: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
seealso:
  - module: stacksmith.aws.ec2_vpc_flow_log
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: List every flow log of a VPC
  stacksmith.aws.ec2_vpc_flow_log_info:
    filters:
      resource-id: vpc-0123456789abcdef0
  register: vpc_flow_logs

- name: Describe one flow log
  stacksmith.aws.ec2_vpc_flow_log_info:
    flow_log_ids:
      - fl-0123456789abcdef0
  register: flow_log_info

- name: List the flow logs that publish to S3
  stacksmith.aws.ec2_vpc_flow_log_info:
    filters:
      log-destination-type: s3
"""

RETURN = r"""
flow_logs:
  description: The flow logs found, as described by EC2 C(DescribeFlowLogs).
  returned: always
  type: list
  elements: dict
  contains:
    flow_log_id:
      description: The ID of the flow log.
      returned: always
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The ID of the resource the flow log is attached to.
      returned: always
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: The type of traffic logged.
      returned: always
      type: str
      sample: ALL
    log_destination_type:
      description: The type of destination the flow log records are published to.
      returned: always
      type: str
      sample: cloud-watch-logs
    log_destination:
      description: The ARN of the destination.
      returned: when reported by AWS
      type: str
      sample: arn:aws:s3:::my-flow-log-bucket/production/
    log_group_name:
      description: The name of the CloudWatch Logs log group.
      returned: when the destination is CloudWatch Logs
      type: str
      sample: /vpc/flow-logs/production
    deliver_logs_permission_arn:
      description: The ARN of the IAM role used to publish to the destination.
      returned: when set
      type: str
      sample: arn:aws:iam::123456789012:role/vpc-flow-logs
    deliver_logs_status:
      description: The status of the logs delivery, V(SUCCESS) or V(FAILED).
      returned: always
      type: str
      sample: SUCCESS
    deliver_logs_error_message:
      description: Why delivery failed, when it failed.
      returned: when delivery failed
      type: str
      sample: Access error
    flow_log_status:
      description: The status of the flow log.
      returned: always
      type: str
      sample: ACTIVE
    creation_time:
      description: When the flow log was created.
      returned: always
      type: str
      sample: "2024-05-21T13:21:10.062000+00:00"
    log_format:
      description: The fields of the flow log records.
      returned: always
      type: str
      sample: >-
        ${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport}
        ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}
    max_aggregation_interval:
      description: The maximum aggregation interval, in seconds.
      returned: always
      type: int
      sample: 600
    destination_options:
      description: The format and partitioning of the log files.
      returned: when the destination is S3 and reported by AWS
      type: dict
      sample: {"file_format": "plain-text", "hive_compatible_partitions": false, "per_hour_partition": false}
    tags:
      description: The tags of the flow log.
      returned: always
      type: dict
      sample: {"Name": "production-vpc-flow-log"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.transformation import ansible_dict_to_boto3_filter_list
from ansible_collections.stacksmith.aws.plugins.module_utils.ec2_flow_log import (
    describe_flow_logs,
    format_flow_log,
)


def list_flow_logs(client, flow_log_ids=None, filters=None):
    params = {}
    if flow_log_ids:
        params["FlowLogIds"] = flow_log_ids
    if filters:
        params["Filter"] = ansible_dict_to_boto3_filter_list(filters)
    return [format_flow_log(flow_log) for flow_log in describe_flow_logs(client, **params)]


def main():
    argument_spec = {
        "flow_log_ids": {"type": "list", "elements": "str"},
        "filters": {"type": "dict", "default": {}},
    }

    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())

    try:
        flow_logs = list_flow_logs(client, module.params.get("flow_log_ids"), module.params.get("filters"))
    except AnsibleEC2Error as e:
        module.fail_json_aws_error(e)

    module.exit_json(changed=False, flow_logs=flow_logs)


if __name__ == "__main__":
    main()
