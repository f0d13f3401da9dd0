"""wafv2_list_resources_for_web_acl: ListResourcesForWebACL lists the associated resources of one type."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient
from emulator.shims.wafv2_list_resources_for_web_acl import resource_type

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def web_acl(aws: Any, name: str) -> str:
    return aws("wafv2").create_web_acl(
        Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY, Rules=[]
    )["Summary"]["ARN"]


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


def api_stage(aws: Any) -> str:
    apigw = aws("apigateway")
    api_id = apigw.create_rest_api(name="waf-api")["id"]
    root = apigw.get_resources(restApiId=api_id)["items"][0]["id"]
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    apigw.create_deployment(restApiId=api_id, stageName="prod")
    return f"arn:aws:apigateway:us-east-1::/restapis/{api_id}/stages/prod"


def test_wafv2_list_resources_for_web_acl_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["wafv2_list_resources_for_web_acl"]["service"] == "wafv2"
    assert listed["wafv2_list_resources_for_web_acl"]["applied"] is True


@pytest.mark.parametrize(
    ("arn", "kind"),
    [
        (
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188",
            "APPLICATION_LOAD_BALANCER",
        ),
        ("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/nlb/50dc6c495c0c9188", None),
        ("arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod", "API_GATEWAY"),
        ("arn:aws:appsync:us-east-1:123456789012:apis/abcdefghij", "APPSYNC"),
        ("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc", "COGNITO_USER_POOL"),
        ("arn:aws:apprunner:us-east-1:123456789012:service/api/0123456789abcdef", "APP_RUNNER_SERVICE"),
        (
            "arn:aws:ec2:us-east-1:123456789012:verified-access-instance/vai-0123456789abcdef0",
            "VERIFIED_ACCESS_INSTANCE",
        ),
        ("arn:aws:s3:::bucket", None),
    ],
)
def test_resource_type_of_an_arn(arn: str, kind: str | None) -> None:
    assert resource_type(arn) == kind


def test_lists_the_associated_resources_by_type(aws: Any, emu: EmulatorClient) -> None:
    wafv2 = aws("wafv2")
    acl_arn = web_acl(aws, "listed")
    other_arn = web_acl(aws, "other")
    alb_arn = load_balancer(aws, "listed-alb", 81)
    other_alb_arn = load_balancer(aws, "other-alb", 82)
    stage_arn = api_stage(aws)
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=alb_arn)
    wafv2.associate_web_acl(WebACLArn=acl_arn, ResourceArn=stage_arn)
    wafv2.associate_web_acl(WebACLArn=other_arn, ResourceArn=other_alb_arn)

    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn)["ResourceArns"] == [alb_arn]  # default type: ALB
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn, ResourceType="APPLICATION_LOAD_BALANCER")[
        "ResourceArns"
    ] == [alb_arn]
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn, ResourceType="API_GATEWAY")["ResourceArns"] == [
        stage_arn
    ]
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn, ResourceType="APPSYNC")["ResourceArns"] == []
    assert wafv2.list_resources_for_web_acl(WebACLArn=other_arn)["ResourceArns"] == [other_alb_arn]

    wafv2.disassociate_web_acl(ResourceArn=alb_arn)
    assert wafv2.list_resources_for_web_acl(WebACLArn=acl_arn)["ResourceArns"] == []


def test_unknown_web_acl_is_not_found(aws: Any, emu: EmulatorClient) -> None:
    missing = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/missing/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as error:
        aws("wafv2").list_resources_for_web_acl(WebACLArn=missing)
    assert error.value.response["Error"]["Code"] == "WAFNonexistentItemException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
