# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.iam_roles.

Every AWS call goes through botocore's Stubber on a real IAM client (request shapes validated against the IAM API
model and compared exactly), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in, so check
mode, diff and the write calls are those of the real module. The module reads through ``run_concurrently``; here it
runs the reads in order (a Stubber answers in the order it was given), and one test checks what it is given.
A write the test did not expect fails the test: the Stubber has no answer for it.
"""

import datetime
import json
from urllib.parse import quote

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils import iam_roles
from ansible_collections.stacksmith.aws.plugins.modules import iam_roles as module_under_test
from botocore.stub import Stubber

ACCOUNT = "123456789012"
CREATED = datetime.datetime(2024, 5, 21, 13, 21, 10, tzinfo=datetime.UTC)
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
READ_ONLY_POLICY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
COMMON_TAGS = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod"}
ECS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
# The same trust policy as IAM may hand it back: lists for single values, keys in another order.
ECS_TRUST_AS_STORED = {
    "Statement": [
        {"Action": ["sts:AssumeRole"], "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Effect": "Allow"}
    ],
    "Version": "2012-10-17",
}
SECRETS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}],
}
LOGS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}],
}


def sequential(function, items):
    """run_concurrently in order: a Stubber answers its queue in order, so the tests read one item after another."""
    return [function(item) for item in items]


@pytest.fixture
def iam(monkeypatch):
    client = boto3.client("iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    monkeypatch.setattr(iam_roles, "run_concurrently", sequential)
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def sleeps(monkeypatch):
    """The retry sleeps (not slept)."""
    slept = []
    monkeypatch.setattr(cloud.time, "sleep", slept.append)
    return slept


def encoded(document):
    """A policy document as the IAM API sends it: URL-encoded JSON."""
    return quote(json.dumps(document))


def arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:role{path}{name}"


def role_id(name):
    return "AROA" + name.upper().replace("-", "")[:12].ljust(16, "X")


def tags_of(name, extra=None, common=None):
    tags = dict(COMMON_TAGS if common is None else common)
    tags.update(extra or {})
    return dict(sorted(tags.items()))


def tag_list(tags):
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def aws_role(name, trust=None, tags=None, path="/", **overrides):
    """A GetRole Role (trusting ECS tasks unless told otherwise)."""
    trust = ECS_TRUST_AS_STORED if trust is None else trust
    role = {
        "Path": path,
        "RoleName": name,
        "RoleId": role_id(name),
        "Arn": arn(name, path),
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": encoded(trust),
        "MaxSessionDuration": 3600,
        "Tags": tag_list(tags_of(name) if tags is None else tags),
    }
    role.update(overrides)
    return {key: value for key, value in role.items() if value is not None}


def existing(name, managed=(), inline=None, **role):
    return {"name": name, "role": aws_role(name, **role), "managed": list(managed), "inline": inline or {}}


def expect_reads(stubber, *roles):
    """The reads of the listed roles: GetRole, ListAttachedRolePolicies, ListRolePolicies of each (an absent role:
    NoSuchEntity for each), then GetRolePolicy of each inline policy."""
    for item in roles:
        name = item if isinstance(item, str) else item["name"]
        if isinstance(item, str):
            for operation in ("get_role", "list_attached_role_policies", "list_role_policies"):
                stubber.add_client_error(operation, "NoSuchEntity", "not found", 404, {"RoleName": name})
            continue
        stubber.add_response("get_role", {"Role": item["role"]}, {"RoleName": name})
        attached = [{"PolicyArn": policy, "PolicyName": policy.rsplit("/", 1)[1]} for policy in item["managed"]]
        stubber.add_response(
            "list_attached_role_policies", {"AttachedPolicies": attached, "IsTruncated": False}, {"RoleName": name}
        )
        stubber.add_response(
            "list_role_policies", {"PolicyNames": sorted(item["inline"]), "IsTruncated": False}, {"RoleName": name}
        )
    for item in roles:
        if isinstance(item, str):
            continue
        for policy in sorted(item["inline"]):
            stubber.add_response(
                "get_role_policy",
                {"RoleName": item["name"], "PolicyName": policy, "PolicyDocument": encoded(item["inline"][policy])},
                {"RoleName": item["name"], "PolicyName": policy},
            )


def expect_list_roles(stubber, roles, path="/"):
    listed = [{key: value for key, value in r["role"].items() if key != "Tags"} for r in roles]
    stubber.add_response("list_roles", {"Roles": listed, "IsTruncated": False}, {"PathPrefix": path})


def expect_tags(stubber, item):
    stubber.add_response(
        "list_role_tags", {"Tags": item["role"]["Tags"], "IsTruncated": False}, {"RoleName": item["name"]}
    )


def expect_delete(stubber, item, profiles=()):
    name = item["name"]
    for policy in item["managed"]:
        stubber.add_response("detach_role_policy", {}, {"RoleName": name, "PolicyArn": policy})
    for policy in sorted(item["inline"]):
        stubber.add_response("delete_role_policy", {}, {"RoleName": name, "PolicyName": policy})
    answer = [
        {
            "Path": "/",
            "InstanceProfileName": profile,
            "InstanceProfileId": "AIPA" + profile.upper().ljust(16, "X"),
            "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{profile}",
            "CreateDate": CREATED,
            "Roles": [],
        }
        for profile in profiles
    ]
    stubber.add_response(
        "list_instance_profiles_for_role", {"InstanceProfiles": answer, "IsTruncated": False}, {"RoleName": name}
    )
    for profile in sorted(profiles):
        stubber.add_response(
            "remove_role_from_instance_profile", {}, {"InstanceProfileName": profile, "RoleName": name}
        )
    stubber.add_response("delete_role", {}, {"RoleName": name})


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("tags", COMMON_TAGS)
    args.setdefault("owner_tags", OWNER)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


def execution_item(**overrides):
    item = {
        "name": "shop-prod-ecs-execution",
        "description": "ECS task execution role",
        "assume_role_policy": ECS_TRUST,
        "managed_policy_arns": [EXECUTION_POLICY],
        "inline_policies": {"secrets": SECRETS},
    }
    item.update(overrides)
    return item


def task_item(**overrides):
    item = {"name": "shop-prod-ecs-task", "assume_role_policy": ECS_TRUST, "max_session_duration": 3600}
    item.update(overrides)
    return item


def execution_role(**overrides):
    settings = {"managed": [EXECUTION_POLICY], "inline": {"secrets": SECRETS}, "Description": "ECS task execution role"}
    settings.update(overrides)
    return existing("shop-prod-ecs-execution", **settings)


def task_role(**overrides):
    return existing("shop-prod-ecs-task", **overrides)


# ---------------------------------------------------------------------------------------------------------------------
# helpers


@pytest.mark.parametrize("value", [SECRETS, json.dumps(SECRETS), encoded(SECRETS), "  " + json.dumps(SECRETS)])
def test_parse_document_accepts_dict_json_and_url_encoded_json(value):
    assert iam_roles.parse_document(value, "policy") == SECRETS


@pytest.mark.parametrize("value", ["{not json", "[1, 2]", 42])
def test_parse_document_rejects_what_is_not_a_document(value):
    with pytest.raises(module_under_test.ResourceSetError, match="policy"):
        iam_roles.parse_document(value, "policy")


def test_view_sorts_and_decodes():
    item = existing("r", managed=[READ_ONLY_POLICY, EXECUTION_POLICY], inline={"b": LOGS, "a": SECRETS})
    item["tags"] = {"z": "1", "a": "2"}
    result = module_under_test.view(item)
    assert result["assume_role_policy"] == ECS_TRUST_AS_STORED
    assert result["managed_policy_arns"] == sorted([EXECUTION_POLICY, READ_ONLY_POLICY])
    assert list(result["inline_policies"]) == ["a", "b"]
    assert list(result["tags"]) == ["a", "z"]
    assert result["description"] == ""


# ---------------------------------------------------------------------------------------------------------------------
# merged / replaced


def test_create_requests(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_reads(stubber, "shop-prod-ecs-execution", "shop-prod-ecs-task")
    name = "shop-prod-ecs-execution"
    stubber.add_response(
        "create_role",
        {"Role": aws_role(name, trust=ECS_TRUST, Description="ECS task execution role")},
        {
            "RoleName": name,
            "Path": "/",
            "AssumeRolePolicyDocument": json.dumps(ECS_TRUST),
            "Description": "ECS task execution role",
            "Tags": tag_list(tags_of(name)),
        },
    )
    stubber.add_response("attach_role_policy", {}, {"RoleName": name, "PolicyArn": EXECUTION_POLICY})
    stubber.add_response(
        "put_role_policy", {}, {"RoleName": name, "PolicyName": "secrets", "PolicyDocument": json.dumps(SECRETS)}
    )
    task = "shop-prod-ecs-task"
    stubber.add_response(
        "create_role",
        {"Role": aws_role(task, trust=ECS_TRUST, tags=tags_of(task, {"component": "api"}))},
        {
            "RoleName": task,
            "Path": "/",
            "AssumeRolePolicyDocument": json.dumps(ECS_TRUST),
            "MaxSessionDuration": 3600,
            "Tags": tag_list(tags_of(task, {"component": "api"})),
        },
    )

    result = run(
        monkeypatch, capsys, client, _ansible_diff=True, config=[execution_item(), task_item(tags={"component": "api"})]
    )

    assert result["changed"] is True
    assert result["created"] == [name, task]
    assert result["updated"] == [] and result["deleted"] == []
    assert result["role_arns"] == {name: arn(name), task: arn(task)}
    first = result["roles"][0]
    assert first["role_id"] == role_id(name)
    assert first["managed_policy_arns"] == [EXECUTION_POLICY]
    assert first["inline_policies"] == {"secrets": SECRETS}
    assert first["tags"] == tags_of(name)
    assert result["roles"][1]["tags"]["component"] == "api"
    assert result["diff"]["before"] == {name: {}, task: {}}
    assert result["diff"]["after"][task]["max_session_duration"] == 3600


def test_converged_set_makes_only_reads(iam, monkeypatch, capsys):
    client, stubber = iam
    execution = execution_role(inline={"secrets": json.loads(json.dumps(SECRETS).replace('"*"', '["*"]'))})
    expect_reads(stubber, execution, task_role())

    result = run(monkeypatch, capsys, client, state="replaced", config=[execution_item(), task_item()])

    assert result["changed"] is False
    assert result["created"] == [] and result["updated"] == [] and result["deleted"] == []
    assert [role["name"] for role in result["roles"]] == ["shop-prod-ecs-execution", "shop-prod-ecs-task"]
    assert result["role_arns"]["shop-prod-ecs-task"] == arn("shop-prod-ecs-task")


def test_one_changed_field_is_one_update_role(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_reads(stubber, execution_role(), task_role())
    stubber.add_response("update_role", {}, {"RoleName": "shop-prod-ecs-task", "MaxSessionDuration": 7200})

    result = run(
        monkeypatch,
        capsys,
        client,
        _ansible_diff=True,
        state="replaced",
        config=[execution_item(), task_item(max_session_duration=7200)],
    )

    assert result["changed"] is True
    assert result["updated"] == ["shop-prod-ecs-task"]
    assert list(result["diff"]["before"]) == ["shop-prod-ecs-task"]
    assert result["diff"]["before"]["shop-prod-ecs-task"]["max_session_duration"] == 3600
    assert result["diff"]["after"]["shop-prod-ecs-task"]["max_session_duration"] == 7200
    assert result["roles"][1]["max_session_duration"] == 7200


def test_merged_updates_trust_description_policies_and_adds_tags(iam, monkeypatch, capsys):
    client, stubber = iam
    name = "shop-prod-ecs-execution"
    current = execution_role(
        managed=[READ_ONLY_POLICY],
        inline={"secrets": LOGS, "extra": LOGS},
        Description="old",
        trust={"Version": "2012-10-17", "Statement": []},
        tags={"stack": "shop-prod", "managed-by": "stacksmith", "keep": "me"},
    )
    expect_reads(stubber, current)
    stubber.add_response("update_assume_role_policy", {}, {"RoleName": name, "PolicyDocument": json.dumps(ECS_TRUST)})
    stubber.add_response("update_role", {}, {"RoleName": name, "Description": "ECS task execution role"})
    stubber.add_response("attach_role_policy", {}, {"RoleName": name, "PolicyArn": EXECUTION_POLICY})
    stubber.add_response(
        "put_role_policy", {}, {"RoleName": name, "PolicyName": "secrets", "PolicyDocument": json.dumps(SECRETS)}
    )
    stubber.add_response("tag_role", {}, {"RoleName": name, "Tags": tag_list({"environment": "prod"})})

    result = run(monkeypatch, capsys, client, config=[execution_item()])

    assert result["changed"] is True
    assert result["updated"] == [name]
    role = result["roles"][0]
    assert role["assume_role_policy"] == ECS_TRUST
    assert role["description"] == "ECS task execution role"
    assert role["managed_policy_arns"] == sorted([EXECUTION_POLICY, READ_ONLY_POLICY])  # merged keeps the unlisted one
    assert role["inline_policies"] == {"extra": LOGS, "secrets": SECRETS}
    assert role["tags"] == {**tags_of(name), "keep": "me"}


@pytest.mark.parametrize("state", ["replaced", "overridden"])
def test_purge_states_remove_the_unlisted_sub_items(iam, monkeypatch, capsys, state):
    client, stubber = iam
    name = "shop-prod-ecs-execution"
    current = execution_role(
        managed=[EXECUTION_POLICY, READ_ONLY_POLICY],
        inline={"secrets": SECRETS, "extra": LOGS},
        tags={**tags_of(name), "zz-old": "1", "aa-old": "2"},
    )
    expect_reads(stubber, current)
    if state == "overridden":
        expect_list_roles(stubber, [current])
    stubber.add_response("detach_role_policy", {}, {"RoleName": name, "PolicyArn": READ_ONLY_POLICY})
    stubber.add_response("delete_role_policy", {}, {"RoleName": name, "PolicyName": "extra"})
    stubber.add_response("untag_role", {}, {"RoleName": name, "TagKeys": ["aa-old", "zz-old"]})

    result = run(monkeypatch, capsys, client, _ansible_diff=True, state=state, config=[execution_item()])

    assert result["changed"] is True
    assert result["updated"] == [name]
    assert result["roles"][0]["managed_policy_arns"] == [EXECUTION_POLICY]
    assert result["roles"][0]["inline_policies"] == {"secrets": SECRETS}
    assert result["roles"][0]["tags"] == tags_of(name)
    assert result["diff"]["before"][name]["inline_policies"] == {"extra": LOGS, "secrets": SECRETS}


def test_replaced_without_policies_listed_removes_them_all(iam, monkeypatch, capsys):
    client, stubber = iam
    name = "shop-prod-ecs-task"
    expect_reads(stubber, task_role(managed=[READ_ONLY_POLICY], inline={"extra": LOGS}))
    stubber.add_response("detach_role_policy", {}, {"RoleName": name, "PolicyArn": READ_ONLY_POLICY})
    stubber.add_response("delete_role_policy", {}, {"RoleName": name, "PolicyName": "extra"})

    result = run(monkeypatch, capsys, client, state="replaced", config=[task_item()])

    assert result["updated"] == [name]
    assert result["roles"][0]["managed_policy_arns"] == [] and result["roles"][0]["inline_policies"] == {}


def test_merged_keeps_the_unlisted_sub_items(iam, monkeypatch, capsys):
    client, stubber = iam
    name = "shop-prod-ecs-execution"
    current = execution_role(
        managed=[EXECUTION_POLICY, READ_ONLY_POLICY],
        inline={"secrets": SECRETS, "extra": LOGS},
        tags={**tags_of(name), "old": "1"},
    )
    expect_reads(stubber, current)

    result = run(monkeypatch, capsys, client, state="merged", config=[execution_item()])

    assert result["changed"] is False
    assert result["roles"][0]["managed_policy_arns"] == sorted([EXECUTION_POLICY, READ_ONLY_POLICY])


def test_replaced_refuses_a_role_it_does_not_own(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_reads(stubber, execution_role(tags={"stack": "other"}))

    result = run(monkeypatch, capsys, client, state="replaced", config=[execution_item()])

    assert result["failed"] is True
    assert "shop-prod-ecs-execution exists but is not owned" in result["msg"]


def test_path_cannot_change(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_reads(stubber, execution_role(path="/legacy/"), "shop-prod-ecs-task")

    result = run(monkeypatch, capsys, client, config=[execution_item(), task_item(assume_role_policy=None)])

    assert result["failed"] is True
    assert "shop-prod-ecs-execution: the role exists under path /legacy/ but path / was requested" in result["msg"]
    assert "shop-prod-ecs-task: assume_role_policy is required to create the role" in result["msg"]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (task_item(max_session_duration=60), "max_session_duration 60 is not between 3600 and 43200"),
        (task_item(inline_policies={"p": "{bad"}), "inline_policies.p is not a JSON policy document"),
        (task_item(managed_policy_arns=["ReadOnlyAccess"]), "ReadOnlyAccess is not a managed policy ARN"),
        (task_item(name="bad name!"), "role name must match pattern"),
    ],
)
def test_invalid_input_fails_before_any_call(iam, monkeypatch, capsys, item, message):
    client, _stubber = iam
    result = run(monkeypatch, capsys, client, config=[item])
    assert result["failed"] is True
    assert message in result["msg"]


def test_duplicate_names_fail(iam, monkeypatch, capsys):
    client, _stubber = iam
    result = run(monkeypatch, capsys, client, config=[task_item(), task_item()])
    assert "repeated: shop-prod-ecs-task" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# check mode


def test_check_mode_makes_no_write(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_reads(stubber, "shop-prod-ecs-execution", task_role())

    result = run(
        monkeypatch,
        capsys,
        client,
        _ansible_check_mode=True,
        _ansible_diff=True,
        state="replaced",
        config=[execution_item(), task_item(max_session_duration=7200, description="new")],
    )

    assert result["changed"] is True
    assert result["created"] == ["shop-prod-ecs-execution"]
    assert result["updated"] == ["shop-prod-ecs-task"]
    assert result["role_arns"] == {"shop-prod-ecs-execution": None, "shop-prod-ecs-task": arn("shop-prod-ecs-task")}
    assert result["roles"][0]["inline_policies"] == {"secrets": SECRETS}
    assert result["roles"][1]["description"] == "new"
    assert result["diff"]["after"]["shop-prod-ecs-task"]["max_session_duration"] == 7200


# ---------------------------------------------------------------------------------------------------------------------
# overridden / deleted / gathered


def owned_old():
    return existing("shop-prod-old", managed=[READ_ONLY_POLICY], inline={"logs": LOGS})


def foreign():
    return existing("other-stack-role", tags={"stack": "other-stack", "managed-by": "stacksmith"})


def service_role():
    return existing("shop-prod-service", path="/service-role/")


def test_overridden_deletes_the_owned_unlisted_role_and_leaves_the_others(iam, monkeypatch, capsys):
    client, stubber = iam
    task = task_role()
    expect_reads(stubber, task)
    expect_list_roles(stubber, [task, owned_old(), foreign(), service_role()])
    expect_tags(stubber, foreign())  # candidates in name order; the listed role and other paths are not candidates
    expect_tags(stubber, owned_old())
    expect_reads(stubber, owned_old())
    expect_delete(stubber, owned_old(), profiles=["shop-prod-old-profile"])

    result = run(monkeypatch, capsys, client, _ansible_diff=True, state="overridden", config=[task_item()])

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-old"]
    assert result["created"] == [] and result["updated"] == []
    assert list(result["diff"]["before"]) == ["shop-prod-old"]
    assert result["diff"]["before"]["shop-prod-old"]["inline_policies"] == {"logs": LOGS}
    assert result["role_arns"] == {"shop-prod-ecs-task": arn("shop-prod-ecs-task")}


def test_overridden_in_check_mode_deletes_nothing(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_reads(stubber, task_role())
    expect_list_roles(stubber, [task_role(), owned_old()])
    expect_tags(stubber, owned_old())
    expect_reads(stubber, owned_old())

    result = run(monkeypatch, capsys, client, _ansible_check_mode=True, state="overridden", config=[task_item()])

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-old"]


def test_deleted_refuses_a_role_it_does_not_own_before_any_delete(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_reads(stubber, owned_old(), foreign())

    result = run(
        monkeypatch, capsys, client, state="deleted", config=[{"name": "shop-prod-old"}, {"name": "other-stack-role"}]
    )

    assert result["failed"] is True
    assert "refusing to delete other-stack-role: not owned" in result["msg"]


def test_deleted_listed_roles(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_reads(stubber, owned_old(), "shop-prod-gone")
    expect_delete(stubber, owned_old())

    result = run(
        monkeypatch, capsys, client, state="deleted", config=[{"name": "shop-prod-old"}, {"name": "shop-prod-gone"}]
    )

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-old"]
    assert result["roles"] == [] and result["role_arns"] == {}


def test_deleted_with_empty_config_deletes_every_owned_role(iam, monkeypatch, capsys):
    client, stubber = iam
    task = task_role()
    expect_list_roles(stubber, [task, owned_old(), foreign()])
    for item in sorted([task, owned_old(), foreign()], key=lambda r: r["name"]):
        expect_tags(stubber, item)
    expect_reads(stubber, task, owned_old())
    expect_delete(stubber, task)
    expect_delete(stubber, owned_old())

    result = run(monkeypatch, capsys, client, state="deleted")

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-ecs-task", "shop-prod-old"]


def test_deleted_with_nothing_owned_is_unchanged(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_list_roles(stubber, [foreign()])
    expect_tags(stubber, foreign())

    result = run(monkeypatch, capsys, client, state="deleted")

    assert result["changed"] is False
    assert result["deleted"] == []


def test_delete_of_what_is_already_gone_is_fine(iam, monkeypatch, capsys):
    client, stubber = iam
    old = owned_old()
    expect_reads(stubber, old)
    stubber.add_client_error("detach_role_policy", "NoSuchEntity", "gone", 404)
    stubber.add_client_error("delete_role_policy", "NoSuchEntity", "gone", 404)
    stubber.add_client_error("list_instance_profiles_for_role", "NoSuchEntity", "gone", 404)

    result = run(monkeypatch, capsys, client, state="deleted", config=[{"name": "shop-prod-old"}])

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-old"]


def test_delete_conflict_is_explained(iam, monkeypatch, capsys):
    client, stubber = iam
    old = existing("shop-prod-old")
    expect_reads(stubber, old)
    stubber.add_response("list_instance_profiles_for_role", {"InstanceProfiles": []}, {"RoleName": "shop-prod-old"})
    stubber.add_client_error("delete_role", "DeleteConflict", "Cannot delete entity, must detach all policies first.")

    result = run(monkeypatch, capsys, client, state="deleted", config=[{"name": "shop-prod-old"}])

    assert result["failed"] is True
    assert "cannot delete IAM role shop-prod-old: something was attached to it since it was read" in result["msg"]


def test_gathered_returns_the_owned_roles_in_name_order(iam, monkeypatch, capsys):
    client, stubber = iam
    task = task_role()
    expect_list_roles(stubber, [task, owned_old(), foreign()], path="/")
    for item in sorted([task, owned_old(), foreign()], key=lambda r: r["name"]):
        expect_tags(stubber, item)
    expect_reads(stubber, task, owned_old())

    result = run(monkeypatch, capsys, client, state="gathered")

    assert result["changed"] is False
    assert [role["name"] for role in result["roles"]] == ["shop-prod-ecs-task", "shop-prod-old"]
    assert result["roles"][1]["inline_policies"] == {"logs": LOGS}
    assert result["roles"][1]["managed_policy_arns"] == [READ_ONLY_POLICY]
    assert "created" not in result and "diff" not in result


def test_rendered_makes_no_call(monkeypatch, capsys):
    def no_client(*args, **kwargs):
        raise AssertionError("rendered must not create a client")

    monkeypatch.setattr(AnsibleAWSModule, "client", no_client)
    args = {"tags": {"stack": "shop-prod"}, "state": "rendered", "path": "/shop/", "config": [execution_item()]}
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)

    name = "shop-prod-ecs-execution"
    assert result["changed"] is False
    assert result["rendered"] == [
        {
            "action": "CreateRole",
            "request": {
                "RoleName": name,
                "Path": "/shop/",
                "AssumeRolePolicyDocument": json.dumps(ECS_TRUST),
                "Description": "ECS task execution role",
                "Tags": [{"Key": "stack", "Value": "shop-prod"}],
            },
        },
        {"action": "AttachRolePolicy", "request": {"RoleName": name, "PolicyArn": EXECUTION_POLICY}},
        {
            "action": "PutRolePolicy",
            "request": {"RoleName": name, "PolicyName": "secrets", "PolicyDocument": json.dumps(SECRETS)},
        },
    ]
    assert result["role_arns"] == {name: None}
    assert result["roles"][0]["path"] == "/shop/"


# ---------------------------------------------------------------------------------------------------------------------
# faults


def test_writes_after_a_create_retry_no_such_entity(iam, sleeps, monkeypatch, capsys):
    client, stubber = iam
    name = "shop-prod-ecs-execution"
    expect_reads(stubber, name)
    stubber.add_response("create_role", {"Role": aws_role(name, trust=ECS_TRUST)})
    stubber.add_client_error("attach_role_policy", "NoSuchEntity", "Role not found", 404)
    stubber.add_response("attach_role_policy", {}, {"RoleName": name, "PolicyArn": EXECUTION_POLICY})
    stubber.add_client_error("put_role_policy", "NoSuchEntity", "Role not found", 404)
    stubber.add_client_error("put_role_policy", "NoSuchEntity", "Role not found", 404)
    stubber.add_response(
        "put_role_policy", {}, {"RoleName": name, "PolicyName": "secrets", "PolicyDocument": json.dumps(SECRETS)}
    )

    result = run(monkeypatch, capsys, client, config=[execution_item()])

    assert result["changed"] is True
    assert result["created"] == [name]
    assert len(sleeps) == 3
    assert all(0 <= delay <= 2 for delay in sleeps)  # short first delays, then backoff


def test_no_such_entity_on_an_existing_role_is_not_retried(iam, sleeps, monkeypatch, capsys):
    client, stubber = iam
    name = "shop-prod-ecs-task"
    expect_reads(stubber, task_role())
    stubber.add_client_error("update_role", "NoSuchEntity", "Role not found", 404)

    result = run(monkeypatch, capsys, client, config=[task_item(max_session_duration=7200)])

    assert result["failed"] is True
    assert f"Failed to converge IAM role {name}" in result["msg"]
    assert sleeps == []


def test_create_that_committed_is_adopted(iam, monkeypatch, capsys):
    client, stubber = iam
    name = "shop-prod-ecs-execution"
    expect_reads(stubber, name)
    stubber.add_client_error("create_role", "EntityAlreadyExists", f"Role with name {name} already exists.", 409)
    expect_reads(stubber, execution_role(managed=[], inline={}))
    stubber.add_response("attach_role_policy", {}, {"RoleName": name, "PolicyArn": EXECUTION_POLICY})
    stubber.add_response(
        "put_role_policy", {}, {"RoleName": name, "PolicyName": "secrets", "PolicyDocument": json.dumps(SECRETS)}
    )

    result = run(monkeypatch, capsys, client, state="replaced", config=[execution_item()])

    assert result["changed"] is True
    assert result["created"] == [name]
    assert result["role_arns"] == {name: arn(name)}
    assert result["roles"][0]["managed_policy_arns"] == [EXECUTION_POLICY]


def test_create_conflict_with_another_owner_is_not_rewritten(iam, monkeypatch, capsys):
    client, stubber = iam
    name = "shop-prod-ecs-execution"
    expect_reads(stubber, name)
    stubber.add_client_error("create_role", "EntityAlreadyExists", "exists", 409)
    expect_reads(stubber, execution_role(tags={"stack": "other"}))

    result = run(monkeypatch, capsys, client, state="replaced", config=[execution_item()])

    assert result["failed"] is True
    assert "was created meanwhile by someone else" in result["msg"]


def test_throttled_reads_are_retried(iam, sleeps, monkeypatch, capsys):
    client, stubber = iam
    stubber.add_client_error("get_role", "Throttling", "Rate exceeded", 400)
    expect_reads(stubber, task_role())

    result = run(monkeypatch, capsys, client, config=[task_item()])

    assert result["changed"] is False
    assert len(sleeps) == 1


def test_reads_run_through_run_concurrently(iam, monkeypatch, capsys):
    client, stubber = iam
    batches = []

    def recording(function, items):
        items = list(items)
        batches.append(items)
        return [function(item) for item in items]

    monkeypatch.setattr(iam_roles, "run_concurrently", recording)
    expect_reads(stubber, execution_role(inline={"b": LOGS, "secrets": SECRETS}), task_role())
    stubber.add_response("delete_role_policy", {}, {"RoleName": "shop-prod-ecs-execution", "PolicyName": "b"})

    run(monkeypatch, capsys, client, state="replaced", config=[execution_item(), task_item()])

    assert batches == [
        [
            ("role", "shop-prod-ecs-execution"),
            ("managed", "shop-prod-ecs-execution"),
            ("inline", "shop-prod-ecs-execution"),
            ("role", "shop-prod-ecs-task"),
            ("managed", "shop-prod-ecs-task"),
            ("inline", "shop-prod-ecs-task"),
        ],
        [("document", ("shop-prod-ecs-execution", "b")), ("document", ("shop-prod-ecs-execution", "secrets"))],
    ]
