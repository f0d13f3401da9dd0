# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ecs_task_definition: request shapes through botocore's Stubber on a real ECS
client (wrapped as AnsibleAWSModule wraps it), normalisation and image resolution."""

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils import ecs_task_definition as td
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs import ECSModuleError
from botocore.stub import Stubber

FAMILY = "shop-prod-api"
ARN1 = f"arn:aws:ecs:us-east-1:123456789012:task-definition/{FAMILY}:1"
ARN2 = f"arn:aws:ecs:us-east-1:123456789012:task-definition/{FAMILY}:2"
REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api"


@pytest.fixture
def ecs():
    client = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def params(**overrides):
    base = {
        "family": FAMILY,
        "cpu": "512",
        "memory": "1024",
        "network_mode": "awsvpc",
        "requires_compatibilities": ["FARGATE"],
        "execution_role_arn": None,
        "task_role_arn": None,
        "runtime_platform": None,
        "containers": [{"name": "api", "image": f"{REPO}:A", "portMappings": [{"containerPort": 3001}]}],
        "volumes": [],
        "default_image_tag": "latest",
        "cluster": None,
        "service": None,
        "delete_inactive": True,
        "tags": {"stack": "shop-prod"},
        "purge_tags": True,
    }
    base.update(overrides)
    return base


def aws_definition(arn=ARN1, revision=1, image=f"{REPO}:A"):
    """A revision as DescribeTaskDefinition reports it, AWS defaults filled in."""
    return {
        "taskDefinitionArn": arn,
        "family": FAMILY,
        "revision": revision,
        "status": "ACTIVE",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "compatibilities": ["EC2", "FARGATE"],
        "cpu": "512",
        "memory": "1024",
        "volumes": [],
        "placementConstraints": [],
        "containerDefinitions": [
            {
                "name": "api",
                "image": image,
                "cpu": 0,
                "essential": True,
                "portMappings": [{"containerPort": 3001, "hostPort": 3001, "protocol": "tcp"}],
                "environment": [],
                "mountPoints": [],
                "volumesFrom": [],
            }
        ],
    }


def expect_describe(stubber, task_definition, definition, tags=None):
    if definition is None:
        stubber.add_client_error(
            "describe_task_definition",
            service_error_code="ClientException",
            expected_params={"taskDefinition": task_definition, "include": ["TAGS"]},
        )
    else:
        stubber.add_response(
            "describe_task_definition",
            {"taskDefinition": definition, "tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
            {"taskDefinition": task_definition, "include": ["TAGS"]},
        )


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("repo:1.2", ("repo", "1.2")),
        ("repo", ("repo", None)),
        ("host:5000/team/repo", ("host:5000/team/repo", None)),
        ("host:5000/repo:tag", ("host:5000/repo", "tag")),
        ("repo@sha256:abc", ("repo", "@sha256:abc")),
    ],
)
def test_split_image(image, expected):
    assert td.split_image(image) == expected


def test_resolve_images_keeps_the_running_image_or_uses_the_default_tag():
    comparison = aws_definition(image=f"{REPO}:A")
    containers = [
        {"name": "api", "image": REPO},
        {"name": "sidecar", "image": "busybox"},
        {"name": "x", "image": "a:b"},
    ]
    resolved = td.resolve_images(containers, comparison, "latest")
    assert [c["image"] for c in resolved] == [f"{REPO}:A", "busybox:latest", "a:b"]
    # another repository under the same container name: not kept
    assert td.resolve_images([{"name": "api", "image": "other"}], comparison, "v1")[0]["image"] == "other:v1"


def test_normalisation_makes_aws_defaults_compare_equal():
    request = td.build_request(
        params(),
        [
            {
                "name": "api",
                "image": f"{REPO}:A",
                "portMappings": [{"containerPort": 3001}],
                "environment": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}],
                "healthCheck": {"command": ["CMD-SHELL", "true"]},
            }
        ],
    )
    described = aws_definition()
    container = described["containerDefinitions"][0]
    container["environment"] = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    container["healthCheck"] = {"command": ["CMD-SHELL", "true"], "interval": 30, "timeout": 5, "retries": 3}
    assert td.normalize_definition(request) == td.normalize_definition(described)


def test_normalisation_sees_a_real_change():
    request = td.build_request(params(memory="2048"), params()["containers"])
    assert td.normalize_definition(request) != td.normalize_definition(aws_definition())


def test_efs_volume_defaults():
    volume = {
        "name": "s",
        "efsVolumeConfiguration": {"fileSystemId": "fs-1", "authorizationConfig": {"accessPointId": "a"}},
    }
    normalised = td.normalize_volume(volume)["efsVolumeConfiguration"]
    assert normalised["rootDirectory"] == "/" and normalised["transitEncryption"] == "DISABLED"
    assert normalised["authorizationConfig"]["iam"] == "DISABLED"


def test_present_registers_the_first_revision(ecs):
    client, stubber = ecs
    expect_describe(stubber, FAMILY, None)
    stubber.add_response(
        "register_task_definition",
        {"taskDefinition": aws_definition(), "tags": [{"key": "stack", "value": "shop-prod"}]},
        {
            "family": FAMILY,
            "containerDefinitions": [{"name": "api", "image": f"{REPO}:A", "portMappings": [{"containerPort": 3001}]}],
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "512",
            "memory": "1024",
            "tags": [{"key": "stack", "value": "shop-prod"}],
        },
    )
    result = td.ensure_present(client, False, params())
    assert result["changed"] is True
    assert result["task_definition_arn"] == ARN1 and result["revision"] == 1
    assert result["images"] == {"api": f"{REPO}:A"}


def test_present_check_mode_makes_no_write_call(ecs):
    client, stubber = ecs
    expect_describe(stubber, FAMILY, None)
    result = td.ensure_present(client, True, params())
    assert result["changed"] is True and result["task_definition_arn"] is None
    assert result["diff"]["before"] == {}


@pytest.mark.parametrize("check_mode", [False, True])
def test_present_unchanged_makes_no_write_call(ecs, check_mode):
    client, stubber = ecs
    expect_describe(stubber, FAMILY, aws_definition(), {"stack": "shop-prod"})
    result = td.ensure_present(
        client,
        check_mode,
        params(containers=[{"name": "api", "image": REPO, "portMappings": [{"containerPort": 3001}]}]),
    )
    assert result["changed"] is False
    assert result["task_definition_arn"] == ARN1
    assert result["images"] == {"api": f"{REPO}:A"}


def test_present_compares_with_the_revision_the_service_runs(ecs):
    client, stubber = ecs
    expect_describe(stubber, FAMILY, aws_definition(ARN2, 2, f"{REPO}:B"), {"stack": "shop-prod"})
    stubber.add_response(
        "describe_services",
        {"services": [{"serviceName": "api", "status": "ACTIVE", "taskDefinition": ARN1}], "failures": []},
        {"cluster": "c", "services": ["api"]},
    )
    expect_describe(stubber, ARN1, aws_definition(), {"stack": "shop-prod"})
    result = td.ensure_present(
        client,
        False,
        params(
            cluster="c",
            service="api",
            containers=[{"name": "api", "image": REPO, "portMappings": [{"containerPort": 3001}]}],
        ),
    )
    # the service runs A (rolled back): an untagged image keeps A and nothing is registered
    assert result["changed"] is False
    assert result["task_definition_arn"] == ARN1


def test_present_reuses_the_latest_revision_when_it_matches(ecs):
    client, stubber = ecs
    expect_describe(stubber, FAMILY, aws_definition(ARN2, 2, f"{REPO}:B"), {"stack": "shop-prod"})
    stubber.add_response(
        "describe_services",
        {"services": [{"serviceName": "api", "status": "ACTIVE", "taskDefinition": ARN1}], "failures": []},
        {"cluster": "c", "services": ["api"]},
    )
    expect_describe(stubber, ARN1, aws_definition(), {"stack": "shop-prod"})
    p = params(
        cluster="c",
        service="api",
        containers=[{"name": "api", "image": f"{REPO}:B", "portMappings": [{"containerPort": 3001}]}],
    )
    result = td.ensure_present(client, False, p)
    assert result["changed"] is False and result["task_definition_arn"] == ARN2


def test_present_retags_in_place(ecs):
    client, stubber = ecs
    expect_describe(stubber, FAMILY, aws_definition(), {"stack": "old", "gone": "x"})
    stubber.add_response("untag_resource", {}, {"resourceArn": ARN1, "tagKeys": ["gone"]})
    stubber.add_response("tag_resource", {}, {"resourceArn": ARN1, "tags": [{"key": "stack", "value": "shop-prod"}]})
    result = td.ensure_present(client, False, params())
    assert result["changed"] is True and result["task_definition"]["tags"] == {"stack": "shop-prod"}


def test_present_requires_name_and_image(ecs):
    client = ecs[0]
    with pytest.raises(ECSModuleError, match="needs a name and an image"):
        td.ensure_present(client, False, params(containers=[{"name": "api"}]))


def test_absent_deregisters_and_deletes_only_the_exact_family(ecs):
    client, stubber = ecs
    other = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api-v2:1"
    stubber.add_response(
        "list_task_definitions",
        {"taskDefinitionArns": [ARN1, ARN2, other]},
        {"familyPrefix": FAMILY, "status": "ACTIVE"},
    )
    stubber.add_response("deregister_task_definition", {"taskDefinition": aws_definition()}, {"taskDefinition": ARN1})
    stubber.add_response("deregister_task_definition", {"taskDefinition": aws_definition()}, {"taskDefinition": ARN2})
    stubber.add_response(
        "delete_task_definitions", {"taskDefinitions": [], "failures": []}, {"taskDefinitions": [ARN1, ARN2]}
    )
    result = td.ensure_absent(client, False, params(state="absent"))
    assert result["changed"] is True and result["deregistered"] == [ARN1, ARN2]


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_without_revisions_is_unchanged(ecs, check_mode):
    client, stubber = ecs
    stubber.add_response(
        "list_task_definitions", {"taskDefinitionArns": []}, {"familyPrefix": FAMILY, "status": "ACTIVE"}
    )
    assert td.ensure_absent(client, check_mode, params())["changed"] is False


def test_absent_check_mode_makes_no_write_call(ecs):
    client, stubber = ecs
    stubber.add_response(
        "list_task_definitions", {"taskDefinitionArns": [ARN1]}, {"familyPrefix": FAMILY, "status": "ACTIVE"}
    )
    assert td.ensure_absent(client, True, params())["changed"] is True
