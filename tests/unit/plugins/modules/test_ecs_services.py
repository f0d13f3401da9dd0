# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ecs_services.

Every AWS call goes through botocore's Stubber on real ECS and Application Auto Scaling clients (request shapes
validated against the API models and compared exactly), wrapped as AnsibleAWSModule wraps them. main() runs with the
clients patched in, so check mode, diff and the write calls are those of the real module. A call the test did not
stub fails the test, so a test that stubs only the reads proves that no write was sent. The module's concurrent
reads run in order here.
"""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import ecs_services as module_under_test
from botocore.stub import Stubber

CLUSTER = "shop-prod-cluster"
NAME = "shop-prod-api"
OTHER = "shop-prod-old"
ACCOUNT = "123456789012"
REPO = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api"
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
COMMON = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod"}
DIMENSION = "ecs:service:DesiredCount"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/AWSServiceRoleForApplicationAutoScaling_ECSService"


def td_arn(family=NAME, revision=1):
    return f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{family}:{revision}"


def service_arn(name=NAME):
    return f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/{CLUSTER}/{name}"


def resource(name=NAME):
    return f"service/{CLUSTER}/{name}"


def key(name=NAME):
    return {"ServiceNamespace": "ecs", "ResourceId": resource(name), "ScalableDimension": DIMENSION}


CPU_POLICY = {"name": f"{NAME}-cpu", "predefined_metric_type": "ECSServiceAverageCPUUtilization", "target_value": 70}
ITEM = {
    "name": NAME,
    "task_definition": {
        "cpu": "512",
        "memory": "1024",
        "containers": [{"name": "api", "image": f"{REPO}:A", "portMappings": [{"containerPort": 3001}]}],
    },
    "launch_type": "FARGATE",
    "network_configuration": {"subnets": ["subnet-b", "subnet-a"], "security_groups": ["sg-1"]},
    "deployment_configuration": {"deployment_circuit_breaker": {"enable": True, "rollback": True}},
    "propagate_tags": "SERVICE",
    "enable_execute_command": False,
    "autoscaling": {"min_capacity": 1, "max_capacity": 4, "policies": [CPU_POLICY]},
}
REGISTER = {
    "family": NAME,
    "containerDefinitions": [
        {
            "name": "api",
            "image": f"{REPO}:A",
            "portMappings": [{"containerPort": 3001}],
        }
    ],
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "512",
    "memory": "1024",
    "tags": [{"key": k, "value": COMMON[k]} for k in sorted(COMMON)],
}


def aws_definition(revision=1, image=f"{REPO}:A", family=NAME):
    """A revision as DescribeTaskDefinition reports it, AWS defaults filled in."""
    return {
        "taskDefinitionArn": td_arn(family, revision),
        "family": family,
        "revision": revision,
        "status": "ACTIVE",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "512",
        "memory": "1024",
        "volumes": [],
        "containerDefinitions": [
            {
                "name": "api",
                "image": image,
                "cpu": 0,
                "essential": True,
                "portMappings": [{"containerPort": 3001, "hostPort": 3001, "protocol": "tcp"}],
                "environment": [],
                "mountPoints": [],
            }
        ],
    }


def aws_service(name=NAME, revision=1, tags=None, desired=2, running=2, family=NAME):
    return {
        "serviceArn": service_arn(name),
        "serviceName": name,
        "status": "ACTIVE",
        "taskDefinition": td_arn(family, revision),
        "desiredCount": desired,
        "runningCount": running,
        "launchType": "FARGATE",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-a", "subnet-b"],
                "securityGroups": ["sg-1"],
                "assignPublicIp": "DISABLED",
            }
        },
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
        "enableExecuteCommand": False,
        "propagateTags": "SERVICE",
        "deployments": [
            {
                "id": "ecs-svc/1",
                "status": "PRIMARY",
                "taskDefinition": td_arn(family, revision),
                "rolloutState": "COMPLETED",
                "runningCount": running,
            }
        ],
        "tags": [{"key": k, "value": v} for k, v in sorted((COMMON if tags is None else tags).items())],
    }


def aws_target(name=NAME, low=1, high=4):
    return dict(key(name), MinCapacity=low, MaxCapacity=high, RoleARN=ROLE, CreationTime="2026-11-24T00:00:00Z")


def aws_policy(name=NAME, policy_name=f"{NAME}-cpu", value=70.0):
    return dict(
        key(name),
        PolicyARN=f"arn:aws:autoscaling:us-east-1:{ACCOUNT}:scalingPolicy:0123:resource/ecs/{resource(name)}",
        PolicyName=policy_name,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": value,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
            "ScaleInCooldown": 300,
            "ScaleOutCooldown": 60,
        },
        Alarms=[],
        CreationTime="2026-11-24T00:00:00Z",
    )


@pytest.fixture
def clients():
    ecs = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    aas = boto3.client(
        "application-autoscaling", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(ecs) as ecs_stub, Stubber(aas) as aas_stub:
        yield {
            "ecs": (RetryingBotoClientWrapper(ecs, AWSRetry.jittered_backoff()), ecs_stub),
            "application-autoscaling": (RetryingBotoClientWrapper(aas, AWSRetry.jittered_backoff()), aas_stub),
        }
        ecs_stub.assert_no_pending_responses()
        aas_stub.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def in_order(monkeypatch):
    def sequential(function, items, max_workers=None):
        return [function(item) for item in items]

    monkeypatch.setattr(module_under_test, "run_concurrently", sequential)


def run(monkeypatch, capsys, clients, **args):
    monkeypatch.setattr(
        AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: clients[service][0]
    )
    monkeypatch.setattr(AnsibleAWSModule, "region", property(lambda self: "us-east-1"))
    args.setdefault("cluster", CLUSTER)
    args.setdefault("tags", COMMON)
    args.setdefault("owner_tags", OWNER)
    args.setdefault("config", [ITEM])
    args.setdefault("state", "replaced")
    args.setdefault("wait_delay", 1)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


def expect_services(ecs_stub, names, services):
    ecs_stub.add_response(
        "describe_services",
        {"services": services, "failures": []},
        {"cluster": CLUSTER, "services": names, "include": ["TAGS"]},
    )


def expect_targets(aas_stub, names, targets):
    aas_stub.add_response(
        "describe_scalable_targets",
        {"ScalableTargets": targets},
        {"ServiceNamespace": "ecs", "ResourceIds": [resource(n) for n in names], "ScalableDimension": DIMENSION},
    )


def expect_definition(ecs_stub, task_definition, definition, tags=None):
    if definition is None:
        ecs_stub.add_client_error(
            "describe_task_definition",
            "ClientException",
            "Unable to describe task definition.",
            400,
            expected_params={"taskDefinition": task_definition, "include": ["TAGS"]},
        )
        return
    tags = COMMON if tags is None else tags
    ecs_stub.add_response(
        "describe_task_definition",
        {"taskDefinition": definition, "tags": [{"key": k, "value": v} for k, v in sorted(tags.items())]},
        {"taskDefinition": task_definition, "include": ["TAGS"]},
    )


def expect_policies(aas_stub, name, policies):
    aas_stub.add_response("describe_scaling_policies", {"ScalingPolicies": policies}, key(name))


def expect_converged_reads(clients, policies=None, target=None, service=None):
    ecs_stub, aas_stub = clients["ecs"][1], clients["application-autoscaling"][1]
    expect_services(ecs_stub, [NAME], [service or aws_service()])
    expect_targets(aas_stub, [NAME], [target or aws_target()])
    expect_definition(ecs_stub, NAME, aws_definition())
    expect_policies(aas_stub, NAME, [aws_policy()] if policies is None else policies)


# ---------------------------------------------------------------------------------------------------------------------
# converged: reads only


@pytest.mark.parametrize("check_mode", [False, True])
def test_converged_set_makes_no_write_call(clients, monkeypatch, capsys, check_mode):
    expect_converged_reads(clients)

    result = run(monkeypatch, capsys, clients, _ansible_check_mode=check_mode, _ansible_diff=True)

    assert result["changed"] is False
    assert result["created"] == result["updated"] == result["deleted"] == []
    assert result["diff"] == {"before": {}, "after": {}}
    service = result["services"][0]
    assert service["task_definition_arn"] == td_arn()
    assert service["revision"] == 1
    assert service["images"] == {"api": f"{REPO}:A"}
    assert service["steady"] is True
    assert service["scalable_target"]["max_capacity"] == 4


# ---------------------------------------------------------------------------------------------------------------------
# create


def expect_empty_reads(clients):
    ecs_stub, aas_stub = clients["ecs"][1], clients["application-autoscaling"][1]
    ecs_stub.add_client_error(
        "describe_services",
        "ClusterNotFoundException",
        "Cluster not found.",
        400,
        expected_params={"cluster": CLUSTER, "services": [NAME], "include": ["TAGS"]},
    )
    expect_targets(aas_stub, [NAME], [])
    expect_definition(ecs_stub, NAME, None)


def test_check_mode_create_previews_every_part_without_writing(clients, monkeypatch, capsys):
    expect_empty_reads(clients)

    result = run(monkeypatch, capsys, clients, _ansible_check_mode=True, _ansible_diff=True)

    assert result["changed"] is True
    assert result["created"] == [NAME]
    after = result["diff"]["after"][NAME]
    assert after["task_definition"]["family"] == NAME
    assert after["service"]["taskDefinition"] == f"{NAME} (new revision)"
    assert after["autoscaling"]["max_capacity"] == 4
    assert list(after["autoscaling"]["policies"]) == [f"{NAME}-cpu"]
    assert result["services"][0]["task_definition_arn"] is None


def test_create_registers_creates_scales_then_waits(clients, monkeypatch, capsys):
    expect_empty_reads(clients)
    ecs_stub, aas_stub = clients["ecs"][1], clients["application-autoscaling"][1]
    ecs_stub.add_response(
        "register_task_definition", {"taskDefinition": aws_definition(), "tags": REGISTER["tags"]}, REGISTER
    )
    created = aws_service(desired=1, running=0)
    created["deployments"][0]["rolloutState"] = "IN_PROGRESS"
    ecs_stub.add_response(
        "create_service",
        {"service": created},
        {
            "cluster": CLUSTER,
            "serviceName": NAME,
            "taskDefinition": td_arn(),
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
            "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
            "enableExecuteCommand": False,
            "propagateTags": "SERVICE",
            "tags": REGISTER["tags"],
        },
    )
    aas_stub.add_response("register_scalable_target", {}, dict(key(), MinCapacity=1, MaxCapacity=4))
    aas_stub.add_response(
        "describe_scalable_targets",
        {"ScalableTargets": [aws_target()]},
        {"ServiceNamespace": "ecs", "ResourceIds": [resource()], "ScalableDimension": DIMENSION},
    )
    aas_stub.add_response(
        "put_scaling_policy",
        {"PolicyARN": "arn:new:cpu", "Alarms": []},
        dict(
            key(),
            PolicyName=f"{NAME}-cpu",
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=aws_policy()["TargetTrackingScalingPolicyConfiguration"]
            | {"DisableScaleIn": False},
        ),
    )
    # the wait comes last: the first look is a read, the rollout is done
    expect_services(ecs_stub, [NAME], [aws_service(desired=1, running=1)])
    monkeypatch.setattr("time.sleep", lambda seconds: None)

    result = run(monkeypatch, capsys, clients)

    assert result["changed"] is True
    assert result["created"] == [NAME]
    service = result["services"][0]
    assert service["service_arn"] == service_arn()
    assert service["deployment_id"] == "ecs-svc/1"
    assert service["steady"] is True


def test_no_wait_leaves_the_rollout_running(clients, monkeypatch, capsys):
    expect_converged_reads(clients, service=aws_service(running=1))  # 1 of 2 running: not steady

    result = run(monkeypatch, capsys, clients, wait=False)

    assert result["changed"] is False
    assert result["services"][0]["steady"] is False


# ---------------------------------------------------------------------------------------------------------------------
# update


def test_a_new_image_registers_one_revision_and_updates_only_the_task_definition(clients, monkeypatch, capsys):
    expect_converged_reads(clients)
    ecs_stub = clients["ecs"][1]
    item = json.loads(json.dumps(ITEM))
    item["task_definition"]["containers"][0]["image"] = f"{REPO}:B"
    register = json.loads(json.dumps(REGISTER))
    register["containerDefinitions"][0]["image"] = f"{REPO}:B"
    ecs_stub.add_response(
        "register_task_definition",
        {"taskDefinition": aws_definition(revision=2, image=f"{REPO}:B"), "tags": REGISTER["tags"]},
        register,
    )
    updated = aws_service(revision=2, running=2)
    updated["deployments"].insert(
        0,
        {"id": "ecs-svc/2", "status": "PRIMARY", "taskDefinition": td_arn(revision=2), "rolloutState": "IN_PROGRESS"},
    )
    updated["deployments"][1]["status"] = "ACTIVE"
    ecs_stub.add_response(
        "update_service",
        {"service": updated},
        {"cluster": CLUSTER, "service": NAME, "taskDefinition": td_arn(revision=2)},
    )

    result = run(monkeypatch, capsys, clients, config=[item], wait=False, _ansible_diff=True)

    assert result["changed"] is True
    assert result["updated"] == [NAME]
    assert result["services"][0]["revision"] == 2
    assert result["services"][0]["deployment_id"] == "ecs-svc/2"
    assert result["diff"]["before"][NAME]["service"]["taskDefinition"] == td_arn()
    assert result["diff"]["after"][NAME]["service"]["taskDefinition"] == td_arn(revision=2)


def test_a_new_maximum_is_one_register_call_and_nothing_else(clients, monkeypatch, capsys):
    expect_converged_reads(clients)
    aas_stub = clients["application-autoscaling"][1]
    item = json.loads(json.dumps(ITEM))
    item["autoscaling"]["max_capacity"] = 6
    aas_stub.add_response("register_scalable_target", {}, dict(key(), MinCapacity=1, MaxCapacity=6))

    result = run(monkeypatch, capsys, clients, config=[item], _ansible_diff=True)

    assert result["changed"] is True
    assert result["updated"] == [NAME]
    assert result["diff"]["before"][NAME]["autoscaling"]["max_capacity"] == 4
    assert result["diff"]["after"][NAME]["autoscaling"]["max_capacity"] == 6


def test_replaced_removes_autoscaling_the_config_no_longer_has(clients, monkeypatch, capsys):
    expect_converged_reads(clients)
    aas_stub = clients["application-autoscaling"][1]
    item = {k: v for k, v in ITEM.items() if k != "autoscaling"}
    item["desired_count"] = 2
    aas_stub.add_response("delete_scaling_policy", {}, dict(key(), PolicyName=f"{NAME}-cpu"))
    aas_stub.add_response("deregister_scalable_target", {}, key())

    result = run(monkeypatch, capsys, clients, config=[item])

    assert result["changed"] is True
    assert result["updated"] == [NAME]


def test_merged_keeps_autoscaling_the_config_does_not_name(clients, monkeypatch, capsys):
    expect_converged_reads(clients)
    item = {k: v for k, v in ITEM.items() if k != "autoscaling"}

    result = run(monkeypatch, capsys, clients, config=[item], state="merged")

    assert result["changed"] is False


# ---------------------------------------------------------------------------------------------------------------------
# overridden / deleted


def expect_other_service_reads(clients, tags=None):
    """ListServices names a second service (OTHER); both are read."""
    ecs_stub, aas_stub = clients["ecs"][1], clients["application-autoscaling"][1]
    ecs_stub.add_response(
        "list_services", {"serviceArns": [service_arn(NAME), service_arn(OTHER)]}, {"cluster": CLUSTER}
    )
    expect_services(ecs_stub, [NAME, OTHER], [aws_service(), aws_service(name=OTHER, family=OTHER, tags=tags)])
    expect_targets(aas_stub, [NAME, OTHER], [aws_target()])
    expect_definition(ecs_stub, NAME, aws_definition())
    expect_policies(aas_stub, NAME, [aws_policy()])
    expect_definition(ecs_stub, OTHER, aws_definition(family=OTHER))


def test_overridden_deletes_an_owned_service_the_list_no_longer_names(clients, monkeypatch, capsys):
    expect_other_service_reads(clients)
    ecs_stub = clients["ecs"][1]
    ecs_stub.add_response(
        "update_service",
        {"service": aws_service(name=OTHER, family=OTHER, desired=0)},
        {"cluster": CLUSTER, "service": OTHER, "desiredCount": 0},
    )
    ecs_stub.add_response(
        "delete_service",
        {"service": aws_service(name=OTHER, family=OTHER)},
        {"cluster": CLUSTER, "service": OTHER, "force": True},
    )
    ecs_stub.add_response(
        "list_task_definitions",
        {"taskDefinitionArns": [td_arn(OTHER, 1)]},
        {"familyPrefix": OTHER, "status": "ACTIVE"},
    )
    ecs_stub.add_response(
        "deregister_task_definition",
        {"taskDefinition": aws_definition(family=OTHER)},
        {"taskDefinition": td_arn(OTHER, 1)},
    )
    ecs_stub.add_response(
        "delete_task_definitions", {"taskDefinitions": [], "failures": []}, {"taskDefinitions": [td_arn(OTHER, 1)]}
    )
    ecs_stub.add_response(
        "describe_services",
        {"services": [], "failures": []},
        {"cluster": CLUSTER, "services": [OTHER], "include": ["TAGS"]},
    )

    result = run(monkeypatch, capsys, clients, state="overridden")

    assert result["changed"] is True
    assert result["deleted"] == [OTHER]
    assert result["deregistered"] == [td_arn(OTHER, 1)]
    assert [service["name"] for service in result["services"]] == [NAME]


def test_overridden_leaves_a_service_it_does_not_own(clients, monkeypatch, capsys):
    expect_other_service_reads(clients, tags={"stack": "someone-else"})

    result = run(monkeypatch, capsys, clients, state="overridden")

    assert result["changed"] is False
    assert result["deleted"] == []


def test_deleting_a_foreign_service_is_refused_before_any_delete(clients, monkeypatch, capsys):
    ecs_stub, aas_stub = clients["ecs"][1], clients["application-autoscaling"][1]
    expect_services(ecs_stub, [NAME], [aws_service(tags={"stack": "someone-else"})])
    expect_targets(aas_stub, [NAME], [])
    expect_definition(ecs_stub, NAME, aws_definition())

    result = run(monkeypatch, capsys, clients, state="deleted", config=[{"name": NAME}])

    assert result["failed"] is True
    assert "refusing to delete shop-prod-api" in result["msg"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_deleted_removes_autoscaling_service_and_task_definitions(clients, monkeypatch, capsys, check_mode):
    expect_converged_reads(clients)
    ecs_stub, aas_stub = clients["ecs"][1], clients["application-autoscaling"][1]
    if not check_mode:
        aas_stub.add_response("delete_scaling_policy", {}, dict(key(), PolicyName=f"{NAME}-cpu"))
        aas_stub.add_response("deregister_scalable_target", {}, key())
        ecs_stub.add_response(
            "update_service",
            {"service": aws_service(desired=0)},
            {"cluster": CLUSTER, "service": NAME, "desiredCount": 0},
        )
        ecs_stub.add_response(
            "delete_service", {"service": aws_service()}, {"cluster": CLUSTER, "service": NAME, "force": True}
        )
    ecs_stub.add_response(
        "list_task_definitions", {"taskDefinitionArns": [td_arn()]}, {"familyPrefix": NAME, "status": "ACTIVE"}
    )
    if not check_mode:
        ecs_stub.add_response(
            "deregister_task_definition", {"taskDefinition": aws_definition()}, {"taskDefinition": td_arn()}
        )
        ecs_stub.add_response(
            "delete_task_definitions", {"taskDefinitions": [], "failures": []}, {"taskDefinitions": [td_arn()]}
        )
        expect_services(ecs_stub, [NAME], [])  # the wait: inactive at the first look

    result = run(monkeypatch, capsys, clients, state="deleted", config=[{"name": NAME}], _ansible_check_mode=check_mode)

    assert result["changed"] is True
    assert result["deleted"] == [NAME]
    assert result["deregistered"] == [td_arn()]
    assert result["services"] == []


def test_deleted_twice_is_unchanged(clients, monkeypatch, capsys):
    ecs_stub, aas_stub = clients["ecs"][1], clients["application-autoscaling"][1]
    expect_services(ecs_stub, [NAME], [])
    expect_targets(aas_stub, [NAME], [])
    expect_definition(ecs_stub, NAME, None)
    ecs_stub.add_response(
        "list_task_definitions", {"taskDefinitionArns": []}, {"familyPrefix": NAME, "status": "ACTIVE"}
    )

    result = run(monkeypatch, capsys, clients, state="deleted", config=[{"name": NAME}])

    assert result["changed"] is False
    assert result["deleted"] == result["deregistered"] == []


# ---------------------------------------------------------------------------------------------------------------------
# input and rendered


def test_bad_input_fails_before_any_call(clients, monkeypatch, capsys):
    item = json.loads(json.dumps(ITEM))
    item["task_definition"]["containers"] = []
    item["autoscaling"] = {"min_capacity": 5, "max_capacity": 2}
    bad = dict(ITEM, name="shop-prod-web", capacity_provider_strategy=[{"capacity_provider": "FARGATE"}])

    result = run(monkeypatch, capsys, clients, config=[item, bad, bad])

    assert result["failed"] is True
    assert "repeated: shop-prod-web" in result["msg"]
    assert "service shop-prod-api: task_definition.containers is required" in result["msg"]
    assert "min_capacity (5) must not be greater than max_capacity (2)" in result["msg"]
    assert "launch_type and capacity_provider_strategy are mutually exclusive" in result["msg"]


def test_rendered_makes_no_call(clients, monkeypatch, capsys):
    result = run(monkeypatch, capsys, clients, state="rendered")

    requests = result["rendered"][0]["requests"]
    assert [request["operation"] for request in requests] == [
        "register_task_definition",
        "create_service",
        "register_scalable_target",
        "put_scaling_policy",
    ]
    assert requests[0]["params"]["family"] == NAME
    assert requests[1]["params"]["taskDefinition"] == NAME


# ---------------------------------------------------------------------------------------------------------------------
# rollouts started by an earlier call (wait=false), waited for by a later one


def rolled_back_service():
    """The service after the circuit breaker rolled revision 2 back: revision 1 is PRIMARY and COMPLETED again."""
    service = aws_service()
    service["deployments"].append(
        {
            "id": "ecs-svc/2",
            "status": "ACTIVE",
            "taskDefinition": td_arn(revision=2),
            "rolloutState": "FAILED",
            "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start.",
            "runningCount": 0,
        }
    )
    return service


def test_a_rollback_of_a_rollout_an_earlier_call_started_fails_the_wait(clients, monkeypatch, capsys):
    expect_converged_reads(clients, service=rolled_back_service())
    expect_services(clients["ecs"][1], [NAME], [rolled_back_service()])  # the wait's first look
    started = [{"name": NAME, "deployment_id": "ecs-svc/2", "task_definition_arn": td_arn(revision=2)}]

    result = run(monkeypatch, capsys, clients, rollouts=started)

    assert result["failed"] is True
    assert "ecs-svc/2" in result["msg"] and "FAILED" in result["msg"]
    assert "rolled the service back to " + td_arn() in result["msg"]


def test_without_the_earlier_rollouts_the_rolled_back_service_looks_steady(clients, monkeypatch, capsys):
    """The reason for `rollouts`: a later call alone sees a steady service."""
    expect_converged_reads(clients, service=rolled_back_service())

    result = run(monkeypatch, capsys, clients)

    assert result["changed"] is False
    assert result["services"][0]["steady"] is True
