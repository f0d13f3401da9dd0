# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.efs_file_system.

Every AWS call goes through botocore's Stubber on a real EFS client (request and response shapes are validated against
the EFS API model, requests compared exactly), wrapped the way AnsibleAWSModule wraps it with a retry decorator. The
Stubber fails on any call that was not queued, so "no write call" is asserted by queueing reads only.
"""

import datetime
import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import efs_file_system as efs_module
from botocore.stub import Stubber

NAME = "shop-prod-efs"
FS_ID = "fs-0123456789abcdef0"
FS_ARN = f"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{FS_ID}"
SUBNET_A = "subnet-0aaaaaaaaaaaaaaaa"
SUBNET_B = "subnet-0bbbbbbbbbbbbbbbb"
SG_ONE = "sg-01111111111111111"
SG_TWO = "sg-02222222222222222"
MT_A = "fsmt-0aaaaaaaaaaaaaaaa"
MT_B = "fsmt-0bbbbbbbbbbbbbbbb"
CREATED = datetime.datetime(2026, 11, 24, 12, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture
def efs():
    client = boto3.client("efs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def file_system(size=6144, state="available", tags=None, mount_targets=1, **overrides):
    fs = {
        "OwnerId": "123456789012",
        "CreationToken": NAME,
        "FileSystemId": FS_ID,
        "FileSystemArn": FS_ARN,
        "CreationTime": CREATED,
        "LifeCycleState": state,
        "Name": NAME,
        "NumberOfMountTargets": mount_targets,
        "SizeInBytes": {"Value": size, "ValueInIA": 0, "ValueInStandard": size},
        "PerformanceMode": "generalPurpose",
        "Encrypted": True,
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        "ThroughputMode": "elastic",
        "Tags": [
            {"Key": k, "Value": v} for k, v in (tags if tags is not None else {"Name": NAME, "stack": "s"}).items()
        ],
    }
    fs.update(overrides)
    return fs


def mount_target(mt_id=MT_A, subnet=SUBNET_A, state="available"):
    return {
        "OwnerId": "123456789012",
        "MountTargetId": mt_id,
        "FileSystemId": FS_ID,
        "SubnetId": subnet,
        "LifeCycleState": state,
        "IpAddress": "10.0.10.5",
        "NetworkInterfaceId": "eni-0123456789abcdef0",
        "AvailabilityZoneName": "us-east-1a",
        "VpcId": "vpc-0123456789abcdef0",
    }


def params(**overrides):
    values = {
        "state": "present",
        "name": NAME,
        "creation_token": None,
        "encrypt": True,
        "kms_key_id": None,
        "performance_mode": "generalPurpose",
        "throughput_mode": None,
        "provisioned_throughput_in_mibps": None,
        "transition_to_ia": None,
        "transition_to_primary_storage_class": None,
        "transition_to_archive": None,
        "backup": None,
        "mount_targets": None,
        "wait": False,
        "wait_timeout": 600,
        "force": False,
        "tags": None,
        "purge_tags": True,
    }
    values.update(overrides)
    return values


def expect_find(stubber, found):
    """find_file_system: by creation token, then (when nothing has it) every file system by Name tag."""
    stubber.add_response("describe_file_systems", {"FileSystems": found}, {"CreationToken": NAME})
    if not found:
        stubber.add_response("describe_file_systems", {"FileSystems": []}, {})


def expect_mount_targets(stubber, mount_targets, security_groups):
    stubber.add_response("describe_mount_targets", {"MountTargets": mount_targets}, {"FileSystemId": FS_ID})
    for mt in mount_targets:
        if mt["LifeCycleState"] in ("deleting", "deleted"):
            continue
        stubber.add_response(
            "describe_mount_target_security_groups",
            {"SecurityGroups": security_groups[mt["MountTargetId"]]},
            {"MountTargetId": mt["MountTargetId"]},
        )


def run_main(monkeypatch, capsys, client, args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args = dict({"region": "us-east-1"}, **args)
    with patch_module_args(args), pytest.raises(SystemExit):
        efs_module.main()
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------------------------------
# Pure functions


@pytest.mark.parametrize(
    ("current", "wanted", "matches"),
    [
        ("arn:aws:kms:us-east-1:1:key/abc", "abc", True),
        ("arn:aws:kms:us-east-1:1:key/abc", "arn:aws:kms:us-east-1:1:key/abc", True),
        ("arn:aws:kms:us-east-1:1:key/abc", "alias/efs", True),
        ("arn:aws:kms:us-east-1:1:key/abc", None, True),
        ("arn:aws:kms:us-east-1:1:key/abc", "def", False),
        (None, "def", False),
    ],
)
def test_kms_key_matches(current, wanted, matches):
    assert efs_module.kms_key_matches(current, wanted) is matches


def test_plan_mount_targets_creates_modifies_and_deletes():
    current = [
        dict(mount_target(MT_A, SUBNET_A), SecurityGroups=[SG_ONE]),
        dict(mount_target(MT_B, "subnet-0ccccccccccccccccc"), SecurityGroups=[SG_ONE]),
    ]
    wanted = [
        {"subnet_id": SUBNET_A, "security_groups": [SG_TWO]},
        {"subnet_id": SUBNET_B, "security_groups": [SG_ONE]},
    ]
    to_create, to_modify, to_delete = efs_module.plan_mount_targets(current, wanted)
    assert to_create == [wanted[1]]
    assert [(mt["MountTargetId"], groups) for mt, groups in to_modify] == [(MT_A, [SG_TWO])]
    assert [mt["MountTargetId"] for mt in to_delete] == [MT_B]


def test_plan_mount_targets_ignores_security_group_order_and_unset_groups():
    current = [dict(mount_target(), SecurityGroups=[SG_ONE, SG_TWO])]
    assert efs_module.plan_mount_targets(current, [{"subnet_id": SUBNET_A, "security_groups": [SG_TWO, SG_ONE]}]) == (
        [],
        [],
        [],
    )
    assert efs_module.plan_mount_targets(current, [{"subnet_id": SUBNET_A, "security_groups": None}]) == ([], [], [])


@pytest.mark.parametrize(
    ("fs", "wanted", "update"),
    [
        ({"ThroughputMode": "elastic"}, {"throughput_mode": "elastic"}, {}),
        ({"ThroughputMode": "elastic"}, {"throughput_mode": None}, {}),
        ({"ThroughputMode": "bursting"}, {"throughput_mode": "elastic"}, {"ThroughputMode": "elastic"}),
        (
            {"ThroughputMode": "elastic"},
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 64.0},
            {"ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 64.0},
        ),
        (
            {"ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 32.0},
            {"throughput_mode": "provisioned", "provisioned_throughput_in_mibps": 64.0},
            {"ProvisionedThroughputInMibps": 64.0},
        ),
    ],
)
def test_throughput_update(fs, wanted, update):
    assert efs_module.throughput_update(fs, params(**wanted)) == update


def test_lifecycle_policies_are_one_rule_per_item():
    wanted = efs_module.wanted_lifecycle(params(transition_to_ia="AFTER_30_DAYS", transition_to_archive="NONE"))
    assert wanted == {"TransitionToIA": "AFTER_30_DAYS"}
    assert efs_module.lifecycle_policies(wanted) == [{"TransitionToIA": "AFTER_30_DAYS"}]
    assert efs_module.lifecycle_dict(
        [{"TransitionToIA": "AFTER_7_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}]
    ) == {
        "TransitionToIA": "AFTER_7_DAYS",
        "TransitionToPrimaryStorageClass": "AFTER_1_ACCESS",
    }


def test_dns_name():
    assert efs_module.dns_name(FS_ID, "eu-west-1") == f"{FS_ID}.efs.eu-west-1.amazonaws.com"
    assert efs_module.dns_name(FS_ID, "cn-north-1") == f"{FS_ID}.efs.cn-north-1.amazonaws.com.cn"
    assert efs_module.dns_name(None, "eu-west-1") is None


def test_find_by_name_tag_when_no_token_matches(efs):
    client, stubber = efs
    stubber.add_response("describe_file_systems", {"FileSystems": []}, {"CreationToken": NAME})
    other = file_system(FileSystemId="fs-0ffffffffffffffff", tags={"Name": "other"}, CreationToken="other")
    mine = file_system(CreationToken="legacy-token")
    stubber.add_response("describe_file_systems", {"FileSystems": [other, mine]}, {})
    assert efs_module.find_file_system(client, NAME, NAME)["FileSystemId"] == FS_ID


def test_find_fails_on_two_file_systems_with_the_name(efs):
    client, stubber = efs
    stubber.add_response("describe_file_systems", {"FileSystems": []}, {"CreationToken": NAME})
    twins = [file_system(CreationToken="a"), file_system(CreationToken="b", FileSystemId="fs-0ffffffffffffffff")]
    stubber.add_response("describe_file_systems", {"FileSystems": twins}, {})
    with pytest.raises(efs_module.EFSFileSystemError, match="Several file systems have the Name tag"):
        efs_module.find_file_system(client, NAME, NAME)


def test_backup_policy_not_found_means_disabled(efs):
    client, stubber = efs
    stubber.add_client_error("describe_backup_policy", "PolicyNotFound", http_status_code=404)
    assert efs_module.get_backup_enabled(client, FS_ID) is False


# ---------------------------------------------------------------------------------------------------------------------
# main(): present


def test_check_mode_create_makes_no_write_call(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_find(stubber, [])
    result = run_main(
        monkeypatch,
        capsys,
        client,
        {
            "name": NAME,
            "mount_targets": [{"subnet_id": SUBNET_A, "security_groups": [SG_ONE]}],
            "transition_to_ia": "AFTER_30_DAYS",
            "tags": {"stack": "s"},
            "_ansible_check_mode": True,
            "_ansible_diff": True,
        },
    )
    assert result["changed"] is True
    assert result["file_system_id"] is None
    assert result["tags"] == {"Name": NAME, "stack": "s"}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["mount_targets"] == [{"subnet_id": SUBNET_A, "security_groups": [SG_ONE]}]
    assert result["diff"]["after"]["lifecycle_policies"] == {"TransitionToIA": "AFTER_30_DAYS"}


def test_create_waits_for_the_file_system_before_its_mount_targets(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_find(stubber, [])
    stubber.add_response(
        "create_file_system",
        file_system(state="creating", mount_targets=0),
        {
            "CreationToken": NAME,
            "PerformanceMode": "generalPurpose",
            "Encrypted": True,
            "ThroughputMode": "elastic",
            "Tags": [{"Key": "Name", "Value": NAME}, {"Key": "stack", "Value": "s"}],  # sorted by key
        },
    )
    stubber.add_response(
        "describe_file_systems", {"FileSystems": [file_system(mount_targets=0)]}, {"FileSystemId": FS_ID}
    )
    stubber.add_response(
        "put_lifecycle_configuration",
        {"LifecyclePolicies": [{"TransitionToIA": "AFTER_30_DAYS"}]},
        {"FileSystemId": FS_ID, "LifecyclePolicies": [{"TransitionToIA": "AFTER_30_DAYS"}]},
    )
    for subnet, mt_id in ((SUBNET_A, MT_A), (SUBNET_B, MT_B)):
        stubber.add_response(
            "create_mount_target",
            mount_target(mt_id, subnet, state="creating"),
            {"FileSystemId": FS_ID, "SubnetId": subnet, "SecurityGroups": [SG_ONE]},
        )
    stubber.add_response(
        "describe_file_systems", {"FileSystems": [file_system(mount_targets=2)]}, {"FileSystemId": FS_ID}
    )
    expect_mount_targets(
        stubber,
        [mount_target(MT_A, SUBNET_A, "creating"), mount_target(MT_B, SUBNET_B, "creating")],
        {MT_A: [SG_ONE], MT_B: [SG_ONE]},
    )

    result = run_main(
        monkeypatch,
        capsys,
        client,
        {
            "name": NAME,
            "throughput_mode": "elastic",
            "transition_to_ia": "AFTER_30_DAYS",
            "mount_targets": [
                {"subnet_id": SUBNET_A, "security_groups": [SG_ONE]},
                {"subnet_id": SUBNET_B, "security_groups": [SG_ONE]},
            ],
            "tags": {"stack": "s"},
            "wait": False,
        },
    )
    assert result["changed"] is True
    assert result["file_system_id"] == FS_ID
    assert result["arn"] == FS_ARN
    assert result["dns_name"] == f"{FS_ID}.efs.us-east-1.amazonaws.com"
    assert [mt["life_cycle_state"] for mt in result["mount_targets"]] == ["creating", "creating"]
    assert result["file_system"]["lifecycle_policies"] == [{"transition_to_ia": "AFTER_30_DAYS"}]


def test_rerun_reads_only(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_find(stubber, [file_system()])
    expect_mount_targets(stubber, [mount_target()], {MT_A: [SG_ONE]})
    stubber.add_response(
        "describe_lifecycle_configuration",
        {"LifecyclePolicies": [{"TransitionToIA": "AFTER_30_DAYS"}]},
        {"FileSystemId": FS_ID},
    )
    stubber.add_response("describe_backup_policy", {"BackupPolicy": {"Status": "ENABLED"}}, {"FileSystemId": FS_ID})

    result = run_main(
        monkeypatch,
        capsys,
        client,
        {
            "name": NAME,
            "throughput_mode": "elastic",
            "transition_to_ia": "AFTER_30_DAYS",
            "backup": True,
            "mount_targets": [{"subnet_id": SUBNET_A, "security_groups": [SG_ONE]}],
            "tags": {"stack": "s"},
            "_ansible_diff": True,
        },
    )
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["tags"] == {"Name": NAME, "stack": "s"}
    assert result["mount_targets"][0]["security_groups"] == [SG_ONE]


def test_update_everything(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_find(stubber, [file_system(tags={"Name": NAME, "stack": "s", "old": "x"}, mount_targets=2)])
    gone = "subnet-0cccccccccccccccc"
    expect_mount_targets(
        stubber,
        [
            mount_target(MT_A, SUBNET_A),
            mount_target(MT_B, gone),
            mount_target("fsmt-0dddddddddddddddd", gone, "deleting"),
        ],
        {MT_A: [SG_ONE], MT_B: [SG_ONE]},
    )
    stubber.add_response("describe_lifecycle_configuration", {"LifecyclePolicies": []}, {"FileSystemId": FS_ID})
    stubber.add_client_error("describe_backup_policy", "PolicyNotFound", http_status_code=404)
    stubber.add_response(
        "update_file_system",
        file_system(ThroughputMode="provisioned", ProvisionedThroughputInMibps=64.0),
        {"FileSystemId": FS_ID, "ThroughputMode": "provisioned", "ProvisionedThroughputInMibps": 64.0},
    )
    stubber.add_response(
        "put_lifecycle_configuration",
        {"LifecyclePolicies": [{"TransitionToIA": "AFTER_60_DAYS"}]},
        {"FileSystemId": FS_ID, "LifecyclePolicies": [{"TransitionToIA": "AFTER_60_DAYS"}]},
    )
    stubber.add_response(
        "put_backup_policy",
        {"BackupPolicy": {"Status": "ENABLING"}},
        {"FileSystemId": FS_ID, "BackupPolicy": {"Status": "ENABLED"}},
    )
    stubber.add_response("delete_mount_target", {}, {"MountTargetId": MT_B})
    stubber.add_response("modify_mount_target_security_groups", {}, {"MountTargetId": MT_A, "SecurityGroups": [SG_TWO]})
    stubber.add_response(
        "create_mount_target",
        mount_target(MT_B, SUBNET_B, "creating"),
        {"FileSystemId": FS_ID, "SubnetId": SUBNET_B, "SecurityGroups": [SG_TWO]},
    )
    stubber.add_response("untag_resource", {}, {"ResourceId": FS_ID, "TagKeys": ["old"]})
    stubber.add_response("tag_resource", {}, {"ResourceId": FS_ID, "Tags": [{"Key": "owner", "Value": "platform"}]})
    stubber.add_response("describe_file_systems", {"FileSystems": [file_system()]}, {"FileSystemId": FS_ID})
    expect_mount_targets(stubber, [mount_target()], {MT_A: [SG_TWO]})

    result = run_main(
        monkeypatch,
        capsys,
        client,
        {
            "name": NAME,
            "throughput_mode": "provisioned",
            "provisioned_throughput_in_mibps": 64,
            "transition_to_ia": "AFTER_60_DAYS",
            "backup": True,
            "mount_targets": [
                {"subnet_id": SUBNET_A, "security_groups": [SG_TWO]},
                {"subnet_id": SUBNET_B, "security_groups": [SG_TWO]},
            ],
            "tags": {"stack": "s", "owner": "platform"},
            "_ansible_diff": True,
        },
    )
    assert result["changed"] is True
    assert result["diff"]["before"]["backup"] is False
    assert result["diff"]["after"]["backup"] is True
    assert result["diff"]["after"]["throughput_mode"] == "provisioned"
    assert result["diff"]["after"]["tags"] == {"Name": NAME, "stack": "s", "owner": "platform"}
    assert result["diff"]["after"]["mount_targets"] == [
        {"subnet_id": SUBNET_A, "security_groups": [SG_TWO]},
        {"subnet_id": SUBNET_B, "security_groups": [SG_TWO]},
    ]


def test_check_mode_update_makes_no_write_call(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_find(stubber, [file_system()])
    expect_mount_targets(stubber, [mount_target()], {MT_A: [SG_ONE]})
    result = run_main(
        monkeypatch,
        capsys,
        client,
        {
            "name": NAME,
            "throughput_mode": "bursting",
            "mount_targets": [],
            "tags": {"owner": "platform"},
            "_ansible_check_mode": True,
        },
    )
    assert result["changed"] is True
    assert result["mount_targets"] == []
    assert result["tags"] == {"Name": NAME, "owner": "platform"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"performance_mode": "maxIO"}, "performance_mode is 'generalPurpose' but 'maxIO' was requested"),
        ({"encrypt": False}, "encrypt is True but False was requested"),
        ({"kms_key_id": "99999999-2222-3333-4444-555555555555"}, "kms_key_id is"),
    ],
)
def test_immutable_attributes_fail_clearly(efs, monkeypatch, capsys, args, message):
    client, stubber = efs
    expect_find(stubber, [file_system()])
    result = run_main(monkeypatch, capsys, client, dict({"name": NAME}, **args))
    assert result["failed"] is True
    assert message in result["msg"]
    assert FS_ID in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# main(): absent


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_refuses_a_file_system_with_data(efs, monkeypatch, capsys, check_mode):
    client, stubber = efs
    expect_find(stubber, [file_system(size=10 * 1024 * 1024)])
    result = run_main(monkeypatch, capsys, client, {"name": NAME, "state": "absent", "_ansible_check_mode": check_mode})
    assert result["failed"] is True
    assert "Refusing to delete file system" in result["msg"]
    assert "10485760 bytes" in result["msg"]
    assert "force=true" in result["msg"]


def test_absent_deletes_mount_targets_waits_then_the_file_system(efs, monkeypatch, capsys, no_sleep):
    client, stubber = efs
    expect_find(stubber, [file_system(size=10 * 1024 * 1024)])
    expect_mount_targets(stubber, [mount_target()], {MT_A: [SG_ONE]})
    stubber.add_response("delete_mount_target", {}, {"MountTargetId": MT_A})
    stubber.add_response(
        "describe_mount_targets", {"MountTargets": [mount_target(state="deleting")]}, {"FileSystemId": FS_ID}
    )
    stubber.add_response("describe_mount_targets", {"MountTargets": []}, {"FileSystemId": FS_ID})
    stubber.add_response("delete_file_system", {}, {"FileSystemId": FS_ID})

    result = run_main(monkeypatch, capsys, client, {"name": NAME, "state": "absent", "force": True})
    assert result["changed"] is True
    assert result["file_system_id"] == FS_ID
    assert no_sleep == [1.0]  # the shared poller: the second read 1 s after the first


def test_absent_of_a_missing_file_system_is_unchanged(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_find(stubber, [])
    result = run_main(monkeypatch, capsys, client, {"name": NAME, "state": "absent"})
    assert result["changed"] is False
    assert result["file_system_id"] is None


@pytest.fixture
def no_sleep(monkeypatch):
    sleeps = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    return sleeps
