"""Shim cloudwatch_alarm_tags_lifecycle: DeleteAlarms deletes the tags; a missing alarm ARN is not found."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient


def put_alarm(cloudwatch: Any, name: str) -> str:
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/ECS",
        MetricName="CPUUtilization",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=80.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    return cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]


def test_cloudwatch_alarm_tags_go_with_the_alarm(emu: EmulatorClient, aws: Any) -> None:
    cloudwatch = aws("cloudwatch")
    arn = put_alarm(cloudwatch, "tagged")
    cloudwatch.tag_resource(ResourceARN=arn, Tags=[{"Key": "stack", "Value": "s"}])
    assert cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "stack", "Value": "s"}]

    cloudwatch.delete_alarms(AlarmNames=["tagged"])
    with pytest.raises(ClientError) as error:
        cloudwatch.list_tags_for_resource(ResourceARN=arn)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"

    assert put_alarm(cloudwatch, "tagged") == arn
    assert cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"] == []
