"""elbv2_alb_default_attributes: a new ALB reports every attribute with its AWS default (moto: five of them)."""

from __future__ import annotations

from typing import Any

from emulator import shims
from emulator.client import EmulatorClient


def _subnets(ec2: Any) -> list[str]:
    vpc_id = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.77.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]


def _attributes(elbv2: Any, arn: str) -> dict[str, str]:
    answer = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    return {item["Key"]: item["Value"] for item in answer}


def test_elbv2_alb_default_attributes_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["elbv2_alb_default_attributes"]["service"] == "elbv2"
    assert listed["elbv2_alb_default_attributes"]["applied"] is True


def test_new_alb_reports_default_attributes(aws: Any, emu: EmulatorClient) -> None:
    elbv2 = aws("elbv2")
    arn = elbv2.create_load_balancer(Name="attrs-alb", Subnets=_subnets(aws("ec2")))["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    attributes = _attributes(elbv2, arn)
    assert attributes["idle_timeout.timeout_seconds"] == "60"
    assert attributes["routing.http2.enabled"] == "true"
    assert attributes["routing.http.desync_mitigation_mode"] == "defensive"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "false"
    assert attributes["routing.http.x_amzn_tls_version_and_cipher_suite.enabled"] == "false"
    assert attributes["routing.http.xff_client_port.enabled"] == "false"
    assert attributes["waf.fail_open.enabled"] == "false"
    assert attributes["load_balancing.cross_zone.enabled"] == "true"
    assert attributes["deletion_protection.enabled"] == "false"
    assert attributes["access_logs.s3.enabled"] == "false"


def test_modified_attributes_still_apply(aws: Any, emu: EmulatorClient) -> None:
    elbv2 = aws("elbv2")
    arn = elbv2.create_load_balancer(Name="attrs-alb-mod", Subnets=_subnets(aws("ec2")))["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn,
        Attributes=[
            {"Key": "idle_timeout.timeout_seconds", "Value": "120"},
            {"Key": "routing.http2.enabled", "Value": "false"},
        ],
    )
    attributes = _attributes(elbv2, arn)
    assert attributes["idle_timeout.timeout_seconds"] == "120"
    assert attributes["routing.http2.enabled"] == "false"
    assert attributes["waf.fail_open.enabled"] == "false"
