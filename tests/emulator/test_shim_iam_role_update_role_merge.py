"""Shim iam_role_update_role_merge: UpdateRole changes only the fields it is given, as on AWS."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def _role(iam: Any) -> dict[str, Any]:
    return iam.get_role(RoleName="merge")["Role"]


def test_shim_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["iam_role_update_role_merge"]["service"] == "iam"
    assert listed["iam_role_update_role_merge"]["applied"] is True


def test_update_role_keeps_the_fields_it_is_not_given(aws: Any, emu: EmulatorClient) -> None:
    iam = aws("iam")
    iam.create_role(RoleName="merge", AssumeRolePolicyDocument=json.dumps(TRUST), Description="first")

    iam.update_role(RoleName="merge", MaxSessionDuration=7200)
    assert (_role(iam)["Description"], _role(iam)["MaxSessionDuration"]) == ("first", 7200)

    iam.update_role(RoleName="merge", Description="second")
    assert (_role(iam)["Description"], _role(iam)["MaxSessionDuration"]) == ("second", 7200)

    iam.update_role(RoleName="merge", Description="third", MaxSessionDuration=3600)
    assert (_role(iam)["Description"], _role(iam)["MaxSessionDuration"]) == ("third", 3600)


def test_empty_description_still_clears_it(aws: Any, emu: EmulatorClient) -> None:
    iam = aws("iam")
    iam.create_role(RoleName="merge", AssumeRolePolicyDocument=json.dumps(TRUST), Description="first")
    iam.update_role(RoleName="merge", Description="")
    assert _role(iam).get("Description", "") == ""
    assert _role(iam)["MaxSessionDuration"] == 3600


def test_missing_role_is_still_no_such_entity(aws: Any, emu: EmulatorClient) -> None:
    with pytest.raises(ClientError) as err:
        aws("iam").update_role(RoleName="nobody", MaxSessionDuration=7200)
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"
