"""WAFv2: a resource is associated with at most one web ACL.

Real WAFv2 keeps one web ACL per resource: ``AssociateWebACL`` of a resource that already has a web ACL replaces
that association, and associating the same web ACL again changes nothing (``GetWebACLForResource`` answers the one
web ACL, ``ListResourcesForWebACL`` of the previous web ACL no longer lists the resource). moto 5.2.5 appends the
resource to the web ACL's ``associated_resources`` on every call: associating twice lists the resource twice, and
associating a second web ACL leaves the resource listed under both (``GetWebACLForResource`` answers the first).

Patch: ``WAFV2Backend.associate_web_acl`` removes the resource from every web ACL of the backend, then lets moto
append it to the requested one (an unknown web ACL still raises ``WAFNonexistentItemException`` first, leaving the
existing association in place).
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


@shim(
    name="wafv2_associate_web_acl_single",
    service="wafv2",
    real_behaviour=(
        "A resource has at most one web ACL: AssociateWebACL with another web ACL replaces the association; "
        "associating the same one again changes nothing."
    ),
    moto_behaviour=(
        "Every AssociateWebACL appends the resource to the web ACL's list: listed twice after two calls, and "
        "listed under both web ACLs after associating a second one."
    ),
)
def apply() -> None:
    from moto.wafv2.exceptions import WAFNonexistentItemException
    from moto.wafv2.models import WAFV2Backend

    original = WAFV2Backend.associate_web_acl

    @functools.wraps(original)
    def associate_web_acl(self: Any, web_acl_arn: str, resource_arn: str) -> None:
        if web_acl_arn not in self.wacls:
            raise WAFNonexistentItemException()
        for web_acl in self.wacls.values():
            web_acl.associated_resources[:] = [arn for arn in web_acl.associated_resources if arn != resource_arn]
        original(self, web_acl_arn, resource_arn)

    WAFV2Backend.associate_web_acl = associate_web_acl  # type: ignore[method-assign]
