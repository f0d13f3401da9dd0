# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ecs_cluster.

Every AWS call goes through botocore's Stubber on a real ECS client (request shapes validated against the ECS API
model and compared exactly), wrapped as AnsibleAWSModule wraps it so aws_retry=True calls are exercised. main() runs
with the client patched in, so check mode, diff and the write calls are those of the real module.
"""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import ecs_cluster as module_under_test
from botocore.stub import Stubber

NAME = "shop-prod"
ARN = f"arn:aws:ecs:us-east-1:123456789012:cluster/{NAME}"
DESCRIBE = {"clusters": [NAME], "include": ["TAGS", "SETTINGS"]}
FARGATE_STRATEGY = [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]


@pytest.fixture
def ecs():
    client = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def cluster(**overrides):
    item = {
        "clusterArn": ARN,
        "clusterName": NAME,
        "status": "ACTIVE",
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": 0,
        "pendingTasksCount": 0,
        "activeServicesCount": 0,
        "settings": [{"name": "containerInsights", "value": "enabled"}],
        "capacityProviders": ["FARGATE"],
        "defaultCapacityProviderStrategy": FARGATE_STRATEGY,
        "tags": [{"key": "stack", "value": "shop"}],
    }
    item.update(overrides)
    return {key: value for key, value in item.items() if value is not None}


def expect_describe(stubber, clusters):
    stubber.add_response("describe_clusters", {"clusters": clusters, "failures": []}, DESCRIBE)


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("name", NAME)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


PRESENT = {
    "container_insights": "enabled",
    "capacity_providers": ["FARGATE"],
    "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 1}],
    "tags": {"stack": "shop"},
}


# ---------------------------------------------------------------------------------------------------------------------
# helpers


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"settings": [{"name": "containerInsights", "value": "enhanced"}]}, "enhanced"),
        ({"settings": []}, "disabled"),
        ({}, "disabled"),
    ],
)
def test_container_insights_of(item, expected):
    assert module_under_test.container_insights_of(item) == expected


def test_normalize_strategy_accepts_both_shapes_and_ignores_order():
    option = [{"capacity_provider": "FARGATE_SPOT", "weight": 3, "base": None}, {"capacity_provider": "FARGATE"}]
    reported = [
        {"capacityProvider": "FARGATE", "weight": 0, "base": 0},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
    ]
    assert module_under_test.normalize_strategy(option) == module_under_test.normalize_strategy(reported)


@pytest.mark.parametrize(
    ("current", "requested", "purge", "expected"),
    [
        (["FARGATE"], None, True, None),
        (["FARGATE"], ["FARGATE_SPOT"], True, ["FARGATE_SPOT"]),
        (["FARGATE"], ["FARGATE_SPOT"], False, ["FARGATE", "FARGATE_SPOT"]),
        (["FARGATE"], ["FARGATE"], False, ["FARGATE"]),
    ],
)
def test_wanted_capacity_providers(current, requested, purge, expected):
    assert module_under_test.wanted_capacity_providers(current, requested, purge) == expected


def test_get_cluster_treats_inactive_as_absent(ecs):
    client, stubber = ecs
    expect_describe(stubber, [cluster(status="INACTIVE")])
    assert module_under_test.get_cluster(client, NAME) is None


# ---------------------------------------------------------------------------------------------------------------------
# present


def test_create_check_mode_makes_no_write(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [])

    result = run(monkeypatch, capsys, client, _ansible_check_mode=True, _ansible_diff=True, **PRESENT)

    assert result["changed"] is True
    assert result["cluster"]["cluster_name"] == NAME
    assert result["cluster"]["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert result["cluster"]["default_capacity_provider_strategy"] == [
        {"capacity_provider": "FARGATE", "weight": 1, "base": 0}
    ]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["tags"] == {"stack": "shop"}


def test_create_request(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [])
    stubber.add_response(
        "create_cluster",
        {"cluster": cluster()},
        {
            "clusterName": NAME,
            "settings": [{"name": "containerInsights", "value": "enabled"}],
            "capacityProviders": ["FARGATE"],
            "defaultCapacityProviderStrategy": FARGATE_STRATEGY,
            "tags": [{"key": "stack", "value": "shop"}],
        },
    )
    expect_describe(stubber, [cluster()])

    result = run(monkeypatch, capsys, client, **PRESENT)

    assert result["changed"] is True
    assert result["cluster"]["cluster_arn"] == ARN
    assert result["cluster"]["tags"] == {"stack": "shop"}
    assert result["cluster"]["capacity_providers"] == ["FARGATE"]


def test_create_minimal_request(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster(status="INACTIVE")])
    stubber.add_response("create_cluster", {"cluster": cluster()}, {"clusterName": NAME})
    expect_describe(stubber, [cluster()])

    assert run(monkeypatch, capsys, client)["changed"] is True


def test_rerun_is_unchanged_with_only_reads(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])

    result = run(monkeypatch, capsys, client, **PRESENT)

    assert result["changed"] is False
    assert "diff" not in result
    assert result["cluster"]["tags"] == {"stack": "shop"}


def test_update_container_insights(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])
    stubber.add_response(
        "update_cluster_settings",
        {"cluster": cluster(settings=[{"name": "containerInsights", "value": "enhanced"}])},
        {"cluster": NAME, "settings": [{"name": "containerInsights", "value": "enhanced"}]},
    )
    expect_describe(stubber, [cluster(settings=[{"name": "containerInsights", "value": "enhanced"}])])

    result = run(monkeypatch, capsys, client, _ansible_diff=True, **{**PRESENT, "container_insights": "enhanced"})

    assert result["changed"] is True
    assert result["diff"]["before"]["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert result["diff"]["after"]["settings"] == [{"name": "containerInsights", "value": "enhanced"}]


def test_update_capacity_providers_keeps_the_current_strategy(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])
    stubber.add_response(
        "put_cluster_capacity_providers",
        {"cluster": cluster(capacityProviders=["FARGATE", "FARGATE_SPOT"])},
        {
            "cluster": NAME,
            "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "defaultCapacityProviderStrategy": FARGATE_STRATEGY,
        },
    )
    expect_describe(stubber, [cluster(capacityProviders=["FARGATE", "FARGATE_SPOT"])])

    result = run(monkeypatch, capsys, client, capacity_providers=["FARGATE", "FARGATE_SPOT"])

    assert result["changed"] is True
    assert result["cluster"]["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]


def test_strategy_change_in_check_mode_makes_no_write(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])

    result = run(
        monkeypatch,
        capsys,
        client,
        _ansible_check_mode=True,
        default_capacity_provider_strategy=[{"capacity_provider": "FARGATE", "weight": 2, "base": 1}],
    )

    assert result["changed"] is True
    assert result["cluster"]["default_capacity_provider_strategy"] == [
        {"capacity_provider": "FARGATE", "weight": 2, "base": 1}
    ]


def test_tags_are_set_and_purged(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])
    stubber.add_response("untag_resource", {}, {"resourceArn": ARN, "tagKeys": ["stack"]})
    stubber.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": [{"key": "owner", "value": "platform"}]})
    expect_describe(stubber, [cluster(tags=[{"key": "owner", "value": "platform"}])])

    result = run(monkeypatch, capsys, client, tags={"owner": "platform"})

    assert result["changed"] is True
    assert result["cluster"]["tags"] == {"owner": "platform"}


def test_tags_without_purge_only_add(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])

    result = run(monkeypatch, capsys, client, tags={"stack": "shop"}, purge_tags=False, _ansible_check_mode=True)

    assert result["changed"] is False


# ---------------------------------------------------------------------------------------------------------------------
# absent


def expect_workload(stubber, services=(), tasks=()):
    stubber.add_response("list_services", {"serviceArns": list(services)}, {"cluster": NAME, "maxResults": 10})
    stubber.add_response("list_tasks", {"taskArns": list(tasks)}, {"cluster": NAME, "maxResults": 10})


def test_delete(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])
    expect_workload(stubber)
    stubber.add_response("delete_cluster", {"cluster": cluster(status="INACTIVE")}, {"cluster": NAME})

    result = run(monkeypatch, capsys, client, state="absent", _ansible_diff=True)

    assert result["changed"] is True
    assert result["cluster"] == {}
    assert result["diff"]["before"]["cluster_arn"] == ARN


def test_delete_absent_is_unchanged(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster(status="INACTIVE")])

    assert run(monkeypatch, capsys, client, state="absent")["changed"] is False


def test_delete_check_mode_makes_no_write(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])
    expect_workload(stubber)

    assert run(monkeypatch, capsys, client, state="absent", _ansible_check_mode=True)["changed"] is True


def test_delete_refused_while_services_remain(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster(activeServicesCount=1)])
    expect_workload(stubber, services=[f"arn:aws:ecs:us-east-1:123456789012:service/{NAME}/api"])

    result = run(monkeypatch, capsys, client, state="absent")

    assert result["failed"] is True
    assert f"Refusing to delete ECS cluster {NAME}" in result["msg"]
    assert "1 service(s) (api)" in result["msg"]


def test_delete_refused_while_tasks_run(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster(runningTasksCount=2)])
    expect_workload(stubber)

    result = run(monkeypatch, capsys, client, state="absent")

    assert result["failed"] is True
    assert "2 task(s)" in result["msg"]


def test_delete_with_services_only_warns_in_check_mode(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster(activeServicesCount=1)])
    expect_workload(stubber, services=[f"arn:aws:ecs:us-east-1:123456789012:service/{NAME}/api"])

    result = run(monkeypatch, capsys, client, state="absent", _ansible_check_mode=True)

    assert result["changed"] is True
    assert "Refusing to delete" in json.dumps(result["warnings"])


def test_delete_refused_by_aws(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])
    expect_workload(stubber)
    stubber.add_client_error("delete_cluster", "ClusterContainsServicesException", "active services")

    result = run(monkeypatch, capsys, client, state="absent")

    assert result["failed"] is True
    assert "Refusing to delete ECS cluster" in result["msg"]


def test_delete_skips_a_cluster_of_another_owner(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster(tags=[{"key": "stack", "value": "other"}])])

    result = run(monkeypatch, capsys, client, state="absent", owner_tags={"stack": "shop"})

    assert result["changed"] is False
    assert "does not carry the owner tags stack=shop" in json.dumps(result["warnings"])


def test_delete_with_matching_owner_tags(ecs, monkeypatch, capsys):
    client, stubber = ecs
    expect_describe(stubber, [cluster()])
    expect_workload(stubber)
    stubber.add_response("delete_cluster", {"cluster": cluster(status="INACTIVE")}, {"cluster": NAME})

    assert run(monkeypatch, capsys, client, state="absent", owner_tags={"stack": "shop"})["changed"] is True
