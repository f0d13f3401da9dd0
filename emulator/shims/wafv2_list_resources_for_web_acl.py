"""WAFv2: implement ``ListResourcesForWebACL`` (the regional resources a web ACL protects, by resource type).

Real WAFv2 answers ``ListResourcesForWebACL(WebACLArn, ResourceType)`` with ``{"ResourceArns": [...]}``: the ARNs
of the resources of that type associated with the web ACL (``ResourceType`` defaults to
``APPLICATION_LOAD_BALANCER``); an unknown web ACL is ``WAFNonexistentItemException``. moto 5.2.5 records
associations (``FakeWebACL.associated_resources``) but has no handler for the operation: HTTP 500, which botocore
retries before giving up, so nothing can list what a web ACL protects (``community.aws.wafv2_resources`` fails).

Patch: a ``list_resources_for_web_acl`` handler on ``WAFV2Response`` that filters the web ACL's associated resources
by the resource type their ARN names (``resource_type``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import shim

# ARN shapes of the resource types WAFv2 associates with a regional web ACL (botocore's ResourceType enum).
_RESOURCE_TYPES = (
    ("APPLICATION_LOAD_BALANCER", re.compile(r"^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer/app/")),
    ("API_GATEWAY", re.compile(r"^arn:[^:]+:apigateway:[^:]*::/restapis/[^/]+/stages/[^/]+$")),
    ("APPSYNC", re.compile(r"^arn:[^:]+:appsync:[^:]*:[^:]*:apis/")),
    ("COGNITO_USER_POOL", re.compile(r"^arn:[^:]+:cognito-idp:[^:]*:[^:]*:userpool/")),
    ("APP_RUNNER_SERVICE", re.compile(r"^arn:[^:]+:apprunner:[^:]*:[^:]*:service/")),
    ("VERIFIED_ACCESS_INSTANCE", re.compile(r"^arn:[^:]+:ec2:[^:]*:[^:]*:verified-access-instance/")),
    ("AMPLIFY", re.compile(r"^arn:[^:]+:amplify:[^:]*:[^:]*:apps/")),
    ("AGENTCORE_GATEWAY", re.compile(r"^arn:[^:]+:bedrock-agentcore:[^:]*:[^:]*:gateway/")),
)
DEFAULT_RESOURCE_TYPE = "APPLICATION_LOAD_BALANCER"


def resource_type(resource_arn: str) -> str | None:
    """The WAFv2 ResourceType of a resource ARN, or None when it is not one WAFv2 associates."""
    for name, pattern in _RESOURCE_TYPES:
        if pattern.match(resource_arn):
            return name
    return None


@shim(
    name="wafv2_list_resources_for_web_acl",
    service="wafv2",
    real_behaviour=(
        "ListResourcesForWebACL returns the ARNs of the resources of ResourceType (default APPLICATION_LOAD_BALANCER; "
        "API_GATEWAY stages, APPSYNC, COGNITO_USER_POOL, APP_RUNNER_SERVICE, VERIFIED_ACCESS_INSTANCE, ...) "
        "associated with the web ACL; WAFNonexistentItemException for an unknown web ACL."
    ),
    moto_behaviour="No handler for ListResourcesForWebACL: HTTP 500 (retried by botocore, then an error).",
)
def apply() -> None:
    from moto.wafv2.exceptions import WAFNonexistentItemException
    from moto.wafv2.responses import WAFV2Response

    def list_resources_for_web_acl(self: Any) -> Any:
        body = json.loads(self.body or "{}")
        wanted = body.get("ResourceType") or DEFAULT_RESOURCE_TYPE
        web_acl = self.wafv2_backend.wacls.get(body.get("WebACLArn"))
        if web_acl is None:
            raise WAFNonexistentItemException()
        arns = [arn for arn in web_acl.associated_resources if resource_type(arn) == wanted]
        return 200, {"Content-Type": "application/json"}, json.dumps({"ResourceArns": arns})

    if not hasattr(WAFV2Response, "list_resources_for_web_acl"):
        WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl  # type: ignore[attr-defined]
