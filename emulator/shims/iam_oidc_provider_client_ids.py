"""IAM: ``AddClientIDToOpenIDConnectProvider`` and ``RemoveClientIDFromOpenIDConnectProvider``.

Real IAM changes the audiences (client IDs) of an existing OIDC provider in place with these two calls; both are
idempotent (adding a client ID the provider has, or removing one it lacks, succeeds and changes nothing), answer
``NoSuchEntity`` for an unknown provider ARN, and adding beyond 100 client IDs answers ``LimitExceeded``. moto 5.2.5
implements neither: the request reaches moto's IAM handler, which has no method for the action, and fails.

Patch: ``add_client_id_to_open_id_connect_provider`` / ``remove_client_id_from_open_id_connect_provider`` on
``IamResponse`` (moto dispatches the Query action by its snake_case name) working on the provider moto keeps
(``IAMBackend.get_open_id_connect_provider``, which raises ``NoSuchEntity``). Client IDs keep their order.
"""

from __future__ import annotations

from typing import Any

from . import shim

MAX_CLIENT_IDS = 100
MAX_CLIENT_ID_LENGTH = 255


@shim(
    name="iam_oidc_provider_client_ids",
    service="iam",
    real_behaviour=(
        "AddClientIDToOpenIDConnectProvider / RemoveClientIDFromOpenIDConnectProvider change an OIDC provider's "
        "client IDs in place; both are idempotent and answer NoSuchEntity for an unknown provider."
    ),
    moto_behaviour="Neither action is implemented: the request fails, so an OIDC provider's audiences cannot change.",
)
def apply() -> None:
    from moto.core.responses import EmptyResult
    from moto.iam.exceptions import InvalidInput, LimitExceededException
    from moto.iam.responses import IamResponse

    def add_client_id_to_open_id_connect_provider(self: Any) -> Any:
        arn = self._get_param("OpenIDConnectProviderArn")
        client_id = self._get_param("ClientID") or ""
        if not 1 <= len(client_id) <= MAX_CLIENT_ID_LENGTH:
            raise InvalidInput("ClientID must be between 1 and 255 characters long.")
        provider = self.backend.get_open_id_connect_provider(arn)
        if client_id not in provider.client_id_list:
            if len(provider.client_id_list) >= MAX_CLIENT_IDS:
                raise LimitExceededException(
                    f"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}"
                )
            provider.client_id_list = [*provider.client_id_list, client_id]
        return EmptyResult()

    def remove_client_id_from_open_id_connect_provider(self: Any) -> Any:
        arn = self._get_param("OpenIDConnectProviderArn")
        client_id = self._get_param("ClientID") or ""
        provider = self.backend.get_open_id_connect_provider(arn)
        provider.client_id_list = [item for item in provider.client_id_list if item != client_id]
        return EmptyResult()

    IamResponse.add_client_id_to_open_id_connect_provider = add_client_id_to_open_id_connect_provider  # type: ignore[attr-defined]
    IamResponse.remove_client_id_from_open_id_connect_provider = remove_client_id_from_open_id_connect_provider  # type: ignore[attr-defined]
