"""wafv2_delete_associated_web_acl: DeleteWebACL of an associated web ACL fails with WAFAssociatedItemException."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/assoc/50dc6c495c0c9188"


def test_wafv2_delete_associated_web_acl_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["wafv2_delete_associated_web_acl"]["service"] == "wafv2"
    assert listed["wafv2_delete_associated_web_acl"]["applied"] is True


def test_an_associated_web_acl_is_deleted_only_after_disassociation(aws: Any, emu: EmulatorClient) -> None:
    wafv2 = aws("wafv2")
    summary = wafv2.create_web_acl(
        Name="assoc", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY, Rules=[]
    )["Summary"]
    wafv2.associate_web_acl(WebACLArn=summary["ARN"], ResourceArn=ALB)

    with pytest.raises(ClientError) as error:
        wafv2.delete_web_acl(Name="assoc", Scope="REGIONAL", Id=summary["Id"], LockToken=summary["LockToken"])
    assert error.value.response["Error"]["Code"] == "WAFAssociatedItemException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [acl["Name"] for acl in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"]] == ["assoc"]

    wafv2.disassociate_web_acl(ResourceArn=ALB)
    wafv2.delete_web_acl(Name="assoc", Scope="REGIONAL", Id=summary["Id"], LockToken=summary["LockToken"])
    assert wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] == []


def test_an_unassociated_web_acl_still_checks_its_lock_token(aws: Any, emu: EmulatorClient) -> None:
    wafv2 = aws("wafv2")
    summary = wafv2.create_web_acl(
        Name="plain", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY, Rules=[]
    )["Summary"]
    with pytest.raises(ClientError) as error:
        wafv2.delete_web_acl(Name="plain", Scope="REGIONAL", Id=summary["Id"], LockToken="stale")
    assert error.value.response["Error"]["Code"] == "WAFOptimisticLockException"
    wafv2.delete_web_acl(Name="plain", Scope="REGIONAL", Id=summary["Id"], LockToken=summary["LockToken"])
