# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ec2_vpc_flow_log and ec2_vpc_flow_log_info.

Every AWS call goes through botocore's Stubber on a real EC2 client, so request parameters are validated against
the EC2 API model and compared exactly with the expected ones. The client is wrapped the way AnsibleAWSModule wraps
it when a retry decorator is given, so the module's aws_retry=True calls are exercised.
"""

# tests/conftest.py puts .collections on sys.path, which makes this collection importable as
# ansible_collections.stacksmith.aws next to amazon.aws in site-packages.
import datetime
import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import ec2_vpc_flow_log as flow_log_module
from ansible_collections.stacksmith.aws.plugins.modules import ec2_vpc_flow_log_info as info_module
from botocore.stub import ANY, Stubber

VPC_ID = "vpc-0123456789abcdef0"
SUBNET_ID = "subnet-0123456789abcdef0"
FLOW_LOG_ID = "fl-0123456789abcdef0"
OTHER_FLOW_LOG_ID = "fl-0fedcba9876543210"
ROLE_ARN = "arn:aws:iam::123456789012:role/vpc-flow-logs"
LOG_GROUP = "/vpc/flow-logs"
LOG_GROUP_ARN = f"arn:aws:logs:us-east-1:123456789012:log-group:{LOG_GROUP}"
BUCKET_ARN = "arn:aws:s3:::flow-log-bucket/vpc/"
DEFAULT_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)
CREATED = datetime.datetime(2024, 5, 21, 13, 21, 10, tzinfo=datetime.UTC)
RESOURCE_FILTER = [{"Name": "resource-id", "Values": [VPC_ID]}]


class FakeModule:
    """The parts of AnsibleAWSModule that ensure_present and ensure_absent use."""

    def __init__(self, check_mode=False):
        self.check_mode = check_mode

    def fail_json_aws(self, exception, msg=None, **kwargs):
        raise AssertionError(f"fail_json_aws called: {msg}: {exception}")


@pytest.fixture
def ec2():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def no_sleep(monkeypatch):
    sleeps = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    return sleeps


def cwl_flow_log(**overrides):
    """A cloud-watch-logs flow log as DescribeFlowLogs reports it."""
    flow_log = {
        "CreationTime": CREATED,
        "DeliverLogsPermissionArn": ROLE_ARN,
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogId": FLOW_LOG_ID,
        "FlowLogStatus": "ACTIVE",
        "LogGroupName": LOG_GROUP,
        "ResourceId": VPC_ID,
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogDestination": LOG_GROUP_ARN,
        "LogFormat": DEFAULT_FORMAT,
        "Tags": [],
        "MaxAggregationInterval": 600,
    }
    flow_log.update(overrides)
    return {key: value for key, value in flow_log.items() if value is not None}


def s3_flow_log(**overrides):
    """An s3 flow log as DescribeFlowLogs reports it."""
    flow_log = {
        "CreationTime": CREATED,
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogId": FLOW_LOG_ID,
        "FlowLogStatus": "ACTIVE",
        "ResourceId": VPC_ID,
        "TrafficType": "ALL",
        "LogDestinationType": "s3",
        "LogDestination": BUCKET_ARN,
        "LogFormat": DEFAULT_FORMAT,
        "Tags": [],
        "MaxAggregationInterval": 600,
        "DestinationOptions": {
            "FileFormat": "plain-text",
            "HiveCompatiblePartitions": False,
            "PerHourPartition": False,
        },
    }
    flow_log.update(overrides)
    return {key: value for key, value in flow_log.items() if value is not None}


def params(**overrides):
    """Module parameters as AnsibleModule hands them over (defaults applied, unset options None)."""
    result = {
        "state": "present",
        "resource_id": VPC_ID,
        "resource_type": "VPC",
        "traffic_type": "ALL",
        "log_destination_type": "cloud-watch-logs",
        "log_group_name": LOG_GROUP,
        "log_destination": None,
        "deliver_logs_permission_arn": ROLE_ARN,
        "log_format": None,
        "max_aggregation_interval": 600,
        "destination_options": None,
        "tags": None,
        "purge_tags": True,
    }
    result.update(overrides)
    return result


def s3_params(**overrides):
    values = {
        "log_destination_type": "s3",
        "log_group_name": None,
        "log_destination": BUCKET_ARN,
        "deliver_logs_permission_arn": None,
    }
    values.update(overrides)
    return params(**values)


def expect_describe(stubber, flow_logs, request=None, next_token=None):
    """Queues a DescribeFlowLogs response; the request defaults to the resource-id filter find_flow_log sends."""
    request = {"Filter": RESOURCE_FILTER} if request is None else request
    response = {"FlowLogs": flow_logs}
    if next_token:
        response["NextToken"] = next_token
    stubber.add_response("describe_flow_logs", response, request)


# ---------------------------------------------------------------------------------------------------------------------
# find_flow_log


def test_find_returns_the_flow_log_with_the_same_destination(ec2):
    client, stubber = ec2
    other = cwl_flow_log(
        FlowLogId=OTHER_FLOW_LOG_ID,
        LogGroupName="/other",
        LogDestination="arn:aws:logs:us-east-1:123456789012:log-group:/other",
    )
    wanted = cwl_flow_log()
    expect_describe(stubber, [other, wanted])

    assert flow_log_module.find_flow_log(client, VPC_ID, "cloud-watch-logs", LOG_GROUP) == wanted


def test_find_returns_none_without_flow_logs(ec2):
    client, stubber = ec2
    expect_describe(stubber, [])

    assert flow_log_module.find_flow_log(client, VPC_ID, "cloud-watch-logs", LOG_GROUP) is None


@pytest.mark.parametrize(
    "existing",
    [
        pytest.param(
            cwl_flow_log(LogGroupName="/other", LogDestination="arn:aws:logs:us-east-1:123456789012:log-group:/other"),
            id="other-log-group",
        ),
        pytest.param(s3_flow_log(LogDestination="arn:aws:s3:::flow-log-bucket"), id="s3-destination"),
        pytest.param(
            cwl_flow_log(LogDestinationType="kinesis-data-firehose", LogGroupName=None, LogDestination=LOG_GROUP_ARN),
            id="other-destination-type",
        ),
        pytest.param(cwl_flow_log(ResourceId="vpc-0aaaaaaaaaaaaaaaa"), id="other-resource"),
    ],
)
def test_find_ignores_flow_logs_with_another_destination(ec2, existing):
    client, stubber = ec2
    expect_describe(stubber, [existing])

    assert flow_log_module.find_flow_log(client, VPC_ID, "cloud-watch-logs", LOG_GROUP) is None


def test_find_follows_pagination(ec2):
    client, stubber = ec2
    other = s3_flow_log(FlowLogId=OTHER_FLOW_LOG_ID)
    wanted = cwl_flow_log()
    expect_describe(stubber, [other], next_token="page-2")
    expect_describe(stubber, [wanted], request={"Filter": RESOURCE_FILTER, "NextToken": "page-2"})

    assert flow_log_module.find_flow_log(client, VPC_ID, "cloud-watch-logs", LOG_GROUP) == wanted


@pytest.mark.parametrize(
    ("existing", "destination_type", "group_name", "destination"),
    [
        pytest.param(cwl_flow_log(), "cloud-watch-logs", None, LOG_GROUP_ARN, id="group-arn-wanted"),
        pytest.param(cwl_flow_log(), "cloud-watch-logs", None, LOG_GROUP_ARN + ":*", id="group-arn-star-wanted"),
        pytest.param(cwl_flow_log(LogDestination=None), "cloud-watch-logs", LOG_GROUP, None, id="no-arn-reported"),
        pytest.param(
            cwl_flow_log(LogGroupName=None), "cloud-watch-logs", LOG_GROUP, None, id="only-group-arn-reported"
        ),
        pytest.param(s3_flow_log(), "s3", None, BUCKET_ARN.rstrip("/"), id="s3-trailing-slash"),
        pytest.param(cwl_flow_log(LogDestinationType=None), "cloud-watch-logs", LOG_GROUP, None, id="no-type"),
    ],
)
def test_find_matches_equivalent_destinations(ec2, existing, destination_type, group_name, destination):
    client, stubber = ec2
    expect_describe(stubber, [existing])

    found = flow_log_module.find_flow_log(client, VPC_ID, destination_type, group_name, destination)

    assert found == existing


def test_find_fails_on_duplicate_matches(ec2):
    client, stubber = ec2
    expect_describe(stubber, [cwl_flow_log(), cwl_flow_log(FlowLogId=OTHER_FLOW_LOG_ID)])

    with pytest.raises(
        AnsibleEC2Error, match=f"more than one flow log on {VPC_ID}.*{FLOW_LOG_ID}, {OTHER_FLOW_LOG_ID}"
    ):
        flow_log_module.find_flow_log(client, VPC_ID, "cloud-watch-logs", LOG_GROUP)


# ---------------------------------------------------------------------------------------------------------------------
# create_flow_log


def test_create_cloudwatch_logs_request(ec2):
    client, stubber = ec2
    stubber.add_response(
        "create_flow_logs",
        {"ClientToken": "token-1", "FlowLogIds": [FLOW_LOG_ID], "Unsuccessful": []},
        {
            "ResourceIds": [VPC_ID],
            "ResourceType": "VPC",
            "TrafficType": "REJECT",
            "LogDestinationType": "cloud-watch-logs",
            "MaxAggregationInterval": 60,
            "ClientToken": "token-1",
            "LogGroupName": LOG_GROUP,
            "DeliverLogsPermissionArn": ROLE_ARN,
            "LogFormat": "${srcaddr} ${dstaddr}",
            "TagSpecifications": [
                {
                    "ResourceType": "vpc-flow-log",
                    "Tags": [{"Key": "Name", "Value": "vpc-flow-log"}, {"Key": "env", "Value": "prod"}],
                }
            ],
        },
    )

    flow_log_id = flow_log_module.create_flow_log(
        client,
        params(
            traffic_type="REJECT",
            max_aggregation_interval=60,
            log_format="${srcaddr} ${dstaddr}",
            tags={"Name": "vpc-flow-log", "env": "prod"},
        ),
        client_token="token-1",
    )

    assert flow_log_id == FLOW_LOG_ID


def test_create_s3_request_with_destination_options(ec2):
    client, stubber = ec2
    stubber.add_response(
        "create_flow_logs",
        {"FlowLogIds": [FLOW_LOG_ID], "Unsuccessful": []},
        {
            "ResourceIds": [SUBNET_ID],
            "ResourceType": "Subnet",
            "TrafficType": "ALL",
            "LogDestinationType": "s3",
            "MaxAggregationInterval": 600,
            "ClientToken": "token-2",
            "LogDestination": BUCKET_ARN,
            "DestinationOptions": {"FileFormat": "parquet", "PerHourPartition": True},
        },
    )

    flow_log_id = flow_log_module.create_flow_log(
        client,
        s3_params(
            resource_id=SUBNET_ID,
            resource_type="Subnet",
            destination_options={
                "file_format": "parquet",
                "hive_compatible_partitions": None,
                "per_hour_partition": True,
            },
        ),
        client_token="token-2",
    )

    assert flow_log_id == FLOW_LOG_ID


def test_create_reports_unsuccessful_items(ec2):
    client, stubber = ec2
    stubber.add_response(
        "create_flow_logs",
        {
            "FlowLogIds": [],
            "Unsuccessful": [
                {
                    "ResourceId": VPC_ID,
                    "Error": {"Code": "400", "Message": "LogDestination: flow-log-bucket does not exist."},
                }
            ],
        },
        {
            "ResourceIds": [VPC_ID],
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "s3",
            "MaxAggregationInterval": 600,
            "ClientToken": "token-3",
            "LogDestination": BUCKET_ARN,
        },
    )

    with pytest.raises(AnsibleEC2Error) as excinfo:
        flow_log_module.create_flow_log(client, s3_params(), client_token="token-3")

    assert excinfo.value.message == (
        f"Failed to create flow log: {VPC_ID}: LogDestination: flow-log-bucket does not exist. (400)"
    )


def test_create_retries_throttled_calls(ec2, no_sleep):
    client, stubber = ec2
    request = {
        "ResourceIds": [VPC_ID],
        "ResourceType": "VPC",
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "MaxAggregationInterval": 600,
        "ClientToken": "token-4",
        "LogGroupName": LOG_GROUP,
        "DeliverLogsPermissionArn": ROLE_ARN,
    }
    stubber.add_client_error("create_flow_logs", "RequestLimitExceeded", expected_params=request)
    stubber.add_response("create_flow_logs", {"FlowLogIds": [FLOW_LOG_ID], "Unsuccessful": []}, request)

    assert flow_log_module.create_flow_log(client, params(), client_token="token-4") == FLOW_LOG_ID
    assert len(no_sleep) == 1


def test_create_raises_client_errors(ec2):
    client, stubber = ec2
    stubber.add_client_error("create_flow_logs", "InvalidVpcID.NotFound", "VpcID vpc-0123456789abcdef0 does not exist")

    with pytest.raises(AnsibleEC2Error) as excinfo:
        flow_log_module.create_flow_log(client, params(), client_token="token-5")

    assert excinfo.value.message == "Failed to create flow log"
    assert excinfo.value.exception.response["Error"]["Code"] == "InvalidVpcID.NotFound"


# ---------------------------------------------------------------------------------------------------------------------
# compare_flow_log / normalisation


@pytest.mark.parametrize(
    ("existing", "wanted"),
    [
        pytest.param(cwl_flow_log(), params(), id="cwl-defaults"),
        pytest.param(cwl_flow_log(), params(log_format=DEFAULT_FORMAT), id="explicit-default-format"),
        pytest.param(
            cwl_flow_log(LogFormat="${srcaddr}  ${dstaddr}"), params(log_format="${srcaddr} ${dstaddr}"), id="spacing"
        ),
        pytest.param(cwl_flow_log(LogFormat="${srcaddr} ${dstaddr}"), params(), id="format-not-given"),
        pytest.param(
            cwl_flow_log(LogFormat=None, MaxAggregationInterval=None, TrafficType=None),
            params(),
            id="defaults-not-reported",
        ),
        pytest.param(s3_flow_log(), s3_params(), id="s3-defaults"),
        pytest.param(s3_flow_log(DestinationOptions=None), s3_params(), id="s3-options-not-reported"),
        pytest.param(
            s3_flow_log(DestinationOptions=None),
            s3_params(
                destination_options={
                    "file_format": "plain-text",
                    "hive_compatible_partitions": False,
                    "per_hour_partition": None,
                }
            ),
            id="s3-default-options-given",
        ),
        pytest.param(
            s3_flow_log(
                DestinationOptions={"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": True}
            ),
            s3_params(
                destination_options={
                    "file_format": "parquet",
                    "hive_compatible_partitions": None,
                    "per_hour_partition": None,
                }
            ),
            id="s3-suboption-not-given",
        ),
        pytest.param(s3_flow_log(DeliverLogsPermissionArn=ROLE_ARN), s3_params(), id="role-not-given"),
    ],
)
def test_compare_reports_no_difference_for_aws_defaults(existing, wanted):
    assert flow_log_module.compare_flow_log(existing, wanted) == []


@pytest.mark.parametrize(
    ("existing", "wanted", "difference"),
    [
        pytest.param(cwl_flow_log(), params(traffic_type="REJECT"), ("traffic_type", "ALL", "REJECT"), id="traffic"),
        pytest.param(
            cwl_flow_log(),
            params(max_aggregation_interval=60),
            ("max_aggregation_interval", 600, 60),
            id="interval",
        ),
        pytest.param(
            cwl_flow_log(),
            params(log_format="${srcaddr}"),
            ("log_format", DEFAULT_FORMAT, "${srcaddr}"),
            id="format",
        ),
        pytest.param(
            cwl_flow_log(),
            params(deliver_logs_permission_arn="arn:aws:iam::123456789012:role/other"),
            ("deliver_logs_permission_arn", ROLE_ARN, "arn:aws:iam::123456789012:role/other"),
            id="role",
        ),
        pytest.param(
            s3_flow_log(DestinationOptions=None),
            s3_params(
                destination_options={
                    "file_format": "parquet",
                    "hive_compatible_partitions": None,
                    "per_hour_partition": None,
                }
            ),
            ("destination_options.file_format", "plain-text", "parquet"),
            id="file-format",
        ),
        pytest.param(
            s3_flow_log(),
            s3_params(
                destination_options={
                    "file_format": None,
                    "hive_compatible_partitions": None,
                    "per_hour_partition": True,
                }
            ),
            ("destination_options.per_hour_partition", False, True),
            id="per-hour",
        ),
    ],
)
def test_compare_reports_immutable_differences(existing, wanted, difference):
    assert flow_log_module.compare_flow_log(existing, wanted) == [difference]


def test_immutable_error_message_names_attribute_and_values():
    message = flow_log_module.immutable_error_message(
        FLOW_LOG_ID, [("traffic_type", "ALL", "REJECT"), ("max_aggregation_interval", 600, 60)]
    )

    assert message == (
        f"Flow log {FLOW_LOG_ID} cannot be modified: traffic_type is 'ALL' but 'REJECT' was requested; "
        "max_aggregation_interval is 600 but 60 was requested. Flow logs are immutable apart from their tags; "
        "delete the flow log (state=absent) and create it again to change these attributes."
    )


# ---------------------------------------------------------------------------------------------------------------------
# ensure_present


def test_present_creates_flow_log(ec2):
    client, stubber = ec2
    expect_describe(stubber, [])
    stubber.add_response(
        "create_flow_logs",
        {"FlowLogIds": [FLOW_LOG_ID], "Unsuccessful": []},
        {
            "ResourceIds": [VPC_ID],
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "cloud-watch-logs",
            "MaxAggregationInterval": 600,
            "ClientToken": ANY,
            "LogGroupName": LOG_GROUP,
            "DeliverLogsPermissionArn": ROLE_ARN,
            "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": "fl"}]}],
        },
    )
    created = cwl_flow_log(Tags=[{"Key": "Name", "Value": "fl"}])
    expect_describe(stubber, [created], request={"FlowLogIds": [FLOW_LOG_ID]})

    result = flow_log_module.ensure_present(client, FakeModule(), params(tags={"Name": "fl"}))

    assert result["changed"] is True
    assert result["flow_log_id"] == FLOW_LOG_ID
    assert result["flow_log"]["flow_log_id"] == FLOW_LOG_ID
    assert result["flow_log"]["log_group_name"] == LOG_GROUP
    assert result["flow_log"]["tags"] == {"Name": "fl"}
    assert result["diff"] == {"before": {}, "after": result["flow_log"]}


def test_present_waits_for_new_flow_log(ec2, no_sleep):
    client, stubber = ec2
    expect_describe(stubber, [], request={"FlowLogIds": [FLOW_LOG_ID]})
    expect_describe(stubber, [cwl_flow_log()], request={"FlowLogIds": [FLOW_LOG_ID]})

    assert flow_log_module.wait_for_flow_log(client, FLOW_LOG_ID) == cwl_flow_log()
    assert no_sleep == [flow_log_module.CREATE_WAIT_FIRST_DELAY]


def test_a_flow_log_never_returned_fails_naming_it(ec2, no_sleep, monkeypatch):
    client, stubber = ec2
    clock = iter(range(0, 1000, 10))  # every read 10 s later: the 30 s timeout ends after a few reads
    monkeypatch.setattr("time.monotonic", lambda: next(clock))
    for _attempt in range(3):
        expect_describe(stubber, [], request={"FlowLogIds": [FLOW_LOG_ID]})

    with pytest.raises(flow_log_module.AnsibleEC2Error, match=f"Flow log {FLOW_LOG_ID} was created but Timed out"):
        flow_log_module.wait_for_flow_log(client, FLOW_LOG_ID)


def test_present_check_mode_create_makes_no_write_call(ec2):
    client, stubber = ec2
    expect_describe(stubber, [])

    result = flow_log_module.ensure_present(client, FakeModule(check_mode=True), s3_params(tags={"a": "b"}))

    assert result["changed"] is True
    assert result["flow_log_id"] is None
    assert result["flow_log"] == {
        "resource_id": VPC_ID,
        "traffic_type": "ALL",
        "log_destination_type": "s3",
        "log_destination": BUCKET_ARN,
        "log_format": DEFAULT_FORMAT,
        "max_aggregation_interval": 600,
        "destination_options": {
            "file_format": "plain-text",
            "hive_compatible_partitions": False,
            "per_hour_partition": False,
        },
        "tags": {"a": "b"},
    }


@pytest.mark.parametrize("check_mode", [False, True])
def test_present_existing_flow_log_unchanged(ec2, check_mode):
    client, stubber = ec2
    existing = cwl_flow_log(Tags=[{"Key": "Name", "Value": "fl"}])
    expect_describe(stubber, [existing])

    result = flow_log_module.ensure_present(client, FakeModule(check_mode), params(tags={"Name": "fl"}))

    assert result["changed"] is False
    assert result["flow_log_id"] == FLOW_LOG_ID
    assert result["flow_log"]["tags"] == {"Name": "fl"}
    assert result["flow_log"]["log_format"] == DEFAULT_FORMAT
    assert result["diff"]["before"] == result["diff"]["after"]


def test_present_without_tags_does_not_touch_tags(ec2):
    client, stubber = ec2
    expect_describe(stubber, [cwl_flow_log(Tags=[{"Key": "Name", "Value": "fl"}])])

    result = flow_log_module.ensure_present(client, FakeModule(), params(tags=None))

    assert result["changed"] is False
    assert result["flow_log"]["tags"] == {"Name": "fl"}


def test_present_updates_tags(ec2):
    client, stubber = ec2
    existing = cwl_flow_log(Tags=[{"Key": "Name", "Value": "old"}, {"Key": "stale", "Value": "x"}])
    expect_describe(stubber, [existing])
    stubber.add_response("delete_tags", {}, {"Resources": [FLOW_LOG_ID], "Tags": [{"Key": "stale"}]})
    stubber.add_response("create_tags", {}, {"Resources": [FLOW_LOG_ID], "Tags": [{"Key": "Name", "Value": "new"}]})
    expect_describe(
        stubber, [cwl_flow_log(Tags=[{"Key": "Name", "Value": "new"}])], request={"FlowLogIds": [FLOW_LOG_ID]}
    )

    result = flow_log_module.ensure_present(client, FakeModule(), params(tags={"Name": "new"}))

    assert result["changed"] is True
    assert result["flow_log"]["tags"] == {"Name": "new"}
    assert result["diff"]["before"]["tags"] == {"Name": "old", "stale": "x"}
    assert result["diff"]["after"]["tags"] == {"Name": "new"}


def test_present_tag_change_in_check_mode_makes_no_write_call(ec2):
    client, stubber = ec2
    existing = cwl_flow_log(Tags=[{"Key": "Name", "Value": "old"}, {"Key": "keep", "Value": "x"}])
    expect_describe(stubber, [existing])

    result = flow_log_module.ensure_present(
        client, FakeModule(check_mode=True), params(tags={"Name": "new"}, purge_tags=False)
    )

    assert result["changed"] is True
    assert result["flow_log"]["tags"] == {"Name": "new", "keep": "x"}


@pytest.mark.parametrize(
    ("current", "tags", "purge", "expected"),
    [
        ({"a": "1", "b": "2"}, None, True, {"a": "1", "b": "2"}),
        ({"a": "1", "b": "2"}, {"a": "3"}, True, {"a": "3"}),
        ({"a": "1", "b": "2"}, {"a": "3"}, False, {"a": "3", "b": "2"}),
        ({"a": "1", "aws:cloudformation:stack-name": "s"}, {}, True, {"aws:cloudformation:stack-name": "s"}),
    ],
)
def test_updated_tags(current, tags, purge, expected):
    assert flow_log_module.updated_tags(current, tags, purge) == expected


@pytest.mark.parametrize("check_mode", [False, True])
def test_present_fails_on_immutable_difference_without_writing(ec2, check_mode):
    client, stubber = ec2
    expect_describe(stubber, [cwl_flow_log()])

    with pytest.raises(AnsibleEC2Error) as excinfo:
        flow_log_module.ensure_present(client, FakeModule(check_mode), params(traffic_type="ACCEPT", tags={"a": "b"}))

    assert excinfo.value.message == (
        f"Flow log {FLOW_LOG_ID} cannot be modified: traffic_type is 'ALL' but 'ACCEPT' was requested. "
        "Flow logs are immutable apart from their tags; "
        "delete the flow log (state=absent) and create it again to change these attributes."
    )


# ---------------------------------------------------------------------------------------------------------------------
# delete / ensure_absent


def test_absent_deletes_flow_log(ec2):
    client, stubber = ec2
    expect_describe(stubber, [cwl_flow_log()])
    stubber.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [FLOW_LOG_ID]})

    result = flow_log_module.ensure_absent(client, FakeModule(), params(state="absent"))

    assert result["changed"] is True
    assert result["flow_log_id"] == FLOW_LOG_ID
    assert result["flow_log"] == {}
    assert result["diff"]["before"]["flow_log_id"] == FLOW_LOG_ID
    assert result["diff"]["after"] == {}


def test_absent_check_mode_makes_no_write_call(ec2):
    client, stubber = ec2
    expect_describe(stubber, [cwl_flow_log()])

    result = flow_log_module.ensure_absent(client, FakeModule(check_mode=True), params(state="absent"))

    assert result["changed"] is True
    assert result["flow_log_id"] == FLOW_LOG_ID


def test_absent_without_flow_log_is_unchanged(ec2):
    client, stubber = ec2
    expect_describe(stubber, [s3_flow_log()])

    result = flow_log_module.ensure_absent(client, FakeModule(), params(state="absent"))

    assert result == {"changed": False, "flow_log_id": None, "flow_log": {}, "diff": {"before": {}, "after": {}}}


def test_delete_ignores_flow_log_already_gone(ec2):
    client, stubber = ec2
    stubber.add_client_error(
        "delete_flow_logs", "InvalidFlowLogId.NotFound", expected_params={"FlowLogIds": [FLOW_LOG_ID]}
    )

    assert flow_log_module.delete_flow_log(client, FLOW_LOG_ID) is False


def test_delete_reports_unsuccessful_items(ec2):
    client, stubber = ec2
    stubber.add_response(
        "delete_flow_logs",
        {"Unsuccessful": [{"ResourceId": FLOW_LOG_ID, "Error": {"Code": "AccessDenied", "Message": "Not allowed"}}]},
        {"FlowLogIds": [FLOW_LOG_ID]},
    )

    with pytest.raises(AnsibleEC2Error) as excinfo:
        flow_log_module.delete_flow_log(client, FLOW_LOG_ID)

    assert excinfo.value.message == f"Failed to delete flow log {FLOW_LOG_ID}: Not allowed (AccessDenied)"


# ---------------------------------------------------------------------------------------------------------------------
# parameters and result formatting


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"resource_id": SUBNET_ID}, "is not a VPC ID"),
        ({"resource_type": "NetworkInterface"}, "is not a NetworkInterface ID"),
        ({"log_group_name": None}, "log_group_name or log_destination is required"),
        ({"log_group_name": None, "log_destination": BUCKET_ARN}, "is not the ARN of a CloudWatch Logs log group"),
        ({"deliver_logs_permission_arn": None}, "deliver_logs_permission_arn is required"),
        ({"log_destination_type": "s3"}, "log_group_name can only be used with log_destination_type=cloud-watch-logs"),
        ({"log_destination_type": "s3", "log_group_name": None}, "log_destination is required"),
        (
            {"destination_options": {"file_format": "parquet"}},
            "destination_options can only be used with log_destination_type=s3",
        ),
    ],
)
def test_validate_params_rejects(overrides, message):
    assert message in flow_log_module.validate_params(params(**overrides))


@pytest.mark.parametrize(
    "values",
    [
        params(),
        params(state="absent", deliver_logs_permission_arn=None),
        params(log_group_name=None, log_destination=LOG_GROUP_ARN),
        params(resource_id=SUBNET_ID, resource_type="Subnet"),
        s3_params(destination_options={"file_format": "parquet"}),
    ],
)
def test_validate_params_accepts(values):
    assert flow_log_module.validate_params(values) is None


def test_format_flow_log_snake_cases_and_flattens_tags():
    formatted = flow_log_module.format_flow_log(
        s3_flow_log(Tags=[{"Key": "Name", "Value": "x"}, {"Key": "CamelKey", "Value": "y"}])
    )

    assert formatted["flow_log_id"] == FLOW_LOG_ID
    assert formatted["destination_options"] == {
        "file_format": "plain-text",
        "hive_compatible_partitions": False,
        "per_hour_partition": False,
    }
    assert formatted["tags"] == {"Name": "x", "CamelKey": "y"}


# ---------------------------------------------------------------------------------------------------------------------
# main()


def run_main(monkeypatch, capsys, client, args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    with patch_module_args(args), pytest.raises(SystemExit):
        flow_log_module.main()
    return json.loads(capsys.readouterr().out)


def test_main_check_mode_reports_change_and_diff(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [])

    result = run_main(
        monkeypatch,
        capsys,
        client,
        {
            "resource_id": VPC_ID,
            "log_group_name": LOG_GROUP,
            "deliver_logs_permission_arn": ROLE_ARN,
            "_ansible_check_mode": True,
            "_ansible_diff": True,
        },
    )

    assert result["changed"] is True
    assert result["flow_log_id"] is None
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["log_group_name"] == LOG_GROUP


def test_main_without_diff_mode_returns_no_diff(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [cwl_flow_log()])

    result = run_main(
        monkeypatch,
        capsys,
        client,
        {"resource_id": VPC_ID, "log_group_name": LOG_GROUP, "deliver_logs_permission_arn": ROLE_ARN},
    )

    assert result["changed"] is False
    assert result["flow_log_id"] == FLOW_LOG_ID
    assert "diff" not in result


def test_main_fails_with_immutable_message(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [cwl_flow_log()])

    result = run_main(
        monkeypatch,
        capsys,
        client,
        {
            "resource_id": VPC_ID,
            "log_group_name": LOG_GROUP,
            "deliver_logs_permission_arn": ROLE_ARN,
            "max_aggregation_interval": 60,
        },
    )

    assert result["failed"] is True
    assert result["msg"].startswith(
        f"Flow log {FLOW_LOG_ID} cannot be modified: max_aggregation_interval is 600 but 60 was requested."
    )


# ---------------------------------------------------------------------------------------------------------------------
# ec2_vpc_flow_log_info


def test_info_lists_flow_logs_by_ids_and_filters(ec2):
    client, stubber = ec2
    expect_describe(
        stubber,
        [cwl_flow_log(Tags=[{"Key": "Name", "Value": "fl"}])],
        request={
            "FlowLogIds": [FLOW_LOG_ID],
            "Filter": [{"Name": "resource-id", "Values": [VPC_ID]}, {"Name": "tag:Name", "Values": ["fl"]}],
        },
    )

    flow_logs = info_module.list_flow_logs(client, [FLOW_LOG_ID], {"resource-id": VPC_ID, "tag:Name": "fl"})

    assert len(flow_logs) == 1
    assert flow_logs[0]["flow_log_id"] == FLOW_LOG_ID
    assert flow_logs[0]["tags"] == {"Name": "fl"}
    assert flow_logs[0]["log_destination"] == LOG_GROUP_ARN


def test_info_without_arguments_lists_everything(ec2):
    client, stubber = ec2
    expect_describe(stubber, [cwl_flow_log(), s3_flow_log(FlowLogId=OTHER_FLOW_LOG_ID)], request={})

    flow_logs = info_module.list_flow_logs(client, None, {})

    assert [flow_log["flow_log_id"] for flow_log in flow_logs] == [FLOW_LOG_ID, OTHER_FLOW_LOG_ID]
