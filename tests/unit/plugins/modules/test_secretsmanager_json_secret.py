# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.secretsmanager_json_secret.

AWS calls go through botocore's Stubber on a real Secrets Manager client (request shapes validated against the API
model and compared with the expected ones), wrapped the way AnsibleAWSModule wraps it when a retry decorator is
given, so the module's aws_retry=True calls are exercised.
"""

import datetime
import json
import string

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import secretsmanager_json_secret as mod
from botocore.stub import ANY, Stubber

NAME = "prod/whatsapp-platform/api"
ARN = f"arn:aws:secretsmanager:us-east-1:123456789012:secret:{NAME}-AbCdEf"
VERSION = "11111111-1111-4111-8111-111111111111"
NEW_VERSION = "22222222-2222-4222-8222-222222222222"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
DELETED = datetime.datetime(2026, 12, 2, 2, 16, 54, tzinfo=datetime.UTC)


class FakeModule:
    def __init__(self, check_mode=False, **overrides):
        self.check_mode = check_mode
        self.warnings = []
        self.params = params(**overrides)

    def warn(self, msg):
        self.warnings.append(msg)


def params(**overrides):
    result = {
        "state": "present",
        "name": NAME,
        "description": None,
        "kms_key_id": None,
        "values": {},
        "generate": {},
        "purge_values": False,
        "resource_policy": None,
        "recovery_window_in_days": 7,
        "owner_tags": None,
        "return_values": False,
        "tags": None,
        "purge_tags": True,
    }
    result.update(overrides)
    return result


@pytest.fixture
def sm():
    client = boto3.client("secretsmanager", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def described(**overrides):
    secret = {
        "ARN": ARN,
        "Name": NAME,
        "Description": "API secrets",
        "Tags": [{"Key": "stack", "Value": "s1"}],
        "VersionIdsToStages": {VERSION: ["AWSCURRENT"]},
    }
    secret.update(overrides)
    return {k: v for k, v in secret.items() if v is not None}


def expect_describe(stubber, secret):
    if secret is None:
        stubber.add_client_error("describe_secret", "ResourceNotFoundException", http_status_code=400)
    else:
        stubber.add_response("describe_secret", secret, {"SecretId": NAME})


def expect_value(stubber, value):
    stubber.add_response(
        "get_secret_value",
        {"ARN": ARN, "Name": NAME, "VersionId": VERSION, "SecretString": json.dumps(value)},
        {"SecretId": ARN},
    )


def expect_put(stubber):
    stubber.add_response(
        "put_secret_value",
        {"ARN": ARN, "Name": NAME, "VersionId": NEW_VERSION},
        {"SecretId": ARN, "SecretString": ANY, "ClientRequestToken": ANY},
    )


# ---------------------------------------------------------------------------------------------------------------------
# pure helpers


@pytest.mark.parametrize(
    ("options", "alphabet"),
    [
        ({}, string.ascii_letters + string.digits),
        ({"exclude_numbers": True}, string.ascii_letters),
        ({"exclude_uppercase": True, "exclude_lowercase": True}, string.digits),
        ({"exclude_punctuation": False, "exclude_characters": "\"'@/\\"}, None),
    ],
)
def test_generated_values_use_only_the_allowed_characters(options, alphabet):
    opts = mod.normalize_generate({"K": dict(options, length=200)})["K"]
    value = mod.generate_value(opts)
    assert len(value) == 200
    allowed = alphabet or "".join(mod.character_classes(opts))
    assert set(value) <= set(allowed)
    if alphabet is None:
        assert not set(value) & set("\"'@/\\")
        assert set(value) & set(mod.PUNCTUATION)  # require_each_included_type


def test_generated_values_differ():
    opts = mod.normalize_generate({"K": None})["K"]
    assert opts["length"] == 32 and opts["exclude_punctuation"] is True
    assert mod.generate_value(opts) != mod.generate_value(opts)


@pytest.mark.parametrize(
    ("generate", "message"),
    [
        ({"K": {"lenght": 3}}, "unknown option"),
        ({"K": {"length": 0}}, "between 1 and 4096"),
        ({"K": {"length": "x"}}, "must be an integer"),
        ({"K": "32"}, "must be a dictionary"),
        (
            {"K": {"exclude_uppercase": True, "exclude_lowercase": True, "exclude_numbers": True}},
            "every character class",
        ),
    ],
)
def test_bad_generate_options_are_refused(generate, message):
    with pytest.raises(mod.SecretError, match=message):
        mod.normalize_generate(generate)


def fixed(options):
    return "GEN"


@pytest.mark.parametrize(
    ("current", "values", "generate", "purge", "merged", "markers"),
    [
        pytest.param(
            {}, {"A": "1"}, {"G": {}}, False, {"A": "1", "G": "GEN"}, {"A": "(added)", "G": "(generated)"}, id="new"
        ),
        pytest.param(
            {"A": "1", "G": "old", "X": "x"},
            {"A": "2"},
            {"G": {}},
            False,
            {"A": "2", "G": "old", "X": "x"},
            {"A": "(changed)", "G": "(unchanged)", "X": "(unchanged)"},
            id="generated-kept-others-kept",
        ),
        pytest.param(
            {"A": "1", "X": "x"},
            {"A": "1"},
            {},
            True,
            {"A": "1"},
            {"A": "(unchanged)", "X": "(removed)"},
            id="purge",
        ),
        pytest.param(
            None, {"A": "1"}, {"G": {}}, False, {"A": "1"}, {"A": "(changed)", "G": "(unchanged)"}, id="unknown-current"
        ),
    ],
)
def test_merge_values(current, values, generate, purge, merged, markers):
    assert mod.merge_values(current, values, generate, purge, make_value=fixed) == (merged, markers)


@pytest.mark.parametrize(
    ("current", "wanted", "match"),
    [
        (KEY_ARN, KEY_ARN, True),
        (KEY_ARN, "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", True),
        ("arn:aws:kms:us-east-1:123456789012:alias/app", "alias/app", True),
        (KEY_ARN, "alias/app", False),
        (None, "alias/aws/secretsmanager", True),
        (None, KEY_ARN, False),
        (KEY_ARN, None, True),
    ],
)
def test_kms_key_matches(current, wanted, match):
    assert mod.kms_key_matches(current, wanted) is match


def test_a_value_that_is_not_an_object_is_refused_unless_purged():
    with pytest.raises(mod.SecretError, match="not a JSON object"):
        mod.parse_secret_string("plain", NAME, purge_values=False)
    assert mod.parse_secret_string("plain", NAME, purge_values=True) == {}
    assert mod.parse_secret_string(None, NAME, purge_values=False) == {}


def test_fixed_values_are_not_masked_in_the_result():
    class Module:
        params = {"values": {"USER": "app", "PORT": 5432, "NESTED": {"A": "b"}, "FLAG": True, "EMPTY": ""}}
        no_log_values = {"app", "5432", "b", "secret-key"}

    mod.unmask_fixed_values(Module)
    assert Module.no_log_values == {"secret-key"}
    assert mod.masked_module_args(Module.params)["values"]["USER"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


# ---------------------------------------------------------------------------------------------------------------------
# present


def test_create_generates_and_tags(sm):
    client, stubber = sm
    expect_describe(stubber, None)
    stubber.add_response(
        "create_secret",
        {"ARN": ARN, "Name": NAME, "VersionId": VERSION},
        {
            "Name": NAME,
            "Description": "API secrets",
            "SecretString": ANY,
            "ClientRequestToken": ANY,
            "Tags": [{"Key": "stack", "Value": "s1"}],
        },
    )
    module = FakeModule(
        description="API secrets",
        values={"JWT_EXPIRES_IN": "900s"},
        generate={"JWT_SECRET": {"length": 64}},
        tags={"stack": "s1"},
        return_values=True,
    )
    result = mod.ensure_present(client, module)
    assert result["changed"] is True
    assert result["arn"] == ARN and result["version_id"] == VERSION
    assert result["keys"] == ["JWT_EXPIRES_IN", "JWT_SECRET"]
    assert len(result["values"]["JWT_SECRET"]) == 64
    assert result["diff"]["after"]["values"] == {"JWT_EXPIRES_IN": "(added)", "JWT_SECRET": "(generated)"}
    assert result["values"]["JWT_SECRET"] not in json.dumps(result["diff"])


def test_create_in_check_mode_makes_no_call_and_hides_generated_values(sm):
    client, stubber = sm
    expect_describe(stubber, None)
    module = FakeModule(check_mode=True, values={"A": "1"}, generate={"G": None}, return_values=True)
    result = mod.ensure_present(client, module)
    assert result["changed"] is True and result["arn"] is None
    assert result["values"] == {"A": "1", "G": mod.KNOWN_AFTER_APPLY}


def test_create_with_kms_key_and_policy(sm):
    client, stubber = sm
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*"}]}
    expect_describe(stubber, None)
    stubber.add_response(
        "create_secret",
        {"ARN": ARN, "Name": NAME, "VersionId": VERSION},
        {"Name": NAME, "SecretString": "{}", "ClientRequestToken": ANY, "KmsKeyId": KEY_ARN},
    )
    stubber.add_response(
        "put_resource_policy", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN, "ResourcePolicy": json.dumps(policy)}
    )
    result = mod.ensure_present(client, FakeModule(kms_key_id=KEY_ARN, resource_policy=json.dumps(policy)))
    assert result["changed"] is True
    assert result["kms_key_id"] == KEY_ARN


def test_rerun_makes_no_write_and_keeps_generated_keys(sm):
    client, stubber = sm
    expect_describe(stubber, described())
    expect_value(stubber, {"JWT_EXPIRES_IN": "900s", "JWT_SECRET": "kept"})
    module = FakeModule(
        description="API secrets",
        values={"JWT_EXPIRES_IN": "900s"},
        generate={"JWT_SECRET": {"length": 64}},
        tags={"stack": "s1"},
    )
    result = mod.ensure_present(client, module)
    assert result["changed"] is False
    assert result["version_id"] == VERSION
    assert result["diff"]["before"] == result["diff"]["after"]


def test_changed_value_writes_one_new_version(sm):
    client, stubber = sm
    expect_describe(stubber, described())
    expect_value(stubber, {"A": "1", "B": "keep"})
    stubber.add_response(
        "put_secret_value",
        {"ARN": ARN, "Name": NAME, "VersionId": NEW_VERSION},
        {"SecretId": ARN, "SecretString": json.dumps({"A": "2", "B": "keep"}), "ClientRequestToken": ANY},
    )
    result = mod.ensure_present(client, FakeModule(values={"A": "2"}))
    assert result["changed"] is True
    assert result["version_id"] == NEW_VERSION
    assert result["keys"] == ["A", "B"]
    assert result["diff"]["before"]["values"] == {"A": "(set)", "B": "(unchanged)"}
    assert result["diff"]["after"]["values"] == {"A": "(changed)", "B": "(unchanged)"}


def test_changes_in_check_mode_make_no_write(sm):
    client, stubber = sm
    expect_describe(stubber, described(Description="old"))
    expect_value(stubber, {"A": "1"})
    module = FakeModule(check_mode=True, values={"A": "2"}, description="new", tags={"stack": "s2"})
    result = mod.ensure_present(client, module)
    assert result["changed"] is True
    assert result["tags"] == {"stack": "s2"}
    assert result["description"] == "new"


def test_description_kms_and_tags_are_updated(sm):
    client, stubber = sm
    expect_describe(
        stubber, described(Description="old", Tags=[{"Key": "stack", "Value": "s1"}, {"Key": "x", "Value": "y"}])
    )
    expect_value(stubber, {"A": "1"})
    stubber.add_response(
        "update_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN, "Description": "new", "KmsKeyId": KEY_ARN}
    )
    stubber.add_response("untag_resource", {}, {"SecretId": ARN, "TagKeys": ["x"]})
    stubber.add_response("tag_resource", {}, {"SecretId": ARN, "Tags": [{"Key": "env", "Value": "prod"}]})
    module = FakeModule(description="new", kms_key_id=KEY_ARN, tags={"stack": "s1", "env": "prod"})
    result = mod.ensure_present(client, module)
    assert result["changed"] is True
    assert result["tags"] == {"stack": "s1", "env": "prod"}


def test_same_policy_is_not_put_again(sm):
    client, stubber = sm
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*"}]}
    expect_describe(stubber, described())
    expect_value(stubber, {})
    stubber.add_response(
        "get_resource_policy", {"ARN": ARN, "Name": NAME, "ResourcePolicy": json.dumps(policy)}, {"SecretId": ARN}
    )
    result = mod.ensure_present(client, FakeModule(resource_policy=json.dumps(policy)))
    assert result["changed"] is False


def test_scheduled_secret_is_restored_before_its_value_is_read(sm):
    client, stubber = sm
    expect_describe(stubber, described(DeletedDate=DELETED))
    stubber.add_response("restore_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN})
    expect_value(stubber, {"G": "kept"})
    result = mod.ensure_present(client, FakeModule(generate={"G": None}))
    assert result["changed"] is True
    assert result["keys"] == ["G"]


def test_scheduled_secret_in_check_mode_is_not_read(sm):
    client, stubber = sm
    expect_describe(stubber, described(DeletedDate=DELETED))
    result = mod.ensure_present(client, FakeModule(check_mode=True, generate={"G": None}))
    assert result["changed"] is True
    assert result["diff"]["before"]["scheduled_for_deletion"] is True


def test_key_in_values_and_generate_is_refused(sm):
    client = sm[0]
    with pytest.raises(mod.SecretError, match="both values and generate"):
        mod.ensure_present(client, FakeModule(values={"A": "1"}, generate={"A": None}))


# ---------------------------------------------------------------------------------------------------------------------
# absent


def test_delete_with_recovery_window(sm):
    client, stubber = sm
    expect_describe(stubber, described())
    stubber.add_response(
        "delete_secret",
        {"ARN": ARN, "Name": NAME, "DeletionDate": DELETED},
        {"SecretId": ARN, "RecoveryWindowInDays": 7},
    )
    result = mod.ensure_absent(client, FakeModule(state="absent", owner_tags={"stack": "s1"}))
    assert result["changed"] is True
    assert result["deleted_date"] == DELETED


def test_force_delete_of_a_scheduled_secret(sm):
    client, stubber = sm
    expect_describe(stubber, described(DeletedDate=DELETED))
    stubber.add_response(
        "delete_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": ARN, "ForceDeleteWithoutRecovery": True}
    )
    result = mod.ensure_absent(client, FakeModule(state="absent", recovery_window_in_days=0))
    assert result["changed"] is True


@pytest.mark.parametrize(
    ("secret", "overrides", "warned"),
    [
        pytest.param(None, {}, False, id="missing"),
        pytest.param(described(DeletedDate=DELETED), {}, False, id="already-scheduled"),
        pytest.param(described(), {"owner_tags": {"stack": "other"}}, True, id="foreign"),
        pytest.param(described(), {"check_mode": True}, False, id="check-mode"),
    ],
)
def test_absent_without_write(sm, secret, overrides, warned):
    client, stubber = sm
    expect_describe(stubber, secret)
    check = overrides.pop("check_mode", False)
    module = FakeModule(check_mode=check, state="absent", **overrides)
    result = mod.ensure_absent(client, module)
    assert result["changed"] is (check and secret is not None)
    assert bool(module.warnings) is warned
