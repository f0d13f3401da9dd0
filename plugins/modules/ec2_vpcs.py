# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ec2_vpcs
version_added: 0.5.0
short_description: Manage a set of VPCs with their DNS attributes and internet gateways in one call
description:
  - Creates, updates and deletes VPCs given as a list (O(config)), each with its DNS attributes and, when asked, an
    internet gateway attached to it, in one task. It can also return the region's available Availability Zones,
    read at the same time, for the caller that plans subnets over them.
  - Replaces M(amazon.aws.ec2_vpc_net) followed by M(amazon.aws.ec2_vpc_igw) and M(amazon.aws.aws_az_info), three
    tasks, so three Python processes of about 0.5 s each, for what takes four concurrent reads on a re-run.
    M(amazon.aws.ec2_vpc_net) also finds a VPC by the pair C(Name) tag and CIDR, so a changed CIDR silently creates
    a second VPC; this module finds it by its C(Name) tag and refuses the change (the primary CIDR of a VPC cannot
    change) before any write.
  - The set follows the states of Ansible's network resource modules (O(state)). Ownership is proven by the
    O(owner_tags); a VPC without them is never rewritten, deleted or returned by V(gathered).
  - An internet gateway the item does not ask for (O(config[].internet_gateway) not set) is left alone.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  config:
    description:
      - The VPCs, each named once.
      - With O(state=deleted), an empty list means every VPC of the region that carries the O(owner_tags).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The C(Name) tag of the VPC. It identifies the VPC; two VPCs with the same C(Name) are refused.
        type: str
        required: true
      cidr_block:
        description:
          - The primary IPv4 CIDR of the VPC. Required unless O(state) is V(deleted) or V(gathered).
          - Cannot be changed on an existing VPC; the module fails, naming both values, before any write.
        type: str
      dns_support:
        description: Whether the Amazon-provided DNS server resolves names in the VPC (C(enableDnsSupport)).
        type: bool
        default: true
      dns_hostnames:
        description:
          - Whether instances with public IPs get public DNS host names (C(enableDnsHostnames)). Interface VPC
            endpoints with private DNS and EFS mount target names need it.
        type: bool
        default: true
      internet_gateway:
        description:
          - The internet gateway of the VPC, created and attached when missing, its tags converged like the VPC's.
          - Not set, an attached internet gateway is left as it is.
        type: dict
        suboptions:
          name:
            description: Its C(Name) tag.
            type: str
            required: true
          tags:
            description: Its own tags, added to (and overriding) the common O(tags).
            type: dict
            default: {}
      tags:
        description: Tags of this VPC only, added to (and overriding) the common O(tags).
        type: dict
        default: {}
  state:
    description:
      - V(merged) creates the missing VPCs and internet gateways and updates the attributes given; tags not named
        are kept.
      - V(replaced) makes every listed VPC (and its listed internet gateway) exactly as described, tags included;
        unlisted VPCs are left alone.
      - V(overridden) is V(replaced), and deletes every VPC that carries the O(owner_tags) and is no longer listed.
      - V(deleted) deletes the listed VPCs (every owned VPC when O(config) is empty), each after detaching and
        deleting its internet gateways. A listed VPC, or one of its internet gateways, that exists without the
        O(owner_tags) is refused before anything is deleted. AWS refuses to delete a VPC that still has subnets,
        security groups and so on (C(DependencyViolation)); delete those first.
      - V(gathered) only reads, and returns every owned VPC in the O(config) format.
      - V(rendered) makes no AWS call and returns the C(CreateVpc) requests of the listed VPCs.
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description:
      - Tags every VPC and internet gateway carries (the stack's common tags). Each gets these, then its own
        tags, then C(Name).
      - Include the O(owner_tags) here, or the VPCs created will not be owned.
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark a VPC (and an internet gateway) as belonging to this set. Only resources carrying all of
        them are deleted, rewritten by O(state=replaced) or returned by O(state=gathered). When empty, nothing is
        owned.
    type: dict
    default: {}
  availability_zones:
    description:
      - Also return the names of the region's C(available) Availability Zones in RV(availability_zones), read
        concurrently with the VPCs (C(DescribeAvailabilityZones)).
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - The reads run concurrently; writes are sent one after the other, in O(config) order, tags sorted by key.
  - A new VPC is created with its tags (C(TagSpecifications)), so that a create whose answer was lost is found
    again by its C(Name) on the next run; the module then waits for it to be C(available) (short first delay,
    backoff) before setting its DNS attributes.
seealso:
  - module: amazon.aws.ec2_vpc_net
  - module: amazon.aws.ec2_vpc_igw
  - module: amazon.aws.aws_az_info
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Converge the VPC of a stack with its internet gateway, and read the AZs
  stacksmith.aws.ec2_vpcs:
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: replaced
    availability_zones: true
    config:
      - name: shop-prod-vpc
        cidr_block: 10.0.0.0/16
        internet_gateway: {name: shop-prod-igw}
  register: network

- name: Delete the VPC (its subnets and security groups first) and its internet gateway
  stacksmith.aws.ec2_vpcs:
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: deleted
    config:
      - name: shop-prod-vpc
"""

RETURN = r"""
vpcs:
  description:
    - The listed VPCs as they now are (as they would be, in check mode), in O(config) order.
    - With O(state=gathered), every owned VPC, sorted by name. Empty with O(state=deleted).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The C(Name) tag of the VPC.
      type: str
      returned: always
      sample: shop-prod-vpc
    vpc_id:
      description: The ID of the VPC; V(null) for a VPC that would be created.
      type: str
      returned: always
      sample: vpc-0123456789abcdef0
    cidr_block:
      description: Its primary CIDR.
      type: str
      returned: always
      sample: 10.0.0.0/16
    dns_support:
      description: C(enableDnsSupport).
      type: bool
      returned: always
    dns_hostnames:
      description: C(enableDnsHostnames).
      type: bool
      returned: always
    internet_gateway:
      description: Its internet gateway (C(name), C(internet_gateway_id), C(tags)); V(null) when it has none.
      type: dict
      returned: always
    tags:
      description: The tags of the VPC, sorted by key.
      type: dict
      returned: always
vpc_ids:
  description: Name to VPC ID of the VPCs in RV(vpcs); V(null) for one that would be created.
  returned: always
  type: dict
  sample: {"shop-prod-vpc": "vpc-0123456789abcdef0"}
internet_gateway_ids:
  description: VPC name to the ID of its internet gateway (V(null) for none, or one that would be created).
  returned: always
  type: dict
  sample: {"shop-prod-vpc": "igw-0123456789abcdef0"}
availability_zones:
  description: The names of the region's C(available) Availability Zones, in the order EC2 lists them.
  returned: when O(availability_zones=true) and O(state) is not V(rendered)
  type: list
  elements: str
  sample: ["us-east-1a", "us-east-1b"]
created:
  description: The names of the VPCs created (that would be created, in check mode), in O(config) order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
updated:
  description: The names of the existing VPCs of which something (attributes, tags, internet gateway) changed.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
deleted:
  description: The names of the VPCs deleted.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
rendered:
  description: The C(CreateVpc) requests of the listed VPCs, in O(config) order.
  returned: when O(state=rendered)
  type: list
  elements: dict
diff:
  description: Before and after, keyed by VPC name, of the VPCs that change.
  returned: in diff mode, when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: dict
"""

import ipaddress

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import (
    is_boto3_error_code,
    paginated_query_with_retries,
)
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.transformation import ansible_dict_to_boto3_filter_list
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    converge_set,
    duplicate_names,
    is_owned,
    item_tags,
    resource_set_argument_spec,
    run_concurrently,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    described_tags,
    ensure_ec2_tags,
    updated_tags,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "cidr_block": {"type": "str"},
    "dns_support": {"type": "bool", "default": True},
    "dns_hostnames": {"type": "bool", "default": True},
    "internet_gateway": {
        "type": "dict",
        "options": {"name": {"type": "str", "required": True}, "tags": {"type": "dict", "default": {}}},
    },
    "tags": {"type": "dict", "default": {}},
}
# A new VPC is `pending` for a moment (about a second on AWS); its DNS attributes are set once it is available.
VPC_WAIT_TIMEOUT = 120
VPC_FIRST_DELAY = 0.5
# EC2 is eventually consistent: a VPC or gateway created a moment ago can answer NotFound.
NEW_RESOURCE_RETRY = AWSRetry.jittered_backoff(
    retries=5, catch_extra_error_codes=["InvalidVpcID.NotFound", "InvalidInternetGatewayID.NotFound"]
)
ATTRIBUTES = (
    ("dns_support", "enableDnsSupport", "EnableDnsSupport"),
    ("dns_hostnames", "enableDnsHostnames", "EnableDnsHostnames"),
)
# What CreateVpc gives a new VPC (AWS documentation, "DNS attributes in your VPC").
NEW_VPC_ATTRIBUTES = {"dns_support": True, "dns_hostnames": False}


# ---------------------------------------------------------------------------------------------------------------------
# input


def normalize_config(config):
    """Validated items (a CIDR in its network form); ResourceSetError naming every bad item."""
    errors = []
    items = []
    for item in config:
        item = dict(item, tags=item.get("tags") or {})
        if item.get("internet_gateway") is not None:
            item["internet_gateway"] = dict(item["internet_gateway"], tags=item["internet_gateway"].get("tags") or {})
        if item.get("cidr_block"):
            try:
                network = ipaddress.IPv4Network(item["cidr_block"])
            except ValueError:
                errors.append(f"{item['name']}: cidr_block {item['cidr_block']} is not an IPv4 network")
            else:
                if not 16 <= network.prefixlen <= 28:
                    errors.append(
                        f"{item['name']}: cidr_block {item['cidr_block']} is outside what a VPC accepts "
                        "(a /16 to a /28)"
                    )
        items.append(item)
    if errors:
        raise ResourceSetError("; ".join(errors))
    return items


# ---------------------------------------------------------------------------------------------------------------------
# reading


def describe_vpcs(client, names, owner_tags):
    """The VPCs named in ``names`` (by their Name tag) or, with no names, the ones carrying the owner tags."""
    filters = {"tag:Name": sorted(names)} if names else {f"tag:{k}": str(v) for k, v in sorted(owner_tags.items())}
    if not filters:
        return []
    vpcs = paginated_query_with_retries(client, "describe_vpcs", Filters=ansible_dict_to_boto3_filter_list(filters))
    return sorted(vpcs.get("Vpcs") or [], key=lambda vpc: vpc["VpcId"])


def describe_availability_zones(client):
    zones = client.describe_availability_zones(
        aws_retry=True, Filters=ansible_dict_to_boto3_filter_list({"state": "available"})
    )["AvailabilityZones"]
    return [zone["ZoneName"] for zone in zones]


def describe_attribute(client, vpc_id, attribute):
    answer = client.describe_vpc_attribute(aws_retry=True, VpcId=vpc_id, Attribute=attribute)
    key = attribute[0].upper() + attribute[1:]
    return answer[key]["Value"]


def describe_internet_gateways(client, vpc_ids):
    """vpc id -> the internet gateways attached to it (one DescribeInternetGateways call for them all)."""
    if not vpc_ids:
        return {}
    igws = (
        paginated_query_with_retries(
            client,
            "describe_internet_gateways",
            Filters=ansible_dict_to_boto3_filter_list({"attachment.vpc-id": sorted(vpc_ids)}),
        ).get("InternetGateways")
        or []
    )
    result = {vpc_id: [] for vpc_id in vpc_ids}
    for igw in sorted(igws, key=lambda gateway: gateway["InternetGatewayId"]):
        for attachment in igw.get("Attachments") or []:
            if attachment.get("VpcId") in result:
                result[attachment["VpcId"]].append(igw)
    return result


def match_vpcs(vpcs):
    """name -> VPC; ResourceSetError when two VPCs carry the same Name (which of them is meant is unknowable)."""
    existing = {}
    errors = []
    for vpc in vpcs:
        name = described_tags(vpc).get("Name") or vpc["VpcId"]
        if name in existing:
            errors.append(f"{name}: several VPCs carry this Name ({existing[name]['VpcId']}, {vpc['VpcId']})")
        existing[name] = vpc
    if errors:
        raise ResourceSetError("; ".join(errors))
    return existing


def check_immutable(config, existing):
    errors = [
        f"VPC {item['name']} ({existing[item['name']]['VpcId']}): cidr_block is {existing[item['name']]['CidrBlock']}"
        f" but {item['cidr_block']} was requested"
        for item in config
        if item["name"] in existing
        and item.get("cidr_block")
        and str(ipaddress.IPv4Network(item["cidr_block"])) != existing[item["name"]]["CidrBlock"]
    ]
    if errors:
        raise ResourceSetError(
            "; ".join(errors) + ". The primary CIDR of a VPC cannot be changed: delete it and create it again"
        )


def igw_view(igw):
    if igw is None:
        return None
    tags = described_tags(igw)
    return {"name": tags.get("Name"), "internet_gateway_id": igw.get("InternetGatewayId"), "tags": tags}


def view(vpc):
    """A VPC as read (with the ``Attributes`` and ``InternetGateways`` this module adds) in the config format."""
    attributes = vpc.get("Attributes") or {}
    igws = vpc.get("InternetGateways") or []
    return {
        "name": described_tags(vpc).get("Name"),
        "vpc_id": vpc.get("VpcId"),
        "cidr_block": vpc.get("CidrBlock"),
        "state": vpc.get("State"),
        "dns_support": attributes.get("dns_support"),
        "dns_hostnames": attributes.get("dns_hostnames"),
        "internet_gateway": igw_view(igws[0]) if igws else None,
        "tags": described_tags(vpc),
    }


def planned_view(item, tags, igw_tags):
    return {
        "name": item["name"],
        "vpc_id": None,
        "cidr_block": str(ipaddress.IPv4Network(item["cidr_block"])),
        "state": None,
        "dns_support": item["dns_support"],
        "dns_hostnames": item["dns_hostnames"],
        "internet_gateway": (
            {"name": item["internet_gateway"]["name"], "internet_gateway_id": None, "tags": igw_tags}
            if item.get("internet_gateway")
            else None
        ),
        "tags": tags,
    }


# ---------------------------------------------------------------------------------------------------------------------
# writing


def create_request(item, tags):
    return {
        "CidrBlock": str(ipaddress.IPv4Network(item["cidr_block"])),
        "TagSpecifications": [{"ResourceType": "vpc", "Tags": boto3_tag_list(tags)}],
    }


def wait_available(client, vpc):
    """Polls DescribeVpcs (short first delay, backoff) until the new VPC is ``available``."""
    if vpc.get("State") == "available":
        return vpc

    def read():
        return client.describe_vpcs(aws_retry=True, VpcIds=[vpc["VpcId"]])["Vpcs"][0]

    try:
        return poll(
            read,
            lambda found: found.get("State") == "available",
            VPC_WAIT_TIMEOUT,
            f"VPC {vpc['VpcId']} to be available",
            first_delay=VPC_FIRST_DELAY,
            value=vpc,  # the CreateVpc answer: pending, so the first re-read comes after the first delay
        )
    except WaitTimeout as e:
        raise ResourceSetError(str(e)) from e


def igw_tags(common, item):
    return item_tags(common, item["internet_gateway"])


class VpcSet:
    """The VPCs of a stack (with their DNS attributes and internet gateways), converged as a set."""

    def __init__(self, client, module):
        self.client = client
        self.retrying = NEW_RESOURCE_RETRY
        self.check_mode = module.check_mode
        self.common_tags = module.params["tags"]
        self.owner_tags = module.params["owner_tags"]

    def owned(self, vpc):
        return is_owned(described_tags(vpc), self.owner_tags)

    # -- reads ---------------------------------------------------------------------------------------------------

    def read(self, names, with_zones):
        """(name -> VPC with Attributes and InternetGateways, AZ names or None), the reads in two concurrent
        rounds: the VPCs and the AZs; then the attributes of each VPC and the gateways of them all."""
        first = [lambda: describe_vpcs(self.client, names, self.owner_tags)]
        if with_zones:
            first.append(lambda: describe_availability_zones(self.client))
        answers = run_concurrently(lambda read: read(), first)
        vpcs = answers[0]
        zones = answers[1] if with_zones else None
        vpc_ids = [vpc["VpcId"] for vpc in vpcs]
        second = [(vpc_id, attribute) for vpc_id in vpc_ids for _option, attribute, _key in ATTRIBUTES]
        reads = [lambda pair=pair: describe_attribute(self.client, *pair) for pair in second]
        reads.append(lambda: describe_internet_gateways(self.client, vpc_ids))
        values = run_concurrently(lambda read: read(), reads)
        igws = values.pop()
        by_pair = dict(zip(second, values, strict=True))
        for vpc in vpcs:
            vpc["Attributes"] = {option: by_pair[(vpc["VpcId"], attribute)] for option, attribute, _key in ATTRIBUTES}
            vpc["InternetGateways"] = igws.get(vpc["VpcId"], [])
        return match_vpcs(vpcs), zones

    # -- converging one item -------------------------------------------------------------------------------------

    def set_attributes(self, vpc_id, current, item):
        changed = False
        for option, _attribute, key in ATTRIBUTES:
            if current.get(option) == item[option]:
                continue
            changed = True
            if not self.check_mode:
                self.client.modify_vpc_attribute(aws_retry=True, VpcId=vpc_id, **{key: {"Value": item[option]}})
        return changed

    def internet_gateway(self, vpc, item, purge):
        """Creates and attaches the item's gateway when the VPC has none, else converges its tags.
        Returns (changed, view)."""
        if not item.get("internet_gateway"):
            igws = vpc.get("InternetGateways") or []
            return False, igw_view(igws[0]) if igws else None
        tags = igw_tags(self.common_tags, item)
        igws = vpc.get("InternetGateways") or []
        if igws:
            igw = igws[0]
            changed = ensure_ec2_tags(
                self.client, self.check_mode, igw["InternetGatewayId"], described_tags(igw), tags, purge
            )
            return changed, dict(igw_view(igw), tags=updated_tags(described_tags(igw), tags, purge))
        planned = {"name": item["internet_gateway"]["name"], "internet_gateway_id": None, "tags": tags}
        if self.check_mode or not vpc.get("VpcId"):
            return True, planned
        igw = self.client.create_internet_gateway(
            aws_retry=True, TagSpecifications=[{"ResourceType": "internet-gateway", "Tags": boto3_tag_list(tags)}]
        )["InternetGateway"]
        self.retrying(self.client.attach_internet_gateway)(
            InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc["VpcId"]
        )
        return True, dict(planned, internet_gateway_id=igw["InternetGatewayId"])

    def present(self, item, vpc, purge):
        tags = item_tags(self.common_tags, item)
        if vpc is None:
            planned = planned_view(item, tags, igw_tags(self.common_tags, item) if item.get("internet_gateway") else {})
            if self.check_mode:
                return True, planned
            vpc = self.client.create_vpc(aws_retry=True, **create_request(item, tags))["Vpc"]
            vpc = wait_available(self.client, vpc)
            self.set_attributes(vpc["VpcId"], NEW_VPC_ATTRIBUTES, item)
            _changed, igw = self.internet_gateway(vpc, item, purge)
            return True, dict(planned, vpc_id=vpc["VpcId"], state=vpc.get("State"), internet_gateway=igw)
        current = view(vpc)
        changed = self.set_attributes(vpc["VpcId"], current, item)
        changed |= ensure_ec2_tags(self.client, self.check_mode, vpc["VpcId"], described_tags(vpc), tags, purge)
        igw_changed, igw = self.internet_gateway(vpc, item, purge)
        result = dict(
            current,
            dns_support=item["dns_support"],
            dns_hostnames=item["dns_hostnames"],
            internet_gateway=igw,
            tags=updated_tags(described_tags(vpc), tags, purge),
        )
        return changed or igw_changed, result

    def absent(self, vpc):
        for igw in vpc.get("InternetGateways") or []:
            try:
                self.client.detach_internet_gateway(
                    aws_retry=True, InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc["VpcId"]
                )
                self.client.delete_internet_gateway(aws_retry=True, InternetGatewayId=igw["InternetGatewayId"])
            except is_boto3_error_code(["InvalidInternetGatewayID.NotFound", "Gateway.NotAttached"]):
                continue
        try:
            self.client.delete_vpc(aws_retry=True, VpcId=vpc["VpcId"])
        except is_boto3_error_code("InvalidVpcID.NotFound"):
            return

    # -- the set -------------------------------------------------------------------------------------------------

    def check_foreign_gateways(self, names, existing):
        """deleted: refuses (before any delete) a VPC to delete whose internet gateway is not owned."""
        foreign = [
            f"{igw['InternetGatewayId']} (VPC {name})"
            for name in names
            if name in existing and self.owned(existing[name])
            for igw in existing[name].get("InternetGateways") or []
            if not is_owned(described_tags(igw), self.owner_tags)
        ]
        if foreign:
            raise ResourceSetError(
                f"refusing to delete the internet gateways {', '.join(foreign)}: not owned (missing the owner tags); "
                "nothing was deleted"
            )

    def converge(self, state, config, with_zones):
        if state != "deleted":
            missing = [item["name"] for item in config if not item.get("cidr_block")]
            if missing:
                raise ResourceSetError(f"cidr_block is required with state {state}; missing for {', '.join(missing)}")
        names = [item["name"] for item in config]
        # overridden and an empty deleted act on every owned VPC; the others only on the listed ones.
        scope = [] if state == "overridden" or (state == "deleted" and not config) else names
        existing, zones = self.read(scope, with_zones)
        if state == "overridden":
            named, _zones = self.read(names, False) if names else ({}, None)
            existing.update(named)
        if state == "deleted":
            targets = names or sorted(name for name, vpc in existing.items() if self.owned(vpc))
            self.check_foreign_gateways(targets, existing)
        else:
            check_immutable(config, existing)
        if state == "overridden":
            listed = set(names)
            self.check_foreign_gateways([n for n in existing if n not in listed], existing)
        result = converge_set(
            state=state,
            config=config,
            existing=existing,
            owned=self.owned,
            present=self.present,
            absent=self.absent,
            view=view,
            check_mode=self.check_mode,
        )
        result["vpcs"] = result.pop("items")
        if zones is not None:
            result["availability_zones"] = zones
        return result

    def gathered(self, with_zones):
        existing, zones = self.read([], with_zones)
        vpcs = sorted((view(vpc) for vpc in existing.values() if self.owned(vpc)), key=lambda v: v["name"] or "")
        result = {"changed": False, "vpcs": vpcs}
        if zones is not None:
            result["availability_zones"] = zones
        return result


def rendered(params, config):
    requests = []
    vpcs = []
    for item in config:
        if not item.get("cidr_block"):
            raise ResourceSetError(f"cidr_block is required with state rendered; missing for {item['name']}")
        tags = item_tags(params["tags"], item)
        requests.append(create_request(item, tags))
        vpcs.append(planned_view(item, tags, igw_tags(params["tags"], item) if item.get("internet_gateway") else {}))
    return {"changed": False, "rendered": requests, "vpcs": vpcs}


def main():
    argument_spec = resource_set_argument_spec(CONFIG_OPTIONS, availability_zones={"type": "bool", "default": False})
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    state = module.params["state"]

    try:
        config = normalize_config(module.params["config"])
        dupes = duplicate_names(config)
        if dupes:
            raise ResourceSetError(f"config names each VPC once; repeated: {', '.join(dupes)}")
        if state == "rendered":
            result = rendered(module.params, config)
        else:
            client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
            vpc_set = VpcSet(client, module)
            with_zones = module.params["availability_zones"]
            result = (
                vpc_set.gathered(with_zones) if state == "gathered" else vpc_set.converge(state, config, with_zones)
            )
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to converge the VPCs")

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    result["vpc_ids"] = {vpc["name"]: vpc["vpc_id"] for vpc in result["vpcs"]}
    result["internet_gateway_ids"] = {
        vpc["name"]: (vpc["internet_gateway"] or {}).get("internet_gateway_id") for vpc in result["vpcs"]
    }
    module.exit_json(**result)


if __name__ == "__main__":
    main()
