"""ACM: DNS-validated certificates are issued only once their validation CNAME exists in Route53.

Real ACM gives each domain of a certificate requested with ``ValidationMethod=DNS`` a CNAME record
(``DomainValidationOptions[].ResourceRecord``: ``_<token>.<domain>.`` -> ``_<token>.<id>.acm-validations.aws.``;
the same record for a domain and its wildcard, and the same across certificates of one account). The certificate
stays ``PENDING_VALIDATION`` until ACM resolves every record in public DNS, then becomes ``ISSUED``.
moto issues every requested certificate after ``MOTO_ACM_VALIDATION_WAIT`` seconds (default 60) whatever DNS holds,
and gives every domain the same fixed record.

Patch (``moto.acm``):

* ``AWSCertificateManagerResponse.request_certificate`` remembers, for ``ValidationMethod=DNS`` requests, the
  domains in request order (DomainName first, then the SubjectAlternativeNames).
* ``CertBundle.check`` (run by moto on every Describe/Get/List of the certificate): for those certificates, a domain
  is validated when a CNAME record with the domain's ResourceRecord name and value (case-insensitive, trailing dot
  ignored) exists in a *public* hosted zone of the emulator's Route53, in the certificate's account, and has been
  seen for the latency profile's ``acm_validation`` time * scale (:mod:`emulator.latency`; 0 at the default scale),
  or for ``STACKSMITH_ACM_VALIDATION_SECONDS`` seconds when that is set (environment, read at each check), counted
  from the first check that saw it. The certificate is recorded in the latency timeline (``acm_certificate``); its
  ``ready`` is known once every record has been seen. When every domain is validated the certificate becomes
  ``ISSUED``. Records in private hosted zones do not count (ACM resolves public DNS). Expiry is still checked as
  moto does.
* ``CertBundle.describe`` reports per-domain ``ResourceRecord`` / ``ValidationStatus`` / ``ValidationMethod``,
  ``SubjectAlternativeNames`` in request order, and ``IssuedAt`` only once issued (at the time of issue).

Certificates requested without ``ValidationMethod=DNS``, private-CA certificates and imported ones keep moto's
behaviour.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import shim

VALIDATION_SECONDS_ENV = "STACKSMITH_ACM_VALIDATION_SECONDS"
_STATE_ATTR = "_stacksmith_dns_validation"
_lock = threading.RLock()


@dataclass
class DnsValidationState:
    account_id: str
    partition: str
    domains: list[str]
    first_seen: dict[str, float] = field(default_factory=dict)
    validated: dict[str, float] = field(default_factory=dict)
    issued_at: float | None = None
    record: Any = None  # emulator.latency.TimelineRecord


def normalise_dns_name(name: str) -> str:
    return name.strip().rstrip(".").lower()


def validation_record(account_id: str, domain: str) -> dict[str, str]:
    """The CNAME ACM asks for, for ``domain`` in ``account_id`` (deterministic; shared with ``*.domain``)."""
    base = normalise_dns_name(domain.removeprefix("*."))
    digest = hashlib.sha256(f"stacksmith-acm:{account_id}:{base}".encode()).hexdigest()
    label = "".join(chr(ord("a") + int(ch, 16) % 26) for ch in hashlib.sha256(digest.encode()).hexdigest()[:10])
    return {
        "Name": f"_{digest[:32]}.{base}.",
        "Type": "CNAME",
        "Value": f"_{digest[32:64]}.{label}.acm-validations.aws.",
    }


def validation_seconds() -> float:
    """``$STACKSMITH_ACM_VALIDATION_SECONDS`` when set (an override), else profile ``acm_validation`` * scale."""
    raw = (os.environ.get(VALIDATION_SECONDS_ENV, "") or "").strip()
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass
    from ..latency import acm_validation_seconds

    return acm_validation_seconds()


def _cname_exists(account_id: str, partition: str, name: str, value: str) -> bool:
    from moto.route53.models import route53_backends

    want_name, want_value = normalise_dns_name(name), normalise_dns_name(value)
    backend = route53_backends[account_id][partition]
    for zone in list(backend.zones.values()):
        if zone.private_zone:
            continue
        for rrset in list(zone.rrsets):
            if str(rrset.type or "").upper() != "CNAME" or normalise_dns_name(str(rrset.name)) != want_name:
                continue
            for record in rrset.records or []:
                record_value = record.get("Value", "") if isinstance(record, dict) else record
                if normalise_dns_name(str(record_value)) == want_value:
                    return True
    return False


def refresh(bundle: Any, state: DnsValidationState) -> None:
    """Advance a pending DNS-validated certificate according to the Route53 records that exist now."""
    now = time.time()
    delay = validation_seconds()
    for domain in state.domains:
        if domain in state.validated:
            continue
        record = validation_record(state.account_id, domain)
        if not _cname_exists(state.account_id, state.partition, record["Name"], record["Value"]):
            continue
        first = state.first_seen.setdefault(domain, now)
        if now - first >= delay:
            state.validated[domain] = now
    if state.record is not None and state.record.ready is None and len(state.first_seen) == len(state.domains):
        # every record exists: the certificate will be issued `delay` after the last one was first seen
        state.record.ready = max(state.first_seen.values()) + delay
        state.record.seconds = delay
    if all(domain in state.validated for domain in state.domains):
        bundle.status = "ISSUED"
        state.issued_at = now


def _timeline_record(arn: str, domains: list[str]) -> Any:
    from ..latency import TIMELINE

    return TIMELINE.add(
        "acm_certificate", arn, "acm", 0.0, ready_known=False, profile_key="acm_validation", domains=list(domains)
    )


@shim(
    name="acm_dns_validation",
    service="acm",
    real_behaviour=(
        "A certificate requested with ValidationMethod DNS stays PENDING_VALIDATION until the CNAME record of "
        "each domain (DomainValidationOptions[].ResourceRecord) resolves, then becomes ISSUED; DescribeCertificate "
        "reports each domain's ResourceRecord and ValidationStatus. Emulated: the record must exist in a public "
        "Route53 hosted zone of the same account, for the latency profile's acm_validation time * scale (default "
        "scale 0), or STACKSMITH_ACM_VALIDATION_SECONDS seconds when set."
    ),
    moto_behaviour=(
        "Every requested certificate becomes ISSUED after MOTO_ACM_VALIDATION_WAIT seconds (default 60) whatever "
        "DNS records exist; every domain gets the same fixed ResourceRecord."
    ),
)
def apply() -> None:
    from moto.acm.models import CertBundle
    from moto.acm.responses import AWSCertificateManagerResponse
    from moto.core.utils import utcnow

    original_request = AWSCertificateManagerResponse.request_certificate
    original_check = CertBundle.check
    original_describe = CertBundle.describe

    @functools.wraps(original_request)
    def request_certificate(self: Any) -> Any:
        result = original_request(self)
        method = str(self._get_param("ValidationMethod") or "").upper()
        if method != "DNS" or self._get_param("CertificateAuthorityArn"):
            return result
        arn = result.result["CertificateArn"]
        bundle = self.acm_backend._certificates[arn]
        with _lock:
            if getattr(bundle, _STATE_ATTR, None) is None:
                domains: list[str] = []
                for name in [self._get_param("DomainName")] + list(self._get_param("SubjectAlternativeNames") or []):
                    if name and name not in domains:
                        domains.append(name)
                parts = arn.split(":")
                state = DnsValidationState(account_id=parts[4], partition=parts[1], domains=domains)
                state.record = _timeline_record(arn, domains)
                setattr(bundle, _STATE_ATTR, state)
        return result

    @functools.wraps(original_check)
    def check(self: Any) -> None:
        state: DnsValidationState | None = getattr(self, _STATE_ATTR, None)
        if state is None or self.type != "AMAZON_ISSUED" or self.status != "PENDING_VALIDATION":
            original_check(self)
            return
        if self._not_valid_after(self._cert) <= utcnow():
            self.status = "EXPIRED"
            return
        with _lock:
            refresh(self, state)

    @functools.wraps(original_describe)
    def describe(self: Any) -> dict[str, Any]:
        result = original_describe(self)
        state: DnsValidationState | None = getattr(self, _STATE_ATTR, None)
        if state is None:
            return result
        cert = result["Certificate"]
        failed = self.status in ("FAILED", "VALIDATION_TIMED_OUT")
        options = []
        for domain in state.domains:
            if domain in state.validated or self.status == "ISSUED":
                status = "SUCCESS"
            else:
                status = "FAILED" if failed else "PENDING_VALIDATION"
            options.append(
                {
                    "DomainName": domain,
                    "ValidationDomain": domain,
                    "ValidationStatus": status,
                    "ResourceRecord": validation_record(state.account_id, domain),
                    "ValidationMethod": "DNS",
                }
            )
        cert["DomainValidationOptions"] = options
        cert["SubjectAlternativeNames"] = list(state.domains)
        if self.status == "ISSUED" and state.issued_at is not None:
            cert["IssuedAt"] = state.issued_at
        elif self.status != "ISSUED":
            cert.pop("IssuedAt", None)
        return result

    AWSCertificateManagerResponse.request_certificate = request_certificate  # type: ignore[method-assign]
    CertBundle.check = check  # type: ignore[method-assign]
    CertBundle.describe = describe  # type: ignore[method-assign]
