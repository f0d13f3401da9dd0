"""WAFv2: a web ACL that still protects a resource cannot be deleted.

Real WAFv2 refuses ``DeleteWebACL`` of a web ACL that is associated with a resource with
``WAFAssociatedItemException`` ("...your resource is being used by another resource or it's associated with another
resource"); the API reference for DeleteWebACL says to disassociate it from every resource first (DisassociateWebACL,
or UpdateDistribution for CloudFront). moto 5.2.5 deletes it whatever it protects, leaving the resources associated
with a web ACL that no longer exists.

Patch: ``WAFV2Backend.delete_web_acl`` raises ``WAFAssociatedItemException`` (HTTP 400) while the web ACL's
``associated_resources`` is not empty (regional associations: ALB, API Gateway stage, ...). CloudFront distributions
that name the web ACL in their configuration are not checked.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim

MESSAGE = (
    "AWS WAF couldn’t perform the operation because your resource is being used by another resource or it’s "
    "associated with another resource."
)


@shim(
    name="wafv2_delete_associated_web_acl",
    service="wafv2",
    real_behaviour=(
        "DeleteWebACL of a web ACL still associated with a resource (ALB, API Gateway stage, ...) fails with "
        "WAFAssociatedItemException; it must be disassociated first."
    ),
    moto_behaviour="DeleteWebACL deletes the web ACL whatever it protects; the associations are left dangling.",
)
def apply() -> None:
    from moto.wafv2.exceptions import WAFv2ClientError
    from moto.wafv2.models import WAFV2Backend
    from moto.wafv2.utils import make_arn_for_wacl

    class WAFAssociatedItemException(WAFv2ClientError):
        def __init__(self) -> None:
            super().__init__("WAFAssociatedItemException", MESSAGE)

    original = WAFV2Backend.delete_web_acl

    @functools.wraps(original)
    def delete_web_acl(self: Any, name: str, scope: str, _id: str, lock_token: str) -> None:
        arn = make_arn_for_wacl(
            name=name, account_id=self.account_id, region_name=self.region_name, _id=_id, scope=scope
        )
        web_acl = self.wacls.get(arn)
        if web_acl is not None and web_acl.associated_resources:
            raise WAFAssociatedItemException()
        original(self, name, scope, _id, lock_token)

    WAFV2Backend.delete_web_acl = delete_web_acl  # type: ignore[method-assign]
