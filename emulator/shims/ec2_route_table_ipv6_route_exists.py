"""EC2: CreateRoute refuses an IPv6 destination the route table already routes.

Real EC2 answers ``RouteAlreadyExists`` ("The route identified by ::/0 already exists", 400) to a CreateRoute whose
destination the route table already has a route for, IPv4 or IPv6; a route to another target is changed with
ReplaceRoute, and a CreateRoute retried after it took effect (its first answer lost) fails the same way. moto 5.2.5
checks IPv4 destinations only: a second CreateRoute to an IPv6 destination silently overwrites the route, so a
module that changes an IPv6 route with CreateRoute passes against moto and fails on AWS, and a module's handling of
a retried IPv6 create is never exercised.

Patch (``moto.ec2``): before moto's create_route, a non-local route to an IPv6 network the table already has a
non-local route to is refused with moto's own RouteAlreadyExistsError (the IPv4 check is moto's).
"""

from __future__ import annotations

import functools
import inspect
import ipaddress
from typing import Any

from . import shim


@shim(
    name="ec2_route_table_ipv6_route_exists",
    service="ec2",
    real_behaviour="CreateRoute to an IPv6 destination the route table already routes fails with RouteAlreadyExists.",
    moto_behaviour="Only IPv4 destinations are checked: the IPv6 route is silently overwritten.",
)
def apply() -> None:
    from moto.ec2.exceptions import RouteAlreadyExistsError
    from moto.ec2.models.route_tables import RouteBackend

    original = RouteBackend.create_route
    signature = inspect.signature(original)

    @functools.wraps(original)
    def create_route(self: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        destination = arguments.get("destination_ipv6_cidr_block")
        if destination and not arguments.get("local"):
            wanted = ipaddress.IPv6Network(destination, strict=False)
            table = self.get_route_table(arguments["route_table_id"])
            for route in table._routes.values():
                if route.local or not route.destination_ipv6_cidr_block:
                    continue
                if ipaddress.IPv6Network(route.destination_ipv6_cidr_block, strict=False) == wanted:
                    raise RouteAlreadyExistsError(destination)
        return original(self, *args, **kwargs)

    RouteBackend.create_route = create_route  # type: ignore[method-assign]
