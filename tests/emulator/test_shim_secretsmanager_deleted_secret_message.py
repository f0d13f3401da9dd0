"""Shim secretsmanager_deleted_secret_message: a secret scheduled for deletion answers AWS's message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient
from emulator.shims.secretsmanager_deleted_secret_message import AWS_MESSAGE


def test_registered_and_applied(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["secretsmanager_deleted_secret_message"]["service"] == "secretsmanager"
    assert listed["secretsmanager_deleted_secret_message"]["applied"] is True


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("get_secret_value", {}),
        ("delete_secret", {"RecoveryWindowInDays": 7}),
    ],
)
def test_operations_on_a_scheduled_secret_say_marked_for_deletion(
    aws: Any, emu: EmulatorClient, operation: str, kwargs: dict[str, Any]
) -> None:
    sm = aws("secretsmanager")
    sm.create_secret(Name="app/db", SecretString="{}")
    sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7)
    with pytest.raises(ClientError) as excinfo:
        getattr(sm, operation)(SecretId="app/db", **kwargs)
    assert excinfo.value.response["Error"]["Code"] == "InvalidRequestException"
    assert excinfo.value.response["Error"]["Message"] == AWS_MESSAGE


def test_other_invalid_requests_keep_their_message(aws: Any, emu: EmulatorClient) -> None:
    sm = aws("secretsmanager")
    sm.create_secret(Name="app/db", SecretString="{}")
    with pytest.raises(ClientError) as excinfo:
        sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
    assert "marked for deletion" not in excinfo.value.response["Error"]["Message"]


def test_restore_and_force_delete_still_work(aws: Any, emu: EmulatorClient) -> None:
    sm = aws("secretsmanager")
    sm.create_secret(Name="app/db", SecretString='{"a": "1"}')
    sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7)
    sm.restore_secret(SecretId="app/db")
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == '{"a": "1"}'
    sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7)
    sm.delete_secret(SecretId="app/db", ForceDeleteWithoutRecovery=True)
    with pytest.raises(ClientError) as excinfo:
        sm.describe_secret(SecretId="app/db")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"
