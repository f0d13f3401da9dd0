"""Shim iam_oidc_provider_client_ids: an OIDC provider's client IDs change in place, idempotently, as on AWS."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient

URL = "https://token.actions.githubusercontent.com"
ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def test_shim_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["iam_oidc_provider_client_ids"]["service"] == "iam"
    assert listed["iam_oidc_provider_client_ids"]["applied"] is True


def test_client_ids_are_added_and_removed_idempotently(aws: Any, emu: EmulatorClient) -> None:
    iam = aws("iam")
    arn = iam.create_open_id_connect_provider(Url=URL, ClientIDList=["sts.amazonaws.com"])["OpenIDConnectProviderArn"]
    assert arn == ARN

    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="my-audience")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="my-audience")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == [
        "sts.amazonaws.com",
        "my-audience",
    ]

    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["my-audience"]

    writes = [r["action"] for r in emu.writes()]
    assert writes.count("AddClientIDToOpenIDConnectProvider") == 2
    assert all(r["status"] == 200 for r in emu.requests())


@pytest.mark.parametrize(
    "call", ["add_client_id_to_open_id_connect_provider", "remove_client_id_from_open_id_connect_provider"]
)
def test_unknown_provider_is_no_such_entity(aws: Any, emu: EmulatorClient, call: str) -> None:
    with pytest.raises(ClientError) as err:
        getattr(aws("iam"), call)(OpenIDConnectProviderArn=ARN, ClientID="sts.amazonaws.com")
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"
