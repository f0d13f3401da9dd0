# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by ec2_vpc_flow_log and ec2_vpc_flow_log_info: the describe call and the result format."""

from __future__ import annotations

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict


class EC2FlowLogErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleEC2Error

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("InvalidFlowLogId.NotFound")


@EC2FlowLogErrorHandler.list_error_handler("describe flow logs", [])
@AWSRetry.jittered_backoff()
def describe_flow_logs(client, **params):
    """All DescribeFlowLogs items for `params` (paginated); [] when an id is not found."""
    paginator = client.get_paginator("describe_flow_logs")
    return paginator.paginate(**params).build_full_result()["FlowLogs"]


def format_flow_log(flow_log):
    """A DescribeFlowLogs item as the modules return it: snake_case with tags as a dict."""
    if not flow_log:
        return {}
    result = camel_dict_to_snake_dict(flow_log, ignore_list=["Tags"])
    result["tags"] = boto3_tag_list_to_ansible_dict(flow_log.get("Tags") or [])
    return result
