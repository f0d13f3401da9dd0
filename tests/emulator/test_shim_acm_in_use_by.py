"""acm_in_use_by: InUseBy follows the load balancers that use a certificate; an in-use one cannot be deleted."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient


def _load_balancer(aws: Any, name: str) -> str:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.78.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    return aws("elbv2").create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]


def _https_listener(elbv2: Any, lb_arn: str, cert_arn: str) -> str:
    return elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": cert_arn}],
        DefaultActions=[
            {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"}}
        ],
    )["Listeners"][0]["ListenerArn"]


def test_acm_in_use_by_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["acm_in_use_by"]["service"] == "acm"
    assert listed["acm_in_use_by"]["applied"] is True


def test_acm_in_use_by_follows_the_listener(aws: Any, emu: EmulatorClient) -> None:
    acm, elbv2 = aws("acm"), aws("elbv2")
    cert_arn = acm.request_certificate(DomainName="inuse.example.com")["CertificateArn"]
    lb_arn = _load_balancer(aws, "inuse-alb")
    listener_arn = _https_listener(elbv2, lb_arn, cert_arn)

    assert acm.describe_certificate(CertificateArn=cert_arn)["Certificate"]["InUseBy"] == [lb_arn]
    with pytest.raises(ClientError) as refused:
        acm.delete_certificate(CertificateArn=cert_arn)
    assert refused.value.response["Error"]["Code"] == "ResourceInUseException"

    elbv2.delete_listener(ListenerArn=listener_arn)
    assert acm.describe_certificate(CertificateArn=cert_arn)["Certificate"]["InUseBy"] == []
    acm.delete_certificate(CertificateArn=cert_arn)
    assert acm.list_certificates()["CertificateSummaryList"] == []


def test_acm_in_use_by_ends_with_the_load_balancer(aws: Any, emu: EmulatorClient) -> None:
    acm, elbv2 = aws("acm"), aws("elbv2")
    cert_arn = acm.request_certificate(DomainName="gone.example.com")["CertificateArn"]
    lb_arn = _load_balancer(aws, "gone-alb")
    _https_listener(elbv2, lb_arn, cert_arn)

    elbv2.delete_load_balancer(LoadBalancerArn=lb_arn)
    assert acm.describe_certificate(CertificateArn=cert_arn)["Certificate"]["InUseBy"] == []
    acm.delete_certificate(CertificateArn=cert_arn)
