"""IAM: the AWS managed policies (``arn:aws:iam::aws:policy/...``) exist in every account.

Real IAM has the AWS managed policies (AmazonECSTaskExecutionRolePolicy, AmazonS3ReadOnlyAccess, ...) in every
account: ``GetPolicy`` finds them and ``AttachRolePolicy`` attaches them. moto loads them only when
``MOTO_IAM_LOAD_MANAGED_POLICIES=true`` (or its user config says so); otherwise ``AttachRolePolicy`` answers
``NoSuchEntity: Policy arn:aws:iam::aws:policy/... does not exist or is not attachable`` and ``GetPolicy`` 404s,
so a role with an AWS managed policy cannot be created.

Patch: ``moto.iam.models.load_iam_aws_managed_policies`` (the name ``IAMBackend._init_aws_policies`` calls) answers
True, so every IAM backend moto creates (and re-creates on reset) loads moto's bundled copy of the AWS managed
policies (~1,600 policies, ~0.1 s per account). Backends that already exist when the shim is applied get them too.
The environment variable is not used, so the behaviour does not depend on how the emulator was started.
Loading them takes a noticeable fraction of a second, and moto builds the IAM backend lazily, on the first request
that touches IAM in the account (even indirectly): so the default account's IAM backend is built at apply time and
again right after each reset, not in the middle of a run (where it delayed the next describe past a short timed
state, e.g. an EFS file system's `creating`).
"""

from __future__ import annotations

from . import shim


@shim(
    name="iam_aws_managed_policies",
    service="iam",
    real_behaviour=(
        "Every account has the AWS managed policies (arn:aws:iam::aws:policy/...): GetPolicy finds them and "
        "AttachRolePolicy attaches them, e.g. service-role/AmazonECSTaskExecutionRolePolicy."
    ),
    moto_behaviour=(
        "AWS managed policies exist only with MOTO_IAM_LOAD_MANAGED_POLICIES=true; otherwise AttachRolePolicy "
        "answers NoSuchEntity ('does not exist or is not attachable') and GetPolicy 404s."
    ),
)
def apply() -> None:
    from moto.iam import models as iam_models

    iam_models.load_iam_aws_managed_policies = lambda: True  # type: ignore[attr-defined]

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.moto_api._internal.models import MotoAPIBackend

    def warm() -> None:
        iam_models.iam_backends[DEFAULT_ACCOUNT_ID]["aws"]  # builds the backend and loads the policies now

    original_reset = MotoAPIBackend.reset
    if not getattr(original_reset, "_stacksmith_iam_warm", False):

        def reset(self: MotoAPIBackend) -> None:
            original_reset(self)
            warm()

        reset._stacksmith_iam_warm = True  # type: ignore[attr-defined]
        MotoAPIBackend.reset = reset  # type: ignore[method-assign]

    # Backends created before the shim (none in the emulator, which applies shims first) get the policies too.
    for account_backends in list(iam_models.iam_backends.values()):
        for backend in list(account_backends.values()):
            if backend.aws_managed_policies:
                continue
            backend.aws_managed_policies = backend._init_aws_policies()
            for policy in backend.aws_managed_policies:
                backend.managed_policies.setdefault(policy.arn, policy)
    warm()
