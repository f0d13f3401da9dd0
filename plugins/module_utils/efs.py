# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the stacksmith.aws EFS modules (efs_file_system, efs_access_point).

Tags are read from the describe results (DescribeFileSystems and DescribeAccessPoints return them) and written
with TagResource / UntagResource, never with the deprecated CreateTags / DeleteTags / DescribeTags calls.
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
)


def tags_of(resource):
    """The tags of a DescribeFileSystems / DescribeAccessPoints item as a dict."""
    return boto3_tag_list_to_ansible_dict(resource.get("Tags") or [])


def wanted_tags(name, tags):
    """The tags asked for, with the Name tag that identifies the resource. None when tags are not managed."""
    if tags is None:
        return None
    result = dict(tags)
    if name:
        result["Name"] = name
    return result


def create_tags(name, tags):
    """The tags a new resource is created with: the ones asked for, and always its Name tag."""
    result = dict(tags or {})
    if name:
        result["Name"] = name
    return result


def ensure_tags(client, check_mode, resource_id, current_tags, tags, purge_tags):
    """Applies tags/purge_tags to an EFS file system or access point. Returns True if something changed."""
    if tags is None:
        return False
    to_set, to_unset = compare_tags(current_tags, tags, purge_tags=purge_tags)
    if not to_set and not to_unset:
        return False
    if check_mode:
        return True
    if to_unset:
        client.untag_resource(aws_retry=True, ResourceId=resource_id, TagKeys=list(to_unset))
    if to_set:
        client.tag_resource(aws_retry=True, ResourceId=resource_id, Tags=boto3_tag_list(to_set))
    return True


def tag_list(tags):
    return boto3_tag_list(tags or {})


def describe_file_system(client, file_system_id):
    """The DescribeFileSystems item of one file system, or None if it does not exist (any more)."""
    try:
        result = client.describe_file_systems(aws_retry=True, FileSystemId=file_system_id)
    except is_boto3_error_code("FileSystemNotFound"):
        return None
    items = result.get("FileSystems") or []
    return items[0] if items else None


@AWSRetry.jittered_backoff()
def paginate(client, operation, **params):
    """The full result of a paginated describe call, retried as a whole on throttling."""
    return client.get_paginator(operation).paginate(**params).build_full_result()


def list_file_systems(client, **params):
    return paginate(client, "describe_file_systems", **params).get("FileSystems") or []


def list_mount_targets(client, file_system_id):
    """The mount targets of a file system (any state). [] if the file system does not exist."""
    try:
        return paginate(client, "describe_mount_targets", FileSystemId=file_system_id).get("MountTargets") or []
    except is_boto3_error_code("FileSystemNotFound"):
        return []
