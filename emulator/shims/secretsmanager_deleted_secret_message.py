"""Secrets Manager: the real error message for operations on a secret scheduled for deletion.

On AWS, GetSecretValue, DeleteSecret (without ForceDeleteWithoutRecovery), RotateSecret, PutSecretValue, ... on a
secret that is scheduled for deletion fail with ``InvalidRequestException`` and the message "You can't perform this
operation on the secret because it was marked for deletion." Clients match that text: the ``amazon.aws``
``secretsmanager_secret`` lookup's ``on_deleted=skip|warn`` looks for "marked for deletion". moto raises the same
code with "You tried to perform the operation on a secret that's currently marked deleted." (sometimes prefixed by a
copy of botocore's own "An error occurred ..." text), so the lookup fails instead of skipping.

Patch: ``moto.secretsmanager.models.InvalidRequestException`` (the name moto's backend raises) becomes a subclass
whose message is AWS's when moto's says "currently marked deleted"; every other message is kept.
"""

from __future__ import annotations

from . import shim

AWS_MESSAGE = "You can't perform this operation on the secret because it was marked for deletion."
MOTO_MARKER = "currently marked deleted"


@shim(
    name="secretsmanager_deleted_secret_message",
    service="secretsmanager",
    real_behaviour=(
        "Operations on a secret scheduled for deletion fail with InvalidRequestException \"You can't perform this "
        'operation on the secret because it was marked for deletion." (the amazon.aws secretsmanager_secret '
        "lookup's on_deleted option matches 'marked for deletion')."
    ),
    moto_behaviour=(
        'InvalidRequestException "You tried to perform the operation on a secret that\'s currently marked deleted." '
        "(sometimes prefixed with botocore's 'An error occurred ...'): the lookup's on_deleted=skip fails instead."
    ),
)
def apply() -> None:
    from moto.secretsmanager import models
    from moto.secretsmanager.exceptions import InvalidRequestException

    class RealMessageInvalidRequestException(InvalidRequestException):
        def __init__(self, message: str):
            if MOTO_MARKER in " ".join(message.split()):
                message = AWS_MESSAGE
            super().__init__(message)

    models.InvalidRequestException = RealMessageInvalidRequestException  # type: ignore[misc]
