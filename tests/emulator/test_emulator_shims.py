"""Each shim restores a real AWS behaviour, observed through boto3 against the emulator."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient
from emulator.shims.acm_dns_validation import VALIDATION_SECONDS_ENV

EXPECTED_SHIMS = {
    "ecs_cluster_capacity_provider_keys": "ecs",
    "s3_default_bucket_security": "s3",
    "efs_describe_tags": "efs",
    "acm_dns_validation": "acm",
    "ec2_tag_resource_types": "ec2",
    "ec2_flow_log_destination": "ec2",
    "ec2_default_vpc_internet_gateway": "ec2",
    "ec2_network_acl_id_filter": "ec2",
}


def test_registry_lists_every_shim_with_its_behaviours(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    for name, service in EXPECTED_SHIMS.items():
        assert name in listed, name
        assert listed[name]["service"] == service
        assert len(listed[name]["real_behaviour"]) > 20
        assert len(listed[name]["moto_behaviour"]) > 20
        assert listed[name]["applied"] is True
    assert shims.apply_all() == []  # applied exactly once


# -- ecs_cluster_capacity_provider_keys ---------------------------------------------------------------------------


def test_ecs_cluster_without_capacity_providers_has_empty_lists(aws: Any, emu: EmulatorClient) -> None:
    ecs = aws("ecs")
    created = ecs.create_cluster(clusterName="plain")["cluster"]
    assert created["capacityProviders"] == []
    assert created["defaultCapacityProviderStrategy"] == []
    described = ecs.describe_clusters(clusters=["plain"])["clusters"][0]
    assert described["capacityProviders"] == []
    assert described["defaultCapacityProviderStrategy"] == []


def test_ecs_explicit_capacity_providers_are_kept(aws: Any, emu: EmulatorClient) -> None:
    ecs = aws("ecs")
    strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
    ecs.create_cluster(clusterName="fargate", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=strategy)
    described = ecs.describe_clusters(clusters=["fargate"])["clusters"][0]
    assert described["capacityProviders"] == ["FARGATE"]
    assert described["defaultCapacityProviderStrategy"][0]["capacityProvider"] == "FARGATE"


# -- s3_default_bucket_security -----------------------------------------------------------------------------------


def test_new_bucket_has_aws_security_defaults(aws: Any, emu: EmulatorClient) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket="fresh-bucket")
    rules = s3.get_bucket_encryption(Bucket="fresh-bucket")["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
    assert s3.get_public_access_block(Bucket="fresh-bucket")["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    ownership = s3.get_bucket_ownership_controls(Bucket="fresh-bucket")["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.put_object(Bucket="fresh-bucket", Key="k", Body=b"v")
    assert s3.head_object(Bucket="fresh-bucket", Key="k")["ServerSideEncryption"] == "AES256"


def test_explicit_bucket_settings_still_apply(aws: Any, emu: EmulatorClient) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket="tuned-bucket", ObjectOwnership="ObjectWriter")
    owner = s3.get_bucket_ownership_controls(Bucket="tuned-bucket")["OwnershipControls"]["Rules"][0]
    assert owner["ObjectOwnership"] == "ObjectWriter"

    kms_rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/x"}}
    s3.put_bucket_encryption(
        Bucket="tuned-bucket",
        ServerSideEncryptionConfiguration={"Rules": [{**kms_rule, "BucketKeyEnabled": True}]},
    )
    rule = s3.get_bucket_encryption(Bucket="tuned-bucket")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["BucketKeyEnabled"] is True
    # AWS: deleting the configuration resets the bucket to SSE-S3 (buckets can no longer be unencrypted)
    s3.delete_bucket_encryption(Bucket="tuned-bucket")
    rule = s3.get_bucket_encryption(Bucket="tuned-bucket")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}

    s3.put_public_access_block(
        Bucket="tuned-bucket",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": False,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True,
        },
    )
    pab = s3.get_public_access_block(Bucket="tuned-bucket")["PublicAccessBlockConfiguration"]
    assert (pab["BlockPublicAcls"], pab["BlockPublicPolicy"]) == (False, False)
    s3.delete_public_access_block(Bucket="tuned-bucket")
    with pytest.raises(ClientError) as excinfo:
        s3.get_public_access_block(Bucket="tuned-bucket")
    assert excinfo.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"
    s3.delete_bucket_ownership_controls(Bucket="tuned-bucket")
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_ownership_controls(Bucket="tuned-bucket")
    assert excinfo.value.response["Error"]["Code"] == "OwnershipControlsNotFoundError"


# -- efs_describe_tags --------------------------------------------------------------------------------------------


def test_efs_describe_tags_returns_the_stored_tags(aws: Any, emu: EmulatorClient) -> None:
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="tagged", Tags=[{"Key": "Name", "Value": "shared"}])["FileSystemId"]
    assert efs.describe_tags(FileSystemId=fs_id)["Tags"] == [{"Key": "Name", "Value": "shared"}]
    efs.tag_resource(ResourceId=fs_id, Tags=[{"Key": "env", "Value": "test"}])
    tags = {t["Key"]: t["Value"] for t in efs.describe_tags(FileSystemId=fs_id)["Tags"]}
    assert tags == {"Name": "shared", "env": "test"}
    records = [r for r in emu.requests() if r["action"] == "DescribeTags"]
    assert [(r["service"], r["kind"], r["status"]) for r in records] == [("efs", "read", 200)] * 2


def test_efs_describe_tags_unknown_file_system(aws: Any, emu: EmulatorClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws("efs").describe_tags(FileSystemId="fs-00000000")
    assert excinfo.value.response["Error"]["Code"] == "FileSystemNotFound"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# -- acm_dns_validation -------------------------------------------------------------------------------------------


@pytest.fixture
def acm_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Without the shim, moto would issue at once with a zero wait: the tests below would then fail."""
    import moto.settings

    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", 0)
    monkeypatch.delenv(VALIDATION_SECONDS_ENV, raising=False)
    return monkeypatch


def _upsert_cname(route53: Any, zone_id: str, name: str, value: str) -> None:
    route53.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": name,
                        "Type": "CNAME",
                        "TTL": 300,
                        "ResourceRecords": [{"Value": value}],
                    },
                }
            ]
        },
    )


def _request_dns_cert(acm: Any) -> tuple[str, dict[str, Any]]:
    arn = acm.request_certificate(
        DomainName="app.example.com",
        SubjectAlternativeNames=["app.example.com", "*.app.example.com", "api.example.com"],
        ValidationMethod="DNS",
    )["CertificateArn"]
    return arn, acm.describe_certificate(CertificateArn=arn)["Certificate"]


def test_acm_dns_certificate_waits_for_its_cname(aws: Any, emu: EmulatorClient, acm_env: Any) -> None:
    acm, route53 = aws("acm"), aws("route53")
    arn, cert = _request_dns_cert(acm)
    assert cert["Status"] == "PENDING_VALIDATION"
    assert "IssuedAt" not in cert
    options = cert["DomainValidationOptions"]
    assert [o["DomainName"] for o in options] == ["app.example.com", "*.app.example.com", "api.example.com"]
    assert cert["SubjectAlternativeNames"] == ["app.example.com", "*.app.example.com", "api.example.com"]
    for option in options:
        assert option["ValidationMethod"] == "DNS"
        assert option["ValidationStatus"] == "PENDING_VALIDATION"
        record = option["ResourceRecord"]
        assert record["Type"] == "CNAME"
        assert record["Name"].startswith("_") and record["Value"].endswith(".acm-validations.aws.")
    records = {o["DomainName"]: o["ResourceRecord"] for o in options}
    assert records["app.example.com"] == records["*.app.example.com"]  # a wildcard shares its base's record
    assert records["app.example.com"]["Name"].endswith(".app.example.com.")
    assert records["api.example.com"]["Name"] != records["app.example.com"]["Name"]

    zone_id = route53.create_hosted_zone(Name="example.com", CallerReference="acm-zone")["HostedZone"]["Id"]
    _upsert_cname(route53, zone_id, records["app.example.com"]["Name"], "_wrong.acm-validations.aws.")
    time.sleep(0.05)
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"

    # right value, different case and no trailing dot: app (and its wildcard) validate, api does not yet
    app = records["app.example.com"]
    name_label, name_rest = app["Name"].split(".", 1)
    _upsert_cname(route53, zone_id, f"{name_label.upper()}.{name_rest.rstrip('.')}", app["Value"].upper().rstrip("."))
    cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert cert["Status"] == "PENDING_VALIDATION"
    statuses = {o["DomainName"]: o["ValidationStatus"] for o in cert["DomainValidationOptions"]}
    assert statuses == {
        "app.example.com": "SUCCESS",
        "*.app.example.com": "SUCCESS",
        "api.example.com": "PENDING_VALIDATION",
    }

    api = records["api.example.com"]
    _upsert_cname(route53, zone_id, api["Name"], api["Value"])
    cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert cert["Status"] == "ISSUED"
    assert {o["ValidationStatus"] for o in cert["DomainValidationOptions"]} == {"SUCCESS"}
    assert "IssuedAt" in cert
    listed = acm.list_certificates(CertificateStatuses=["ISSUED"])["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in listed] == [arn]


def test_acm_validation_delay_counts_from_first_sight(aws: Any, emu: EmulatorClient, acm_env: Any) -> None:
    acm_env.setenv(VALIDATION_SECONDS_ENV, "0.6")
    acm, route53 = aws("acm"), aws("route53")
    arn = acm.request_certificate(DomainName="slow.example.org", ValidationMethod="DNS")["CertificateArn"]
    time.sleep(0.7)  # waiting without the record does not count
    record = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]["ResourceRecord"]
    zone_id = route53.create_hosted_zone(Name="example.org", CallerReference="slow-zone")["HostedZone"]["Id"]
    _upsert_cname(route53, zone_id, record["Name"], record["Value"])
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"
    time.sleep(0.7)
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"


def test_acm_ignores_records_in_private_zones(aws: Any, emu: EmulatorClient, acm_env: Any) -> None:
    acm, route53, ec2 = aws("acm"), aws("route53"), aws("ec2")
    arn = acm.request_certificate(DomainName="internal.example.net", ValidationMethod="DNS")["CertificateArn"]
    record = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]["ResourceRecord"]
    vpc_id = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    private_zone = route53.create_hosted_zone(
        Name="example.net",
        CallerReference="private-zone",
        VPC={"VPCRegion": "us-east-1", "VPCId": vpc_id},
        HostedZoneConfig={"PrivateZone": True, "Comment": "private"},
    )["HostedZone"]["Id"]
    _upsert_cname(route53, private_zone, record["Name"], record["Value"])
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"


# -- ec2_tag_resource_types -----------------------------------------------------------------------------------------


def test_nat_gateway_and_flow_log_tags_are_found_by_their_real_resource_type(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    aws("s3").create_bucket(Bucket="some-bucket")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=subnet,
        AllocationId=eip,
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "stack", "Value": "s1"}]}],
    )["NatGateway"]["NatGatewayId"]
    flow_log = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::some-bucket",
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "stack", "Value": "s1"}]}],
    )["FlowLogIds"][0]
    # The query amazon.aws's describe_ec2_tags makes (resource-id + resource-type).
    for resource_id, resource_type in ((nat, "natgateway"), (flow_log, "vpc-flow-log")):
        found = ec2.describe_tags(
            Filters=[
                {"Name": "resource-id", "Values": [resource_id]},
                {"Name": "resource-type", "Values": [resource_type]},
            ]
        )["Tags"]
        assert [(t["Key"], t["Value"], t["ResourceType"]) for t in found] == [("stack", "s1", resource_type)]


# -- ec2_flow_log_destination ---------------------------------------------------------------------------------------


def test_flow_logs_report_destination_options_and_log_group_arn(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    aws("s3").create_bucket(Bucket="some-bucket")
    aws("logs").create_log_group(logGroupName="/vpc/flow")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    s3_log = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::some-bucket",
        DestinationOptions={"FileFormat": "parquet", "PerHourPartition": True},
    )["FlowLogIds"][0]
    cw_log = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogGroupName="/vpc/flow",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow",
    )["FlowLogIds"][0]
    logs = {f["FlowLogId"]: f for f in ec2.describe_flow_logs(FlowLogIds=[s3_log, cw_log])["FlowLogs"]}
    assert logs[s3_log]["DestinationOptions"] == {
        "FileFormat": "parquet",
        "HiveCompatiblePartitions": False,
        "PerHourPartition": True,
    }
    assert logs[cw_log]["LogDestination"] == "arn:aws:logs:us-east-1:123456789012:log-group:/vpc/flow"
    assert "DestinationOptions" not in logs[cw_log]


# -- ec2_default_vpc_internet_gateway -------------------------------------------------------------------------------


def test_default_vpc_has_an_internet_gateway_and_a_default_route(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])
    (igw,) = igws["InternetGateways"]
    assert igw["Attachments"] == [{"State": "available", "VpcId": vpc["VpcId"]}]
    (main,) = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    default = [r for r in main["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert [r["GatewayId"] for r in default] == [igw["InternetGatewayId"]]


# -- ec2_network_acl_id_filter --------------------------------------------------------------------------------------


def test_network_acls_filter_by_id(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl(VpcId=vpc)
    found = ec2.describe_network_acls(Filters=[{"Name": "network-acl-id", "Values": [acl]}])["NetworkAcls"]
    assert [a["NetworkAclId"] for a in found] == [acl]
