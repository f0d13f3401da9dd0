"""wafv2_elbv2_delete_disassociates: deleting a load balancer ends its web ACL association."""

from __future__ import annotations

from typing import Any

from emulator import shims
from emulator.client import EmulatorClient

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def load_balancer(aws: Any, name: str, octet: int) -> str:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{octet}.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    return aws("elbv2").create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]


def test_wafv2_elbv2_delete_disassociates_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["wafv2_elbv2_delete_disassociates"]["service"] == "wafv2"
    assert listed["wafv2_elbv2_delete_disassociates"]["applied"] is True


def test_deleting_the_load_balancer_ends_the_association(aws: Any, emu: EmulatorClient) -> None:
    wafv2, elbv2 = aws("wafv2"), aws("elbv2")
    summary = wafv2.create_web_acl(
        Name="gone", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY, Rules=[]
    )["Summary"]
    deleted_alb, kept_alb = load_balancer(aws, "gone-alb", 91), load_balancer(aws, "kept-alb", 92)
    wafv2.associate_web_acl(WebACLArn=summary["ARN"], ResourceArn=deleted_alb)
    wafv2.associate_web_acl(WebACLArn=summary["ARN"], ResourceArn=kept_alb)

    elbv2.delete_load_balancer(LoadBalancerArn=deleted_alb)
    assert wafv2.list_resources_for_web_acl(WebACLArn=summary["ARN"])["ResourceArns"] == [kept_alb]
    assert "WebACL" not in wafv2.get_web_acl_for_resource(ResourceArn=deleted_alb)

    elbv2.delete_load_balancer(LoadBalancerArn=kept_alb)
    wafv2.delete_web_acl(Name="gone", Scope="REGIONAL", Id=summary["Id"], LockToken=summary["LockToken"])
    assert wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] == []
