# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the destination options of stacksmith.aws.ec2_vpc_flow_log (log_group, delivery_role): the log
group and the delivery role converged in the same process as the flow log, through the shared log group and role
sets. Every call goes through botocore's Stubber on real EC2, CloudWatch Logs and IAM clients; main() runs with the
clients patched in, so a call the test did not stub (a write in check mode, or on a converged destination) fails.
"""

import datetime
import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils import iam_roles, log_groups
from ansible_collections.stacksmith.aws.plugins.modules import ec2_vpc_flow_log as module_under_test
from botocore.stub import Stubber

VPC_ID = "vpc-0123456789abcdef0"
LOG_GROUP = "/vpc/shop-prod/flow-logs"
GROUP_ARN = f"arn:aws:logs:us-east-1:123456789012:log-group:{LOG_GROUP}"
ROLE = "shop-prod-vpc-flow-logs"
ROLE_ARN = f"arn:aws:iam::123456789012:role/{ROLE}"
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
CREATED = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
ARGS = {
    "resource_id": VPC_ID,
    "log_group_name": LOG_GROUP,
    "log_group": {"retention_days": 30, "tags": OWNER},
    "delivery_role": {"name": ROLE, "description": "Lets VPC Flow Logs write", "tags": OWNER},
    "owner_tags": OWNER,
    "tags": {"Name": "shop-prod-flow-log"},
}


@pytest.fixture
def clients():
    made = {}
    stubbers = []
    for service in ("ec2", "logs", "iam"):
        raw = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        stubber = Stubber(raw)
        stubber.activate()
        stubbers.append(stubber)
        made[service] = (RetryingBotoClientWrapper(raw, AWSRetry.jittered_backoff()), stubber)
    yield made
    for stubber in stubbers:
        stubber.assert_no_pending_responses()
        stubber.deactivate()


@pytest.fixture(autouse=True)
def in_order(monkeypatch):
    def sequential(function, items, max_workers=None):
        return [function(item) for item in items]

    monkeypatch.setattr(log_groups, "run_concurrently", sequential)
    monkeypatch.setattr(iam_roles, "run_concurrently", sequential)


def run(monkeypatch, capsys, clients, **args):
    monkeypatch.setattr(
        AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: clients[service][0]
    )
    given = {key: value for key, value in dict(ARGS, **args).items() if value is not None}  # None: leave it out
    with patch_module_args(given), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


def expect_group(logs, exists=True, retention=30, tags=None):
    groups = [{"logGroupName": LOG_GROUP, "arn": f"{GROUP_ARN}:*", "retentionInDays": retention}] if exists else []
    logs.add_response("describe_log_groups", {"logGroups": groups}, {"logGroupNamePrefix": LOG_GROUP})
    if exists:
        logs.add_response(
            "list_tags_for_resource", {"tags": OWNER if tags is None else tags}, {"resourceArn": GROUP_ARN}
        )


def policy():
    return module_under_test.destination_policy(GROUP_ARN)


def expect_role(iam, exists=True, tags=None):
    if not exists:
        for operation in ("get_role", "list_attached_role_policies", "list_role_policies"):
            iam.add_client_error(operation, "NoSuchEntity", http_status_code=404)
        return
    tags = OWNER if tags is None else tags
    role = {
        "Path": "/",
        "RoleName": ROLE,
        "RoleId": "AROA0123456789EXAMPLE",
        "Arn": ROLE_ARN,
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": json.dumps(module_under_test.DELIVERY_TRUST),
        "Description": "Lets VPC Flow Logs write",
        "MaxSessionDuration": 3600,
        "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())],
    }
    iam.add_response("get_role", {"Role": role}, {"RoleName": ROLE})
    iam.add_response("list_attached_role_policies", {"AttachedPolicies": [], "IsTruncated": False}, {"RoleName": ROLE})
    iam.add_response(
        "list_role_policies", {"PolicyNames": ["write-flow-logs"], "IsTruncated": False}, {"RoleName": ROLE}
    )
    iam.add_response(
        "get_role_policy",
        {"RoleName": ROLE, "PolicyName": "write-flow-logs", "PolicyDocument": json.dumps(policy())},
        {"RoleName": ROLE, "PolicyName": "write-flow-logs"},
    )


def expect_flow_logs(ec2, flow_logs):
    ec2.add_response(
        "describe_flow_logs", {"FlowLogs": flow_logs}, {"Filter": [{"Name": "resource-id", "Values": [VPC_ID]}]}
    )


def aws_flow_log():
    return {
        "CreationTime": CREATED,
        "DeliverLogsPermissionArn": ROLE_ARN,
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogId": "fl-0123456789abcdef0",
        "FlowLogStatus": "ACTIVE",
        "LogGroupName": LOG_GROUP,
        "ResourceId": VPC_ID,
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogDestination": GROUP_ARN,
        "Tags": [{"Key": "Name", "Value": "shop-prod-flow-log"}],
        "MaxAggregationInterval": 600,
    }


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_converged_flow_log_with_its_group_and_role_makes_no_write_call(clients, monkeypatch, capsys, check_mode):
    expect_group(clients["logs"][1])
    expect_role(clients["iam"][1])
    expect_flow_logs(clients["ec2"][1], [aws_flow_log()])

    result = run(monkeypatch, capsys, clients, _ansible_check_mode=check_mode, _ansible_diff=True)

    assert result["changed"] is False
    assert result["log_group_arn"] == GROUP_ARN
    assert result["delivery_role_arn"] == ROLE_ARN
    assert result["flow_log_id"] == "fl-0123456789abcdef0"


def test_check_mode_on_an_empty_account_previews_all_three_without_writing(clients, monkeypatch, capsys):
    expect_group(clients["logs"][1], exists=False)
    expect_role(clients["iam"][1], exists=False)
    expect_flow_logs(clients["ec2"][1], [])

    result = run(monkeypatch, capsys, clients, _ansible_check_mode=True, _ansible_diff=True)

    assert result["changed"] is True
    assert result["flow_log_id"] is None
    after = result["diff"]["after"]
    assert after[f"log_group {LOG_GROUP}"]["retention_days"] == 30
    assert f"delivery_role {ROLE}" in after
    assert after["deliver_logs_permission_arn"] == "(known after apply)"


def test_a_new_retention_is_one_write_and_the_flow_log_is_left_alone(clients, monkeypatch, capsys):
    logs = clients["logs"][1]
    expect_group(logs, retention=7)
    logs.add_response("put_retention_policy", {}, {"logGroupName": LOG_GROUP, "retentionInDays": 30})
    expect_role(clients["iam"][1])
    expect_flow_logs(clients["ec2"][1], [aws_flow_log()])

    result = run(monkeypatch, capsys, clients, _ansible_diff=True)

    assert result["changed"] is True
    assert result["diff"]["before"][f"log_group {LOG_GROUP}"]["retention_days"] == 7
    assert result["diff"]["after"][f"log_group {LOG_GROUP}"]["retention_days"] == 30


def test_a_log_group_of_someone_else_is_refused_before_any_write(clients, monkeypatch, capsys):
    expect_group(clients["logs"][1], tags={"stack": "other"})

    result = run(monkeypatch, capsys, clients)

    assert result["failed"] is True
    assert LOG_GROUP in result["msg"] and "not owned" in result["msg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"deliver_logs_permission_arn": ROLE_ARN}, "delivery_role and deliver_logs_permission_arn are mutually"),
        ({"log_group_name": None, "log_destination": GROUP_ARN}, "need log_group_name"),
        (
            {"log_destination_type": "s3", "log_group_name": None, "log_destination": "arn:aws:s3:::b"},
            "only be used with log_destination_type=cloud-watch-logs",
        ),
    ],
)
def test_bad_destination_input_fails_before_any_call(clients, monkeypatch, capsys, args, message):
    result = run(monkeypatch, capsys, clients, **args)

    assert result["failed"] is True
    assert message in result["msg"]
