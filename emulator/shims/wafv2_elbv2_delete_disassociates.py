"""WAFv2 / ELBv2: deleting a load balancer ends its web ACL association.

On AWS a deleted Application Load Balancer no longer exists for WAF: it is not listed by ``ListResourcesForWebACL``
any more and the web ACL that protected it can be deleted without a DisassociateWebACL. moto 5.2.5 keeps the
deleted load balancer's ARN in the web ACL's ``associated_resources`` (and, with the
``wafv2_delete_associated_web_acl`` shim, the web ACL could then never be deleted).

Patch: ``moto.elbv2.models.ELBv2Backend.delete_load_balancer`` removes the load balancer's ARN from every web ACL of
the WAFv2 backend of the same account and region after moto deletes it.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


def forget_resource(account_id: str, region: str, resource_arn: str) -> None:
    """Remove ``resource_arn`` from the associations of every web ACL of that account and region."""
    from moto.wafv2.models import wafv2_backends

    if account_id not in wafv2_backends or region not in wafv2_backends[account_id]:
        return
    for web_acl in list(wafv2_backends[account_id][region].wacls.values()):
        web_acl.associated_resources[:] = [arn for arn in web_acl.associated_resources if arn != resource_arn]


@shim(
    name="wafv2_elbv2_delete_disassociates",
    service="wafv2",
    real_behaviour=(
        "DeleteLoadBalancer ends the load balancer's web ACL association: ListResourcesForWebACL no longer lists "
        "it and the web ACL can be deleted."
    ),
    moto_behaviour="The deleted load balancer's ARN stays in the web ACL's associated resources.",
)
def apply() -> None:
    from moto.elbv2.models import ELBv2Backend

    original = ELBv2Backend.delete_load_balancer

    @functools.wraps(original)
    def delete_load_balancer(self: Any, arn: str, *args: Any, **kwargs: Any) -> Any:
        result = original(self, arn, *args, **kwargs)
        forget_resource(self.account_id, self.region_name, arn)
        return result

    ELBv2Backend.delete_load_balancer = delete_load_balancer  # type: ignore[method-assign]
