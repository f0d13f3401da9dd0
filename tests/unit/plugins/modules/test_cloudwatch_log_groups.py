# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.cloudwatch_log_groups.

Every AWS call goes through botocore's Stubber on a real CloudWatch Logs client (request shapes validated against
the API model and compared exactly), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in,
so check mode, diff and the write calls are those of the real module. The module reads through
``run_concurrently``; here the reads run in order (a Stubber answers in the order it was given), and one test
checks what it is given. A write the test did not expect fails the test: the Stubber has no answer for it.
"""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils import log_groups
from ansible_collections.stacksmith.aws.plugins.modules import cloudwatch_log_groups as module_under_test
from botocore.stub import Stubber

PREFIX = "/ecs/shop/prod/"
API = PREFIX + "api"
WEB = PREFIX + "web"
OLD = PREFIX + "old"
FOREIGN = PREFIX + "foreign"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
COMMON_TAGS = {"stack": "shop-prod", "managed-by": "stacksmith"}
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
OWNED_TAGS = {"managed-by": "stacksmith", "stack": "shop-prod"}


def arn(name):
    return f"arn:aws:logs:us-east-1:123456789012:log-group:{name}"


@pytest.fixture
def logs(monkeypatch):
    def sequential(function, items):
        return [function(item) for item in items]

    monkeypatch.setattr(log_groups, "run_concurrently", sequential)
    client = boto3.client("logs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(cloud.time, "sleep", slept.append)
    return slept


def aws_group(name, retention=30, kms=None):
    group = {"logGroupName": name, "arn": arn(name) + ":*", "creationTime": 1, "storedBytes": 0}
    if retention is not None:
        group["retentionInDays"] = retention
    if kms:
        group["kmsKeyId"] = kms
    return group


def expect_describe(stubber, name, group=None, others=()):
    """DescribeLogGroups by the name as prefix; ``others`` are longer names under it (which the module ignores)."""
    groups = ([group] if group else []) + [aws_group(other) for other in others]
    stubber.add_response("describe_log_groups", {"logGroups": groups}, {"logGroupNamePrefix": name})


def expect_tags(stubber, name, tags):
    stubber.add_response("list_tags_for_resource", {"tags": tags}, {"resourceArn": arn(name)})


def expect_existing(stubber, name, tags=None, **settings):
    expect_describe(stubber, name, aws_group(name, **settings))
    expect_tags(stubber, name, OWNED_TAGS if tags is None else tags)


def expect_reads(stubber, *groups):
    """The reads of listed groups: every DescribeLogGroups first (config order), then the tag reads of the groups
    found (name order). Each group is a name (missing) or (name, tags, settings)."""
    found = []
    for group in groups:
        if isinstance(group, str):
            expect_describe(stubber, group)
        else:
            name, tags, settings = group
            expect_describe(stubber, name, aws_group(name, **settings))
            found.append((name, tags))
    for name, tags in sorted(found):
        expect_tags(stubber, name, tags)


def run(monkeypatch, capsys, client, **args):
    # Wrapped with the module's own retry decorator, as AnsibleAWSModule.client does.
    monkeypatch.setattr(
        AnsibleAWSModule,
        "client",
        lambda self, service, retry_decorator=None, **kw: RetryingBotoClientWrapper(client, retry_decorator),
    )
    args.setdefault("tags", COMMON_TAGS)
    args.setdefault("owner_tags", OWNER)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


def item(name=API, **overrides):
    config = {"name": name, "retention_days": 30}
    config.update(overrides)
    return config


# ---------------------------------------------------------------------------------------------------------------------
# helpers


@pytest.mark.parametrize(("value", "expected"), [(arn(API) + ":*", arn(API)), (arn(API), arn(API)), (None, None)])
def test_group_arn_strips_the_wildcard(value, expected):
    assert log_groups.group_arn(value) == expected


def test_normalize_config_merges_tags_without_name():
    wanted = module_under_test.normalize_config([{"name": API, "tags": {"team": "a", "stack": "x"}}], COMMON_TAGS)
    assert wanted == [
        {
            "name": API,
            "retention_days": None,
            "kms_key_id": None,
            "tags": {"managed-by": "stacksmith", "stack": "x", "team": "a"},
        }
    ]
    assert list(wanted[0]["tags"]) == sorted(wanted[0]["tags"])


# ---------------------------------------------------------------------------------------------------------------------
# create, update, purge


def test_create_requests(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_describe(stubber, API, others=[API + "-worker"])  # a longer name under the prefix is not the group
    expect_describe(stubber, WEB)
    stubber.add_response(
        "create_log_group", {}, {"logGroupName": API, "kmsKeyId": KEY, "tags": {**OWNED_TAGS, "team": "a"}}
    )
    stubber.add_response("put_retention_policy", {}, {"logGroupName": API, "retentionInDays": 30})
    expect_describe(stubber, API, aws_group(API, kms=KEY))
    stubber.add_response("create_log_group", {}, {"logGroupName": WEB, "tags": OWNED_TAGS})
    expect_describe(stubber, WEB, aws_group(WEB, retention=None))

    result = run(
        monkeypatch,
        capsys,
        client,
        state="replaced",
        config=[item(kms_key_id=KEY, tags={"team": "a"}), item(WEB, retention_days=None)],
        _ansible_diff=True,
    )

    assert result["changed"] is True
    assert result["created"] == [API, WEB]
    assert result["log_group_arns"] == {API: arn(API), WEB: arn(WEB)}
    assert result["log_groups"][0] == {
        "name": API,
        "arn": arn(API),
        "retention_days": 30,
        "kms_key_id": KEY,
        "tags": {**OWNED_TAGS, "team": "a"},
    }
    assert result["diff"]["before"] == {API: {}, WEB: {}}
    assert list(result["diff"]["after"]) == [API, WEB]


def test_converged_set_makes_only_reads(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_reads(stubber, (API, OWNED_TAGS, {}), (WEB, OWNED_TAGS, {"retention": None, "kms": KEY}))

    result = run(
        monkeypatch, capsys, client, state="replaced", config=[item(), item(WEB, retention_days=None, kms_key_id=KEY)]
    )

    assert result["changed"] is False
    assert result["created"] == result["updated"] == result["deleted"] == []
    assert result["log_group_arns"] == {API: arn(API), WEB: arn(WEB)}


def test_one_changed_retention_is_one_put_retention_policy(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_reads(stubber, (API, OWNED_TAGS, {}), (WEB, OWNED_TAGS, {}))
    stubber.add_response("put_retention_policy", {}, {"logGroupName": WEB, "retentionInDays": 90})

    result = run(
        monkeypatch, capsys, client, state="replaced", config=[item(), item(WEB, retention_days=90)], _ansible_diff=True
    )

    assert result["updated"] == [WEB]
    assert result["diff"]["before"][WEB]["retention_days"] == 30
    assert result["diff"]["after"] == {WEB: {**result["log_groups"][1]}}
    assert result["log_groups"][1]["retention_days"] == 90


def test_replaced_purges_extra_tag_retention_and_key(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_existing(stubber, API, tags={**OWNED_TAGS, "extra": "1", "old": "2"}, kms=KEY)
    stubber.add_response("delete_retention_policy", {}, {"logGroupName": API})
    stubber.add_response("disassociate_kms_key", {}, {"logGroupName": API})
    stubber.add_response("untag_resource", {}, {"resourceArn": arn(API), "tagKeys": ["extra", "old"]})
    stubber.add_response("tag_resource", {}, {"resourceArn": arn(API), "tags": {"team": "a"}})

    result = run(monkeypatch, capsys, client, state="replaced", config=[item(retention_days=None, tags={"team": "a"})])

    assert result["updated"] == [API]
    assert result["log_groups"][0]["tags"] == {**OWNED_TAGS, "team": "a"}
    assert result["log_groups"][0]["retention_days"] is None
    assert result["log_groups"][0]["kms_key_id"] is None


def test_merged_keeps_what_is_not_given(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_existing(stubber, API, tags={**OWNED_TAGS, "extra": "1"}, kms=KEY)
    stubber.add_response("associate_kms_key", {}, {"logGroupName": API, "kmsKeyId": KEY + "2"})

    result = run(monkeypatch, capsys, client, config=[item(retention_days=None, kms_key_id=KEY + "2")])

    assert result["updated"] == [API]
    assert result["log_groups"][0]["retention_days"] == 30
    assert result["log_groups"][0]["tags"] == {**OWNED_TAGS, "extra": "1"}


def test_replaced_refuses_a_group_it_does_not_own(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_existing(stubber, API, tags={"stack": "other"})

    result = run(monkeypatch, capsys, client, state="replaced", config=[item(retention_days=90)])

    assert result["failed"] is True
    assert "not owned" in result["msg"]


@pytest.mark.parametrize("retention", [2, 0, 4000])
def test_invalid_retention_fails_before_any_call(logs, monkeypatch, capsys, retention):
    client, _stubber = logs
    result = run(monkeypatch, capsys, client, config=[item(retention_days=retention)])
    assert result["failed"] is True
    assert f"{API}: {retention}" in result["msg"]


@pytest.mark.parametrize(("state", "config"), [("overridden", [item()]), ("gathered", []), ("deleted", [])])
def test_unscoped_states_need_name_prefix(logs, monkeypatch, capsys, state, config):
    client, _stubber = logs
    result = run(monkeypatch, capsys, client, state=state, config=config)
    assert result["failed"] is True
    assert "needs name_prefix" in result["msg"]


def test_check_mode_makes_no_write(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_reads(stubber, API, (WEB, OWNED_TAGS, {}))

    result = run(
        monkeypatch,
        capsys,
        client,
        state="replaced",
        config=[item(), item(WEB, retention_days=7)],
        _ansible_check_mode=True,
        _ansible_diff=True,
    )

    assert result["changed"] is True
    assert result["created"] == [API] and result["updated"] == [WEB]
    assert result["log_group_arns"] == {API: None, WEB: arn(WEB)}
    assert result["diff"]["after"][WEB]["retention_days"] == 7


# ---------------------------------------------------------------------------------------------------------------------
# overridden, deleted, gathered, rendered


def expect_scope(stubber, groups):
    """The prefix scan (two pages), then the tag reads in name order."""
    names = sorted(groups)
    stubber.add_response(
        "describe_log_groups",
        {"logGroups": [aws_group(name) for name in names[:1]], "nextToken": "t"},
        {"logGroupNamePrefix": PREFIX},
    )
    stubber.add_response(
        "describe_log_groups",
        {"logGroups": [aws_group(name) for name in names[1:]]},
        {"logGroupNamePrefix": PREFIX, "nextToken": "t"},
    )
    for name in names:
        expect_tags(stubber, name, groups[name])


def test_overridden_deletes_the_owned_unlisted_group_and_leaves_the_others(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_scope(stubber, {API: OWNED_TAGS, OLD: OWNED_TAGS, FOREIGN: {"stack": "other"}})
    stubber.add_response("delete_log_group", {}, {"logGroupName": OLD})

    result = run(monkeypatch, capsys, client, state="overridden", name_prefix=PREFIX, config=[item()])

    assert result["changed"] is True
    assert result["deleted"] == [OLD]
    assert result["log_group_arns"] == {API: arn(API)}


def test_overridden_in_check_mode_deletes_nothing(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_scope(stubber, {API: OWNED_TAGS, OLD: OWNED_TAGS})

    result = run(
        monkeypatch, capsys, client, state="overridden", name_prefix=PREFIX, config=[item()], _ansible_check_mode=True
    )

    assert result["deleted"] == [OLD]


def test_deleted_refuses_a_group_it_does_not_own_before_any_delete(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_reads(stubber, (API, OWNED_TAGS, {}), (FOREIGN, {"stack": "other"}, {}))

    result = run(monkeypatch, capsys, client, state="deleted", config=[{"name": API}, {"name": FOREIGN}])

    assert result["failed"] is True
    assert f"refusing to delete {FOREIGN}" in result["msg"]


def test_deleted_listed_groups_and_missing_ones_are_fine(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_reads(stubber, (API, OWNED_TAGS, {}), (WEB, OWNED_TAGS, {}), OLD)
    stubber.add_response("delete_log_group", {}, {"logGroupName": API})
    stubber.add_client_error("delete_log_group", "ResourceNotFoundException", "gone", 400, {"logGroupName": WEB})

    result = run(monkeypatch, capsys, client, state="deleted", config=[{"name": API}, {"name": WEB}, {"name": OLD}])

    assert result["changed"] is True
    assert result["deleted"] == [API, WEB]


def test_deleted_again_is_unchanged(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_describe(stubber, API)

    result = run(monkeypatch, capsys, client, state="deleted", config=[{"name": API}])

    assert result["changed"] is False
    assert result["deleted"] == []


def test_deleted_with_empty_config_deletes_every_owned_group_under_the_prefix(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_scope(stubber, {API: OWNED_TAGS, OLD: OWNED_TAGS, FOREIGN: {"stack": "other"}})
    stubber.add_response("delete_log_group", {}, {"logGroupName": API})
    stubber.add_response("delete_log_group", {}, {"logGroupName": OLD})

    result = run(monkeypatch, capsys, client, state="deleted", name_prefix=PREFIX)

    assert result["deleted"] == [API, OLD]


def test_gathered_returns_the_owned_groups_in_name_order(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_scope(stubber, {OLD: OWNED_TAGS, API: OWNED_TAGS, FOREIGN: {"stack": "other"}})

    result = run(monkeypatch, capsys, client, state="gathered", name_prefix=PREFIX)

    assert result["changed"] is False
    assert [group["name"] for group in result["log_groups"]] == [API, OLD]
    assert result["log_groups"][0] == {
        "name": API,
        "arn": arn(API),
        "retention_days": 30,
        "kms_key_id": None,
        "tags": OWNED_TAGS,
    }


def test_rendered_makes_no_call(monkeypatch, capsys):
    def no_client(self, service, retry_decorator=None, **kw):
        raise AssertionError("rendered must not create a client")

    monkeypatch.setattr(AnsibleAWSModule, "client", no_client)
    args = {"tags": COMMON_TAGS, "state": "rendered", "config": [item(kms_key_id=KEY), item(WEB, retention_days=None)]}
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)

    assert result["changed"] is False
    assert result["rendered"] == [
        {"action": "CreateLogGroup", "request": {"logGroupName": API, "kmsKeyId": KEY, "tags": OWNED_TAGS}},
        {"action": "PutRetentionPolicy", "request": {"logGroupName": API, "retentionInDays": 30}},
        {"action": "CreateLogGroup", "request": {"logGroupName": WEB, "tags": OWNED_TAGS}},
    ]
    assert result["log_group_arns"] == {API: None, WEB: None}


# ---------------------------------------------------------------------------------------------------------------------
# faults


def test_create_that_committed_is_adopted(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_describe(stubber, API)
    stubber.add_client_error("create_log_group", "ResourceAlreadyExistsException", "exists", 400)
    expect_existing(stubber, API, retention=None)
    stubber.add_response("put_retention_policy", {}, {"logGroupName": API, "retentionInDays": 30})

    result = run(monkeypatch, capsys, client, state="replaced", config=[item()])

    assert result["changed"] is True
    assert result["created"] == [API]
    assert result["log_group_arns"] == {API: arn(API)}
    assert result["log_groups"][0]["retention_days"] == 30


def test_create_conflict_with_another_owner_is_not_rewritten(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_describe(stubber, API)
    stubber.add_client_error("create_log_group", "ResourceAlreadyExistsException", "exists", 400)
    expect_existing(stubber, API, tags={"stack": "other"})

    result = run(monkeypatch, capsys, client, state="replaced", config=[item()])

    assert result["failed"] is True
    assert "created meanwhile by someone else" in result["msg"]


def test_a_concurrent_operation_is_retried(logs, sleeps, monkeypatch, capsys):
    client, stubber = logs
    stubber.add_client_error("describe_log_groups", "OperationAbortedException", "in progress", 400)
    expect_existing(stubber, API)
    stubber.add_client_error("put_retention_policy", "OperationAbortedException", "in progress", 400)
    stubber.add_response("put_retention_policy", {}, {"logGroupName": API, "retentionInDays": 60})

    result = run(monkeypatch, capsys, client, config=[item(retention_days=60)])

    assert result["updated"] == [API]
    assert len(sleeps) == 2


def test_throttling_is_left_to_botocore_and_not_retried_twice(logs, sleeps, monkeypatch, capsys):
    # botocore's standard mode (docs/retries.md) retries ThrottlingException; the Stubber has no botocore
    # retries, so one throttle here must fail at once instead of starting a second retry layer.
    client, stubber = logs
    expect_existing(stubber, API)
    stubber.add_client_error("put_retention_policy", "ThrottlingException", "Rate exceeded", 400)

    result = run(monkeypatch, capsys, client, config=[item(retention_days=60)])

    assert result["failed"] is True
    assert "ThrottlingException" in result["msg"] or "Rate exceeded" in result["msg"]
    assert sleeps == []


def test_an_access_error_fails_with_the_aws_message(logs, monkeypatch, capsys):
    client, stubber = logs
    expect_existing(stubber, API)
    stubber.add_client_error("put_retention_policy", "AccessDeniedException", "not allowed", 400)

    result = run(monkeypatch, capsys, client, config=[item(retention_days=60)])

    assert result["failed"] is True
    assert "Failed to converge the CloudWatch Logs log groups" in result["msg"]


def test_reads_run_through_run_concurrently(logs, monkeypatch, capsys):
    client, stubber = logs
    batches = []

    def recording(function, items):
        items = list(items)
        batches.append(items)
        return [function(entry) for entry in items]

    monkeypatch.setattr(log_groups, "run_concurrently", recording)
    expect_describe(stubber, API, aws_group(API))
    expect_describe(stubber, WEB, aws_group(WEB))
    expect_tags(stubber, API, OWNED_TAGS)
    expect_tags(stubber, WEB, OWNED_TAGS)

    result = run(monkeypatch, capsys, client, config=[item(), item(WEB)])

    assert result["changed"] is False
    assert batches[0] == [API, WEB]
    assert [group["name"] for group in batches[1]] == [API, WEB]
