"""EC2: the default VPC has an internet gateway and a default route, as every AWS default VPC does.

Real AWS creates each region's default VPC with an internet gateway attached and a ``0.0.0.0/0`` route
to it in the VPC's main route table (its default subnets are public). moto creates the default VPC and its
subnets but no internet gateway and no route, so code that adopts the default VPC (architecture 2) would see
a private network and might create a gateway of its own where AWS already has one.

Patch: ``create_default_vpc`` of moto's EC2 backend also creates and attaches an internet gateway and adds
the default route to the main route table.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


@shim(
    name="ec2_default_vpc_internet_gateway",
    service="ec2",
    real_behaviour=(
        "The default VPC of a region has an internet gateway attached and a 0.0.0.0/0 route to it in its main "
        "route table."
    ),
    moto_behaviour="The default VPC has no internet gateway and its main route table only the local route.",
)
def apply() -> None:
    from moto.ec2.models.vpcs import VPCBackend

    original = VPCBackend.create_default_vpc

    @functools.wraps(original)
    def create_default_vpc(self: Any) -> Any:
        vpc = original(self)
        igw = self.create_internet_gateway()
        self.attach_internet_gateway(igw.id, vpc.id)
        for table in self.route_tables.values():
            if table.vpc_id == vpc.id and table.main_association_id is not None:
                self.create_route(table.id, "0.0.0.0/0", gateway_id=igw.id)
        return vpc

    VPCBackend.create_default_vpc = create_default_vpc  # type: ignore[method-assign]
