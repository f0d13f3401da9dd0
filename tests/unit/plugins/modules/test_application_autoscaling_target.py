# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.application_autoscaling_target (botocore Stubber on a real Application Auto Scaling
client: request and response shapes validated against the API model; any call that was not queued fails the test,
so the tests also prove which write calls are made and that check mode makes none)."""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils import app_autoscaling
from ansible_collections.stacksmith.aws.plugins.modules import application_autoscaling_target as aas
from botocore.stub import Stubber

RESOURCE = "service/shop-prod-cluster/shop-prod-api"
DIMENSION = "ecs:service:DesiredCount"
KEY = {"ServiceNamespace": "ecs", "ResourceId": RESOURCE, "ScalableDimension": DIMENSION}
ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_ECSService"
)
LABEL = "app/shop-prod-alb/0123456789abcdef/targetgroup/shop-prod-api/0123456789abcdef"
CPU = {"name": "api-cpu", "predefined_metric_type": "ECSServiceAverageCPUUtilization", "target_value": 70}
REQUESTS = {
    "name": "api-requests",
    "predefined_metric_type": "ALBRequestCountPerTarget",
    "resource_label": LABEL,
    "target_value": 500,
}
ARGS = {
    "service_namespace": "ecs",
    "resource_id": RESOURCE,
    "scalable_dimension": DIMENSION,
    "min_capacity": 1,
    "max_capacity": 3,
    "policies": [CPU, REQUESTS],
}


@pytest.fixture
def client():
    """The raw client and its stubber; run_main wraps the client with the retry decorator the module asks for."""
    raw = boto3.client(
        "application-autoscaling", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(raw) as stubber:
        yield raw, stubber
        stubber.assert_no_pending_responses()


def target(min_capacity=1, max_capacity=3):
    return dict(
        KEY,
        MinCapacity=min_capacity,
        MaxCapacity=max_capacity,
        RoleARN=ROLE,
        CreationTime="2026-11-24T00:00:00Z",
        ScalableTargetARN="arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123",
    )


def configuration(metric, value, label=None, scale_in=300, scale_out=60, disable=None):
    spec = {"PredefinedMetricType": metric}
    if label:
        spec["ResourceLabel"] = label
    config = {
        "TargetValue": value,
        "PredefinedMetricSpecification": spec,
        "ScaleInCooldown": scale_in,
        "ScaleOutCooldown": scale_out,
    }
    if disable is not None:
        config["DisableScaleIn"] = disable
    return config


def policy(name, config, policy_type="TargetTrackingScaling"):
    item = dict(
        KEY,
        PolicyARN=f"arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0123:resource/ecs/{RESOURCE}:policyName/{name}",
        PolicyName=name,
        PolicyType=policy_type,
        Alarms=[{"AlarmName": f"TargetTracking-{name}-AlarmHigh", "AlarmARN": f"arn:aws:cloudwatch:::alarm:{name}"}],
        CreationTime="2026-11-24T00:00:00Z",
    )
    if policy_type == "TargetTrackingScaling":
        item["TargetTrackingScalingPolicyConfiguration"] = config
    else:
        item["StepScalingPolicyConfiguration"] = config
    return item


# As AWS reports them: no DisableScaleIn when it is false, TargetValue as a float.
CPU_AWS = policy("api-cpu", configuration("ECSServiceAverageCPUUtilization", 70.0))
REQUESTS_AWS = policy("api-requests", configuration("ALBRequestCountPerTarget", 500.0, LABEL))


def expect_reads(stubber, targets, policies):
    stubber.add_response(
        "describe_scalable_targets",
        {"ScalableTargets": targets},
        {"ServiceNamespace": "ecs", "ResourceIds": [RESOURCE], "ScalableDimension": DIMENSION},
    )
    stubber.add_response("describe_scaling_policies", {"ScalingPolicies": policies}, KEY)


def expect_put(stubber, name, config):
    stubber.add_response(
        "put_scaling_policy",
        {"PolicyARN": f"arn:new:{name}", "Alarms": [{"AlarmName": f"{name}-high", "AlarmARN": f"arn:alarm:{name}"}]},
        dict(KEY, PolicyName=name, PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration=config),
    )


def run_main(monkeypatch, capsys, raw, args):
    def fake_client(self, service, retry_decorator=None, **kwargs):
        assert service == "application-autoscaling"
        return RetryingBotoClientWrapper(raw, retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", fake_client)
    args = dict({"region": "us-east-1"}, **args)
    with patch_module_args(args), pytest.raises(SystemExit):
        aas.main()
    return json.loads(capsys.readouterr().out)


CPU_WANTED = configuration("ECSServiceAverageCPUUtilization", 70.0, disable=False)
REQUESTS_WANTED = configuration("ALBRequestCountPerTarget", 500.0, LABEL, disable=False)


# -- pure functions ----------------------------------------------------------------------------------------------------


def test_policy_view_normalises_what_aws_omits():
    assert app_autoscaling.policy_view(CPU_AWS) == {
        "name": "api-cpu",
        "target_value": 70.0,
        "predefined_metric_type": "ECSServiceAverageCPUUtilization",
        "resource_label": None,
        "scale_in_cooldown": 300,
        "scale_out_cooldown": 60,
        "disable_scale_in": False,
    }


def test_step_scaling_policy_never_equals_a_target_tracking_one():
    step = policy("api-cpu", {"AdjustmentType": "ChangeInCapacity"}, policy_type="StepScaling")
    view = app_autoscaling.policy_view(step)
    assert view["target_value"] is None
    assert view["predefined_metric_type"] is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_capacity": 4}, "min_capacity (4) must not be greater than max_capacity (3)"),
        ({"min_capacity": -1}, "must not be negative"),
        ({"policies": [CPU, CPU]}, "policy names must be unique for the target: api-cpu"),
        ({"policies": [dict(REQUESTS, resource_label=None)]}, "ALBRequestCountPerTarget needs resource_label"),
        ({"policies": [dict(CPU, resource_label=LABEL)]}, "resource_label is only allowed with"),
    ],
)
def test_bad_input_fails_before_any_call(client, monkeypatch, capsys, overrides, message):
    stub_client, _stubber = client  # nothing queued: any AWS call would fail the test differently
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, **overrides))
    assert result["failed"] is True
    assert message in result["msg"]


def test_present_needs_the_bounds(client, monkeypatch, capsys):
    stub_client, _stubber = client
    args = {k: v for k, v in ARGS.items() if k != "max_capacity"}
    result = run_main(monkeypatch, capsys, stub_client, args)
    assert result["failed"] is True
    assert "max_capacity" in result["msg"]


# -- present -----------------------------------------------------------------------------------------------------------


def test_create_registers_then_puts_each_policy(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [], [])
    stubber.add_response(
        "register_scalable_target", {"ScalableTargetARN": "arn:t"}, dict(KEY, MinCapacity=1, MaxCapacity=3)
    )
    stubber.add_response(
        "describe_scalable_targets",
        {"ScalableTargets": [target()]},
        {"ServiceNamespace": "ecs", "ResourceIds": [RESOURCE], "ScalableDimension": DIMENSION},
    )
    expect_put(stubber, "api-cpu", CPU_WANTED)
    expect_put(stubber, "api-requests", REQUESTS_WANTED)
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, _ansible_diff=True))
    assert result["changed"] is True
    assert result["scalable_target"] == {
        "service_namespace": "ecs",
        "resource_id": RESOURCE,
        "scalable_dimension": DIMENSION,
        "min_capacity": 1,
        "max_capacity": 3,
        "role_arn": ROLE,
    }
    assert [p["name"] for p in result["policies"]] == ["api-cpu", "api-requests"]
    assert result["policies"][0]["arn"] == "arn:new:api-cpu"
    assert result["policies"][0]["alarms"] == [{"alarm_name": "api-cpu-high", "alarm_arn": "arn:alarm:api-cpu"}]
    assert result["policies"][1]["resource_label"] == LABEL
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["max_capacity"] == 3
    assert sorted(result["diff"]["after"]["policies"]) == ["api-cpu", "api-requests"]


def test_check_mode_create_predicts_without_writing(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [], [])
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert result["scalable_target"]["max_capacity"] == 3
    assert result["scalable_target"]["role_arn"] is None
    assert [p["arn"] for p in result["policies"]] == [None, None]
    assert result["policies"][0]["target_value"] == 70.0
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["policies"]["api-cpu"]["scale_in_cooldown"] == 300


def test_rerun_reads_only(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [REQUESTS_AWS, CPU_AWS])
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, _ansible_diff=True))
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert [p["name"] for p in result["policies"]] == ["api-cpu", "api-requests"]
    assert result["policies"][0]["arn"] == CPU_AWS["PolicyARN"]


def test_disable_scale_in_reported_false_equals_default(client, monkeypatch, capsys):
    stub_client, stubber = client
    cpu = policy("api-cpu", configuration("ECSServiceAverageCPUUtilization", 70.0, disable=False))
    expect_reads(stubber, [target()], [cpu])
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, policies=[CPU]))
    assert result["changed"] is False


@pytest.mark.parametrize("check_mode", [False, True])
def test_max_capacity_change_registers_once_and_nothing_else(client, monkeypatch, capsys, check_mode):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [CPU_AWS, REQUESTS_AWS])
    if not check_mode:
        stubber.add_response(
            "register_scalable_target", {"ScalableTargetARN": "arn:t"}, dict(KEY, MinCapacity=1, MaxCapacity=5)
        )
    args = dict(ARGS, max_capacity=5, _ansible_diff=True, _ansible_check_mode=check_mode)
    result = run_main(monkeypatch, capsys, stub_client, args)
    assert result["changed"] is True
    assert result["scalable_target"]["max_capacity"] == 5
    assert result["scalable_target"]["role_arn"] == ROLE
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert (before["max_capacity"], after["max_capacity"]) == (3, 5)
    assert {k: v for k, v in before.items() if k != "max_capacity"} == {
        k: v for k, v in after.items() if k != "max_capacity"
    }


def test_changed_policy_is_put_and_unchanged_one_left_alone(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [CPU_AWS, REQUESTS_AWS])
    changed_cpu = configuration("ECSServiceAverageCPUUtilization", 60.0, scale_in=120, disable=True)
    expect_put(stubber, "api-cpu", changed_cpu)
    cpu = dict(CPU, target_value=60, scale_in_cooldown=120, disable_scale_in=True)
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, policies=[cpu, REQUESTS], _ansible_diff=True))
    assert result["changed"] is True
    assert result["policies"][0]["target_value"] == 60.0
    assert result["policies"][0]["disable_scale_in"] is True
    assert result["policies"][1]["arn"] == REQUESTS_AWS["PolicyARN"]
    assert result["diff"]["before"]["policies"]["api-cpu"]["target_value"] == 70.0
    assert result["diff"]["after"]["policies"]["api-cpu"]["target_value"] == 60.0


def test_step_scaling_policy_of_the_same_name_is_replaced(client, monkeypatch, capsys):
    stub_client, stubber = client
    step = policy("api-cpu", {"AdjustmentType": "ChangeInCapacity"}, policy_type="StepScaling")
    expect_reads(stubber, [target()], [step])
    expect_put(stubber, "api-cpu", CPU_WANTED)
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, policies=[CPU]))
    assert result["changed"] is True


def test_unlisted_policy_is_purged(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [CPU_AWS, REQUESTS_AWS])
    stubber.add_response("delete_scaling_policy", {}, dict(KEY, PolicyName="api-requests"))
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, policies=[CPU], _ansible_diff=True))
    assert result["changed"] is True
    assert [p["name"] for p in result["policies"]] == ["api-cpu"]
    assert "api-requests" not in result["diff"]["after"]["policies"]
    assert "api-requests" in result["diff"]["before"]["policies"]


def test_purge_of_a_policy_already_gone_is_tolerated(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [CPU_AWS, REQUESTS_AWS])
    stubber.add_client_error("delete_scaling_policy", "ObjectNotFoundException", "No scaling policy found")
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, policies=[CPU]))
    assert result.get("failed") is not True
    assert result["changed"] is True


def test_unlisted_policy_is_kept_without_purge(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [CPU_AWS, REQUESTS_AWS])
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, policies=[CPU], purge_policies=False))
    assert result["changed"] is False
    assert [p["name"] for p in result["policies"]] == ["api-cpu", "api-requests"]


def test_without_policies_only_the_bounds_are_managed(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [CPU_AWS])
    args = {k: v for k, v in ARGS.items() if k != "policies"}
    result = run_main(monkeypatch, capsys, stub_client, args)
    assert result["changed"] is False
    assert [p["name"] for p in result["policies"]] == ["api-cpu"]


def test_check_mode_purge_and_put_write_nothing(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target(max_capacity=2)], [CPU_AWS, REQUESTS_AWS])
    args = dict(ARGS, policies=[dict(CPU, target_value=50)], _ansible_check_mode=True, _ansible_diff=True)
    result = run_main(monkeypatch, capsys, stub_client, args)
    assert result["changed"] is True
    assert result["scalable_target"]["max_capacity"] == 3
    assert result["policies"] == [
        {
            "name": "api-cpu",
            "arn": CPU_AWS["PolicyARN"],
            "target_value": 50.0,
            "predefined_metric_type": "ECSServiceAverageCPUUtilization",
            "resource_label": None,
            "scale_in_cooldown": 300,
            "scale_out_cooldown": 60,
            "disable_scale_in": False,
            "alarms": [
                {"alarm_name": "TargetTracking-api-cpu-AlarmHigh", "alarm_arn": "arn:aws:cloudwatch:::alarm:api-cpu"}
            ],
        }
    ]
    assert sorted(result["diff"]["before"]["policies"]) == ["api-cpu", "api-requests"]
    assert sorted(result["diff"]["after"]["policies"]) == ["api-cpu"]


def test_missing_ecs_service_fails_clearly(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [], [])
    stubber.add_client_error(
        "register_scalable_target", "ValidationException", f"ECS service doesn't exist: {RESOURCE}"
    )
    result = run_main(monkeypatch, capsys, stub_client, ARGS)
    assert result["failed"] is True
    assert f"ECS service doesn't exist: {RESOURCE}" in result["msg"]
    assert "must exist before its autoscaling is configured" in result["msg"]


def test_describe_follows_every_page(client, monkeypatch, capsys):
    stub_client, stubber = client
    stubber.add_response(
        "describe_scalable_targets",
        {"ScalableTargets": [target()]},
        {"ServiceNamespace": "ecs", "ResourceIds": [RESOURCE], "ScalableDimension": DIMENSION},
    )
    stubber.add_response("describe_scaling_policies", {"ScalingPolicies": [CPU_AWS], "NextToken": "page2"}, KEY)
    stubber.add_response("describe_scaling_policies", {"ScalingPolicies": [REQUESTS_AWS]}, dict(KEY, NextToken="page2"))
    result = run_main(monkeypatch, capsys, stub_client, ARGS)
    assert result["changed"] is False  # the second page's policy was found, not re-created


def test_throttled_describe_is_retried(client, monkeypatch, capsys):
    stub_client, stubber = client
    monkeypatch.setattr("time.sleep", lambda _s: None)
    stubber.add_client_error("describe_scalable_targets", "ThrottlingException", "Rate exceeded")
    expect_reads(stubber, [target()], [CPU_AWS, REQUESTS_AWS])
    result = run_main(monkeypatch, capsys, stub_client, ARGS)
    assert result["changed"] is False


def test_concurrent_update_on_register_is_retried(client, monkeypatch, capsys):
    stub_client, stubber = client
    monkeypatch.setattr("time.sleep", lambda _s: None)
    expect_reads(stubber, [target()], [CPU_AWS, REQUESTS_AWS])
    stubber.add_client_error("register_scalable_target", "ConcurrentUpdateException", "in progress")
    stubber.add_client_error("register_scalable_target", "ThrottlingException", "Rate exceeded")
    stubber.add_response(
        "register_scalable_target", {"ScalableTargetARN": "arn:t"}, dict(KEY, MinCapacity=1, MaxCapacity=4)
    )
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, max_capacity=4))
    assert result["changed"] is True
    assert result["scalable_target"]["max_capacity"] == 4


# -- absent ------------------------------------------------------------------------------------------------------------


def test_absent_deletes_policies_then_deregisters(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [CPU_AWS, REQUESTS_AWS])
    stubber.add_response("delete_scaling_policy", {}, dict(KEY, PolicyName="api-cpu"))
    stubber.add_response("delete_scaling_policy", {}, dict(KEY, PolicyName="api-requests"))
    stubber.add_response("deregister_scalable_target", {}, KEY)
    args = {k: v for k, v in ARGS.items() if k not in ("min_capacity", "max_capacity", "policies")}
    result = run_main(monkeypatch, capsys, stub_client, dict(args, state="absent", _ansible_diff=True))
    assert result["changed"] is True
    assert result["scalable_target"] == {}
    assert result["policies"] == []
    assert result["diff"]["before"]["max_capacity"] == 3
    assert result["diff"]["after"] == {}


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_missing_is_unchanged(client, monkeypatch, capsys, check_mode):
    stub_client, stubber = client
    expect_reads(stubber, [], [])
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, state="absent", _ansible_check_mode=check_mode))
    assert result["changed"] is False


def test_absent_check_mode_writes_nothing(client, monkeypatch, capsys):
    stub_client, stubber = client
    expect_reads(stubber, [target()], [CPU_AWS])
    result = run_main(monkeypatch, capsys, stub_client, dict(ARGS, state="absent", _ansible_check_mode=True))
    assert result["changed"] is True
