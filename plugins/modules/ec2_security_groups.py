# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ec2_security_groups
version_added: 0.4.0
short_description: Manage the whole set of security groups of a VPC, and their rules, in one call
description:
  - Creates, tags, converges the rules of and deletes the security groups of one VPC, given as a list
    (O(config)), in one task.
  - Replaces a C(loop:) of M(amazon.aws.ec2_security_group). That module converges one group per task, so a stack
    with six groups pays six Python processes (about 0.4 s each) for a few API calls of a few milliseconds; it
    waits after each create (a waiter, then fixed sleeps while the rules propagate); and a rule can only
    reference a group that already exists, so groups must be listed in dependency order and two groups that
    reference each other (an ALB and its targets, a cluster talking to itself through two groups) need two
    passes.
  - This module reads the listed groups with one C(DescribeSecurityGroups) call and their rules with one
    C(DescribeSecurityGroupRules) call, creates every missing group first, then converges the rules of every
    group. A rule's O(config[].ingress[].source) may name any group of O(config), in any order, cycles included.
  - Rules are compared normalised (protocol C(-1) is V(all), C(6) is V(tcp), CIDRs in their canonical form, the
    referenced group by ID), so a second run with the same input makes the two reads and no write.
  - The description of a group cannot be changed in AWS; a different one fails, naming the group and both
    descriptions, before any write.
  - A create that AWS committed but whose answer was lost (the retry then fails with C(InvalidGroup.Duplicate))
    adopts the group of that name; an authorize that committed before its retry (C(InvalidPermission.Duplicate))
    is read back and counts as done.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  vpc_id:
    description:
      - The ID of the VPC the groups belong to.
      - Required for every O(state) but V(rendered).
    type: str
  config:
    description:
      - The security groups, each named once.
      - With O(state=deleted), an empty list means every group of the VPC that carries the O(owner_tags).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The full name of the group (C(GroupName)), unique in the VPC, for example V(shop-prod-alb).
          - It cannot start with C(sg-). V(default) is the VPC's default group, whose rules can be managed; it is
            never created or deleted.
        type: str
        required: true
      description:
        description:
          - The description of the group. Required to create it; it cannot be changed once the group exists.
          - Not needed with O(state=deleted).
        type: str
      ingress:
        description:
          - The inbound rules. Each entry with several O(config[].ingress[].ports) stands for one rule per port.
          - When omitted, the group has no inbound rule of its own (V(merged) adds none and removes none).
        type: list
        elements: dict
        suboptions: &rule_options
          protocol:
            description:
              - V(tcp), V(udp), V(icmp), V(icmpv6), V(all) or an IP protocol number (C(6) is V(tcp), C(-1) is V(all)).
            type: str
            default: tcp
          ports:
            description:
              - For V(tcp) and V(udp), the ports, one rule per port. Mutually exclusive with
                O(config[].ingress[].from_port) and O(config[].ingress[].to_port).
            type: list
            elements: int
          from_port:
            description:
              - For V(tcp) and V(udp), the first port of a range; for V(icmp) and V(icmpv6), the ICMP type
                (V(-1), the default, for every type).
            type: int
          to_port:
            description:
              - For V(tcp) and V(udp), the last port of a range (defaults to O(config[].ingress[].from_port)); for
                V(icmp) and V(icmpv6), the ICMP code (V(-1), the default, for every code).
            type: int
          cidr:
            description:
              - The IPv4 range the rule allows, for example V(0.0.0.0/0). Written in its canonical form
                (V(10.0.0.5/8) is V(10.0.0.0/8)), as AWS stores it.
              - Exactly one of O(config[].ingress[].cidr), O(config[].ingress[].cidr_ipv6),
                O(config[].ingress[].source) and O(config[].ingress[].prefix_list_id) is required.
            type: str
          cidr_ipv6:
            description:
              - The IPv6 range the rule allows, for example V(::/0).
            type: str
          source:
            description:
              - The group the rule allows, either the O(config[].name) of a group of this O(config) (in any order)
                or a group ID (C(sg-...)).
              - For an egress rule, the destination group.
            type: str
          prefix_list_id:
            description:
              - The ID of a managed prefix list (C(pl-...)).
            type: str
          description:
            description:
              - The description of the rule.
              - With O(state=merged), an omitted description leaves the rule's description as it is; with
                V(replaced) and V(overridden) it removes it.
            type: str
      egress:
        description:
          - The outbound rules, with the options of O(config[].ingress).
          - When omitted, one rule with protocol V(all) and cidr V(0.0.0.0/0) (allow all IPv4, the rule AWS adds to a
            new group).
            V([]) means no outbound rule at all.
          - A group created by this module gets exactly these rules whatever O(state) says (the allow-all rule AWS
            adds is revoked when it is not listed).
        type: list
        elements: dict
        suboptions: *rule_options
      tags:
        description:
          - Tags of this group only, added to O(tags).
        type: dict
        default: {}
  state:
    description:
      - V(merged) creates the missing groups, authorizes the missing rules and updates the rule descriptions and
        tags given; rules and tags not listed stay.
      - V(replaced) is V(merged), and revokes the rules of each listed group that are not listed and removes its
        unlisted tags.
      - V(overridden) is V(replaced), and deletes every group of the VPC that carries the O(owner_tags) and is not
        listed. Groups without them are never touched.
      - V(deleted) deletes the listed groups (every group of the VPC that carries the O(owner_tags) when
        O(config) is empty). A listed group that exists without the O(owner_tags) is refused before anything is
        deleted.
      - V(gathered) returns every group of the VPC that carries the O(owner_tags), sorted by name, in the
        O(config) format. No write.
      - V(rendered) makes no AWS call and returns the C(CreateSecurityGroup) and
        C(AuthorizeSecurityGroupIngress)/C(AuthorizeSecurityGroupEgress) requests the listed groups would be
        created with.
      - V(replaced) and V(overridden) refuse, before any write, to rewrite a listed group that exists without
        the O(owner_tags).
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description:
      - Tags every group carries (the stack's common tags). Each group gets these, then its own
        O(config[].tags), then C(Name).
      - Include the O(owner_tags) here, or the groups created will not be owned.
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark a group as belonging to this set. Only groups carrying all of them (with these values)
        are deleted by O(state=overridden) and O(state=deleted), rewritten by O(state=replaced), or returned by
        O(state=gathered).
      - When empty, no group is owned.
    type: dict
    default: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Writes are sent one after the other in a deterministic order (tags sorted by key); the creates in O(config)
    order, then per group in O(config) order the tags, then per direction one authorize call carrying every
    missing rule, one description update and one revoke (by rule ID); then, per group being deleted in
    delete order, one revoke per direction of its references to the other groups being deleted; then the deletes
    (in O(config) order with O(state=deleted) and a non-empty O(config), else in name order).
  - Before the first delete, the module revokes only the rules that stand in the way of the deletes (AWS refuses
    to delete a group that a rule of another group references). These are, of each group being deleted, in delete
    order, its ingress then egress rules whose source or destination is another group being deleted. Nothing else
    is revoked (not a group's reference to itself, which does not block its delete). So a group whose delete AWS
    refuses (still used by a network interface, such as a draining task, a load balancer or a database) keeps every
    other rule (CIDR, prefix list, references to groups not being deleted) and the traffic it carries.
  - Rules of groups not being deleted are never revoked to make a delete pass. When one references a group being
    deleted, that delete fails with C(DependencyViolation), as does the delete of a group still in use, and the
    failure names the group.
  - In check mode a new group is predicted with the allow-all IPv4 egress rule AWS adds.
seealso:
  - module: amazon.aws.ec2_security_group
  - module: amazon.aws.ec2_security_group_info
  - name: Security groups
    description: The AWS documentation on security groups and their rules.
    link: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: The security groups of a stack, referencing each other by name
  stacksmith.aws.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod, managed-by: stacksmith, environment: prod}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: replaced
    config:
      - name: shop-prod-alb
        description: ALB - HTTPS from anywhere
        ingress:
          - {protocol: tcp, ports: [443], cidr: 0.0.0.0/0, description: HTTPS}
          - {protocol: tcp, ports: [80], cidr: 0.0.0.0/0, description: HTTP}
        egress:
          - {protocol: tcp, ports: [3001], source: shop-prod-api, description: to the api tasks}
      - name: shop-prod-api
        description: api tasks
        ingress:
          - {protocol: tcp, ports: [3001], source: shop-prod-alb, description: from the ALB}
        # egress omitted: allow all IPv4
      - name: shop-prod-db
        description: PostgreSQL
        ingress:
          - {protocol: tcp, ports: [5432], source: shop-prod-api}
        egress: []  # no egress at all
  register: security_groups

- name: Use the IDs
  ansible.builtin.debug:
    msg: "{{ security_groups.group_ids['shop-prod-api'] }}"

- name: Add one rule to a group, leave its other rules alone
  stacksmith.aws.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod, managed-by: stacksmith}
    config:
      - name: shop-prod-db
        description: PostgreSQL
        ingress:
          - {protocol: tcp, from_port: 5432, to_port: 5433, cidr: 10.20.0.0/16, description: VPN}

- name: Delete the groups the stack owns and no longer lists
  stacksmith.aws.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: overridden
    config:
      - name: shop-prod-alb
        description: ALB - HTTPS from anywhere
        ingress:
          - {ports: [443], cidr: 0.0.0.0/0}

- name: Every group of the stack, in the config format
  stacksmith.aws.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: gathered

- name: The requests a create would send (no AWS call, no VPC needed)
  stacksmith.aws.ec2_security_groups:
    state: rendered
    tags: {stack: shop-prod}
    config:
      - name: shop-prod-alb
        description: ALB - HTTPS from anywhere
        ingress:
          - {ports: [443], cidr: 0.0.0.0/0}

- name: Tear the stack's groups down
  stacksmith.aws.ec2_security_groups:
    vpc_id: vpc-0123456789abcdef0
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: deleted
"""

RETURN = r"""
security_groups:
  description:
    - The groups, in O(config) order, as they are after the run (as they would be, in check mode), in the
      O(config) format. With O(state=gathered), every owned group of the VPC, sorted by name. Empty with
      O(state=deleted).
    - Rules are sorted by protocol, ports, target and description; a C(source) is shown by group name when the
      group is one the module read or created, else by ID.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name of the group.
      type: str
      returned: always
      sample: shop-prod-api
    group_id:
      description: The ID of the group; V(null) for a group that would be created (check mode, V(rendered)).
      type: str
      returned: always
      sample: sg-0123456789abcdef0
    description:
      description: The description of the group.
      type: str
      returned: always
      sample: api tasks
    ingress:
      description: The inbound rules, one per port (C(ports) of one element) or range.
      type: list
      elements: dict
      returned: always
      sample: [{"protocol": "tcp", "ports": [3001], "source": "shop-prod-alb", "description": "from the ALB"}]
    egress:
      description: The outbound rules.
      type: list
      elements: dict
      returned: always
      sample: [{"protocol": "all", "cidr": "0.0.0.0/0"}]
    tags:
      description: The tags of the group.
      type: dict
      returned: always
      sample: {"Name": "shop-prod-api", "stack": "shop-prod"}
group_ids:
  description: Name -> ID of the groups of RV(security_groups) (V(null) for a group that would be created).
  returned: always
  type: dict
  sample: {"shop-prod-alb": "sg-0123456789abcdef0", "shop-prod-api": "sg-0fedcba9876543210"}
created:
  description: The names of the groups created.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: ["shop-prod-api"]
updated:
  description: The names of the existing groups whose rules or tags changed.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: ["shop-prod-alb"]
deleted:
  description: The names of the groups deleted.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: ["shop-prod-old"]
rendered:
  description:
    - The requests a create of the listed groups would send, in order, each as C(action) (the EC2 operation) and
      C(request) (its parameters). Group IDs not known yet (every C(GroupId), and a C(source) naming a group of
      O(config)) are given by group name; C(VpcId) is V((known after apply)) when O(vpc_id) is not given.
    - The allow-all IPv4 egress rule AWS adds to a new group is not authorized again; when O(config[].egress) does
      not list it, the module revokes it after the create.
  returned: when O(state=rendered)
  type: list
  elements: dict
  sample:
    - action: CreateSecurityGroup
      request:
        GroupName: shop-prod-alb
        Description: ALB - HTTPS from anywhere
        VpcId: vpc-0123456789abcdef0
        TagSpecifications:
          - ResourceType: security-group
            Tags: [{Key: Name, Value: shop-prod-alb}, {Key: stack, Value: shop-prod}]
    - action: AuthorizeSecurityGroupIngress
      request:
        GroupId: shop-prod-alb
        IpPermissions:
          - {IpProtocol: tcp, FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: 0.0.0.0/0, Description: HTTPS}]}
diff:
  description:
    - Before and after, keyed by group name, of the groups that change (their rules added or removed, tags).
  returned: in diff mode, when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: dict
  sample:
    before: {"shop-prod-alb": {"ingress": [{"protocol": "tcp", "ports": [80], "cidr": "0.0.0.0/0"}]}}
    after: {"shop-prod-alb": {"ingress": [{"protocol": "tcp", "ports": [443], "cidr": "0.0.0.0/0"}]}}
"""

import ipaddress

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import (
    is_boto3_error_code,
    paginated_query_with_retries,
)
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    STATES,
    ResourceSetError,
    converge_set,
    duplicate_names,
    is_owned,
    item_tags,
    resource_set_argument_spec,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    ensure_ec2_tags,
    sorted_tags,
    updated_tags,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

RULE_OPTIONS = {
    "protocol": {"type": "str", "default": "tcp"},
    "ports": {"type": "list", "elements": "int"},
    "from_port": {"type": "int"},
    "to_port": {"type": "int"},
    "cidr": {"type": "str"},
    "cidr_ipv6": {"type": "str"},
    "source": {"type": "str"},
    "prefix_list_id": {"type": "str"},
    "description": {"type": "str"},
}
CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "description": {"type": "str"},
    "ingress": {"type": "list", "elements": "dict", "options": RULE_OPTIONS},
    "egress": {"type": "list", "elements": "dict", "options": RULE_OPTIONS},
    "tags": {"type": "dict", "default": {}},
}
UNKNOWN_VPC_ID = "(known after apply)"
DEFAULT_GROUP = "default"
DIRECTIONS = ("ingress", "egress")
# Names and numbers of the protocols AWS reports by name; any other protocol is its number (0-255).
PROTOCOLS = {
    "-1": "all",
    "all": "all",
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
}
PORT_PROTOCOLS = ("tcp", "udp")
ICMP_PROTOCOLS = ("icmp", "icmpv6")
# The target of a rule: the config key, and its order in sorted views.
TARGETS = ("cidr", "cidr_ipv6", "source", "prefix_list_id")
# The rule AWS adds to every new group of a VPC (and the egress of a group that does not list its own).
ALLOW_ALL_EGRESS = {"protocol": "all", "cidr": "0.0.0.0/0"}
MAX_DESCRIPTION = 255
# EC2 takes at most 200 values per filter.
FILTER_VALUES = 200
# After CreateSecurityGroup: read the new groups' rules (the egress rule AWS adds) until every new group shows one,
# from a short first delay with backoff; writes on a group created a moment ago may answer InvalidGroup.NotFound.
NEW_GROUP_FIRST_DELAY = 0.2
NEW_GROUP_MAX_DELAY = 5.0
NEW_GROUP_TIMEOUT = 20
NEW_GROUP_RETRY = AWSRetry.jittered_backoff(retries=5, delay=1, catch_extra_error_codes=["InvalidGroup.NotFound"])


# ---------------------------------------------------------------------------------------------------------------------
# rules: one internal shape for the config, AWS and the views
#
# A rule is a dict: protocol, from_port, to_port (None when the protocol has no ports), kind (cidr, cidr_ipv6,
# source: a group ID, source_name: a group of the config whose ID is not known yet, prefix_list_id), target,
# description (None when it has none) and, for a rule read from AWS, rule_id.


def normalize_protocol(value):
    text = str(value).strip().lower()
    if text in PROTOCOLS:
        return PROTOCOLS[text]
    if text.isdigit() and 0 <= int(text) <= 255:
        return str(int(text))
    raise ValueError(value)


def rule_key(rule):
    """What identifies a rule in AWS (the description does not)."""
    return (rule["protocol"], rule["from_port"], rule["to_port"], rule["kind"], rule["target"])


def parse_ports(where, protocol, rule):
    ports, from_port, to_port = rule.get("ports"), rule.get("from_port"), rule.get("to_port")
    ranged = from_port is not None or to_port is not None
    if protocol in PORT_PROTOCOLS:
        if ports and ranged:
            raise ResourceSetError(f"{where}: ports and from_port/to_port are mutually exclusive")
        if ports:
            ranges = [(port, port) for port in ports]
        elif ranged:
            first = from_port if from_port is not None else to_port
            last = to_port if to_port is not None else from_port
            ranges = [(first, last)]
        else:
            raise ResourceSetError(f"{where}: protocol {protocol} needs ports, or from_port and to_port")
        for first, last in ranges:
            if not 0 <= first <= last <= 65535:
                raise ResourceSetError(f"{where}: port range {first}-{last} is not within 0-65535")
        return ranges
    if protocol in ICMP_PROTOCOLS:
        if ports:
            raise ResourceSetError(f"{where}: {protocol} takes from_port (type) and to_port (code), not ports")
        icmp_type = -1 if from_port is None else from_port
        icmp_code = -1 if to_port is None else to_port
        if not (-1 <= icmp_type <= 255 and -1 <= icmp_code <= 255):
            raise ResourceSetError(f"{where}: ICMP type {icmp_type} and code {icmp_code} must be within -1-255")
        return [(icmp_type, icmp_code)]
    if ports or ranged:
        raise ResourceSetError(f"{where}: protocol {protocol} covers every port; remove ports/from_port/to_port")
    return [(None, None)]


def parse_target(where, rule, names):
    given = [key for key in TARGETS if rule.get(key) not in (None, "")]
    if len(given) != 1:
        found = ", ".join(given) or "none"
        raise ResourceSetError(f"{where}: exactly one of {', '.join(TARGETS)} is required (found: {found})")
    key = given[0]
    value = str(rule[key]).strip()
    if key == "cidr":
        try:
            return "cidr", str(ipaddress.IPv4Network(value, strict=False))
        except ValueError:
            raise ResourceSetError(f"{where}: cidr {value} is not an IPv4 CIDR block") from None
    if key == "cidr_ipv6":
        try:
            return "cidr_ipv6", str(ipaddress.IPv6Network(value, strict=False))
        except ValueError:
            raise ResourceSetError(f"{where}: cidr_ipv6 {value} is not an IPv6 CIDR block") from None
    if key == "prefix_list_id":
        if not value.startswith("pl-"):
            raise ResourceSetError(f"{where}: prefix_list_id {value} is not a prefix list ID (pl-...)")
        return "prefix_list_id", value
    if value.startswith("sg-"):
        return "source", value
    if value in names:
        return "source_name", value
    raise ResourceSetError(
        f"{where}: source {value} is neither the name of a group of this config nor a security group ID (sg-...)"
    )


def parse_rules(group, direction, rules, names):
    """The config rules of one group and direction -> internal rules (one per port), validated, in config order,
    without repeats."""
    parsed = []
    seen = {}
    for index, rule in enumerate(rules):
        where = f"security group {group}: {direction} rule {index}"
        try:
            protocol = normalize_protocol(rule.get("protocol") or "tcp")
        except ValueError:
            raise ResourceSetError(
                f"{where}: protocol {rule.get('protocol')} is not tcp, udp, icmp, icmpv6, all or a number 0-255"
            ) from None
        description = rule.get("description")
        if description is not None and len(description) > MAX_DESCRIPTION:
            raise ResourceSetError(f"{where}: description is longer than {MAX_DESCRIPTION} characters")
        kind, target = parse_target(where, rule, names)
        for from_port, to_port in parse_ports(where, protocol, rule):
            item = {
                "protocol": protocol,
                "from_port": from_port,
                "to_port": to_port,
                "kind": kind,
                "target": target,
                "description": description or None,
            }
            key = rule_key(item)
            if key in seen:
                if seen[key] != item["description"]:
                    raise ResourceSetError(f"{where}: repeats an earlier rule with another description")
                continue
            seen[key] = item["description"]
            parsed.append(item)
    return parsed


def rule_from_aws(item):
    """A DescribeSecurityGroupRules item -> internal rule."""
    protocol = normalize_protocol(item["IpProtocol"])
    ported = protocol in PORT_PROTOCOLS or protocol in ICMP_PROTOCOLS
    if item.get("CidrIpv4"):
        kind, target = "cidr", str(ipaddress.IPv4Network(item["CidrIpv4"], strict=False))
    elif item.get("CidrIpv6"):
        kind, target = "cidr_ipv6", str(ipaddress.IPv6Network(item["CidrIpv6"], strict=False))
    elif item.get("PrefixListId"):
        kind, target = "prefix_list_id", item["PrefixListId"]
    else:
        kind, target = "source", (item.get("ReferencedGroupInfo") or {}).get("GroupId")
    return {
        "protocol": protocol,
        "from_port": item.get("FromPort") if ported else None,
        "to_port": item.get("ToPort") if ported else None,
        "kind": kind,
        "target": target,
        "description": item.get("Description") or None,
        "rule_id": item.get("SecurityGroupRuleId"),
    }


def resolve(rule, ids):
    """A rule with its source_name replaced by the group's ID, when known."""
    if rule["kind"] == "source_name" and ids.get(rule["target"]):
        return dict(rule, kind="source", target=ids[rule["target"]])
    return rule


def blocking_rules(group, direction, doomed_ids):
    """The rules of ``group`` (being deleted) in ``direction`` that reference another group being deleted (one of
    ``doomed_ids``): those AWS would refuse that other group's delete for. A reference to the group itself does not
    block its delete."""
    return [
        rule
        for rule in group[direction]
        if rule["kind"] == "source" and rule["target"] in doomed_ids and rule["target"] != group["group_id"]
    ]


def ip_permission(rule):
    """An internal rule -> one IpPermissions entry (a source_name is sent as given: rendered only)."""
    permission = {"IpProtocol": "-1" if rule["protocol"] == "all" else rule["protocol"]}
    if rule["from_port"] is not None:
        permission["FromPort"] = rule["from_port"]
        permission["ToPort"] = rule["to_port"]
    if rule["kind"] == "cidr":
        field, entry = "IpRanges", {"CidrIp": rule["target"]}
    elif rule["kind"] == "cidr_ipv6":
        field, entry = "Ipv6Ranges", {"CidrIpv6": rule["target"]}
    elif rule["kind"] == "prefix_list_id":
        field, entry = "PrefixListIds", {"PrefixListId": rule["target"]}
    else:
        field, entry = "UserIdGroupPairs", {"GroupId": rule["target"]}
    if rule["description"]:
        entry["Description"] = rule["description"]
    permission[field] = [entry]
    return permission


def rule_view(rule, names):
    """An internal rule in the config format (a source by name when the group is known)."""
    view = {"protocol": rule["protocol"]}
    if rule["protocol"] in PORT_PROTOCOLS and rule["from_port"] == rule["to_port"]:
        view["ports"] = [rule["from_port"]]
    elif rule["from_port"] is not None:
        view["from_port"] = rule["from_port"]
        view["to_port"] = rule["to_port"]
    if rule["kind"] == "source":
        view["source"] = names.get(rule["target"], rule["target"])
    elif rule["kind"] == "source_name":
        view["source"] = rule["target"]
    else:
        view[rule["kind"]] = rule["target"]
    if rule["description"]:
        view["description"] = rule["description"]
    return view


def view_sort_key(view):
    target = next((key, view[key]) for key in TARGETS if key in view)
    ports = view.get("ports") or [view.get("from_port", -2), view.get("to_port", -2)]
    return (view["protocol"], ports[0], ports[-1], TARGETS.index(target[0]), target[1], view.get("description", ""))


def rules_view(rules, names):
    return sorted((rule_view(rule, names) for rule in rules), key=view_sort_key)


def plan_rules(current, wanted, purge):
    """What converging ``current`` (rules read from AWS) to ``wanted`` takes: (rules to authorize, (rule, new
    description) pairs to update, rules to revoke, the resulting rules)."""
    current_by_key = {rule_key(rule): rule for rule in current}
    wanted_keys = {rule_key(rule) for rule in wanted}
    add, describe = [], []
    for rule in wanted:
        existing = current_by_key.get(rule_key(rule))
        if existing is None:
            add.append(rule)
        elif rule["description"] != existing["description"] and (rule["description"] is not None or purge):
            describe.append((existing, rule["description"]))
    revoke = [rule for rule in current if rule_key(rule) not in wanted_keys] if purge else []
    described = {rule_key(rule): description for rule, description in describe}
    revoked = {rule_key(rule) for rule in revoke}
    result = [
        dict(rule, description=described.get(rule_key(rule), rule["description"]))
        for rule in current
        if rule_key(rule) not in revoked
    ]
    return add, describe, revoke, result + add


# ---------------------------------------------------------------------------------------------------------------------
# config


def normalize_config(params):
    """The config items, validated (before any AWS call), with their rules parsed and their tags."""
    state = params["state"]
    config = params["config"]
    dupes = duplicate_names(config)
    if dupes:
        raise ResourceSetError(f"config names each security group once; repeated: {', '.join(dupes)}")
    names = {item["name"] for item in config}
    items = []
    for item in config:
        name = item["name"]
        if name.startswith("sg-"):
            raise ResourceSetError(f"security group {name}: a group name cannot start with sg-")
        if state == "deleted":
            if name == DEFAULT_GROUP:
                raise ResourceSetError("the default security group of a VPC is never deleted; remove it from config")
            items.append({"name": name})
            continue
        description = item.get("description")
        if not description:
            raise ResourceSetError(f"security group {name}: description is required")
        if len(description) > MAX_DESCRIPTION:
            raise ResourceSetError(f"security group {name}: description is longer than {MAX_DESCRIPTION} characters")
        egress = item.get("egress")
        items.append(
            {
                "name": name,
                "description": description,
                "tags": item_tags(params["tags"], item),
                "ingress": parse_rules(name, "ingress", item.get("ingress") or [], names),
                "egress": parse_rules(name, "egress", [ALLOW_ALL_EGRESS] if egress is None else egress, names),
            }
        )
    return items


# ---------------------------------------------------------------------------------------------------------------------
# AWS calls


def failed(what, error):
    return AnsibleEC2Error(message=f"Failed to {what}", exception=error)


def read_groups(client, vpc_id, names=None):
    """DescribeSecurityGroups of the VPC (filtered on the names, when given): one paginated call."""
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}]
    if names is not None:
        if not names:
            return []
        filters.append({"Name": "group-name", "Values": list(names)})
    try:
        return paginated_query_with_retries(
            client, "describe_security_groups", retry_decorator=AWSRetry.jittered_backoff(), Filters=filters
        )["SecurityGroups"]
    except (BotoCoreError, ClientError) as e:
        raise failed(f"describe the security groups of {vpc_id}", e) from e


def read_rules(client, group_ids):
    """DescribeSecurityGroupRules of the groups (one paginated call per 200 groups) -> {id: {ingress, egress}}."""
    rules = {group_id: {"ingress": [], "egress": []} for group_id in group_ids}
    ids = sorted(group_ids)
    for start in range(0, len(ids), FILTER_VALUES):
        chunk = ids[start : start + FILTER_VALUES]
        try:
            found = paginated_query_with_retries(
                client,
                "describe_security_group_rules",
                retry_decorator=AWSRetry.jittered_backoff(),
                Filters=[{"Name": "group-id", "Values": chunk}],
            )["SecurityGroupRules"]
        except (BotoCoreError, ClientError) as e:
            raise failed(f"describe the rules of security groups {', '.join(chunk)}", e) from e
        for item in found:
            if item.get("GroupId") in rules:
                rules[item["GroupId"]]["egress" if item.get("IsEgress") else "ingress"].append(rule_from_aws(item))
    return rules


def group_from_aws(group, rules=None):
    rules = rules or {"ingress": [], "egress": []}
    return {
        "name": group["GroupName"],
        "group_id": group["GroupId"],
        "description": group.get("Description"),
        "tags": sorted_tags(boto3_tag_list_to_ansible_dict(group.get("Tags") or [])),
        "ingress": list(rules["ingress"]),
        "egress": list(rules["egress"]),
    }


def create_request(vpc_id, item):
    return {
        "GroupName": item["name"],
        "Description": item["description"],
        "VpcId": vpc_id,
        "TagSpecifications": [{"ResourceType": "security-group", "Tags": boto3_tag_list(item["tags"])}],
    }


def immutable_description(item, group):
    return (
        f"security group {item['name']} ({group['group_id']}): the description of a group cannot be changed in AWS; "
        f"it is '{group['description']}' and the config asks for '{item['description']}' (keep the description, "
        "or delete the group and create it again)"
    )


class SecurityGroupSet:
    """The security groups of one VPC, converged as a set."""

    def __init__(self, client, module, config):
        self.client = client
        self.check_mode = module.check_mode
        self.vpc_id = module.params["vpc_id"]
        self.state = module.params["state"]
        self.owner_tags = module.params["owner_tags"]
        self.config = config
        self.existing = {}  # name -> group as read (never changed: the "before" of the diff)
        self.groups = {}  # name -> group as it is now (created ones included)
        self.ids = {}  # name -> ID, of every group read or created
        self.names = {}  # ID -> name
        self.created_ids = set()
        self.doomed = []  # the names of the groups to delete, in delete order
        self.doomed_revoked = False

    # -- reading ------------------------------------------------------------------------------------------------

    def owned(self, group):
        return is_owned(group["tags"], self.owner_tags)

    def read(self):
        listed = [item["name"] for item in self.config]
        read_all = self.state in ("overridden", "gathered") or (self.state == "deleted" and not self.config)
        found = read_groups(self.client, self.vpc_id, None if read_all else listed)
        groups = {}
        for group in found:
            name = group["GroupName"]
            if name not in listed and (not read_all or name == DEFAULT_GROUP):
                continue  # a filter wildcard match, or the default group nobody listed
            groups[name] = group_from_aws(group)
        wanted = [
            group["group_id"] for name, group in groups.items() if name in listed or (read_all and self.owned(group))
        ]
        rules = read_rules(self.client, wanted) if wanted else {}
        for group in groups.values():
            if group["group_id"] in rules:
                group.update(rules[group["group_id"]])
            self.remember(group)
        self.existing = groups
        self.groups = dict(groups)

    def remember(self, group):
        if group["group_id"]:
            self.ids[group["name"]] = group["group_id"]
            self.names[group["group_id"]] = group["name"]

    def view(self, group):
        return {
            "name": group["name"],
            "group_id": group["group_id"],
            "description": group["description"],
            "ingress": rules_view(group["ingress"], self.names),
            "egress": rules_view(group["egress"], self.names),
            "tags": sorted_tags(group["tags"]),
        }

    # -- creating -------------------------------------------------------------------------------------------------

    def preflight(self):
        """Refusals that must come before any write: changed descriptions, unowned groups under replace."""
        purge = self.state in ("replaced", "overridden")
        for item in self.config:
            group = self.existing.get(item["name"])
            if group is None:
                continue
            if group["description"] != item["description"]:
                raise ResourceSetError(immutable_description(item, group))
            if purge and not self.owned(group):
                raise ResourceSetError(
                    f"{item['name']} exists but is not owned (missing the owner tags): state {self.state} would "
                    "rewrite it"
                )

    def create_missing(self):
        """Creates every listed group that does not exist (config order), then reads their rules (the egress rule
        AWS adds). In check mode, predicts them."""
        missing = [item for item in self.config if item["name"] not in self.existing]
        for item in missing:
            if self.check_mode:
                self.groups[item["name"]] = {
                    "name": item["name"],
                    "group_id": None,
                    "description": item["description"],
                    "tags": item["tags"],
                    "ingress": [],
                    "egress": [dict(parse_rules(item["name"], "egress", [ALLOW_ALL_EGRESS], set())[0], rule_id=None)],
                }
                continue
            group = self.create(item)
            self.groups[item["name"]] = group
            self.created_ids.add(group["group_id"])
            self.remember(group)
        if missing and not self.check_mode:
            rules = self.wait_for_rules(sorted(self.created_ids))
            for item in missing:
                group = self.groups[item["name"]]
                group.update(rules[group["group_id"]])

    def create(self, item):
        request = create_request(self.vpc_id, item)
        try:
            response = self.client.create_security_group(aws_retry=True, **request)
        except is_boto3_error_code("InvalidGroup.Duplicate") as e:
            # A create that committed before its answer was lost: the retry finds the group. Adopt it.
            found = [g for g in read_groups(self.client, self.vpc_id, [item["name"]]) if g["GroupName"] == item["name"]]
            if not found:
                raise failed(f"create security group {item['name']}", e) from e
            group = group_from_aws(found[0])
            if group["description"] != item["description"]:
                raise ResourceSetError(immutable_description(item, group)) from e
            return group
        except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
            raise failed(f"create security group {item['name']}", e) from e
        tags = boto3_tag_list_to_ansible_dict(response.get("Tags") or request["TagSpecifications"][0]["Tags"])
        return {
            "name": item["name"],
            "group_id": response["GroupId"],
            "description": item["description"],
            "tags": sorted_tags(tags),
            "ingress": [],
            "egress": [],
        }

    def wait_for_rules(self, group_ids):
        """The rules of new groups, read until each shows the egress rule AWS adds to a new group (EC2 is
        eventually consistent), with the shared poller (short first delay, backoff). After NEW_GROUP_TIMEOUT the
        rules as last read are used: the rule writes then add what is missing."""
        try:
            return poll(
                lambda: read_rules(self.client, group_ids),
                lambda rules: all(rules[group_id]["ingress"] or rules[group_id]["egress"] for group_id in group_ids),
                NEW_GROUP_TIMEOUT,
                what="the rules of the new security groups",
                first_delay=NEW_GROUP_FIRST_DELAY,
                max_delay=NEW_GROUP_MAX_DELAY,
                factor=2,
            )
        except WaitTimeout as e:
            return e.value

    # -- rules ----------------------------------------------------------------------------------------------------

    def call(self, method, group_ids, **params):
        """One write, retried on throttling; also on InvalidGroup.NotFound when it involves a group created by this
        run (eventual consistency)."""
        if self.created_ids.intersection(group_ids):
            method = NEW_GROUP_RETRY(method)
        return method(aws_retry=True, **params)

    def authorize(self, group, direction, rules):
        name, group_id = group["name"], group["group_id"]
        method = getattr(self.client, f"authorize_security_group_{direction}")
        involved = [group_id] + [rule["target"] for rule in rules if rule["kind"] == "source"]
        what = f"authorize {direction} rules of security group {name} ({group_id})"
        try:
            self.call(method, involved, GroupId=group_id, IpPermissions=[ip_permission(r) for r in rules])
        except is_boto3_error_code("InvalidPermission.Duplicate") as e:
            # An authorize that committed before its answer was lost, retried: read the rules back.
            present = {rule_key(rule) for rule in read_rules(self.client, [group_id])[group_id][direction]}
            missing = [rule for rule in rules if rule_key(rule) not in present]
            if not missing:
                return
            try:
                self.call(method, involved, GroupId=group_id, IpPermissions=[ip_permission(r) for r in missing])
            except (BotoCoreError, ClientError) as again:
                raise failed(what, again) from e
        except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
            raise failed(what, e) from e

    def update_descriptions(self, group, direction, changes):
        name, group_id = group["name"], group["group_id"]
        method = getattr(self.client, f"update_security_group_rule_descriptions_{direction}")
        descriptions = []
        for rule, description in changes:
            entry = {"SecurityGroupRuleId": rule["rule_id"]}
            if description:
                entry["Description"] = description
            descriptions.append(entry)
        what = f"update the {direction} rule descriptions of security group {name} ({group_id})"
        try:
            self.call(method, [group_id], GroupId=group_id, SecurityGroupRuleDescriptions=descriptions)
        except (BotoCoreError, ClientError) as e:
            raise failed(what, e) from e

    def revoke(self, group, direction, rules):
        name, group_id = group["name"], group["group_id"]
        method = getattr(self.client, f"revoke_security_group_{direction}")
        rule_ids = [rule["rule_id"] for rule in sorted(rules, key=lambda r: view_sort_key(rule_view(r, {})))]
        what = f"revoke {direction} rules of security group {name} ({group_id})"
        try:
            self.call(method, [group_id], GroupId=group_id, SecurityGroupRuleIds=rule_ids)
        except is_boto3_error_code("InvalidSecurityGroupRuleId.NotFound"):
            return  # revoked meanwhile
        except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
            raise failed(what, e) from e

    def present(self, item, current, purge):
        """Tags and rules of one group (created or predicted already when ``current`` is None)."""
        group = self.groups[item["name"]]
        new = current is None
        # A new group is made exactly as listed: the egress rule AWS adds goes when it is not listed.
        purge = purge or new
        changed = new
        if group["group_id"] is not None:
            changed |= ensure_ec2_tags(
                self.client, self.check_mode, group["group_id"], group["tags"], item["tags"], purge_tags=purge
            )
        result = dict(group, tags=updated_tags(group["tags"], item["tags"], purge_tags=purge))
        for direction in DIRECTIONS:
            wanted = [resolve(rule, self.ids) for rule in item[direction]]
            add, describe, revoke, result[direction] = plan_rules(group[direction], wanted, purge)
            changed |= bool(add or describe or revoke)
            if self.check_mode:
                continue
            if add:
                self.authorize(group, direction, add)
            if describe:
                self.update_descriptions(group, direction, describe)
            if revoke:
                self.revoke(group, direction, revoke)
        self.groups[item["name"]] = result
        return changed, self.view(result)

    # -- deleting -------------------------------------------------------------------------------------------------

    def absent(self, group):
        if not self.doomed_revoked:
            # AWS refuses to delete a group another group's rule references, and groups of the set may reference
            # each other: before the first delete, revoke those references, and nothing else. Every other rule stays
            # until its group's delete, so a group whose delete is refused (in use) keeps the traffic it carries.
            doomed_ids = {self.existing[name]["group_id"] for name in self.doomed}
            for name in self.doomed:
                doomed = self.existing[name]
                for direction in DIRECTIONS:
                    ties = blocking_rules(doomed, direction, doomed_ids)
                    if ties:
                        self.revoke(doomed, direction, ties)
            self.doomed_revoked = True
        try:
            self.client.delete_security_group(aws_retry=True, GroupId=group["group_id"])
        except is_boto3_error_code("InvalidGroup.NotFound"):
            return  # already gone
        except is_boto3_error_code("DependencyViolation") as e:  # pylint: disable=duplicate-except
            message = e.response.get("Error", {}).get("Message", "")
            raise ResourceSetError(
                f"cannot delete security group {group['name']} ({group['group_id']}): it is still in use, by a "
                f"network interface (an instance, a load balancer, a task, an endpoint) or by a rule of a group "
                f"outside this set (not being deleted); it keeps its rules, but those that referenced another group "
                f"being deleted ({message})"
            ) from e
        except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
            raise failed(f"delete security group {group['name']} ({group['group_id']})", e) from e

    def doomed_names(self):
        """The groups converge_set will delete, in its order."""
        if self.state == "deleted":
            names = [item["name"] for item in self.config] or sorted(
                name for name, group in self.existing.items() if self.owned(group)
            )
            return [name for name in names if name in self.existing]
        if self.state == "overridden":
            listed = {item["name"] for item in self.config}
            return [name for name in sorted(self.existing) if name not in listed and self.owned(self.existing[name])]
        return []

    # -- states ---------------------------------------------------------------------------------------------------

    def gathered(self):
        self.read()
        groups = [self.view(self.existing[name]) for name in sorted(self.existing) if self.owned(self.existing[name])]
        return {"changed": False, "security_groups": groups}

    def converge(self):
        self.read()
        if self.state != "deleted":
            self.preflight()
            self.create_missing()
        self.doomed = self.doomed_names()
        result = converge_set(
            state=self.state,
            config=self.config,
            existing=self.existing,
            owned=self.owned,
            present=self.present,
            absent=self.absent,
            view=self.view,
            check_mode=self.check_mode,
        )
        result["security_groups"] = result.pop("items")
        return result


def rendered(params, config):
    """The requests a create of the listed groups sends (no AWS call): the creates, then the authorizes."""
    vpc_id = params["vpc_id"] or UNKNOWN_VPC_ID
    requests = [{"action": "CreateSecurityGroup", "request": create_request(vpc_id, item)} for item in config]
    default_egress = parse_rules("", "egress", [ALLOW_ALL_EGRESS], set())
    groups = []
    for item in config:
        for direction in DIRECTIONS:
            rules = item[direction]
            if direction == "egress":
                rules = [rule for rule in rules if rule_key(rule) != rule_key(default_egress[0])]
            if rules:
                requests.append(
                    {
                        "action": f"AuthorizeSecurityGroup{direction.capitalize()}",
                        "request": {"GroupId": item["name"], "IpPermissions": [ip_permission(r) for r in rules]},
                    }
                )
        groups.append(
            {
                "name": item["name"],
                "group_id": None,
                "description": item["description"],
                "ingress": rules_view(item["ingress"], {}),
                "egress": rules_view(item["egress"], {}),
                "tags": item["tags"],
            }
        )
    return {"changed": False, "rendered": requests, "security_groups": groups}


def main():
    argument_spec = resource_set_argument_spec(CONFIG_OPTIONS, vpc_id={"type": "str"})
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", state, ["vpc_id"]) for state in STATES if state != "rendered"],
    )
    state = module.params["state"]

    try:
        config = normalize_config(module.params)
        if state == "rendered":
            result = rendered(module.params, config)
        else:
            client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
            group_set = SecurityGroupSet(client, module, config)
            result = group_set.gathered() if state == "gathered" else group_set.converge()
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except AnsibleEC2Error as e:
        module.fail_json_aws_error(e)

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    result["group_ids"] = {group["name"]: group["group_id"] for group in result["security_groups"]}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
