# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.cloudwatch_metric_alarms.

Every AWS call goes through botocore's Stubber on a real CloudWatch client (request shapes validated against the
API model and compared exactly), wrapped as AnsibleAWSModule wraps it; main() runs with the client patched in. A
call the test did not stub fails the test, so a test that stubs only the reads proves that no write was sent.
"""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import cloudwatch_metric_alarms as module_under_test
from botocore.stub import Stubber

OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
# Deliberately not in key order: requests must list tags sorted by key whatever the input order.
COMMON = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod"}
TOPIC = "arn:aws:sns:us-east-1:123456789012:shop-prod-alarms"
CPU = "shop-prod-api-cpu-high"
MEM = "shop-prod-api-memory-high"
OLD = "shop-prod-old"


def arn(name):
    return f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}"


def item(name=CPU, **overrides):
    result = {
        "name": name,
        "description": f"{name} above 80 %",
        "namespace": "AWS/ECS",
        "metric_name": "CPUUtilization",
        "statistic": "Average",
        "comparison": "GreaterThanThreshold",
        "threshold": 80,
        # Deliberately not in name order: the request lists dimensions by name.
        "dimensions": {"ServiceName": "shop-prod-api", "ClusterName": "shop-prod"},
        "evaluation_periods": 3,
        "treat_missing_data": "notBreaching",
        "alarm_actions": [TOPIC],
        "ok_actions": [TOPIC],
    }
    result.update(overrides)
    return result


def aws_alarm(name=CPU, **overrides):
    """The DescribeAlarms entry of item(name) as AWS returns it."""
    alarm = {
        "AlarmName": name,
        "AlarmArn": arn(name),
        "AlarmDescription": f"{name} above 80 %",
        "ActionsEnabled": True,
        "OKActions": [TOPIC],
        "AlarmActions": [TOPIC],
        "InsufficientDataActions": [],
        "StateValue": "INSUFFICIENT_DATA",
        "MetricName": "CPUUtilization",
        "Namespace": "AWS/ECS",
        "Statistic": "Average",
        "Dimensions": [
            {"Name": "ClusterName", "Value": "shop-prod"},
            {"Name": "ServiceName", "Value": "shop-prod-api"},
        ],
        "Period": 60,
        "EvaluationPeriods": 3,
        "Threshold": 80.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
    }
    alarm.update(overrides)
    return alarm


def tag_list(tags):
    return [{"Key": key, "Value": tags[key]} for key in sorted(tags)]


def put_request(name=CPU, tags=None, **overrides):
    request = {
        "AlarmName": name,
        "AlarmDescription": f"{name} above 80 %",
        "ActionsEnabled": True,
        "OKActions": [TOPIC],
        "AlarmActions": [TOPIC],
        "MetricName": "CPUUtilization",
        "Namespace": "AWS/ECS",
        "Statistic": "Average",
        "Dimensions": [
            {"Name": "ClusterName", "Value": "shop-prod"},
            {"Name": "ServiceName", "Value": "shop-prod-api"},
        ],
        "Period": 60,
        "EvaluationPeriods": 3,
        "Threshold": 80.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
    }
    request.update(overrides)
    if tags:
        request["Tags"] = tag_list(tags)
    return request


@pytest.fixture
def cloudwatch():
    client = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("tags", COMMON)
    args.setdefault("owner_tags", OWNER)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


def expect_describe(stubber, names, *alarms):
    stubber.add_response(
        "describe_alarms", {"MetricAlarms": list(alarms)}, {"AlarmNames": names, "AlarmTypes": ["MetricAlarm"]}
    )


def expect_tags(stubber, name, tags):
    stubber.add_response("list_tags_for_resource", {"Tags": tag_list(tags)}, {"ResourceARN": arn(name)})


def test_create_sends_one_put_with_sorted_tags_and_dimensions(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU])
    stubber.add_response("put_metric_alarm", {}, put_request(tags=COMMON))
    expect_describe(stubber, [CPU], aws_alarm())

    result = run(monkeypatch, capsys, client, config=[item()], _ansible_diff=True)

    assert result["changed"] is True
    assert result["created"] == [CPU]
    assert result["alarm_arns"] == {CPU: arn(CPU)}
    assert result["alarms"][0]["tags"] == dict(sorted(COMMON.items()))
    assert list(result["diff"]["after"]) == [CPU] and result["diff"]["before"] == {CPU: {}}


def test_a_converged_set_sends_no_write(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU, MEM], aws_alarm(), aws_alarm(MEM, MetricName="MemoryUtilization"))
    expect_tags(stubber, CPU, COMMON)
    expect_tags(stubber, MEM, COMMON)

    result = run(
        monkeypatch, capsys, client, config=[item(), item(MEM, metric_name="MemoryUtilization")], state="replaced"
    )

    assert result["changed"] is False
    assert result["created"] == result["updated"] == result["deleted"] == []
    assert [a["name"] for a in result["alarms"]] == [CPU, MEM]


def test_aws_default_treat_missing_data_counts_as_missing(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], aws_alarm(TreatMissingData="missing"))
    expect_tags(stubber, CPU, COMMON)

    config = [{k: v for k, v in item().items() if k != "treat_missing_data"}]
    result = run(monkeypatch, capsys, client, config=config)

    assert result["changed"] is False


def test_one_changed_field_rewrites_that_alarm_only_and_the_diff_names_it(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU, MEM], aws_alarm(), aws_alarm(MEM, MetricName="MemoryUtilization"))
    expect_tags(stubber, CPU, COMMON)
    expect_tags(stubber, MEM, COMMON)
    stubber.add_response("put_metric_alarm", {}, put_request(Threshold=90.0))

    result = run(
        monkeypatch,
        capsys,
        client,
        config=[item(threshold=90), item(MEM, metric_name="MemoryUtilization")],
        _ansible_diff=True,
    )

    assert result["updated"] == [CPU]
    assert result["diff"]["before"][CPU]["threshold"] == 80.0
    assert result["diff"]["after"][CPU]["threshold"] == 90.0
    assert list(result["diff"]["after"]) == [CPU]


def test_tags_alone_are_converged_without_rewriting_the_alarm(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], aws_alarm())
    expect_tags(stubber, CPU, {**OWNER, "environment": "dev", "extra": "x"})
    stubber.add_response("untag_resource", {}, {"ResourceARN": arn(CPU), "TagKeys": ["extra"]})
    stubber.add_response(
        "tag_resource", {}, {"ResourceARN": arn(CPU), "Tags": [{"Key": "environment", "Value": "prod"}]}
    )

    result = run(monkeypatch, capsys, client, config=[item()], state="replaced")

    assert result["updated"] == [CPU]
    assert result["alarms"][0]["tags"] == dict(sorted(COMMON.items()))


def test_merged_keeps_tags_not_named(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], aws_alarm())
    expect_tags(stubber, CPU, {**COMMON, "extra": "x"})

    result = run(monkeypatch, capsys, client, config=[item()], state="merged")

    assert result["changed"] is False
    assert result["alarms"][0]["tags"]["extra"] == "x"


def test_check_mode_makes_no_write_call(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU, MEM], aws_alarm())
    expect_tags(stubber, CPU, OWNER)

    result = run(
        monkeypatch,
        capsys,
        client,
        config=[item(threshold=95), item(MEM)],
        state="replaced",
        _ansible_check_mode=True,
    )

    assert result["changed"] is True
    assert result["created"] == [MEM] and result["updated"] == [CPU]
    assert result["alarm_arns"] == {CPU: arn(CPU), MEM: None}


def test_overridden_deletes_an_owned_unlisted_alarm_and_keeps_an_unowned_one(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    stubber.add_response(
        "describe_alarms",
        {"MetricAlarms": [aws_alarm(), aws_alarm(OLD), aws_alarm("shop-prod-theirs")]},
        {"AlarmNamePrefix": "shop-prod-", "AlarmTypes": ["MetricAlarm"]},
    )
    expect_tags(stubber, CPU, COMMON)
    expect_tags(stubber, OLD, OWNER)
    expect_tags(stubber, "shop-prod-theirs", {"stack": "other"})
    stubber.add_response("delete_alarms", {}, {"AlarmNames": [OLD]})

    result = run(monkeypatch, capsys, client, config=[item()], state="overridden", name_prefix="shop-prod-")

    assert result["deleted"] == [OLD]
    assert result["created"] == result["updated"] == []


def test_deleted_refuses_an_unowned_alarm_before_any_delete(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU, MEM], aws_alarm(), aws_alarm(MEM))
    expect_tags(stubber, CPU, OWNER)
    expect_tags(stubber, MEM, {"stack": "other"})

    result = run(monkeypatch, capsys, client, config=[{"name": CPU}, {"name": MEM}], state="deleted")

    assert result["failed"] is True
    assert result["msg"] == f"refusing to delete {MEM}: not owned (missing the owner tags); nothing was deleted"


def test_deleted_twice_deletes_once(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    expect_describe(stubber, [CPU], aws_alarm())
    expect_tags(stubber, CPU, OWNER)
    stubber.add_response("delete_alarms", {}, {"AlarmNames": [CPU]})
    expect_describe(stubber, [CPU])

    first = run(monkeypatch, capsys, client, config=[{"name": CPU}], state="deleted")
    second = run(monkeypatch, capsys, client, config=[{"name": CPU}], state="deleted")

    assert first["deleted"] == [CPU] and first["changed"] is True
    assert second["deleted"] == [] and second["changed"] is False


def test_gathered_returns_the_owned_alarms_only(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    stubber.add_response(
        "describe_alarms",
        {"MetricAlarms": [aws_alarm(), aws_alarm("shop-prod-theirs")]},
        {"AlarmNamePrefix": "shop-prod-", "AlarmTypes": ["MetricAlarm"]},
    )
    expect_tags(stubber, CPU, OWNER)
    expect_tags(stubber, "shop-prod-theirs", {"stack": "other"})

    result = run(monkeypatch, capsys, client, state="gathered", name_prefix="shop-prod-")

    assert [a["name"] for a in result["alarms"]] == [CPU]
    assert result["alarms"][0]["dimensions"] == {"ClusterName": "shop-prod", "ServiceName": "shop-prod-api"}


def test_rendered_makes_no_call_and_returns_the_put_requests(cloudwatch, monkeypatch, capsys):
    client, _stubber = cloudwatch

    result = run(monkeypatch, capsys, client, config=[item()], state="rendered")

    assert result["rendered"] == [{"action": "PutMetricAlarm", "request": put_request(tags=COMMON)}]


def test_every_incomplete_alarm_is_named_before_any_call(cloudwatch, monkeypatch, capsys):
    client, _stubber = cloudwatch

    result = run(
        monkeypatch,
        capsys,
        client,
        config=[{"name": CPU, "namespace": "AWS/ECS"}, item(MEM, extended_statistic="p99")],
    )

    assert result["msg"] == (
        f"alarms missing what PutMetricAlarm needs: {CPU}: metric_name, comparison, threshold, exactly one of "
        f"statistic / extended_statistic; {MEM}: exactly one of statistic / extended_statistic"
    )


def test_overridden_without_a_prefix_is_refused(cloudwatch, monkeypatch, capsys):
    client, _stubber = cloudwatch

    result = run(monkeypatch, capsys, client, config=[item()], state="overridden")

    assert "needs name_prefix" in result["msg"]


def test_the_tag_reads_run_through_run_concurrently(cloudwatch, monkeypatch, capsys):
    client, stubber = cloudwatch
    batches = []

    def recording(function, items):
        items = list(items)
        batches.append(items)
        return [function(entry) for entry in items]

    monkeypatch.setattr(module_under_test, "run_concurrently", recording)
    expect_describe(stubber, [CPU, MEM], aws_alarm(MEM, MetricName="MemoryUtilization"), aws_alarm())
    expect_tags(stubber, CPU, COMMON)
    expect_tags(stubber, MEM, COMMON)

    result = run(monkeypatch, capsys, client, config=[item(MEM, metric_name="MemoryUtilization"), item()])

    assert result["changed"] is False
    assert batches[0] == [[CPU, MEM]]
    assert [alarm["name"] for alarm in batches[1]] == [CPU, MEM]


def test_more_than_100_names_are_read_100_at_a_time():
    names = [f"a{i:03d}" for i in range(230)]
    assert [len(c) for c in module_under_test.chunks(names, module_under_test.NAMES_PER_CALL)] == [100, 100, 30]
