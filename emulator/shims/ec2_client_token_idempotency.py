"""EC2: creates that carry a ClientToken are idempotent.

Real EC2 treats a create with a ``ClientToken`` it has seen before (same account and region) as the same
request: it creates nothing and answers with the first request's resource; the same token with other
parameters fails with ``IdempotentParameterMismatch``. botocore fills the token in by itself for the
operations whose model marks it ``idempotencyToken`` (CreateNatGateway, CreateRouteTable,
CreateNetworkAcl, ...), and reuses it when it retries, so a create whose first answer was lost (a 500
after the write, a dropped connection) does not make a second resource. moto ignores the token: every
retry creates another NAT gateway, route table or flow log.

Patch: the EC2 response handlers of those creates remember (per region backend, so a reset forgets)
the token, the request parameters and the result, and answer a repeat from memory.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim

# module of moto.ec2.responses, class, handler method
HANDLERS = (
    ("nat_gateways", "NatGateways", "create_nat_gateway"),
    ("route_tables", "RouteTables", "create_route_table"),
    ("network_acls", "NetworkACLs", "create_network_acl"),
    ("flow_logs", "FlowLogs", "create_flow_logs"),
    ("vpcs", "VPCs", "create_vpc_endpoint"),
)


@shim(
    name="ec2_client_token_idempotency",
    service="ec2",
    real_behaviour=(
        "A create with a ClientToken already used in the account and region returns the first request's "
        "resource and creates nothing; the same token with other parameters fails with "
        "IdempotentParameterMismatch (CreateNatGateway, CreateRouteTable, CreateNetworkAcl, CreateFlowLogs, "
        "CreateVpcEndpoint)."
    ),
    moto_behaviour="The token is ignored: a retried create makes a second resource.",
)
def apply() -> None:
    import importlib

    from moto.ec2.exceptions import EC2ClientError

    for module_name, class_name, method in HANDLERS:
        module = importlib.import_module(f"moto.ec2.responses.{module_name}")
        cls = getattr(module, class_name)
        original = getattr(cls, method)
        setattr(cls, method, _idempotent(original, method, EC2ClientError))


def _idempotent(original: Any, method: str, error_cls: type) -> Any:
    @functools.wraps(original)
    def handler(self: Any) -> Any:
        token = self._get_param("ClientToken")
        if not token:
            return original(self)
        params = tuple(
            sorted((k, tuple(v)) for k, v in self.querystring.items() if k not in ("ClientToken", "Action", "Version"))
        )
        seen = self.ec2_backend.__dict__.setdefault("_stacksmith_client_tokens", {})
        key = (method, token)
        if key in seen:
            first_params, result = seen[key]
            if first_params != params:
                raise error_cls(
                    "IdempotentParameterMismatch",
                    f"The client token {token} was already used with different parameters.",
                )
            return result
        result = original(self)
        seen[key] = (params, result)
        return result

    return handler
