"""efs_update_file_system: UpdateFileSystem changes the throughput of a file system (moto: HTTP 500)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient


def test_efs_update_file_system_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["efs_update_file_system"]["service"] == "efs"
    assert listed["efs_update_file_system"]["applied"] is True


def test_efs_update_file_system_changes_throughput(aws: Any, emu: EmulatorClient) -> None:
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="upd", ThroughputMode="bursting")["FileSystemId"]

    answer = efs.update_file_system(FileSystemId=fs_id, ThroughputMode="provisioned", ProvisionedThroughputInMibps=64)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert answer["ThroughputMode"] == "provisioned"
    described = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]
    assert described["ThroughputMode"] == "provisioned"
    assert described["ProvisionedThroughputInMibps"] == 64

    efs.update_file_system(FileSystemId=fs_id, ThroughputMode="elastic")
    described = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]
    assert described["ThroughputMode"] == "elastic"
    assert described.get("ProvisionedThroughputInMibps") is None


def test_efs_update_file_system_errors(aws: Any, emu: EmulatorClient) -> None:
    efs = aws("efs")
    with pytest.raises(ClientError) as missing:
        efs.update_file_system(FileSystemId="fs-0000000000000000", ThroughputMode="elastic")
    assert missing.value.response["Error"]["Code"] == "FileSystemNotFound"

    fs_id = efs.create_file_system(CreationToken="upd-bad")["FileSystemId"]
    with pytest.raises(ClientError) as bad:
        efs.update_file_system(FileSystemId=fs_id, ThroughputMode="provisioned")
    assert bad.value.response["Error"]["Code"] == "BadRequest"
