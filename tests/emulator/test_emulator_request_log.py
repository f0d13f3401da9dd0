"""The request log, as seen through the control API, for real boto3 calls against the emulator."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient
from emulator.server import EmulatorServer

RECORD_KEYS = {"seq", "ts", "service", "action", "kind", "status", "method", "path", "duration_ms"}


def only(records: list[dict[str, Any]], action: str) -> dict[str, Any]:
    found = [r for r in records if r["action"] == action]
    assert len(found) == 1, f"expected one {action} record, got {records}"
    return found[0]


def test_create_vpc_is_an_ec2_write(aws: Any, emu: EmulatorClient) -> None:
    aws("ec2").create_vpc(CidrBlock="10.0.0.0/16")
    record = only(emu.requests(), "CreateVpc")
    assert set(record) == RECORD_KEYS
    assert (record["service"], record["kind"], record["status"], record["method"]) == ("ec2", "write", 200, "POST")
    assert record["seq"] == 1
    assert isinstance(record["ts"], float) and record["ts"] > 1.6e9
    assert isinstance(record["duration_ms"], float) and record["duration_ms"] >= 0


def test_describe_vpcs_is_an_ec2_read(aws: Any, emu: EmulatorClient) -> None:
    aws("ec2").describe_vpcs()
    record = only(emu.requests(), "DescribeVpcs")
    assert (record["service"], record["kind"]) == ("ec2", "read")


def test_s3_rest_operations_resolve_from_the_botocore_model(aws: Any, emu: EmulatorClient) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket="log-bucket")
    s3.put_bucket_encryption(
        Bucket="log-bucket",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.get_bucket_encryption(Bucket="log-bucket")
    s3.put_object(Bucket="log-bucket", Key="dir/key.txt", Body=b"hello")
    s3.copy_object(Bucket="log-bucket", Key="copy.txt", CopySource={"Bucket": "log-bucket", "Key": "dir/key.txt"})
    s3.list_objects_v2(Bucket="log-bucket")
    with pytest.raises(ClientError):
        s3.get_bucket_policy(Bucket="log-bucket")

    records = emu.requests()
    assert [(r["service"], r["action"], r["kind"]) for r in records] == [
        ("s3", "CreateBucket", "write"),
        ("s3", "PutBucketEncryption", "write"),
        ("s3", "GetBucketEncryption", "read"),
        ("s3", "PutObject", "write"),
        ("s3", "CopyObject", "write"),
        ("s3", "ListObjectsV2", "read"),
        ("s3", "GetBucketPolicy", "read"),
    ]
    assert only(records, "PutBucketEncryption")["method"] == "PUT"
    assert only(records, "GetBucketEncryption")["path"] == "/log-bucket"
    assert only(records, "GetBucketPolicy")["status"] == 404


def test_efs_and_other_protocols_resolve(aws: Any, emu: EmulatorClient) -> None:
    aws("efs").create_file_system(CreationToken="log-token")
    aws("logs").create_log_group(logGroupName="log-group")  # JSON protocol (X-Amz-Target)
    aws("sts").get_caller_identity()  # query protocol
    aws("iam").list_roles()
    records = emu.requests()
    efs = only(records, "CreateFileSystem")
    assert (efs["service"], efs["kind"], efs["status"], efs["path"]) == (
        "efs",
        "write",
        201,
        "/2015-02-01/file-systems",
    )
    assert only(records, "CreateLogGroup")["service"] == "logs"
    assert only(records, "GetCallerIdentity")["service"] == "sts"
    assert only(records, "ListRoles")["service"] == "iam"


def test_since_mark_and_writes(aws: Any, emu: EmulatorClient) -> None:
    assert emu.mark() == 0
    ec2 = aws("ec2")
    ec2.create_vpc(CidrBlock="10.1.0.0/16")
    ec2.describe_vpcs()
    mark = emu.mark()
    assert mark == 2
    ec2.describe_vpcs()
    ec2.create_vpc(CidrBlock="10.2.0.0/16")

    later = emu.requests(since=mark)
    assert [r["seq"] for r in later] == [3, 4]
    assert [r["action"] for r in later] == ["DescribeVpcs", "CreateVpc"]
    assert [r["seq"] for r in emu.writes(since=mark)] == [4]
    assert [r["action"] for r in emu.writes()] == ["CreateVpc", "CreateVpc"]
    assert emu.requests(since=4) == []


def test_control_and_moto_api_calls_are_not_recorded(emu_server: EmulatorServer, emu: EmulatorClient) -> None:
    emu.health()
    emu.shims()
    emu.requests()
    with urllib.request.urlopen(f"{emu_server.endpoint}/moto-api/data.json", timeout=10) as response:
        assert response.status == 200
    with urllib.request.urlopen(
        urllib.request.Request(f"{emu_server.endpoint}/moto-api/reset", data=b"", method="POST"), timeout=10
    ) as response:
        assert response.status == 200
    assert emu.requests() == []
    assert emu.mark() == 0


def test_reset_clears_state_and_log(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    aws("s3").create_bucket(Bucket="reset-bucket")
    assert emu.mark() == 2

    assert emu.reset() == {"status": "ok"}
    assert emu.requests() == []
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpcs(VpcIds=[vpc_id])
    assert excinfo.value.response["Error"]["Code"] == "InvalidVpcID.NotFound"
    assert aws("s3").list_buckets()["Buckets"] == []
    assert [r["seq"] for r in emu.requests()] == [1, 2]  # seq restarts at 1


def test_clear_requests_keeps_state(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    emu.clear_requests()
    assert emu.requests() == []
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["VpcId"] == vpc_id
    assert emu.requests()[0]["seq"] == 1


def test_records_are_appended_to_the_request_log_file(
    aws: Any, emu: EmulatorClient, emu_request_log_path: Path
) -> None:
    before = emu_request_log_path.read_text().splitlines() if emu_request_log_path.exists() else []
    aws("ec2").create_vpc(CidrBlock="10.5.0.0/16")
    lines = emu_request_log_path.read_text().splitlines()
    assert len(lines) == len(before) + 1
    assert json.loads(lines[-1]) == emu.requests()[-1]
