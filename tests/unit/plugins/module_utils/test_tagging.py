# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for plugins/module_utils/tagging.py: tag comparisons and requests in a deterministic order."""

import json
import os
import subprocess
import sys

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils import tagging
from botocore.stub import Stubber

RESOURCE = "fl-0123456789abcdef0"
# Enough keys that set order and sorted order differ for almost every hash seed.
WANTED = {"stack": "s", "managed-by": "stacksmith", "environment": "prod", "architecture": "a", "Name": "n", "b": "1"}


@pytest.mark.parametrize(
    ("current", "wanted", "purge", "to_set", "to_unset"),
    [
        ({}, WANTED, True, dict(sorted(WANTED.items())), []),
        ({"stack": "s", "z": "1", "a": "2"}, {"stack": "s"}, True, {}, ["a", "z"]),
        ({"stack": "s", "z": "1", "a": "2"}, {"stack": "s"}, False, {}, []),
        ({"stack": "old", "aws:cloudformation:stack-name": "x"}, {"stack": "new"}, True, {"stack": "new"}, []),
        ({"n": "1"}, {"n": 1}, True, {}, []),  # values compare as text, as AWS stores them
    ],
)
def test_compare_tags(current, wanted, purge, to_set, to_unset):
    got_set, got_unset = tagging.compare_tags(current, wanted, purge_tags=purge)
    assert got_set == to_set
    assert list(got_set) == sorted(got_set)
    assert got_unset == to_unset


@pytest.mark.parametrize(
    ("current", "wanted", "purge", "expected"),
    [
        ({"b": "1", "a": "2"}, None, True, {"a": "2", "b": "1"}),
        ({"b": "1", "a": "2"}, {"a": "3"}, True, {"a": "3"}),
        ({"b": "1", "a": "2"}, {"c": "3"}, False, {"a": "2", "b": "1", "c": "3"}),
        ({"a": "1", "aws:cloudformation:stack-name": "s"}, {}, True, {"aws:cloudformation:stack-name": "s"}),
    ],
)
def test_updated_tags_sorted(current, wanted, purge, expected):
    result = tagging.updated_tags(current, wanted, purge)
    assert result == expected
    assert list(result) == sorted(result)


def test_boto3_tag_list_sorted_with_service_key_names():
    assert tagging.boto3_tag_list({"stack": "s", "Name": "n", "n": 1}) == [
        {"Key": "Name", "Value": "n"},
        {"Key": "n", "Value": "1"},
        {"Key": "stack", "Value": "s"},
    ]
    assert tagging.boto3_tag_list({"b": "2", "a": "1"}, "key", "value") == [
        {"key": "a", "value": "1"},
        {"key": "b", "value": "2"},
    ]
    assert tagging.boto3_tag_list(None) == []


def test_requests_do_not_depend_on_the_hash_seed():
    """The same comparison in processes with different PYTHONHASHSEEDs gives byte-identical requests (the amazon.aws
    helper this wraps does not: its order follows the seed)."""
    code = (
        "import json, sys\n"
        "from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import boto3_tag_list, compare_tags\n"
        f"to_set, to_unset = compare_tags({{'old': '1', 'zeta': '2', 'alpha': '3'}}, {json.dumps(WANTED)})\n"
        "print(json.dumps([boto3_tag_list(to_set), to_unset]))\n"
    )
    outputs = set()
    for seed in ("0", "1", "2", "8", "9"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    tags, unset = json.loads(outputs.pop())
    assert [tag["Key"] for tag in tags] == sorted(WANTED)
    assert unset == ["alpha", "old", "zeta"]


@pytest.fixture
def ec2():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def test_ensure_ec2_tags_one_delete_and_one_create_in_sorted_order(ec2):
    client, stubber = ec2
    stubber.add_response("delete_tags", {}, {"Resources": [RESOURCE], "Tags": [{"Key": "a"}, {"Key": "z"}]})
    stubber.add_response("create_tags", {}, {"Resources": [RESOURCE], "Tags": tagging.boto3_tag_list(WANTED)})
    changed = tagging.ensure_ec2_tags(client, False, RESOURCE, {"z": "1", "a": "2", "stack": "old"}, WANTED, True)
    assert changed is True


def test_ensure_ec2_tags_converged_or_unmanaged_calls_nothing(ec2):
    client, _stubber = ec2  # any call would fail: nothing is queued
    assert tagging.ensure_ec2_tags(client, False, RESOURCE, dict(WANTED), WANTED, True) is False
    assert tagging.ensure_ec2_tags(client, False, RESOURCE, {"x": "1"}, None, True) is False


def test_ensure_ec2_tags_check_mode_reports_without_writing(ec2):
    client, _stubber = ec2
    assert tagging.ensure_ec2_tags(client, True, RESOURCE, {"x": "1"}, WANTED, True) is True


def test_described_tags_sorted_dict_of_a_describe_item():
    assert list(tagging.described_tags({"Tags": [{"Key": "z", "Value": "1"}, {"Key": "a", "Value": "2"}]}).items()) == [
        ("a", "2"),
        ("z", "1"),
    ]
    assert tagging.described_tags({}) == {}
