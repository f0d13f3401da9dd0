# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.efs_access_point (botocore Stubber on a real EFS client: request and response
shapes validated against the EFS API model; any call that was not queued fails the test)."""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import efs_access_point as ap_module
from botocore.stub import ANY, Stubber

FS_ID = "fs-0123456789abcdef0"
AP_ID = "fsap-0123456789abcdef0"
AP_ARN = f"arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/{AP_ID}"
NAME = "shop-prod-efs-storage"
ROOT = {"Path": "/shop/storage", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"}}
USER = {"Uid": 1000, "Gid": 1000}
ARGS = {
    "file_system_id": FS_ID,
    "name": NAME,
    "root_directory": {
        "path": "/shop/storage",
        "creation_info": {"owner_uid": 1000, "owner_gid": 1000, "permissions": "750"},
    },
    "posix_user": {"uid": 1000, "gid": 1000},
    "tags": {"stack": "s"},
}


@pytest.fixture
def efs():
    client = boto3.client("efs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def access_point(ap_id=AP_ID, tags=None, root=None, user=None, state="available"):
    return {
        "ClientToken": "token",
        "Name": NAME,
        "Tags": [
            {"Key": k, "Value": v} for k, v in (tags if tags is not None else {"Name": NAME, "stack": "s"}).items()
        ],
        "AccessPointId": ap_id,
        "AccessPointArn": f"arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/{ap_id}",
        "FileSystemId": FS_ID,
        "PosixUser": user or USER,
        "RootDirectory": root or ROOT,
        "OwnerId": "123456789012",
        "LifeCycleState": state,
    }


def expect_list(stubber, access_points):
    stubber.add_response("describe_access_points", {"AccessPoints": access_points}, {"FileSystemId": FS_ID})


def run_main(monkeypatch, capsys, client, args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args = dict({"region": "us-east-1"}, **args)
    with patch_module_args(args), pytest.raises(SystemExit):
        ap_module.main()
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("path", "normal"), [("/a/b/", "/a/b"), ("a", "/a"), ("/", "/"), ("", "/"), (None, "/")])
def test_normalize_path(path, normal):
    assert ap_module.normalize_path(path) == normal


def test_differences_compare_permissions_as_octal():
    params = dict(ARGS, recreate=False)
    params["root_directory"] = dict(
        ARGS["root_directory"], creation_info=dict(ARGS["root_directory"]["creation_info"], permissions="0750")
    )
    assert ap_module.differences(access_point(), params) == []


def test_differences_name_each_attribute():
    params = dict(ARGS, posix_user={"uid": 2000, "gid": 1000, "secondary_gids": [5]})
    params["root_directory"] = {"path": "/other/", "creation_info": None}
    assert ap_module.differences(access_point(), params) == [
        ("root_directory.path", "/shop/storage", "/other"),
        ("posix_user.uid", 1000, 2000),
        ("posix_user.secondary_gids", [], [5]),
    ]


def test_check_mode_create_makes_no_write_call(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_list(stubber, [])
    result = run_main(monkeypatch, capsys, client, dict(ARGS, _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert result["access_point_id"] is None
    assert result["root_directory"]["creation_info"]["permissions"] == "750"
    assert result["diff"]["after"]["tags"] == {"Name": NAME, "stack": "s"}


def test_create_request(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_list(stubber, [access_point(ap_id="fsap-0ffffffffffffffff", tags={"Name": "other"})])
    stubber.add_response(
        "create_access_point",
        access_point(),
        {
            "ClientToken": ANY,
            "FileSystemId": FS_ID,
            "Tags": [{"Key": "Name", "Value": NAME}, {"Key": "stack", "Value": "s"}],  # sorted by key
            "RootDirectory": ROOT,
            "PosixUser": USER,
        },
    )
    result = run_main(monkeypatch, capsys, client, ARGS)
    assert result["changed"] is True
    assert result["access_point_id"] == AP_ID
    assert result["access_point_arn"] == AP_ARN
    assert result["posix_user"] == {"uid": 1000, "gid": 1000}
    assert result["tags"] == {"Name": NAME, "stack": "s"}


def test_create_polls_until_available(efs, monkeypatch, capsys):
    client, stubber = efs
    sleeps = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    expect_list(stubber, [])
    stubber.add_response("create_access_point", access_point(state="creating"), None)
    stubber.add_response(
        "describe_access_points", {"AccessPoints": [access_point(state="creating")]}, {"AccessPointId": AP_ID}
    )
    stubber.add_response("describe_access_points", {"AccessPoints": [access_point()]}, {"AccessPointId": AP_ID})
    result = run_main(monkeypatch, capsys, client, ARGS)
    assert result["life_cycle_state"] == "available"
    assert sleeps == [1.0]  # the shared poller: the second read 1 s after the first


def test_rerun_reads_only(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_list(stubber, [access_point()])
    result = run_main(monkeypatch, capsys, client, ARGS)
    assert result["changed"] is False
    assert result["access_point_id"] == AP_ID


def test_tags_are_updated_in_place(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_list(stubber, [access_point(tags={"Name": NAME, "stack": "s", "old": "x"})])
    stubber.add_response("untag_resource", {}, {"ResourceId": AP_ID, "TagKeys": ["old"]})
    stubber.add_response("tag_resource", {}, {"ResourceId": AP_ID, "Tags": [{"Key": "owner", "Value": "p"}]})
    result = run_main(monkeypatch, capsys, client, dict(ARGS, tags={"stack": "s", "owner": "p"}))
    assert result["changed"] is True
    assert result["tags"] == {"Name": NAME, "stack": "s", "owner": "p"}


def test_immutable_change_fails_without_recreate(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_list(stubber, [access_point()])
    result = run_main(monkeypatch, capsys, client, dict(ARGS, posix_user={"uid": 0, "gid": 0}))
    assert result["failed"] is True
    assert "posix_user.uid is 1000 but 0 was requested" in result["msg"]
    assert "recreate=true" in result["msg"]


def test_recreate_deletes_then_creates(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_list(stubber, [access_point()])
    stubber.add_response("delete_access_point", {}, {"AccessPointId": AP_ID})
    new_user = {"Uid": 0, "Gid": 0}
    stubber.add_response("create_access_point", access_point(ap_id="fsap-0ffffffffffffffff", user=new_user), None)
    result = run_main(monkeypatch, capsys, client, dict(ARGS, posix_user={"uid": 0, "gid": 0}, recreate=True))
    assert result["changed"] is True
    assert result["replaced"] == AP_ID
    assert result["access_point_id"] == "fsap-0ffffffffffffffff"


def test_find_by_client_token(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_list(stubber, [access_point()])
    stubber.add_response("delete_access_point", {}, {"AccessPointId": AP_ID})
    result = run_main(
        monkeypatch, capsys, client, {"file_system_id": FS_ID, "client_token": "token", "state": "absent"}
    )
    assert result["changed"] is True
    assert result["access_point_id"] == AP_ID


def test_absent_missing_is_unchanged(efs, monkeypatch, capsys):
    client, stubber = efs
    expect_list(stubber, [access_point(state="deleting")])
    result = run_main(monkeypatch, capsys, client, {"file_system_id": FS_ID, "name": NAME, "state": "absent"})
    assert result["changed"] is False
    assert result["access_point_id"] is None


@pytest.mark.parametrize("permissions", ["75", "abc", "800", "07500"])
def test_bad_permissions_fail_before_any_call(efs, monkeypatch, capsys, permissions):
    client, _stubber = efs
    args = dict(ARGS)
    args["root_directory"] = {
        "path": "/x",
        "creation_info": {"owner_uid": 1, "owner_gid": 1, "permissions": permissions},
    }
    result = run_main(monkeypatch, capsys, client, args)
    assert result["failed"] is True
    assert "octal string" in result["msg"]
