"""ACM: ``InUseBy`` follows the load balancers that use a certificate, and an in-use certificate cannot be deleted.

Real ACM reports in ``DescribeCertificate.InUseBy`` the ARNs of the AWS resources that use the certificate (for ELBv2,
the load balancer, once per load balancer), keeps that list current when a listener stops using it (listener or load
balancer deleted, certificate replaced or removed) and refuses ``DeleteCertificate`` with ``ResourceInUseException``
while the list is not empty. moto appends the *listener* ARN when a listener is created with the certificate and
never removes it (a certificate stays "in use" after its load balancer is gone), and deletes a certificate whatever
uses it.

Patch (``moto.acm``):

* ``CertBundle.describe``: ``InUseBy`` = moto's entries that are not ELBv2 listeners (classic ELBs) + the ARN of every
  ELBv2 load balancer of the certificate's account and region with a listener whose default or additional
  certificates include it, read from moto's ELBv2 backend at the time of the call.
* ``AWSCertificateManagerBackend.delete_certificate``: ``ResourceInUseException`` "Certificate <arn> is in use."
  while that list is not empty.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


def elbv2_users(certificate_arn: str) -> list[str]:
    """ARNs of the ELBv2 load balancers with a listener that uses the certificate (same account and region)."""
    from moto.elbv2.models import elbv2_backends

    parts = certificate_arn.split(":")
    account_id, region = parts[4], parts[3]
    if account_id not in elbv2_backends or region not in elbv2_backends[account_id]:
        return []
    backend = elbv2_backends[account_id][region]
    users: list[str] = []
    for balancer in list(backend.load_balancers.values()):
        for listener in list(balancer.listeners.values()):
            certificates = set(listener.certificates or [])
            if listener.certificate:
                certificates.add(listener.certificate)
            if certificate_arn in certificates and balancer.arn not in users:
                users.append(balancer.arn)
    return users


def in_use_by(bundle: Any) -> list[str]:
    others = [user for user in bundle.in_use_by if ":listener/" not in user]
    return others + [user for user in elbv2_users(bundle.arn) if user not in others]


@shim(
    name="acm_in_use_by",
    service="acm",
    real_behaviour=(
        "DescribeCertificate InUseBy lists the load balancers (ARNs) whose listeners use the certificate, and is "
        "updated when a listener or load balancer stops using it; DeleteCertificate of a certificate in use fails "
        "with ResourceInUseException."
    ),
    moto_behaviour=(
        "InUseBy gets the listener ARN appended at CreateListener and never loses it (a certificate stays in use "
        "after its load balancer is deleted); DeleteCertificate deletes a certificate whatever uses it."
    ),
)
def apply() -> None:
    from moto.acm.exceptions import AWSError
    from moto.acm.models import AWSCertificateManagerBackend, CertBundle

    class ResourceInUseException(AWSError):
        TYPE = "ResourceInUseException"

    original_describe = CertBundle.describe
    original_delete = AWSCertificateManagerBackend.delete_certificate

    @functools.wraps(original_describe)
    def describe(self: Any) -> dict[str, Any]:
        result = original_describe(self)
        result["Certificate"]["InUseBy"] = in_use_by(self)
        return result

    @functools.wraps(original_delete)
    def delete_certificate(self: Any, arn: str) -> None:
        bundle = self._certificates.get(arn)
        if bundle is not None and in_use_by(bundle):
            raise ResourceInUseException(message=f"Certificate {arn} is in use.")
        original_delete(self, arn)

    CertBundle.describe = describe  # type: ignore[method-assign]
    AWSCertificateManagerBackend.delete_certificate = delete_certificate  # type: ignore[method-assign]
