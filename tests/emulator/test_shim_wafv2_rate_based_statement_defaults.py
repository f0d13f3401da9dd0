"""wafv2_rate_based_statement_defaults: a rate-based statement reports EvaluationWindowSec 300 when not sent."""

from __future__ import annotations

from typing import Any

from emulator import shims
from emulator.client import EmulatorClient

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def rule(name: str, priority: int, statement: dict[str, Any]) -> dict[str, Any]:
    return {
        "Name": name,
        "Priority": priority,
        "Action": {"Block": {}},
        "Statement": {"RateBasedStatement": statement},
        "VisibilityConfig": dict(VISIBILITY, MetricName=name),
    }


def test_wafv2_rate_based_statement_defaults_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["wafv2_rate_based_statement_defaults"]["service"] == "wafv2"
    assert listed["wafv2_rate_based_statement_defaults"]["applied"] is True


def test_web_acl_rate_based_rules_report_the_default_window(aws: Any, emu: EmulatorClient) -> None:
    wafv2 = aws("wafv2")
    summary = wafv2.create_web_acl(
        Name="rate",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig=VISIBILITY,
        Rules=[
            rule("default", 0, {"Limit": 2000, "AggregateKeyType": "IP"}),
            rule("explicit", 1, {"Limit": 100, "AggregateKeyType": "IP", "EvaluationWindowSec": 60}),
        ],
    )["Summary"]
    rules = wafv2.get_web_acl(Name="rate", Scope="REGIONAL", Id=summary["Id"])["WebACL"]["Rules"]
    assert rules[0]["Statement"]["RateBasedStatement"] == {
        "Limit": 2000,
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
    }
    assert rules[1]["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] == 60

    lock = wafv2.get_web_acl(Name="rate", Scope="REGIONAL", Id=summary["Id"])["LockToken"]
    wafv2.update_web_acl(
        Name="rate",
        Scope="REGIONAL",
        Id=summary["Id"],
        DefaultAction={"Allow": {}},
        VisibilityConfig=VISIBILITY,
        LockToken=lock,
        Rules=[rule("default", 0, {"Limit": 3000, "AggregateKeyType": "IP"})],
    )
    updated = wafv2.get_web_acl(Name="rate", Scope="REGIONAL", Id=summary["Id"])["WebACL"]["Rules"]
    assert updated[0]["Statement"]["RateBasedStatement"] == {
        "Limit": 3000,
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
    }


def test_other_statements_are_returned_as_sent(aws: Any, emu: EmulatorClient) -> None:
    wafv2 = aws("wafv2")
    managed = {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}}
    summary = wafv2.create_web_acl(
        Name="managed",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig=VISIBILITY,
        Rules=[
            {
                "Name": "common",
                "Priority": 0,
                "OverrideAction": {"None": {}},
                "Statement": managed,
                "VisibilityConfig": VISIBILITY,
            }
        ],
    )["Summary"]
    rules = wafv2.get_web_acl(Name="managed", Scope="REGIONAL", Id=summary["Id"])["WebACL"]["Rules"]
    assert rules[0]["Statement"] == managed
