"""wafv2_associate_web_acl_single: a resource has one web ACL; associating another replaces it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/single/50dc6c495c0c9188"


def web_acl(aws: Any, name: str) -> str:
    return aws("wafv2").create_web_acl(
        Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY, Rules=[]
    )["Summary"]["ARN"]


def test_wafv2_associate_web_acl_single_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["wafv2_associate_web_acl_single"]["service"] == "wafv2"
    assert listed["wafv2_associate_web_acl_single"]["applied"] is True


def test_associating_twice_does_not_duplicate(aws: Any, emu: EmulatorClient) -> None:
    wafv2 = aws("wafv2")
    acl_arn = web_acl(aws, "twice")
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=ALB)
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=ALB)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn)["ResourceArns"] == [ALB]
    wafv2.disassociate_web_acl(ResourceArn=ALB)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn)["ResourceArns"] == []
    assert "WebACL" not in wafv2.get_web_acl_for_resource(ResourceArn=ALB)


def test_associating_another_web_acl_replaces_the_first(aws: Any, emu: EmulatorClient) -> None:
    wafv2 = aws("wafv2")
    first, second = web_acl(aws, "first"), web_acl(aws, "second")
    wafv2.associate_web_acl(WebACLArn=first, ResourceArn=ALB)
    wafv2.associate_web_acl(WebACLArn=second, ResourceArn=ALB)
    assert wafv2.get_web_acl_for_resource(ResourceArn=ALB)["WebACL"]["ARN"] == second
    assert wafv2.list_resources_for_web_acl(WebACLArn=first)["ResourceArns"] == []
    assert wafv2.list_resources_for_web_acl(WebACLArn=second)["ResourceArns"] == [ALB]


def test_associating_an_unknown_web_acl_keeps_the_association(aws: Any, emu: EmulatorClient) -> None:
    wafv2 = aws("wafv2")
    acl_arn = web_acl(aws, "kept")
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=ALB)
    missing = acl_arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as error:
        wafv2.associate_web_acl(WebACLArn=missing, ResourceArn=ALB)
    assert error.value.response["Error"]["Code"] == "WAFNonexistentItemException"
    assert wafv2.get_web_acl_for_resource(ResourceArn=ALB)["WebACL"]["ARN"] == acl_arn
