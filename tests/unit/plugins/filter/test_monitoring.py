"""Unit tests of the monitoring filter: the role's alarms as stacksmith.aws.cloudwatch_metric_alarms config."""

from __future__ import annotations

from ansible_collections.stacksmith.aws.plugins.filter.monitoring import metric_alarm_config

TOPIC = "arn:aws:sns:us-east-1:123456789012:shop-prod-alarms"


def test_a_minimal_alarm_gets_the_prefix_the_topic_and_the_role_defaults():
    alarm = {
        "name": "api-cpu-high",
        "namespace": "AWS/ECS",
        "metric_name": "CPUUtilization",
        "statistic": "Average",
        "comparison": "GreaterThanThreshold",
        "threshold": "80",
        "dimensions": {"ClusterName": "shop-prod", "Port": 80},
    }
    assert metric_alarm_config([alarm], "shop-prod", TOPIC) == [
        {
            "name": "shop-prod-api-cpu-high",
            "namespace": "AWS/ECS",
            "metric_name": "CPUUtilization",
            "comparison": "GreaterThanThreshold",
            "threshold": 80.0,
            "dimensions": {"ClusterName": "shop-prod", "Port": "80"},
            "alarm_actions": [TOPIC],
            "ok_actions": [TOPIC],
            "period": 60,
            "evaluation_periods": 1,
            "treat_missing_data": "notBreaching",
            "statistic": "Average",
        }
    ]


def test_given_values_win_over_the_defaults_and_empty_ones_are_left_out():
    alarm = {
        "name": "p99",
        "namespace": "AWS/ApplicationELB",
        "metric_name": "TargetResponseTime",
        "extended_statistic": "p99",
        "statistic": "",
        "description": None,
        "unit": "",
        "comparison": "GreaterThanOrEqualToThreshold",
        "threshold": 1.5,
        "period": "300",
        "evaluation_periods": 5,
        "datapoints_to_alarm": "3",
        "treat_missing_data": "breaching",
    }
    [item] = metric_alarm_config([alarm], "p", TOPIC)
    assert item["extended_statistic"] == "p99"
    assert "statistic" not in item and "description" not in item and "unit" not in item
    assert (item["period"], item["evaluation_periods"], item["datapoints_to_alarm"]) == (300, 5, 3)
    assert item["treat_missing_data"] == "breaching"
    assert item["dimensions"] == {}


def test_order_is_kept_and_nothing_gives_nothing():
    alarms = [
        {
            "name": n,
            "namespace": "n",
            "metric_name": "m",
            "statistic": "Sum",
            "comparison": "LessThanThreshold",
            "threshold": 1,
        }
        for n in ("b", "a")
    ]
    assert [i["name"] for i in metric_alarm_config(alarms, "x", TOPIC)] == ["x-b", "x-a"]
    assert metric_alarm_config([], "x", TOPIC) == []
    assert metric_alarm_config(None, "x", TOPIC) == []
