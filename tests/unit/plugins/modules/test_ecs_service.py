# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ecs_service: request shapes through botocore's Stubber on a real ECS client,
idempotent compare, immutable attributes and the rollout wait (circuit breaker failure and rollback)."""

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils import ecs_service as svc
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs import ECSModuleError
from botocore.stub import Stubber

CLUSTER = "shop-prod-cluster"
NAME = "shop-prod-api"
ARN = f"arn:aws:ecs:us-east-1:123456789012:service/{CLUSTER}/{NAME}"
TD1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api:1"
TD2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api:2"
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef"


@pytest.fixture
def ecs():
    client = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def params(**overrides):
    base = {
        "state": "present",
        "cluster": CLUSTER,
        "name": NAME,
        "task_definition": TD1,
        "desired_count": 1,
        "initial_desired_count": 1,
        "launch_type": "FARGATE",
        "capacity_provider_strategy": None,
        "platform_version": None,
        "network_configuration": {
            "subnets": ["subnet-b", "subnet-a"],
            "security_groups": ["sg-1"],
            "assign_public_ip": False,
        },
        "load_balancers": [{"target_group_arn": TG, "container_name": "api", "container_port": 3001}],
        "health_check_grace_period_seconds": 60,
        "deployment_configuration": {
            "maximum_percent": None,
            "minimum_healthy_percent": None,
            "deployment_circuit_breaker": {"enable": True, "rollback": True},
        },
        "enable_execute_command": False,
        "propagate_tags": "SERVICE",
        "force_new_deployment": False,
        "recreate": False,
        "wait": False,
        "wait_timeout": 30,
        "wait_delay": 1,
        "tags": {"stack": "shop-prod"},
        "purge_tags": True,
    }
    base.update(overrides)
    return base


def deployment(id_, td=TD1, status="PRIMARY", rollout="COMPLETED", running=1):
    result = {"id": id_, "status": status, "taskDefinition": td, "rolloutState": rollout, "runningCount": running}
    if rollout is None:  # a service without the circuit breaker: ECS reports no rolloutState
        del result["rolloutState"]
    return result


def aws_service(td=TD1, deployments=None, running=1, **overrides):
    service = {
        "serviceArn": ARN,
        "serviceName": NAME,
        "clusterArn": f"arn:aws:ecs:us-east-1:123456789012:cluster/{CLUSTER}",
        "status": "ACTIVE",
        "taskDefinition": td,
        "desiredCount": 1,
        "runningCount": running,
        "launchType": "FARGATE",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-a", "subnet-b"],
                "securityGroups": ["sg-1"],
                "assignPublicIp": "DISABLED",
            }
        },
        "loadBalancers": [{"targetGroupArn": TG, "containerName": "api", "containerPort": 3001}],
        "healthCheckGracePeriodSeconds": 60,
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
        "enableExecuteCommand": False,
        "propagateTags": "SERVICE",
        "deployments": deployments if deployments is not None else [deployment("ecs-svc/1", td)],
        "tags": [{"key": "stack", "value": "shop-prod"}],
    }
    service.update(overrides)
    return service


def expect_describe(stubber, service):
    stubber.add_response(
        "describe_services",
        {"services": [service] if service else [], "failures": []},
        {"cluster": CLUSTER, "services": [NAME], "include": ["TAGS"]},
    )


def test_create_request_shape(ecs):
    client, stubber = ecs
    expect_describe(stubber, None)
    stubber.add_response(
        "create_service",
        {"service": aws_service()},
        {
            "cluster": CLUSTER,
            "serviceName": NAME,
            "taskDefinition": TD1,
            "desiredCount": 1,
            "deploymentController": {"type": "ECS"},
            "launchType": "FARGATE",
            "networkConfiguration": {
                "awsvpcConfiguration": {
                    "subnets": ["subnet-b", "subnet-a"],
                    "securityGroups": ["sg-1"],
                    "assignPublicIp": "DISABLED",
                }
            },
            "loadBalancers": [{"targetGroupArn": TG, "containerName": "api", "containerPort": 3001}],
            "healthCheckGracePeriodSeconds": 60,
            "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
            "enableExecuteCommand": False,
            "propagateTags": "SERVICE",
            "tags": [{"key": "stack", "value": "shop-prod"}],
        },
    )
    result = svc.ensure_present(client, False, params())
    assert result["changed"] is True and result["service"]["service_arn"] == ARN


def test_create_check_mode_makes_no_write_call(ecs):
    client, stubber = ecs
    expect_describe(stubber, None)
    result = svc.ensure_present(client, True, params())
    assert result["changed"] is True and result["diff"]["before"] == {}


def test_create_with_null_desired_count_uses_the_initial_count():
    request = svc.build_create(params(desired_count=None, initial_desired_count=2), TD1)
    assert request["desiredCount"] == 2


@pytest.mark.parametrize("check_mode", [False, True])
def test_unchanged_service_makes_no_write_call(ecs, check_mode):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    result = svc.ensure_present(client, check_mode, params())
    assert result["changed"] is False


def test_an_unchanged_service_with_one_completed_deployment_is_steady(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    result = svc.ensure_present(client, False, params())
    assert result["changed"] is False and result["steady"] is True


@pytest.mark.parametrize(
    "deployments",
    [
        [deployment("ecs-svc/2", TD1, rollout="IN_PROGRESS", running=0)],
        [deployment("ecs-svc/2", TD1, rollout=None), deployment("ecs-svc/1", status="ACTIVE", rollout=None)],
    ],
    ids=["rollout in progress", "no rollout state and an older deployment still draining"],
)
def test_an_unchanged_service_still_rolling_out_is_not_steady(ecs, deployments):
    client, stubber = ecs
    expect_describe(stubber, aws_service(TD1, deployments, running=0 if len(deployments) == 1 else 1))
    result = svc.ensure_present(client, False, params())
    assert result["changed"] is False and result["steady"] is False


def test_family_revision_is_resolved_before_comparing(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    stubber.add_response(
        "describe_task_definition",
        {"taskDefinition": {"taskDefinitionArn": TD1, "family": "shop-prod-api", "revision": 1}},
        {"taskDefinition": "shop-prod-api:1"},
    )
    assert svc.ensure_present(client, False, params(task_definition="shop-prod-api:1"))["changed"] is False


def test_update_sends_only_what_differs_and_null_desired_count_keeps_it(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service(desiredCount=3))
    stubber.add_response(
        "update_service",
        {
            "service": aws_service(
                TD2,
                [
                    deployment("ecs-svc/2", TD2, rollout="IN_PROGRESS", running=0),
                    deployment("ecs-svc/1", status="ACTIVE"),
                ],
            )
        },
        {"cluster": CLUSTER, "service": NAME, "taskDefinition": TD2, "healthCheckGracePeriodSeconds": 30},
    )
    result = svc.ensure_present(
        client, False, params(task_definition=TD2, desired_count=None, health_check_grace_period_seconds=30)
    )
    assert result["changed"] is True and result["deployment_id"] == "ecs-svc/2"
    assert result["steady"] is False  # the rollout it started is still in progress
    assert result["diff"]["after"]["taskDefinition"] == TD2


def test_tags_are_updated_with_tag_resource(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    stubber.add_response("tag_resource", {}, {"resourceArn": ARN, "tags": [{"key": "owner", "value": "me"}]})
    result = svc.ensure_present(client, False, params(tags={"stack": "shop-prod", "owner": "me"}))
    assert result["changed"] is True and result["service"]["tags"] == {"stack": "shop-prod", "owner": "me"}


def test_launch_type_change_fails_without_recreate(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    with pytest.raises(ECSModuleError, match="launch_type is 'FARGATE' but 'EC2'.*recreate=true"):
        svc.ensure_present(client, False, params(launch_type="EC2"))


def test_capacity_provider_strategy_change_forces_a_new_deployment():
    service = aws_service(
        launchType=None, capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
    )
    p = params(
        launch_type=None, capacity_provider_strategy=[{"capacity_provider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    )
    update = svc.build_update(service, p, TD1)
    assert update["forceNewDeployment"] is True
    assert update["capacityProviderStrategy"] == [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]


def test_wait_polls_until_completed(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    stubber.add_response(
        "update_service",
        {
            "service": aws_service(
                TD2,
                [
                    deployment("ecs-svc/2", TD2, rollout="IN_PROGRESS", running=0),
                    deployment("ecs-svc/1", status="ACTIVE"),
                ],
            )
        },
        {"cluster": CLUSTER, "service": NAME, "taskDefinition": TD2},
    )
    expect_describe(
        stubber, aws_service(TD2, [deployment("ecs-svc/2", TD2, rollout="IN_PROGRESS", running=0)], running=0)
    )
    expect_describe(stubber, aws_service(TD2, [deployment("ecs-svc/2", TD2)]))
    sleeps = []
    result = svc.ensure_present(client, False, params(task_definition=TD2, wait=True), sleep=sleeps.append)
    assert result["service"]["deployments"][0]["rollout_state"] == "COMPLETED"
    assert sleeps == [1, 1]


def test_wait_fails_on_circuit_breaker_rollback_naming_both_revisions(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    stubber.add_response(
        "update_service",
        {
            "service": aws_service(
                TD2,
                [
                    deployment("ecs-svc/2", TD2, rollout="IN_PROGRESS", running=0),
                    deployment("ecs-svc/1", status="ACTIVE"),
                ],
            )
        },
        {"cluster": CLUSTER, "service": NAME, "taskDefinition": TD2},
    )
    rolled_back = aws_service(
        TD1,
        [deployment("ecs-svc/3", TD1), deployment("ecs-svc/2", TD2, status="ACTIVE", rollout="FAILED", running=0)],
    )
    expect_describe(stubber, rolled_back)
    with pytest.raises(ECSModuleError) as error:
        svc.ensure_present(client, False, params(task_definition=TD2, wait=True), sleep=lambda s: None)
    message = error.value.message
    assert NAME in message and f"task definition {TD2} FAILED" in message
    assert f"rolled the service back to {TD1}" in message


def test_wait_fails_when_the_deployment_was_replaced_by_a_rollback():
    service = aws_service(TD1, [deployment("ecs-svc/3", TD1)])
    state, message = svc.rollout_state(service, "ecs-svc/2", TD2)
    assert state == "failed" and "was replaced" in message and TD1 in message


def test_absent_scales_to_zero_deletes_and_waits(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    stubber.add_response(
        "update_service",
        {"service": aws_service(desiredCount=0)},
        {"cluster": CLUSTER, "service": NAME, "desiredCount": 0},
    )
    stubber.add_response(
        "delete_service",
        {"service": aws_service(status="DRAINING")},
        {"cluster": CLUSTER, "service": NAME, "force": True},
    )
    expect_describe(stubber, aws_service(status="DRAINING"))
    expect_describe(stubber, aws_service(status="INACTIVE"))
    p = params(state="absent", wait=True)
    svc_sleep = []
    original = svc.wait_for_inactive
    svc.wait_for_inactive = lambda c, cl, n, t, d, sleep=None: original(c, cl, n, t, d, sleep=svc_sleep.append)
    try:
        result = svc.ensure_absent(client, False, p)
    finally:
        svc.wait_for_inactive = original
    assert result["changed"] is True and svc_sleep == [1]


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_missing_service_is_unchanged(ecs, check_mode):
    client, stubber = ecs
    expect_describe(stubber, None)
    assert svc.ensure_absent(client, check_mode, params(state="absent"))["changed"] is False


def test_absent_check_mode_makes_no_write_call(ecs):
    client, stubber = ecs
    expect_describe(stubber, aws_service())
    assert svc.ensure_absent(client, True, params(state="absent"))["changed"] is True
