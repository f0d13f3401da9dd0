"""EC2: a security group that another group's rule references cannot be deleted; the default group never.

Real EC2 refuses ``DeleteSecurityGroup`` with ``DependencyViolation`` ("resource sg-... has a dependent object")
while a rule of another security group references the group (as ``UserIdGroupPairs`` source or destination), so
groups that reference each other can only be deleted once those rules are revoked; a rule of the group that
references the group itself does not count. The default group of a VPC cannot be deleted by a user
(``CannotDelete``); it goes with its VPC.

moto 5.2.5 deletes the group whatever references it (the referencing rules are left pointing at a group that no
longer exists) and deletes a VPC's default group on request. A module that deletes a set of groups in the wrong
order, or without revoking the rules that tie them together, passes against moto and fails on AWS.

Patch (``moto.ec2``): the ``DeleteSecurityGroup`` handler checks, before moto deletes, that the group is not a VPC
default group and that no rule of another group of the account and region references it. Only the API call is
patched: moto's own ``DeleteVpc`` still removes the default group. Not modelled: the network interfaces (of
instances, load balancers, tasks) that use a group, which also make AWS answer ``DependencyViolation``.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


def referencing_groups(backend: Any, group_id: str) -> list[str]:
    """IDs of the other groups of the backend with a rule whose referenced group is ``group_id``, sorted."""
    found = set()
    for groups in list(backend.groups.values()):
        for group in list(groups.values()):
            if group.id == group_id:
                continue
            for rule in list(group.ingress_rules) + list(group.egress_rules):
                if (rule.source_group or {}).get("GroupId") == group_id:
                    found.add(group.id)
    return sorted(found)


@shim(
    name="ec2_security_group_delete_dependency",
    service="ec2",
    real_behaviour=(
        "DeleteSecurityGroup fails with DependencyViolation while a rule of another security group references the "
        "group; a VPC's default group cannot be deleted (CannotDelete)."
    ),
    moto_behaviour=(
        "The group is deleted whatever references it (the referencing rules are left dangling), and so is a "
        "VPC's default group."
    ),
)
def apply() -> None:
    from moto.ec2.exceptions import DependencyViolationError, EC2ClientError
    from moto.ec2.responses.security_groups import SecurityGroups

    original = SecurityGroups.delete_security_group

    @functools.wraps(original)
    def delete_security_group(self: Any) -> Any:
        group_id = self._get_param("GroupId")
        name = self._get_param("GroupName")
        group = self.ec2_backend.get_security_group_from_id(group_id) if group_id else None
        if group is None and name and not group_id:
            group = self.ec2_backend.get_security_group_from_name(name)
        if group is not None:
            if group.is_default:
                raise EC2ClientError(
                    "CannotDelete",
                    f'the specified group: "{group.id}" name: "{group.name}" cannot be deleted by a user',
                )
            if referencing_groups(self.ec2_backend, group.id):
                raise DependencyViolationError(f"resource {group.id} has a dependent object")
        return original(self)

    SecurityGroups.delete_security_group = delete_security_group  # type: ignore[method-assign]
