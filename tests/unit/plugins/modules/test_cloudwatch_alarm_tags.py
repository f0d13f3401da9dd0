# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.cloudwatch_alarm_tags.

Every AWS call goes through botocore's Stubber on a real CloudWatch client, so request parameters are validated
against the CloudWatch API model and compared exactly with the expected ones. The client is wrapped the way
AnsibleAWSModule wraps it when a retry decorator is given, so the module's aws_retry=True calls are exercised.
A write call that is not queued fails the test, which proves check mode and re-runs write nothing.
"""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import cloudwatch_alarm_tags as module_under_test
from botocore.stub import Stubber

PREFIX = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"
CPU = "shop-prod-cpu"
MEM = "shop-prod-memory"
ALARM_TYPES = ["MetricAlarm", "CompositeAlarm"]
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}


@pytest.fixture
def cloudwatch():
    client = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def tag_list(tags):
    """The tag list the module sends: sorted by key, whatever the order of the dict (and of the hash seed)."""
    return [{"Key": key, "Value": tags[key]} for key in sorted(tags)]


def expect_describe(stubber, names, found, composite=()):
    stubber.add_response(
        "describe_alarms",
        {
            "MetricAlarms": [{"AlarmName": name, "AlarmArn": PREFIX + name} for name in found],
            "CompositeAlarms": [{"AlarmName": name, "AlarmArn": PREFIX + name} for name in composite],
        },
        {"AlarmNames": names, "AlarmTypes": ALARM_TYPES},
    )


def expect_list_tags(stubber, name, tags):
    stubber.add_response("list_tags_for_resource", {"Tags": tag_list(tags)}, {"ResourceARN": PREFIX + name})


def expect_tag(stubber, name, tags):
    stubber.add_response("tag_resource", {}, {"ResourceARN": PREFIX + name, "Tags": tag_list(tags)})


def expect_untag(stubber, name, keys):
    stubber.add_response("untag_resource", {}, {"ResourceARN": PREFIX + name, "TagKeys": keys})


def run_main(monkeypatch, capsys, client, args, failed=False):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)
    assert bool(result.get("failed")) is failed, result
    return result


def test_tags_untagged_alarms(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU, MEM], [CPU, MEM])
    expect_list_tags(stubber, CPU, {})
    expect_tag(stubber, CPU, OWNER)
    expect_list_tags(stubber, MEM, {"team": "ops"})
    expect_tag(stubber, MEM, OWNER)

    result = run_main(monkeypatch, capsys, client, {"alarm_names": [CPU, MEM], "tags": OWNER, "_ansible_diff": True})

    assert result["changed"] is True
    assert result["alarms"] == [
        {"alarm_name": CPU, "alarm_arn": PREFIX + CPU, "tags": OWNER},
        {"alarm_name": MEM, "alarm_arn": PREFIX + MEM, "tags": {"team": "ops", **OWNER}},
    ]
    assert result["diff"]["before"] == {CPU: {}, MEM: {"team": "ops"}}
    assert result["diff"]["after"][MEM] == {"team": "ops", **OWNER}


def test_check_mode_writes_nothing(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], [CPU])
    expect_list_tags(stubber, CPU, {"stack": "old"})

    result = run_main(
        monkeypatch,
        capsys,
        client,
        {"alarm_names": [CPU], "tags": OWNER, "_ansible_check_mode": True, "_ansible_diff": True},
    )

    assert result["changed"] is True
    assert result["alarms"][0]["tags"] == OWNER
    assert result["diff"] == {"before": {CPU: {"stack": "old"}}, "after": {CPU: OWNER}}


def test_rerun_is_unchanged_without_writes(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], [CPU])
    expect_list_tags(stubber, CPU, {**OWNER, "extra": "kept"})

    result = run_main(monkeypatch, capsys, client, {"alarm_names": [CPU], "tags": OWNER})

    assert result["changed"] is False
    assert result["alarms"][0]["tags"] == {**OWNER, "extra": "kept"}
    assert "diff" not in result


def test_update_value_only_sends_changed_keys(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], [CPU])
    expect_list_tags(stubber, CPU, {"stack": "shop-prod", "managed-by": "someone"})
    expect_tag(stubber, CPU, {"managed-by": "stacksmith"})

    result = run_main(monkeypatch, capsys, client, {"alarm_names": [CPU], "tags": OWNER})

    assert result["changed"] is True
    assert result["alarms"][0]["tags"] == OWNER


def test_purge_removes_other_keys_but_not_aws_reserved(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], [CPU])
    expect_list_tags(stubber, CPU, {**OWNER, "extra": "x", "aws:cloudformation:stack-name": "s"})
    expect_untag(stubber, CPU, ["extra"])

    result = run_main(monkeypatch, capsys, client, {"alarm_names": [CPU], "tags": OWNER, "purge_tags": True})

    assert result["changed"] is True
    assert result["alarms"][0]["tags"] == {**OWNER, "aws:cloudformation:stack-name": "s"}


def test_resource_arns_and_composite_alarms(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU, "with:colon"], [CPU], composite=["with:colon"])
    expect_list_tags(stubber, CPU, OWNER)
    expect_list_tags(stubber, "with:colon", OWNER)

    result = run_main(
        monkeypatch,
        capsys,
        client,
        {"resource_arns": [PREFIX + CPU, PREFIX + "with:colon"], "tags": OWNER},
    )

    assert result["changed"] is False
    assert [alarm["alarm_name"] for alarm in result["alarms"]] == [CPU, "with:colon"]


def test_missing_alarms_fail_before_any_write(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU, MEM], [CPU])

    result = run_main(monkeypatch, capsys, client, {"alarm_names": [CPU, MEM], "tags": OWNER}, failed=True)

    assert MEM in result["msg"]
    assert CPU + "," not in result["msg"]


def test_arn_of_another_region_fails(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], [CPU])
    other = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:" + CPU

    result = run_main(monkeypatch, capsys, client, {"resource_arns": [other], "tags": OWNER}, failed=True)

    assert other in result["msg"]


def test_not_an_alarm_arn_fails_without_calls(cloudwatch, monkeypatch, capsys):
    client, _stubber = cloudwatch

    result = run_main(
        monkeypatch, capsys, client, {"resource_arns": ["arn:aws:sns:us-east-1:1:topic"], "tags": OWNER}, failed=True
    )

    assert "not a CloudWatch alarm ARN" in result["msg"]


def test_empty_list_makes_no_call(cloudwatch, monkeypatch, capsys):
    client, _stubber = cloudwatch

    result = run_main(monkeypatch, capsys, client, {"alarm_names": [], "tags": OWNER})

    assert result == {"changed": False, "alarms": [], "invocation": result["invocation"]}


def test_describe_is_batched_by_100(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    names = [f"alarm-{index:03d}" for index in range(101)]
    expect_describe(stubber, names[:100], names[:100])
    expect_describe(stubber, names[100:], names[100:])
    for name in names:
        expect_list_tags(stubber, name, OWNER)

    result = run_main(monkeypatch, capsys, client, {"alarm_names": names, "tags": OWNER})

    assert result["changed"] is False
    assert len(result["alarms"]) == 101


def test_alarm_names_and_resource_arns_are_exclusive(cloudwatch, monkeypatch, capsys):
    client, _stubber = cloudwatch

    result = run_main(
        monkeypatch, capsys, client, {"alarm_names": [CPU], "resource_arns": [PREFIX + CPU], "tags": OWNER}, failed=True
    )

    assert "mutually exclusive" in result["msg"]


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        (PREFIX + CPU, CPU),
        (PREFIX + "a:b", "a:b"),
        ("arn:aws:cloudwatch:us-east-1:123456789012:dashboard/x", None),
        (PREFIX, None),
        ("not-an-arn", None),
    ],
)
def test_alarm_name_from_arn(arn, name):
    assert module_under_test.alarm_name_from_arn(arn) == name
