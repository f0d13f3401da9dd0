# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.wafv2_web_acl (botocore Stubber on a real WAFv2 client: request and response
shapes validated against the WAFv2 API model; any call that was not queued fails the test, so a test that queues
only reads proves that the run made no write call)."""

import copy
import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import wafv2_web_acl as waf_module
from botocore.stub import Stubber

NAME = "shop-prod-waf"
ACL_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
ARN = f"arn:aws:wafv2:us-east-1:123456789012:regional/webacl/{NAME}/{ACL_ID}"
OTHER_ARN = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/other/b1b2c3d4-5678-90ab-cdef-EXAMPLE22222"
ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-prod-alb/50dc6c495c0c9188"
OLD_ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/old-alb/60dc6c495c0c9188"
STAGE = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod"
MANAGED = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
ACL_VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": NAME}


def visibility(metric):
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def rate_rule(limit=2000, **extra):
    statement = dict({"Limit": limit, "AggregateKeyType": "IP"}, **extra)
    return {
        "Name": "RateLimitPerIP",
        "Priority": 0,
        "Action": {"Block": {}},
        "Statement": {"RateBasedStatement": statement},
        "VisibilityConfig": visibility("RateLimitPerIP"),
    }


def managed_rule(name, priority):
    return {
        "Name": name,
        "Priority": priority,
        "OverrideAction": {"None": {}},
        "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": name}},
        "VisibilityConfig": visibility(name),
    }


def requested_rules(limit=2000):
    return [rate_rule(limit)] + [managed_rule(name, i + 1) for i, name in enumerate(MANAGED)]


def aws_rules(limit=2000, window=300):
    """The rules as real AWS returns them: the rate-based statement carries its server-side default window."""
    rules = requested_rules(limit)
    rules[0]["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] = window
    return rules


ARGS = {"name": NAME, "rules": requested_rules(), "tags": {"stack": "shop-prod"}}


@pytest.fixture
def waf():
    client = boto3.client("wafv2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    return slept


def web_acl(rules=None, lock="lock-1", **extra):
    acl = {
        "Name": NAME,
        "Id": ACL_ID,
        "ARN": ARN,
        "DefaultAction": {"Allow": {}},
        "Rules": aws_rules() if rules is None else rules,
        "VisibilityConfig": dict(ACL_VISIBILITY),
        "Capacity": 927,
        "LabelNamespace": f"awswaf:123456789012:webacl:{NAME}:",
        "ManagedByFirewallManager": False,
        "RetrofittedByFirewallManager": False,
    }
    acl.update(extra)
    return {"WebACL": acl, "LockToken": lock}


def expect_find(stubber, found=True, scope="REGIONAL"):
    acls = [{"Name": NAME, "Id": ACL_ID, "ARN": ARN, "LockToken": "lock-1"}] if found else []
    stubber.add_response("list_web_acls", {"WebACLs": acls}, {"Scope": scope, "Limit": 100})


def expect_get(stubber, response):
    stubber.add_response("get_web_acl", response, {"Name": NAME, "Scope": "REGIONAL", "Id": ACL_ID})


def expect_tags(stubber, tags):
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    stubber.add_response(
        "list_tags_for_resource",
        {"TagInfoForResource": {"ResourceARN": ARN, "TagList": tag_list}},
        {"ResourceARN": ARN, "Limit": 100},
    )


def expect_associations(stubber, by_type=None):
    by_type = by_type or {}
    for resource_type in waf_module.REGIONAL_RESOURCE_TYPES:
        stubber.add_response(
            "list_resources_for_web_acl",
            {"ResourceArns": by_type.get(resource_type, [])},
            {"WebACLArn": ARN, "ResourceType": resource_type},
        )


def expect_read(stubber, response=None, tags=None, by_type=None):
    expect_find(stubber)
    expect_get(stubber, response or web_acl())
    expect_tags(stubber, {"stack": "shop-prod"} if tags is None else tags)
    expect_associations(stubber, by_type)


def expect_update(stubber, rules, lock="lock-1", visibility_config=None, **extra):
    request = {
        "Name": NAME,
        "Scope": "REGIONAL",
        "Id": ACL_ID,
        "LockToken": lock,
        "DefaultAction": {"Allow": {}},
        "Rules": rules,
        "VisibilityConfig": visibility_config or ACL_VISIBILITY,
    }
    request.update(extra)
    stubber.add_response("update_web_acl", {"NextLockToken": "lock-next"}, request)


def run_main(monkeypatch, capsys, client, args):
    """Run the module on the stubbed client, wrapped with the retry decorator the module itself asks for."""
    raw = client.client

    def make_client(self, service, retry_decorator=None, **kwargs):
        return RetryingBotoClientWrapper(raw, retry_decorator) if retry_decorator else raw

    monkeypatch.setattr(AnsibleAWSModule, "client", make_client)
    args = dict({"region": "us-east-1"}, **args)
    with patch_module_args(args), pytest.raises(SystemExit):
        waf_module.main()
    return json.loads(capsys.readouterr().out)


def changed_paths(before, after, path=""):
    """Every path where two JSON-like values differ ("" when they are equal)."""
    if isinstance(before, dict) and isinstance(after, dict):
        paths = []
        for key in sorted(set(before) | set(after)):
            paths += changed_paths(before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return paths
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            p for i, (b, a) in enumerate(zip(before, after, strict=True)) for p in changed_paths(b, a, f"{path}[{i}]")
        ]
    return [] if before == after else [path]


# -- comparison --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "actual", "expected"),
    [
        # a scalar AWS adds is a server-side default
        ({"Limit": 2000}, {"Limit": 2000, "Unknown": "x"}, True),
        # the documented default of a rate-based statement is tolerated only with its default value
        ({"RateBasedStatement": {"Limit": 1}}, {"RateBasedStatement": {"Limit": 1, "EvaluationWindowSec": 300}}, True),
        ({"RateBasedStatement": {"Limit": 1}}, {"RateBasedStatement": {"Limit": 1, "EvaluationWindowSec": 60}}, False),
        ({"Limit": 2000}, {"Limit": 3000}, False),
        # a structure the request no longer gives is a difference, an empty list is not
        ({"Limit": 1}, {"Limit": 1, "ScopeDownStatement": {"GeoMatchStatement": {"CountryCodes": ["US"]}}}, False),
        ({"VendorName": "AWS"}, {"VendorName": "AWS", "ExcludedRules": []}, True),
        ({"VendorName": "AWS", "ExcludedRules": []}, {"VendorName": "AWS"}, True),
        # a union member (empty structure) must be present
        ({"Block": {}}, {"Count": {}}, False),
        ({"Block": {}}, {"Block": {"CustomResponse": {"ResponseCode": 429}}}, False),
        # lists: same length, element-wise
        ({"CountryCodes": ["US", "NL"]}, {"CountryCodes": ["US", "NL"]}, True),
        ({"CountryCodes": ["US"]}, {"CountryCodes": ["US", "NL"]}, False),
        ({"CountryCodes": ["NL", "US"]}, {"CountryCodes": ["US", "NL"]}, False),
        # booleans are not integers
        ({"SampledRequestsEnabled": True}, {"SampledRequestsEnabled": 1}, False),
        ({"Key": "x"}, "x", False),
    ],
)
def test_matches(wanted, actual, expected):
    assert waf_module.matches(wanted, actual) is expected


def test_requested_rules_take_the_model_types():
    client = boto3.client("wafv2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    rule = rate_rule()
    rule["Priority"] = "0"
    rule["Statement"]["RateBasedStatement"]["Limit"] = "2000"
    rule["VisibilityConfig"]["SampledRequestsEnabled"] = "true"
    rule["RuleLabels"] = None
    converted = waf_module.wanted_rules([rule], client.meta.service_model.shape_for("Rule"))
    assert converted == [rate_rule()]


def test_blobs_from_aws_compare_as_text():
    actual = waf_module.from_aws({"ByteMatchStatement": {"SearchString": b"badbot", "PositionalConstraint": "EXACTLY"}})
    assert waf_module.matches({"ByteMatchStatement": {"SearchString": "badbot"}}, actual)


# -- create --------------------------------------------------------------------------------------------------------


def test_create_then_associate(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_find(stubber, found=False)
    stubber.add_response(
        "create_web_acl",
        {"Summary": {"Name": NAME, "Id": ACL_ID, "ARN": ARN, "LockToken": "lock-1"}},
        {
            "Name": NAME,
            "Scope": "REGIONAL",
            "DefaultAction": {"Allow": {}},
            "Rules": requested_rules(),
            "VisibilityConfig": ACL_VISIBILITY,
            "Tags": [{"Key": "stack", "Value": "shop-prod"}],
        },
    )
    expect_get(stubber, web_acl())
    stubber.add_response("associate_web_acl", {}, {"WebACLArn": ARN, "ResourceArn": ALB})
    result = run_main(monkeypatch, capsys, client, dict(ARGS, associations=[ALB], _ansible_diff=True))
    assert result["changed"] is True
    acl = result["web_acl"]
    assert acl["arn"] == ARN
    assert acl["id"] == ACL_ID
    assert acl["scope"] == "REGIONAL"
    assert acl["capacity"] == 927
    assert acl["default_action"] == "allow"
    assert acl["description"] is None
    assert [rule["Name"] for rule in acl["rules"]] == ["RateLimitPerIP", *MANAGED]
    assert acl["rules"][0]["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] == 300
    assert acl["visibility_config"] == {
        "sampled_requests_enabled": True,
        "cloudwatch_metrics_enabled": True,
        "metric_name": NAME,
    }
    assert acl["tags"] == {"stack": "shop-prod"}
    assert acl["associations"] == [ALB]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["rules"] == requested_rules()


def test_check_mode_create_makes_no_write_call(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_find(stubber, found=False)
    args = dict(ARGS, associations=[ALB], description="shop", _ansible_check_mode=True, _ansible_diff=True)
    result = run_main(monkeypatch, capsys, client, args)
    assert result["changed"] is True
    acl = result["web_acl"]
    assert acl["arn"] == "(known after apply)"
    assert acl["id"] == "(known after apply)"
    assert acl["capacity"] is None
    assert acl["description"] == "shop"
    assert acl["rules"] == requested_rules()
    assert acl["associations"] == [ALB]
    assert result["diff"]["after"]["tags"] == {"stack": "shop-prod"}


def test_list_web_acls_follows_next_marker(waf, monkeypatch, capsys):
    client, stubber = waf
    others = [{"Name": f"other-{i}", "Id": f"id-{i}", "ARN": f"{OTHER_ARN}-{i}", "LockToken": "l"} for i in range(2)]
    stubber.add_response(
        "list_web_acls", {"WebACLs": others, "NextMarker": "page-2"}, {"Scope": "REGIONAL", "Limit": 100}
    )
    stubber.add_response(
        "list_web_acls",
        {"WebACLs": [{"Name": NAME, "Id": ACL_ID, "ARN": ARN, "LockToken": "lock-1"}], "NextMarker": "page-3"},
        {"Scope": "REGIONAL", "Limit": 100, "NextMarker": "page-2"},
    )
    expect_get(stubber, web_acl())
    expect_tags(stubber, {"stack": "shop-prod"})
    expect_associations(stubber)
    result = run_main(monkeypatch, capsys, client, ARGS)
    assert result["changed"] is False
    assert result["web_acl"]["arn"] == ARN


# -- re-run, updates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_rerun_with_aws_defaults_reads_only(waf, monkeypatch, capsys, check_mode):
    client, stubber = waf
    expect_read(stubber, by_type={"APPLICATION_LOAD_BALANCER": [ALB]})
    stubber.add_response("get_web_acl_for_resource", {"WebACL": web_acl()["WebACL"]}, {"ResourceArn": ALB})
    args = dict(ARGS, associations=[ALB], _ansible_check_mode=check_mode, _ansible_diff=True)
    result = run_main(monkeypatch, capsys, client, args)
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["web_acl"]["associations"] == [ALB]


def test_rate_limit_change_is_one_update_with_the_lock_token_and_one_diff_line(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber)
    expect_update(stubber, requested_rules(3000))
    expect_get(stubber, web_acl(rules=aws_rules(3000), lock="lock-next"))
    result = run_main(monkeypatch, capsys, client, dict(ARGS, rules=requested_rules(3000), _ansible_diff=True))
    assert result["changed"] is True
    assert result["web_acl"]["rules"][0]["Statement"]["RateBasedStatement"]["Limit"] == 3000
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert changed_paths(before, after) == ["rules[0].Statement.RateBasedStatement.Limit"]
    assert before["rules"][0]["Statement"] == {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}
    assert after["rules"][0]["Statement"] == {"RateBasedStatement": {"Limit": 3000, "AggregateKeyType": "IP"}}


def test_check_mode_update_reads_only(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber)
    args = dict(ARGS, rules=requested_rules(3000), _ansible_check_mode=True, _ansible_diff=True)
    result = run_main(monkeypatch, capsys, client, args)
    assert result["changed"] is True
    assert changed_paths(result["diff"]["before"], result["diff"]["after"]) == [
        "rules[0].Statement.RateBasedStatement.Limit"
    ]


def test_a_non_default_window_on_aws_is_put_back(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, response=web_acl(rules=aws_rules(window=60)))
    expect_update(stubber, requested_rules())
    expect_get(stubber, web_acl())
    result = run_main(monkeypatch, capsys, client, dict(ARGS, _ansible_diff=True))
    assert result["changed"] is True
    assert changed_paths(result["diff"]["before"], result["diff"]["after"]) == [
        "rules[0].Statement.RateBasedStatement.EvaluationWindowSec"
    ]


def test_visibility_change_is_an_update(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber)
    wanted = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": True, "MetricName": "shop-waf"}
    expect_update(stubber, requested_rules(), visibility_config=wanted)
    expect_get(stubber, web_acl(VisibilityConfig=wanted))
    args = dict(
        ARGS, visibility_config={"sampled_requests_enabled": False, "metric_name": "shop-waf"}, _ansible_diff=True
    )
    result = run_main(monkeypatch, capsys, client, args)
    assert result["changed"] is True
    assert sorted(changed_paths(result["diff"]["before"], result["diff"]["after"])) == [
        "visibility_config.metric_name",
        "visibility_config.sampled_requests_enabled",
    ]
    assert result["web_acl"]["visibility_config"]["sampled_requests_enabled"] is False


def test_update_keeps_unmanaged_settings_and_the_description(waf, monkeypatch, capsys):
    client, stubber = waf
    bodies = {"too-many": {"ContentType": "TEXT_PLAIN", "Content": "slow down"}}
    current = web_acl(Description="kept", CustomResponseBodies=bodies, TokenDomains=["example.com"])
    expect_read(stubber, response=current)
    expect_update(
        stubber,
        requested_rules(),
        DefaultAction={"Block": {}},
        Description="kept",
        CustomResponseBodies=bodies,
        TokenDomains=["example.com"],
    )
    expect_get(stubber, web_acl(DefaultAction={"Block": {}}, Description="kept"))
    result = run_main(monkeypatch, capsys, client, dict(ARGS, default_action="block", _ansible_diff=True))
    assert result["changed"] is True
    assert result["web_acl"]["default_action"] == "block"
    assert changed_paths(result["diff"]["before"], result["diff"]["after"]) == ["default_action"]


def test_optimistic_lock_is_retried_after_reading_again(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber)
    stubber.add_client_error("update_web_acl", "WAFOptimisticLockException", "changed", 400)
    expect_get(stubber, web_acl(lock="lock-2"))
    expect_update(stubber, requested_rules(3000), lock="lock-2")
    expect_get(stubber, web_acl(rules=aws_rules(3000), lock="lock-next"))
    result = run_main(monkeypatch, capsys, client, dict(ARGS, rules=requested_rules(3000)))
    assert result["changed"] is True
    assert result["web_acl"]["rules"][0]["Statement"]["RateBasedStatement"]["Limit"] == 3000


def test_update_error_names_the_step(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber)
    stubber.add_client_error("update_web_acl", "WAFInvalidParameterException", "bad limit", 400)
    result = run_main(monkeypatch, capsys, client, dict(ARGS, rules=requested_rules(3000)))
    assert result["failed"] is True
    assert result["msg"].startswith(f"Failed to update web ACL {NAME}")


def test_description_is_set_then_left_alone_then_cleared(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber)
    expect_update(stubber, requested_rules(), Description="shop")
    expect_get(stubber, web_acl(Description="shop"))
    result = run_main(monkeypatch, capsys, client, dict(ARGS, description="shop", _ansible_diff=True))
    assert result["changed"] is True
    assert result["web_acl"]["description"] == "shop"
    assert changed_paths(result["diff"]["before"], result["diff"]["after"]) == ["description"]

    expect_read(stubber, response=web_acl(Description="shop"))
    result = run_main(monkeypatch, capsys, client, ARGS)
    assert result["changed"] is False
    assert result["web_acl"]["description"] == "shop"

    expect_read(stubber, response=web_acl(Description="shop"))
    expect_update(stubber, requested_rules())  # no Description: UpdateWebACL removes it
    expect_get(stubber, web_acl())
    result = run_main(monkeypatch, capsys, client, dict(ARGS, description=""))
    assert result["changed"] is True
    assert result["web_acl"]["description"] is None


def test_throttling_is_retried(waf, monkeypatch, capsys, sleeps):
    client, stubber = waf
    stubber.add_client_error("list_web_acls", "ThrottlingException", "Rate exceeded", 400)
    expect_read(stubber)
    stubber.add_client_error("update_web_acl", "WAFInternalErrorException", "retry", 500)
    expect_update(stubber, requested_rules(3000))
    expect_get(stubber, web_acl(rules=aws_rules(3000)))
    result = run_main(monkeypatch, capsys, client, dict(ARGS, rules=requested_rules(3000)))
    assert result["changed"] is True
    assert len(sleeps) == 2


# -- tags ----------------------------------------------------------------------------------------------------------


def test_tags_are_set_and_purged(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, tags={"stack": "shop-prod", "old": "x"})
    stubber.add_response("untag_resource", {}, {"ResourceARN": ARN, "TagKeys": ["old"]})
    stubber.add_response("tag_resource", {}, {"ResourceARN": ARN, "Tags": [{"Key": "owner", "Value": "platform"}]})
    args = dict(ARGS, tags={"stack": "shop-prod", "owner": "platform"}, _ansible_diff=True)
    result = run_main(monkeypatch, capsys, client, args)
    assert result["changed"] is True
    assert result["web_acl"]["tags"] == {"stack": "shop-prod", "owner": "platform"}
    assert sorted(changed_paths(result["diff"]["before"], result["diff"]["after"])) == ["tags.old", "tags.owner"]


def test_tags_without_purge_only_add(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, tags={"stack": "shop-prod", "old": "x"})
    result = run_main(monkeypatch, capsys, client, dict(ARGS, purge_tags=False))
    assert result["changed"] is False
    assert result["web_acl"]["tags"] == {"stack": "shop-prod", "old": "x"}


# -- associations --------------------------------------------------------------------------------------------------


def test_associate_a_resource_of_another_web_acl_and_purge_the_rest(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, by_type={"APPLICATION_LOAD_BALANCER": [OLD_ALB], "API_GATEWAY": [STAGE]})
    other = web_acl()["WebACL"] | {"ARN": OTHER_ARN, "Name": "other", "Id": "b1b2c3d4-5678-90ab-cdef-EXAMPLE22222"}
    stubber.add_response("get_web_acl_for_resource", {"WebACL": other}, {"ResourceArn": ALB})
    stubber.add_response("associate_web_acl", {}, {"WebACLArn": ARN, "ResourceArn": ALB})
    stubber.add_response("disassociate_web_acl", {}, {"ResourceArn": STAGE})  # sorted: apigateway < elasticlb...
    stubber.add_response("disassociate_web_acl", {}, {"ResourceArn": OLD_ALB})
    result = run_main(monkeypatch, capsys, client, dict(ARGS, associations=[ALB], _ansible_diff=True))
    assert result["changed"] is True
    assert result["web_acl"]["associations"] == [ALB]
    assert result["diff"]["before"]["associations"] == sorted([OLD_ALB, STAGE])
    assert result["diff"]["after"]["associations"] == [ALB]


def test_without_purge_other_associations_stay(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, by_type={"API_GATEWAY": [STAGE]})
    stubber.add_response("get_web_acl_for_resource", {}, {"ResourceArn": ALB})
    stubber.add_response("associate_web_acl", {}, {"WebACLArn": ARN, "ResourceArn": ALB})
    result = run_main(monkeypatch, capsys, client, dict(ARGS, associations=[ALB], purge_associations=False))
    assert result["changed"] is True
    assert result["web_acl"]["associations"] == sorted([ALB, STAGE])


def test_associations_null_are_not_managed(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, by_type={"API_GATEWAY": [STAGE]})
    result = run_main(monkeypatch, capsys, client, ARGS)
    assert result["changed"] is False
    assert result["web_acl"]["associations"] == [STAGE]


def test_check_mode_association_changes_read_only(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, by_type={"APPLICATION_LOAD_BALANCER": [OLD_ALB]})
    stubber.add_client_error("get_web_acl_for_resource", "WAFNonexistentItemException", "no such ALB yet", 400)
    args = dict(ARGS, associations=[ALB], _ansible_check_mode=True)
    result = run_main(monkeypatch, capsys, client, args)
    assert result["changed"] is True
    assert result["web_acl"]["associations"] == [ALB]


def test_associate_retries_while_the_resource_is_unavailable(waf, monkeypatch, capsys, sleeps):
    client, stubber = waf
    expect_read(stubber)
    stubber.add_response("get_web_acl_for_resource", {}, {"ResourceArn": ALB})
    for _attempt in range(2):
        stubber.add_client_error("associate_web_acl", "WAFUnavailableEntityException", "not ready", 400)
    stubber.add_response("associate_web_acl", {}, {"WebACLArn": ARN, "ResourceArn": ALB})
    result = run_main(monkeypatch, capsys, client, dict(ARGS, associations=[ALB]))
    assert result["changed"] is True
    assert len(sleeps) == 2


# -- absent --------------------------------------------------------------------------------------------------------


def test_absent_disassociates_then_deletes_with_the_lock_token(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, by_type={"APPLICATION_LOAD_BALANCER": [ALB], "API_GATEWAY": [STAGE]})
    stubber.add_response("disassociate_web_acl", {}, {"ResourceArn": STAGE})
    stubber.add_response("disassociate_web_acl", {}, {"ResourceArn": ALB})
    stubber.add_response("delete_web_acl", {}, {"Name": NAME, "Scope": "REGIONAL", "Id": ACL_ID, "LockToken": "lock-1"})
    result = run_main(monkeypatch, capsys, client, {"name": NAME, "state": "absent", "_ansible_diff": True})
    assert result["changed"] is True
    assert result["web_acl"]["associations"] == sorted([ALB, STAGE])
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["rules"][0]["Statement"]["RateBasedStatement"]["Limit"] == 2000


def test_absent_in_check_mode_reads_only(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber, by_type={"APPLICATION_LOAD_BALANCER": [ALB]})
    result = run_main(monkeypatch, capsys, client, {"name": NAME, "state": "absent", "_ansible_check_mode": True})
    assert result["changed"] is True


def test_absent_retries_the_lock_token(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber)
    stubber.add_client_error("delete_web_acl", "WAFOptimisticLockException", "changed", 400)
    expect_get(stubber, web_acl(lock="lock-2"))
    stubber.add_response("delete_web_acl", {}, {"Name": NAME, "Scope": "REGIONAL", "Id": ACL_ID, "LockToken": "lock-2"})
    result = run_main(monkeypatch, capsys, client, {"name": NAME, "state": "absent"})
    assert result["changed"] is True


def test_absent_still_associated_elsewhere_fails_clearly(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_read(stubber)
    stubber.add_client_error("delete_web_acl", "WAFAssociatedItemException", "in use", 400)
    result = run_main(monkeypatch, capsys, client, {"name": NAME, "state": "absent"})
    assert result["failed"] is True
    assert "still associated with resources this module does not list" in result["msg"]


def test_absent_missing_is_unchanged(waf, monkeypatch, capsys):
    client, stubber = waf
    expect_find(stubber, found=False)
    result = run_main(monkeypatch, capsys, client, {"name": NAME, "state": "absent"})
    assert result["changed"] is False
    assert result["web_acl"] == {}


# -- input ---------------------------------------------------------------------------------------------------------


def test_templated_strings_are_sent_as_integers(waf, monkeypatch, capsys):
    client, stubber = waf
    rules = copy.deepcopy(requested_rules(3000))
    rules[0]["Statement"]["RateBasedStatement"]["Limit"] = "3000"
    expect_read(stubber)
    expect_update(stubber, requested_rules(3000))
    expect_get(stubber, web_acl(rules=aws_rules(3000)))
    result = run_main(monkeypatch, capsys, client, dict(ARGS, rules=rules))
    assert result["changed"] is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rules: rules[0].pop("VisibilityConfig"), "Missing required parameter in Rules[0]"),
        (lambda rules: rules[0]["Statement"]["RateBasedStatement"].update(Limt=5), "Unknown parameter in Rules[0]"),
        (lambda rules: rules[1].update(Priority=0), "have the same Priority 0"),
        (lambda rules: rules[1].update(Name="RateLimitPerIP"), "have the same Name 'RateLimitPerIP'"),
    ],
)
def test_bad_rules_fail_before_any_call(waf, monkeypatch, capsys, change, message):
    client, _stubber = waf
    rules = copy.deepcopy(requested_rules())
    change(rules)
    result = run_main(monkeypatch, capsys, client, dict(ARGS, rules=rules))
    assert result["failed"] is True
    assert message in result["msg"]


def test_associations_refused_for_cloudfront(waf, monkeypatch, capsys):
    client, _stubber = waf
    result = run_main(monkeypatch, capsys, client, dict(ARGS, scope="CLOUDFRONT", associations=[ALB]))
    assert result["failed"] is True
    assert "REGIONAL web ACLs only" in result["msg"]


def test_rules_required_when_present(waf, monkeypatch, capsys):
    client, _stubber = waf
    result = run_main(monkeypatch, capsys, client, {"name": NAME})
    assert result["failed"] is True
    assert "rules" in result["msg"]
