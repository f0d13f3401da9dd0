# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.s3_buckets.

Every AWS call goes through botocore's Stubber on a real S3 client (request shapes validated against the S3 API
model and compared exactly), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in, so check
mode, diff and the write calls are those of the real module. A call the test did not stub fails the test, so a test
that stubs only the reads proves that no write was sent. The module's concurrent reads run in order here.
"""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import s3_buckets as module_under_test
from botocore.stub import Stubber

NAME = "shop-prod-assets"
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
COMMON = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod"}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{NAME}", f"arn:aws:s3:::{NAME}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}
RULE = {"ID": "stacksmith", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 30}}
ITEM = {
    "name": NAME,
    "versioning": True,
    "encryption": "AES256",
    "public_access_block": {},
    "object_ownership": "BucketOwnerEnforced",
    "policy": POLICY,
    "lifecycle_rules": [RULE],
}
BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def tag_list(tags):
    return [{"Key": key, "Value": tags[key]} for key in sorted(tags)]


@pytest.fixture
def s3():
    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def in_order(monkeypatch):
    def sequential(function, items, max_workers=None):
        return [function(item) for item in items]

    monkeypatch.setattr(module_under_test, "run_concurrently", sequential)


def expect_list(stubber, names):
    stubber.add_response("list_buckets", {"Buckets": [{"Name": name} for name in names]}, {})


def expect_read(stubber, name=NAME, versioning="Enabled", policy="default", tags=None, rules=(RULE,), block="default"):
    """The seven reads of one bucket, in the module's order (policy and block: "default" for POLICY and BLOCK)."""
    policy = POLICY if policy == "default" else policy
    block = BLOCK if block == "default" else block
    bucket = {"Bucket": name}
    stubber.add_response("get_bucket_versioning", {"Status": versioning} if versioning else {}, bucket)
    stubber.add_response(
        "get_bucket_encryption",
        {
            "ServerSideEncryptionConfiguration": {
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
            }
        },
        bucket,
    )
    if block is None:
        stubber.add_client_error(
            "get_public_access_block", "NoSuchPublicAccessBlockConfiguration", http_status_code=404
        )
    else:
        stubber.add_response("get_public_access_block", {"PublicAccessBlockConfiguration": block}, bucket)
    stubber.add_response(
        "get_bucket_ownership_controls",
        {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}},
        bucket,
    )
    if policy is None:
        stubber.add_client_error("get_bucket_policy", "NoSuchBucketPolicy", http_status_code=404)
    else:
        stubber.add_response("get_bucket_policy", {"Policy": json.dumps(policy)}, bucket)
    stubber.add_response("get_bucket_tagging", {"TagSet": tag_list(COMMON if tags is None else tags)}, bucket)
    if rules:
        stubber.add_response("get_bucket_lifecycle_configuration", {"Rules": list(rules)}, bucket)
    else:
        stubber.add_client_error("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration", 404)


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    monkeypatch.setattr(AnsibleAWSModule, "region", property(lambda self: "us-east-1"))
    args.setdefault("tags", COMMON)
    args.setdefault("owner_tags", OWNER)
    args.setdefault("config", [ITEM])
    args.setdefault("state", "replaced")
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------------------------------
# create


def test_check_mode_create_lists_only(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, ["someone-elses"])

    result = run(monkeypatch, capsys, client, _ansible_check_mode=True, _ansible_diff=True)

    assert result["changed"] is True
    assert result["created"] == [NAME]
    after = result["diff"]["after"][NAME]
    assert after["versioning"] is True
    assert after["policy"] == POLICY
    assert after["tags"] == COMMON


def test_create_sends_every_setting_in_order(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, [])
    bucket = {"Bucket": NAME}
    stubber.add_response("create_bucket", {}, dict(bucket, ObjectOwnership="BucketOwnerEnforced"))
    stubber.add_response("put_public_access_block", {}, dict(bucket, PublicAccessBlockConfiguration=BLOCK))
    stubber.add_response("put_bucket_versioning", {}, dict(bucket, VersioningConfiguration={"Status": "Enabled"}))
    stubber.add_response("put_bucket_policy", {}, dict(bucket, Policy=json.dumps(POLICY, sort_keys=True)))
    stubber.add_response(
        "put_bucket_lifecycle_configuration", {}, dict(bucket, LifecycleConfiguration={"Rules": [RULE]})
    )
    stubber.add_response("put_bucket_tagging", {}, dict(bucket, Tagging={"TagSet": tag_list(COMMON)}))

    result = run(monkeypatch, capsys, client)

    assert result["changed"] is True
    assert result["created"] == [NAME]
    assert result["buckets"][0]["exists"] is True


# ---------------------------------------------------------------------------------------------------------------------
# converged, updates


@pytest.mark.parametrize("check_mode", [False, True])
def test_converged_bucket_makes_no_write_call(s3, monkeypatch, capsys, check_mode):
    client, stubber = s3
    expect_list(stubber, [NAME])
    # S3 may echo the rule's empty prefix filter as {} and a reordered policy: neither is a change.
    expect_read(stubber, rules=[dict(RULE, Filter={})], policy=dict(reversed(list(POLICY.items()))))

    result = run(monkeypatch, capsys, client, _ansible_check_mode=check_mode)

    assert result["changed"] is False
    assert result["created"] == result["updated"] == result["deleted"] == []


def test_one_changed_setting_is_one_call_and_one_diff(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, [NAME])
    expect_read(stubber)
    changed_rule = dict(RULE, Expiration={"Days": 60})
    stubber.add_response(
        "put_bucket_lifecycle_configuration", {}, {"Bucket": NAME, "LifecycleConfiguration": {"Rules": [changed_rule]}}
    )

    result = run(monkeypatch, capsys, client, config=[dict(ITEM, lifecycle_rules=[changed_rule])], _ansible_diff=True)

    assert result["updated"] == [NAME]
    assert result["diff"]["before"][NAME]["lifecycle_rules"] == [RULE]
    assert result["diff"]["after"][NAME]["lifecycle_rules"] == [changed_rule]


def test_merged_keeps_other_rules_and_tags_replaced_purges_them(s3, monkeypatch, capsys):
    client, stubber = s3
    other = {"ID": "theirs", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}
    expect_list(stubber, [NAME])
    expect_read(stubber, rules=[other, RULE], tags=dict(COMMON, extra="x"))
    merged = run(monkeypatch, capsys, client, state="merged")

    expect_list(stubber, [NAME])
    expect_read(stubber, rules=[other, RULE], tags=dict(COMMON, extra="x"))
    stubber.add_response(
        "put_bucket_lifecycle_configuration", {}, {"Bucket": NAME, "LifecycleConfiguration": {"Rules": [RULE]}}
    )
    stubber.add_response("put_bucket_tagging", {}, {"Bucket": NAME, "Tagging": {"TagSet": tag_list(COMMON)}})
    replaced = run(monkeypatch, capsys, client, state="replaced")

    assert merged["changed"] is False
    assert replaced["updated"] == [NAME]


def test_versioning_false_suspends_only_an_enabled_bucket(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, [NAME])
    expect_read(stubber, versioning=None)
    unversioned = run(monkeypatch, capsys, client, config=[dict(ITEM, versioning=False)])

    expect_list(stubber, [NAME])
    expect_read(stubber)
    stubber.add_response(
        "put_bucket_versioning", {}, {"Bucket": NAME, "VersioningConfiguration": {"Status": "Suspended"}}
    )
    suspended = run(monkeypatch, capsys, client, config=[dict(ITEM, versioning=False)])

    assert unversioned["changed"] is False
    assert suspended["changed"] is True


def test_settings_not_given_are_left_alone(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, [NAME])
    expect_read(stubber, policy=None, block=None, versioning=None, rules=())

    result = run(monkeypatch, capsys, client, config=[{"name": NAME}])

    assert result["changed"] is False


# ---------------------------------------------------------------------------------------------------------------------
# refusals


def test_replaced_refuses_a_bucket_it_does_not_own(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, [NAME])
    expect_read(stubber, tags={"stack": "other"})

    result = run(monkeypatch, capsys, client)

    assert result["failed"] is True
    assert f"{NAME} exists but is not owned" in result["msg"]


def test_invalid_input_fails_before_any_call(s3, monkeypatch, capsys):
    client, _stubber = s3
    result = run(
        monkeypatch,
        capsys,
        client,
        config=[{"name": "Bad_Name"}, {"name": "ok-bucket", "kms_key_id": "k", "encryption": "AES256"}],
    )
    assert result["failed"] is True
    assert "Bad_Name: invalid character" in result["msg"]
    assert "ok-bucket: kms_key_id needs encryption aws:kms" in result["msg"]


def test_deleted_refuses_a_bucket_with_objects_before_any_delete(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, [NAME, "shop-prod-empty"])
    expect_read(stubber)
    expect_read(stubber, name="shop-prod-empty")
    stubber.add_response(
        "list_object_versions", {"DeleteMarkers": [{"Key": "a", "VersionId": "1"}]}, {"Bucket": NAME, "MaxKeys": 1}
    )
    stubber.add_response("list_object_versions", {}, {"Bucket": "shop-prod-empty", "MaxKeys": 1})

    result = run(monkeypatch, capsys, client, state="deleted", config=[])

    assert result["failed"] is True
    assert f"refusing to delete the buckets {NAME}: they hold objects" in result["msg"]


def test_deleted_deletes_empty_owned_buckets_once(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, [NAME, "not-ours"])
    expect_read(stubber, name="not-ours", tags={"stack": "other"})  # ListBuckets order: sorted by name
    expect_read(stubber)
    stubber.add_response("list_object_versions", {}, {"Bucket": NAME, "MaxKeys": 1})
    stubber.add_response("delete_bucket", {}, {"Bucket": NAME})
    first = run(monkeypatch, capsys, client, state="deleted", config=[])

    expect_list(stubber, ["not-ours"])
    expect_read(stubber, name="not-ours", tags={"stack": "other"})
    second = run(monkeypatch, capsys, client, state="deleted", config=[])

    assert first["deleted"] == [NAME]
    assert second["changed"] is False


# ---------------------------------------------------------------------------------------------------------------------
# gathered, rendered


def test_gathered_returns_owned_buckets(s3, monkeypatch, capsys):
    client, stubber = s3
    expect_list(stubber, [NAME, "not-ours"])
    expect_read(stubber, name="not-ours", tags={"stack": "other"})  # ListBuckets order: sorted by name
    expect_read(stubber)

    result = run(monkeypatch, capsys, client, state="gathered", config=[])

    assert [bucket["name"] for bucket in result["buckets"]] == [NAME]
    assert result["buckets"][0]["public_access_block"] == {
        "block_public_acls": True,
        "ignore_public_acls": True,
        "block_public_policy": True,
        "restrict_public_buckets": True,
    }


def test_gathered_leaves_out_buckets_of_other_regions(s3, monkeypatch, capsys):
    """ListBuckets lists every region's buckets with their BucketRegion: one in another region is not read (its
    settings are not readable through this region's endpoint) and not part of the set."""
    client, stubber = s3
    stubber.add_response(
        "list_buckets",
        {"Buckets": [{"Name": NAME, "BucketRegion": "us-east-1"}, {"Name": "elsewhere", "BucketRegion": "eu-west-1"}]},
        {},
    )
    expect_read(stubber)

    result = run(monkeypatch, capsys, client, state="gathered", config=[])

    assert [bucket["name"] for bucket in result["buckets"]] == [NAME]


def test_a_listed_bucket_of_another_region_is_refused_before_any_write(s3, monkeypatch, capsys):
    client, stubber = s3
    stubber.add_response("list_buckets", {"Buckets": [{"Name": NAME, "BucketRegion": "eu-west-1"}]}, {})

    result = run(monkeypatch, capsys, client)

    assert result["failed"] is True
    assert f"the buckets {NAME} (eu-west-1) exist in another region than us-east-1" in result["msg"]


def test_rendered_makes_no_call(s3, monkeypatch, capsys):
    client, _stubber = s3
    result = run(monkeypatch, capsys, client, state="rendered")
    operations = [request["operation"] for request in result["rendered"][0]["requests"]]
    assert operations == [
        "create_bucket",
        "put_public_access_block",
        "put_bucket_versioning",
        "put_bucket_policy",
        "put_bucket_lifecycle_configuration",
        "put_bucket_tagging",
    ]
