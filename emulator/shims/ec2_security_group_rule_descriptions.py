"""EC2: the description of every security group rule is kept, reported and updated by rule ID.

Real EC2 stores a description on each security group rule, whatever it allows: an IPv4 or IPv6 range, another
group (``UserIdGroupPairs``) or a prefix list (``PrefixListIds``). ``DescribeSecurityGroupRules`` reports it as
``Description``, and ``UpdateSecurityGroupRuleDescriptionsIngress`` / ``...Egress`` with
``SecurityGroupRuleDescriptions`` (``[{SecurityGroupRuleId, Description}]``) sets the description of each rule ID,
or removes it when ``Description`` is omitted; an ID that is not a rule of the group (in that direction) fails with
``InvalidSecurityGroupRuleId.NotFound`` and nothing changes.

moto 5.2.5 reports ``Description`` only for range rules: a rule referencing a group keeps its description in the
group pair but ``DescribeSecurityGroupRules`` leaves it out, and a prefix-list rule drops it at authorize time. So
a module comparing rule descriptions sees them missing and rewrites them on every run. moto also ignores
``SecurityGroupRuleDescriptions`` (the call answers success and changes nothing).

Patch (``moto.ec2``): ``SecurityGroupRule`` keeps a prefix-list rule's description and its ``description`` reads the
range, the group pair or the prefix list; the two ``UpdateSecurityGroupRuleDescriptions*`` handlers apply
``SecurityGroupRuleDescriptions`` by rule ID (the ``IpPermissions`` form stays moto's).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from . import shim


def rule_description(rule: Any) -> str | None:
    if rule.ip_range:
        return rule.ip_range.get("Description")
    if rule.source_group:
        return rule.source_group.get("Description")
    return getattr(rule, "prefix_list_description", None)


def set_rule_description(rule: Any, description: str | None) -> None:
    if rule.ip_range:
        store = rule.ip_range
    elif rule.source_group:
        store = rule.source_group
    else:
        rule.prefix_list_description = description
        return
    if description is None:
        store.pop("Description", None)
    else:
        store["Description"] = description


@shim(
    name="ec2_security_group_rule_descriptions",
    service="ec2",
    real_behaviour=(
        "DescribeSecurityGroupRules reports the Description of every rule (IP range, referenced group, prefix "
        "list); UpdateSecurityGroupRuleDescriptionsIngress/Egress with SecurityGroupRuleDescriptions sets, or "
        "without Description removes, the description of each rule ID (InvalidSecurityGroupRuleId.NotFound for "
        "an ID that is not a rule of the group in that direction)."
    ),
    moto_behaviour=(
        "Description is reported for IP range rules only (a group rule's is left out, a prefix list rule's is "
        "dropped at authorize); SecurityGroupRuleDescriptions is ignored: success, nothing changes."
    ),
)
def apply() -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError, InvalidSecurityGroupRuleIdNotFoundError
    from moto.ec2.models.security_groups import SecurityGroupRule
    from moto.ec2.responses.security_groups import SecurityGroups

    original_init = SecurityGroupRule.__init__
    signature = inspect.signature(original_init)

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        prefix_list = signature.bind(self, *args, **kwargs).arguments.get("prefix_list_id")
        self.prefix_list_description = (prefix_list or {}).get("Description")

    SecurityGroupRule.__init__ = __init__  # type: ignore[method-assign]
    SecurityGroupRule.description = property(rule_description)  # type: ignore[assignment,method-assign]

    def by_rule_id(direction: str, original: Any) -> Any:
        @functools.wraps(original)
        def handler(self: Any) -> Any:
            entries = self._get_param("SecurityGroupRuleDescriptions", [])
            if not entries:
                return original(self)
            name_or_id = self._get_param("GroupId") or self._get_param("GroupName")
            group = self.ec2_backend.get_security_group_by_name_or_id(name_or_id)
            if group is None:
                raise InvalidSecurityGroupNotFoundError(name_or_id)
            rules = {rule.id: rule for rule in getattr(group, f"{direction}_rules")}
            for entry in entries:
                if entry.get("SecurityGroupRuleId") not in rules:
                    raise InvalidSecurityGroupRuleIdNotFoundError(entry.get("SecurityGroupRuleId"))
            for entry in entries:
                set_rule_description(rules[entry["SecurityGroupRuleId"]], entry.get("Description"))
            return ActionResult({"Return": True})

        return handler

    SecurityGroups.update_security_group_rule_descriptions_ingress = by_rule_id(  # type: ignore[method-assign]
        "ingress", SecurityGroups.update_security_group_rule_descriptions_ingress
    )
    SecurityGroups.update_security_group_rule_descriptions_egress = by_rule_id(  # type: ignore[method-assign]
        "egress", SecurityGroups.update_security_group_rule_descriptions_egress
    )
