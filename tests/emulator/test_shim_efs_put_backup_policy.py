"""efs_put_backup_policy: PutBackupPolicy turns automatic backups on and off (moto: HTTP 500)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient


def test_efs_put_backup_policy_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["efs_put_backup_policy"]["service"] == "efs"
    assert listed["efs_put_backup_policy"]["applied"] is True


def test_efs_put_backup_policy_enables_and_disables(aws: Any, emu: EmulatorClient) -> None:
    efs = aws("efs")
    fs_id = efs.create_file_system(CreationToken="backup")["FileSystemId"]

    answer = efs.put_backup_policy(FileSystemId=fs_id, BackupPolicy={"Status": "ENABLED"})
    assert answer["BackupPolicy"]["Status"] == "ENABLED"
    assert efs.describe_backup_policy(FileSystemId=fs_id)["BackupPolicy"]["Status"] == "ENABLED"

    answer = efs.put_backup_policy(FileSystemId=fs_id, BackupPolicy={"Status": "DISABLED"})
    assert answer["BackupPolicy"]["Status"] == "DISABLED"
    with pytest.raises(ClientError) as disabled:  # moto's own answer for a disabled policy
        efs.describe_backup_policy(FileSystemId=fs_id)
    assert disabled.value.response["Error"]["Code"] == "PolicyNotFound"


def test_efs_put_backup_policy_unknown_file_system(aws: Any, emu: EmulatorClient) -> None:
    with pytest.raises(ClientError) as missing:
        aws("efs").put_backup_policy(FileSystemId="fs-0000000000000000", BackupPolicy={"Status": "ENABLED"})
    assert missing.value.response["Error"]["Code"] == "FileSystemNotFound"
