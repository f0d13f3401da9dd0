# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ecr_repository.

Every AWS call goes through botocore's Stubber on a real ECR client (request shapes validated against the ECR API
model and compared exactly), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in, so check
mode, diff and the write calls are those of the real module.
"""

import datetime
import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import ecr_repository as module_under_test
from botocore.stub import Stubber

NAME = "shop-prod-api"
ARN = f"arn:aws:ecr:us-east-1:123456789012:repository/{NAME}"
URI = f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{NAME}"
CREATED = datetime.datetime(2024, 5, 21, 13, 21, 10, tzinfo=datetime.UTC)
LIFECYCLE = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 7,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
            "action": {"type": "expire"},
        },
    ]
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "pull",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        }
    ],
}


@pytest.fixture
def ecr():
    client = boto3.client("ecr", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def repository(**overrides):
    item = {
        "repositoryArn": ARN,
        "registryId": "123456789012",
        "repositoryName": NAME,
        "repositoryUri": URI,
        "createdAt": CREATED,
        "imageTagMutability": "MUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfiguration": {"encryptionType": "AES256"},
    }
    item.update(overrides)
    return item


def expect_describe(stubber, found=True, **overrides):
    if found:
        stubber.add_response(
            "describe_repositories", {"repositories": [repository(**overrides)]}, {"repositoryNames": [NAME]}
        )
    else:
        stubber.add_client_error(
            "describe_repositories", "RepositoryNotFoundException", "not found", 400, {"repositoryNames": [NAME]}
        )


def expect_reads(stubber, lifecycle="default", policy=None, tags=None):
    if lifecycle == "default":
        lifecycle = LIFECYCLE
    if lifecycle is None:
        stubber.add_client_error("get_lifecycle_policy", "LifecyclePolicyNotFoundException", "none", 400)
    else:
        stubber.add_response(
            "get_lifecycle_policy",
            {"repositoryName": NAME, "lifecyclePolicyText": json.dumps(lifecycle)},
            {"repositoryName": NAME},
        )
    if policy is None:
        stubber.add_client_error("get_repository_policy", "RepositoryPolicyNotFoundException", "none", 400)
    else:
        stubber.add_response(
            "get_repository_policy",
            {"repositoryName": NAME, "policyText": json.dumps(policy)},
            {"repositoryName": NAME},
        )
    tags = {"stack": "shop"} if tags is None else tags
    stubber.add_response(
        "list_tags_for_resource",
        {"tags": [{"Key": k, "Value": v} for k, v in tags.items()]},
        {"resourceArn": ARN},
    )


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("name", NAME)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


PRESENT = {
    "scan_on_push": True,
    "image_tag_mutability": "MUTABLE",
    "lifecycle_policy": LIFECYCLE,
    "tags": {"stack": "shop"},
}


# ---------------------------------------------------------------------------------------------------------------------
# helpers


def test_parse_policy_accepts_dict_and_json():
    assert module_under_test.parse_policy(json.dumps(POLICY), "policy") == POLICY
    assert module_under_test.parse_policy(POLICY, "policy") == POLICY
    assert module_under_test.parse_policy(None, "policy") is None


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_parse_policy_rejects_bad_json(text):
    with pytest.raises(module_under_test.RepositoryError, match="lifecycle_policy"):
        module_under_test.parse_policy(text, "lifecycle_policy")


def test_lifecycle_rules_compare_in_priority_order():
    reordered = {"rules": list(reversed(LIFECYCLE["rules"]))}
    assert module_under_test.normalize_lifecycle_policy(reordered) == module_under_test.normalize_lifecycle_policy(
        LIFECYCLE
    )


@pytest.mark.parametrize(
    ("current", "wanted", "expected"),
    [
        ({"encryptionType": "AES256"}, None, []),
        ({"encryptionType": "AES256"}, {"encryption_type": "AES256", "kms_key": None}, []),
        (
            {"encryptionType": "AES256"},
            {"encryption_type": "KMS", "kms_key": None},
            [("encryption_type", "AES256", "KMS")],
        ),
        (
            {"encryptionType": "KMS", "kmsKey": "arn:aws:kms:us-east-1:123456789012:key/a"},
            {"encryption_type": "KMS", "kms_key": "alias/mine"},
            [],
        ),
        (
            {"encryptionType": "KMS", "kmsKey": "arn:aws:kms:us-east-1:123456789012:key/a"},
            {"encryption_type": "KMS", "kms_key": "arn:aws:kms:us-east-1:123456789012:key/b"},
            [("kms_key", "arn:aws:kms:us-east-1:123456789012:key/a", "arn:aws:kms:us-east-1:123456789012:key/b")],
        ),
    ],
)
def test_encryption_differences(current, wanted, expected):
    found = module_under_test.encryption_differences(
        {"encryptionConfiguration": current}, {"encryption_configuration": wanted}
    )
    assert found == expected


# ---------------------------------------------------------------------------------------------------------------------
# present


def test_create_check_mode_makes_no_write(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber, found=False)

    result = run(monkeypatch, capsys, client, _ansible_check_mode=True, _ansible_diff=True, **PRESENT)

    assert result["changed"] is True
    assert result["repository"]["repository_name"] == NAME
    assert result["repository"]["encryption_configuration"] == {"encryption_type": "AES256"}
    assert result["lifecycle_policy"] == LIFECYCLE
    assert result["tags"] == {"stack": "shop"}
    assert result["diff"]["before"] == {}


def test_create_requests(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber, found=False)
    stubber.add_response(
        "create_repository",
        {"repository": repository()},
        {
            "repositoryName": NAME,
            "imageTagMutability": "MUTABLE",
            "imageScanningConfiguration": {"scanOnPush": True},
            "encryptionConfiguration": {"encryptionType": "AES256"},
            "tags": [{"Key": "stack", "Value": "shop"}],
        },
    )
    stubber.add_response(
        "put_lifecycle_policy",
        {"repositoryName": NAME},
        {"repositoryName": NAME, "lifecyclePolicyText": json.dumps(LIFECYCLE)},
    )
    stubber.add_response(
        "set_repository_policy", {"repositoryName": NAME}, {"repositoryName": NAME, "policyText": json.dumps(POLICY)}
    )

    result = run(monkeypatch, capsys, client, policy=POLICY, **PRESENT)

    assert result["changed"] is True
    assert result["repository"]["repository_uri"] == URI
    assert result["repository"]["repository_arn"] == ARN
    assert result["policy"] == POLICY


def test_rerun_is_unchanged_with_only_reads(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    expect_reads(stubber, lifecycle={"rules": list(reversed(LIFECYCLE["rules"]))}, policy=POLICY)

    result = run(monkeypatch, capsys, client, policy=POLICY, **PRESENT)

    assert result["changed"] is False
    assert result["tags"] == {"stack": "shop"}
    assert result["repository"]["repository_uri"] == URI


def test_updates_each_attribute(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    expect_reads(stubber, lifecycle=None, policy=POLICY)
    stubber.add_response(
        "put_image_scanning_configuration",
        {},
        {"repositoryName": NAME, "imageScanningConfiguration": {"scanOnPush": False}},
    )
    stubber.add_response("put_image_tag_mutability", {}, {"repositoryName": NAME, "imageTagMutability": "IMMUTABLE"})
    stubber.add_response(
        "put_lifecycle_policy", {}, {"repositoryName": NAME, "lifecyclePolicyText": json.dumps(LIFECYCLE)}
    )
    stubber.add_response("delete_repository_policy", {}, {"repositoryName": NAME})
    stubber.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["stack"]})
    stubber.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": [{"Key": "owner", "Value": "platform"}]})
    expect_describe(stubber, imageTagMutability="IMMUTABLE", imageScanningConfiguration={"scanOnPush": False})

    result = run(
        monkeypatch,
        capsys,
        client,
        _ansible_diff=True,
        scan_on_push=False,
        image_tag_mutability="IMMUTABLE",
        lifecycle_policy=LIFECYCLE,
        purge_policy=True,
        tags={"owner": "platform"},
    )

    assert result["changed"] is True
    assert result["repository"]["image_tag_mutability"] == "IMMUTABLE"
    assert result["policy"] is None
    assert result["tags"] == {"owner": "platform"}
    assert result["diff"]["before"]["lifecycle_policy"] is None
    assert result["diff"]["after"]["lifecycle_policy"] == LIFECYCLE


def test_update_in_check_mode_makes_no_write(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    expect_reads(stubber)

    result = run(monkeypatch, capsys, client, _ansible_check_mode=True, scan_on_push=False, purge_lifecycle_policy=True)

    assert result["changed"] is True
    assert result["repository"]["image_scanning_configuration"] == {"scan_on_push": False}
    assert result["lifecycle_policy"] is None


def test_encryption_cannot_change(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)

    result = run(monkeypatch, capsys, client, encryption_configuration={"encryption_type": "KMS"})

    assert result["failed"] is True
    assert f"encryption configuration of ECR repository {NAME} cannot be changed" in result["msg"]
    assert "'AES256' but 'KMS'" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# absent


def expect_images(stubber, count):
    details = [
        {"registryId": "123456789012", "repositoryName": NAME, "imageDigest": f"sha256:{i:064x}"} for i in range(count)
    ]
    stubber.add_response("describe_images", {"imageDetails": details}, {"repositoryName": NAME})


def test_delete_empty_repository(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    expect_images(stubber, 0)
    stubber.add_response("delete_repository", {"repository": repository()}, {"repositoryName": NAME, "force": False})

    result = run(monkeypatch, capsys, client, state="absent")

    assert result["changed"] is True
    assert result["repository"] == {}


def test_delete_refused_while_images_remain(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    expect_images(stubber, 3)

    result = run(monkeypatch, capsys, client, state="absent")

    assert result["failed"] is True
    assert f"Refusing to delete ECR repository {NAME}: it holds 3 image(s)" in result["msg"]
    assert "force_delete" in result["msg"]


def test_force_delete_skips_the_count(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    stubber.add_response("delete_repository", {"repository": repository()}, {"repositoryName": NAME, "force": True})

    assert run(monkeypatch, capsys, client, state="absent", force_delete=True)["changed"] is True


def test_delete_check_mode_makes_no_write(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    expect_images(stubber, 0)

    assert run(monkeypatch, capsys, client, state="absent", _ansible_check_mode=True)["changed"] is True


def test_delete_absent_is_unchanged(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber, found=False)

    assert run(monkeypatch, capsys, client, state="absent")["changed"] is False


def test_delete_skips_a_repository_of_another_owner(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    stubber.add_response("list_tags_for_resource", {"tags": [{"Key": "stack", "Value": "other"}]}, {"resourceArn": ARN})

    result = run(monkeypatch, capsys, client, state="absent", force_delete=True, owner_tags={"stack": "shop"})

    assert result["changed"] is False
    assert "does not carry the owner tags stack=shop" in json.dumps(result["warnings"])


def test_delete_with_matching_owner_tags(ecr, monkeypatch, capsys):
    client, stubber = ecr
    expect_describe(stubber)
    stubber.add_response("list_tags_for_resource", {"tags": [{"Key": "stack", "Value": "shop"}]}, {"resourceArn": ARN})
    expect_images(stubber, 0)
    stubber.add_response("delete_repository", {"repository": repository()}, {"repositoryName": NAME, "force": False})

    assert run(monkeypatch, capsys, client, state="absent", owner_tags={"stack": "shop"})["changed"] is True
