"""EC2: DescribeNetworkAcls accepts the ``network-acl-id`` filter.

Real EC2 documents and implements the ``network-acl-id`` filter of DescribeNetworkAcls; amazon.aws's
``ec2_vpc_nacl`` uses it to find a network ACL by id (e.g. ``state: absent`` with ``nacl_id``). moto raises
``FilterNotImplementedError`` (HTTP 500), so deleting a network ACL by id fails on the emulator.

Patch: ``NetworkAcl.get_filter_value`` answers ``network-acl-id`` with the ACL's id.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


@shim(
    name="ec2_network_acl_id_filter",
    service="ec2",
    real_behaviour="DescribeNetworkAcls filters by network-acl-id.",
    moto_behaviour="The network-acl-id filter raises FilterNotImplementedError (HTTP 500).",
)
def apply() -> None:
    from moto.ec2.models.network_acls import NetworkAcl

    original = NetworkAcl.get_filter_value

    @functools.wraps(original)
    def get_filter_value(self: Any, filter_name: str) -> Any:
        if filter_name == "network-acl-id":
            return self.id
        return original(self, filter_name)

    NetworkAcl.get_filter_value = get_filter_value  # type: ignore[method-assign]
