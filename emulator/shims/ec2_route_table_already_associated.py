"""EC2: AssociateRouteTable refuses a subnet that already has an explicit route table association.

Real EC2 answers ``Resource.AlreadyAssociated`` ("the specified association for route table rtb-... conflicts with
an existing association", 400) when the subnet is already explicitly associated, with this route table or another
one: a subnet moves with ReplaceRouteTableAssociation, and an AssociateRouteTable retried after it took effect (its
first answer lost) fails the same way. moto 5.2.5 answers with the subnet's existing association ID instead, even
when it belongs to another route table, and changes nothing: a module that "moves" a subnet with
AssociateRouteTable passes against moto and leaves the subnet on its old table on AWS, and a module's handling of
a retried associate is never exercised.

Patch (``moto.ec2``): for a subnet association, check the route table exists (``InvalidRouteTableID.NotFound``
first, as EC2 does), then refuse a subnet that any route table of the region holds.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


@shim(
    name="ec2_route_table_already_associated",
    service="ec2",
    real_behaviour=(
        "AssociateRouteTable for a subnet that already has an explicit association (to this route table or "
        "another) fails with Resource.AlreadyAssociated."
    ),
    moto_behaviour=(
        "The subnet's existing association ID is returned, even one of another route table, and nothing changes."
    ),
)
def apply() -> None:
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.route_tables import RouteBackend

    original = RouteBackend.associate_route_table

    @functools.wraps(original)
    def associate_route_table(
        self: Any, route_table_id: str, gateway_id: str | None = None, subnet_id: str | None = None
    ) -> str:
        if subnet_id is not None and gateway_id is None:
            self.get_route_table(route_table_id)  # InvalidRouteTableID.NotFound first
            if any(subnet_id in table._associations.values() for table in self.route_tables.values()):
                raise EC2ClientError(
                    "Resource.AlreadyAssociated",
                    f"the specified association for route table {route_table_id} conflicts with an existing "
                    "association",
                )
        return original(self, route_table_id, gateway_id, subnet_id)

    RouteBackend.associate_route_table = associate_route_table  # type: ignore[method-assign]
