# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ec2_vpc_subnets
version_added: 0.4.0
short_description: Manage the whole set of subnets of a VPC in one call
description:
  - Creates, tags, updates and deletes the subnets of one VPC, given as a list (O(config)), in one task.
  - Replaces a C(loop:) of M(amazon.aws.ec2_vpc_subnet). That module converges one subnet per task, so a stack
    with six subnets pays six Python processes (about 0.4 s each) for about a dozen API calls of a few
    milliseconds. It also finds a subnet by its CIDR only, reads its tags again with C(DescribeTags) after
    describing it, waits with fixed 5 second delays, cannot remove the subnets a stack no longer lists, and fails
    when a create that AWS committed is retried after a lost answer (C(InvalidSubnet.Conflict)).
  - This module reads every subnet of the VPC with one C(DescribeSubnets) call and converges the set with the
    states of Ansible's network resource modules (O(state)). A listed item is the subnet whose C(Name) tag is
    the item's O(config[].name); failing that, the subnet of the VPC with the item's O(config[].cidr) (a CIDR is
    unique within a VPC). A subnet found by its CIDR that carries another C(Name) is adopted only when it
    carries the O(owner_tags).
  - O(config[].cidr) and O(config[].az) cannot be changed on an existing subnet; the module fails, naming the
    subnet and both values, before any write. Tags and O(config[].map_public) are updated in place.
  - A create that AWS committed but whose answer was lost (the retry then fails with C(InvalidSubnet.Conflict))
    is not an error; the module adopts the subnet of the VPC with that CIDR and converges its tags and
    O(config[].map_public).
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  vpc_id:
    description:
      - The ID of the VPC the subnets belong to.
      - Required for every O(state) but V(rendered).
    type: str
  config:
    description:
      - The subnets, each named once.
      - With O(state=deleted), an empty list means every subnet of the VPC that carries the O(owner_tags).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The name of the subnet, its C(Name) tag. It identifies the subnet.
        type: str
        required: true
      cidr:
        description:
          - The IPv4 CIDR block of the subnet, for example V(10.0.1.0/24).
          - Cannot be changed on an existing subnet.
        type: str
        required: true
      az:
        description:
          - The availability zone of the subnet, for example V(us-east-1a).
          - Cannot be changed on an existing subnet.
        type: str
        required: true
      map_public:
        description:
          - Whether network interfaces created in the subnet get a public IPv4 address (C(MapPublicIpOnLaunch)).
        type: bool
        default: false
      tags:
        description:
          - Tags of this subnet only, added to (and overriding) the common O(tags).
        type: dict
        default: {}
  state:
    description:
      - V(merged) creates the missing subnets and updates the listed ones; tags not named are kept.
      - V(replaced) makes every listed subnet exactly as described (tags not named are removed); unlisted subnets
        are left alone.
      - V(overridden) is V(replaced), and deletes every subnet of the VPC that carries the O(owner_tags) and is no
        longer listed. Subnets without the owner tags are never touched.
      - V(deleted) deletes the listed subnets (every owned subnet of the VPC when O(config) is empty). A listed
        subnet that exists without the O(owner_tags) is refused before anything is deleted.
      - V(gathered) only reads, and returns every owned subnet of the VPC in the O(config) format.
      - V(rendered) makes no AWS call and returns the C(CreateSubnet) requests the listed subnets would be
        created with.
      - V(replaced) and V(overridden) refuse to rewrite a listed subnet that does not carry the O(owner_tags).
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description:
      - Tags every subnet carries (the stack's common tags). Each subnet gets these, then its own
        O(config[].tags), then C(Name).
      - Include the O(owner_tags) here, or the subnets created will not be owned.
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark a subnet as belonging to this set. Only subnets carrying all of them (with these
        values) are deleted by O(state=overridden) and O(state=deleted), rewritten by O(state=replaced), or
        returned by O(state=gathered).
      - When empty, no subnet is owned.
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
  - Writes are sent one after the other, in O(config) order, then deletes in name order, so the requests of a
    run are deterministic (tags sorted by key).
  - Deleting a subnet that something still uses (network interfaces of instances, NAT gateways, load balancers,
    endpoints) fails with a message naming the subnet; the subnets deleted before it stay deleted.
  - IPv6 CIDR blocks, Outposts and the other subnet attributes are not managed.
seealso:
  - module: amazon.aws.ec2_vpc_subnet
  - module: amazon.aws.ec2_vpc_subnet_info
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Converge the subnets of a stack (tags not named are removed)
  stacksmith.aws.ec2_vpc_subnets:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod, managed-by: stacksmith, environment: prod}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: replaced
    config:
      - {name: shop-prod-public-a, cidr: 10.0.0.0/24, az: us-east-1a, map_public: true, tags: {tier: public}}
      - {name: shop-prod-private-a, cidr: 10.0.10.0/24, az: us-east-1a, tags: {tier: private}}
  register: subnets

- name: Use the subnet IDs by name
  ansible.builtin.debug:
    msg: "{{ subnets.subnet_ids['shop-prod-private-a'] }}"

- name: Delete the stack's subnets that the list no longer names (never another stack's)
  stacksmith.aws.ec2_vpc_subnets:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: overridden
    config:
      - {name: shop-prod-private-a, cidr: 10.0.10.0/24, az: us-east-1a}

- name: Read the stack's subnets
  stacksmith.aws.ec2_vpc_subnets:
    vpc_id: vpc-0123456789abcdef0
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: gathered
  register: gathered

- name: Preview the create requests before the VPC exists
  stacksmith.aws.ec2_vpc_subnets:
    state: rendered
    tags: {stack: shop-prod}
    config:
      - {name: shop-prod-private-a, cidr: 10.0.10.0/24, az: us-east-1a}

- name: Delete every subnet of the stack
  stacksmith.aws.ec2_vpc_subnets:
    vpc_id: vpc-0123456789abcdef0
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: deleted
"""

RETURN = r"""
subnets:
  description:
    - The listed subnets as they now are (as they would be, in check mode), in O(config) order.
    - With O(state=gathered), every owned subnet of the VPC, sorted by name.
    - With O(state=rendered), the subnets the requests would create. Empty with O(state=deleted).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The C(Name) tag of the subnet.
      type: str
      returned: always
      sample: shop-prod-public-a
    subnet_id:
      description: The ID of the subnet; V(null) for a subnet that would be created (check mode, V(rendered)).
      type: str
      returned: always
      sample: subnet-0123456789abcdef0
    cidr:
      description: The IPv4 CIDR block.
      type: str
      returned: always
      sample: 10.0.0.0/24
    az:
      description: The availability zone.
      type: str
      returned: always
      sample: us-east-1a
    map_public:
      description: Whether network interfaces created in the subnet get a public IPv4 address.
      type: bool
      returned: always
      sample: true
    tags:
      description: The tags of the subnet, sorted by key.
      type: dict
      returned: always
      sample: {"Name": "shop-prod-public-a", "stack": "shop-prod", "tier": "public"}
    state:
      description: The state of the subnet (V(available)); V(null) for a subnet that would be created.
      type: str
      returned: always
      sample: available
subnet_ids:
  description: Name to subnet ID of the subnets in RV(subnets); V(null) for a subnet that would be created.
  returned: always
  type: dict
  sample: {"shop-prod-public-a": "subnet-0123456789abcdef0", "shop-prod-private-a": null}
created:
  description: The names of the subnets created (that would be created, in check mode), in O(config) order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: ["shop-prod-public-a"]
updated:
  description: The names of the existing subnets whose tags or O(config[].map_public) changed.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: []
deleted:
  description: The names (the subnet ID of a subnet without a C(Name) tag) of the subnets deleted.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: ["shop-prod-old-a"]
rendered:
  description:
    - The C(CreateSubnet) requests of the listed subnets, in O(config) order; C(VpcId) is
      V((known after apply)) when O(vpc_id) is not given.
    - A subnet with O(config[].map_public=true) is then modified with C(ModifySubnetAttribute).
  returned: when O(state=rendered)
  type: list
  elements: dict
  sample:
    - VpcId: vpc-0123456789abcdef0
      CidrBlock: 10.0.10.0/24
      AvailabilityZone: us-east-1a
      TagSpecifications:
        - ResourceType: subnet
          Tags: [{Key: Name, Value: shop-prod-private-a}, {Key: stack, Value: shop-prod}]
diff:
  description: Before and after, keyed by subnet name, of the subnets that change.
  returned: in diff mode, when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: dict
  sample: {"before": {}, "after": {"shop-prod-public-a": {"cidr": "10.0.0.0/24"}}}
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
    described_tags,
    ensure_ec2_tags,
    updated_tags,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "cidr": {"type": "str", "required": True},
    "az": {"type": "str", "required": True},
    "map_public": {"type": "bool", "default": False},
    "tags": {"type": "dict", "default": {}},
}
UNKNOWN_VPC_ID = "(known after apply)"
# A new subnet is usually `available` in the CreateSubnet answer; when it is `pending`, poll from a short first
# delay with backoff (never a fixed sleep).
WAIT_FIRST_DELAY = 0.5
WAIT_MAX_DELAY = 5.0
WAIT_TIMEOUT = 300
# EC2 is eventually consistent: a write on a subnet created a moment ago can answer InvalidSubnetID.NotFound.
NEW_SUBNET_RETRY = AWSRetry.jittered_backoff(retries=5, catch_extra_error_codes=["InvalidSubnetID.NotFound"])


# ---------------------------------------------------------------------------------------------------------------------
# reading


def describe_vpc_subnets(client, vpc_id, cidr=None):
    """Every subnet of the VPC (one paginated DescribeSubnets call, retried), or the one with ``cidr``."""
    filters = {"vpc-id": vpc_id}
    if cidr:
        filters["cidr-block"] = cidr
    result = paginated_query_with_retries(
        client, "describe_subnets", Filters=ansible_dict_to_boto3_filter_list(filters)
    )
    subnets = result.get("Subnets") or []
    return sorted(subnets, key=lambda subnet: subnet["SubnetId"])


def subnet_name(subnet):
    return described_tags(subnet).get("Name")


def view(subnet):
    """A DescribeSubnets item in the config format (what diffs, results and ``gathered`` show)."""
    return {
        "name": subnet_name(subnet),
        "subnet_id": subnet.get("SubnetId"),
        "cidr": subnet.get("CidrBlock"),
        "az": subnet.get("AvailabilityZone"),
        "map_public": bool(subnet.get("MapPublicIpOnLaunch")),
        "tags": described_tags(subnet),
        "state": subnet.get("State"),
    }


def planned_view(item, tags, subnet_id=None, state=None):
    return {
        "name": item["name"],
        "subnet_id": subnet_id,
        "cidr": item["cidr"],
        "az": item["az"],
        "map_public": item["map_public"],
        "tags": tags,
        "state": state,
    }


def normalize_config(config):
    """The config with each CIDR in its canonical form; a CIDR that is not a network address fails clearly."""
    errors = []
    normalized = []
    for item in config:
        try:
            cidr = str(ipaddress.IPv4Network(item["cidr"]))
        except ValueError as e:
            errors.append(f"{item['name']}: cidr {item['cidr']} is not an IPv4 network ({e})")
            continue
        normalized.append(dict(item, cidr=cidr, tags=item.get("tags") or {}))
    if errors:
        raise ResourceSetError("; ".join(errors))
    return normalized


def can_adopt(subnet, item, owner_tags):
    """A subnet found by the item's CIDR is the item's when it has no Name, the item's Name, or is owned."""
    name = subnet_name(subnet)
    return name in (None, item["name"]) or is_owned(described_tags(subnet), owner_tags)


def refuse_adopt(subnet, item):
    return (
        f"{item['name']}: CIDR {item['cidr']} is already used by subnet {subnet['SubnetId']} "
        f"(Name {subnet_name(subnet)}), which does not carry the owner tags; rename or delete that subnet, "
        "or choose another CIDR"
    )


def match_subnets(config, subnets, owner_tags, refuse_foreign=True):
    """name -> subnet: each listed item's subnet (by Name tag, else by CIDR), then every other subnet of the VPC
    under its Name tag (under its ID when it has no Name or the name is taken), for ``overridden`` and an empty
    ``deleted``. A subnet with the item's CIDR but another Name that is not owned is refused (``refuse_foreign``:
    the item could not be created) or, for ``deleted``, just not the item's."""
    by_name = {}
    for subnet in subnets:
        by_name.setdefault(subnet_name(subnet), []).append(subnet)
    existing = {}
    claimed = set()
    errors = []
    for item in config:
        named = by_name.get(item["name"], [])
        if len(named) > 1:
            named = [subnet for subnet in named if subnet["CidrBlock"] == item["cidr"]]
            if len(named) != 1:
                ids = ", ".join(subnet["SubnetId"] for subnet in by_name[item["name"]])
                errors.append(f"{item['name']}: several subnets of the VPC carry this Name ({ids})")
                continue
        if named:
            existing[item["name"]] = named[0]
            claimed.add(named[0]["SubnetId"])
    for item in config:
        if item["name"] in existing:
            continue
        for subnet in subnets:
            if subnet["SubnetId"] in claimed or subnet["CidrBlock"] != item["cidr"]:
                continue
            if not can_adopt(subnet, item, owner_tags):
                if refuse_foreign:
                    errors.append(refuse_adopt(subnet, item))
            else:
                existing[item["name"]] = subnet
                claimed.add(subnet["SubnetId"])
            break
    if errors:
        raise ResourceSetError("; ".join(errors))
    for subnet in subnets:
        if subnet["SubnetId"] in claimed:
            continue
        name = subnet_name(subnet)
        existing[name if name and name not in existing else subnet["SubnetId"]] = subnet
    return existing


def immutable_differences(item, subnet):
    return [
        f"{attribute} is {current} but {item[attribute]} was requested"
        for attribute, current in (("cidr", subnet.get("CidrBlock")), ("az", subnet.get("AvailabilityZone")))
        if current != item[attribute]
    ]


def check_immutable(config, existing):
    """Fails (before any write) for every listed subnet whose CIDR or availability zone would have to change."""
    errors = []
    for item in config:
        subnet = existing.get(item["name"])
        if subnet is None:
            continue
        differences = immutable_differences(item, subnet)
        if differences:
            errors.append(f"subnet {item['name']} ({subnet['SubnetId']}): {', '.join(differences)}")
    if errors:
        raise ResourceSetError(
            "; ".join(errors) + ". The CIDR and availability zone of a subnet cannot be changed: delete it "
            "(state=deleted) and create it again"
        )


# ---------------------------------------------------------------------------------------------------------------------
# writing


def create_request(vpc_id, item, tags):
    return {
        "VpcId": vpc_id,
        "CidrBlock": item["cidr"],
        "AvailabilityZone": item["az"],
        "TagSpecifications": [{"ResourceType": "subnet", "Tags": boto3_tag_list(tags)}],
    }


def adopt_conflicting(client, vpc_id, item, owner_tags, error):
    """After InvalidSubnet.Conflict: the subnet of the VPC with the item's CIDR (a create of ours that committed
    although its answer was lost). A conflict with an overlapping range of another size fails clearly."""
    for subnet in describe_vpc_subnets(client, vpc_id, cidr=item["cidr"]):
        if subnet["CidrBlock"] != item["cidr"]:
            continue
        if not can_adopt(subnet, item, owner_tags):
            raise ResourceSetError(refuse_adopt(subnet, item))
        differences = immutable_differences(item, subnet)
        if differences:
            raise ResourceSetError(
                f"subnet {item['name']} ({subnet['SubnetId']}), found by its CIDR after a create conflict: "
                f"{', '.join(differences)}"
            )
        return subnet
    message = error.response.get("Error", {}).get("Message", "conflict")
    raise ResourceSetError(
        f"cannot create subnet {item['name']}: CIDR {item['cidr']} overlaps another subnet of {vpc_id} ({message})"
    )


def wait_until_available(client, subnet, timeout=WAIT_TIMEOUT):
    """Polls DescribeSubnets (the shared poller: short first delay, backoff) until the new subnet is ``available``."""
    subnet_id = subnet["SubnetId"]

    last = {"subnet": subnet}

    def read():
        try:
            found = client.describe_subnets(aws_retry=True, SubnetIds=[subnet_id])["Subnets"]
        except is_boto3_error_code("InvalidSubnetID.NotFound"):
            found = []  # eventual consistency: keep the last answer
        if found:
            last["subnet"] = found[0]
        return last["subnet"]

    try:
        return poll(
            read,
            lambda current: current.get("State") == "available",
            timeout,
            what=f"subnet {subnet_id} to be available",
            first_delay=WAIT_FIRST_DELAY,
            max_delay=WAIT_MAX_DELAY,
            factor=2,
            value=subnet,
        )
    except WaitTimeout as e:
        raise ResourceSetError(str(e)) from None


def create_subnet(client, vpc_id, item, tags, owner_tags):
    """Creates the subnet; returns (subnet, adopted). A create that AWS committed before failing (the retry then
    answers InvalidSubnet.Conflict) adopts the subnet with that CIDR."""
    try:
        subnet = client.create_subnet(aws_retry=True, **create_request(vpc_id, item, tags))["Subnet"]
    except is_boto3_error_code("InvalidSubnet.Conflict") as e:
        return adopt_conflicting(client, vpc_id, item, owner_tags, e), True
    if subnet.get("State") == "pending":
        subnet = wait_until_available(client, subnet)
    return subnet, False


def update_map_public(client, check_mode, subnet, wanted, new=False):
    """Sets MapPublicIpOnLaunch when it differs; returns whether it changed."""
    if bool(subnet.get("MapPublicIpOnLaunch")) == wanted:
        return False
    if not check_mode:
        call = client.modify_subnet_attribute
        if new:
            call = NEW_SUBNET_RETRY(call)
        call(aws_retry=True, SubnetId=subnet["SubnetId"], MapPublicIpOnLaunch={"Value": wanted})
    return True


def converge_subnet(client, check_mode, subnet, item, tags, purge, new=False):
    """Tags and MapPublicIpOnLaunch of an existing subnet; returns (changed, view)."""
    current_tags = described_tags(subnet)
    changed = ensure_ec2_tags(client, check_mode, subnet["SubnetId"], current_tags, tags, purge_tags=purge)
    changed |= update_map_public(client, check_mode, subnet, item["map_public"], new=new)
    result = view(subnet)
    result.update(name=item["name"], map_public=item["map_public"], tags=updated_tags(current_tags, tags, purge))
    return changed, result


def delete_subnet(client, name, subnet):
    try:
        client.delete_subnet(aws_retry=True, SubnetId=subnet["SubnetId"])
    except is_boto3_error_code("InvalidSubnetID.NotFound"):
        return  # already gone
    except is_boto3_error_code("DependencyViolation") as e:
        message = e.response.get("Error", {}).get("Message", "")
        raise ResourceSetError(
            f"cannot delete subnet {name} ({subnet['SubnetId']}): something still uses it (network interfaces of "
            f"instances, NAT gateways, load balancers or endpoints); delete those first ({message})"
        ) from e


class SubnetSet:
    """The subnets of one VPC, converged as a set."""

    def __init__(self, client, module):
        self.client = client
        self.check_mode = module.check_mode
        self.params = module.params
        self.vpc_id = module.params["vpc_id"]
        self.common_tags = module.params["tags"]
        self.owner_tags = module.params["owner_tags"]

    def owned(self, subnet):
        return is_owned(described_tags(subnet), self.owner_tags)

    def present(self, item, subnet, purge):
        tags = item_tags(self.common_tags, item)
        if subnet is None:
            if self.check_mode:
                return True, planned_view(item, tags)
            subnet, adopted = create_subnet(self.client, self.vpc_id, item, tags, self.owner_tags)
            if adopted:
                return True, converge_subnet(self.client, False, subnet, item, tags, purge, new=True)[1]
            update_map_public(self.client, False, subnet, item["map_public"], new=True)
            return True, planned_view(item, tags, subnet["SubnetId"], subnet.get("State"))
        return converge_subnet(self.client, self.check_mode, subnet, item, tags, purge)

    def absent(self, subnet):
        delete_subnet(self.client, subnet_name(subnet) or subnet["SubnetId"], subnet)

    def converge(self, state, config):
        subnets = describe_vpc_subnets(self.client, self.vpc_id)
        existing = match_subnets(config, subnets, self.owner_tags, refuse_foreign=state != "deleted")
        if state != "deleted":
            check_immutable(config, existing)
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
        result["subnets"] = result.pop("items")
        return result

    def gathered(self):
        subnets = [view(s) for s in describe_vpc_subnets(self.client, self.vpc_id) if self.owned(s)]
        return {"changed": False, "subnets": sorted(subnets, key=lambda s: (s["name"] or "", s["subnet_id"]))}


def rendered(params, config):
    vpc_id = params["vpc_id"] or UNKNOWN_VPC_ID
    requests = []
    subnets = []
    for item in config:
        tags = item_tags(params["tags"], item)
        requests.append(create_request(vpc_id, item, tags))
        subnets.append(planned_view(item, tags))
    return {"changed": False, "rendered": requests, "subnets": subnets}


def main():
    argument_spec = resource_set_argument_spec(CONFIG_OPTIONS, vpc_id={"type": "str"})
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", state, ["vpc_id"]) for state in STATES if state != "rendered"],
    )
    state = module.params["state"]

    try:
        config = normalize_config(module.params["config"])
        dupes = duplicate_names(config)
        if dupes:
            raise ResourceSetError(f"config names each subnet once; repeated: {', '.join(dupes)}")
        if state == "rendered":
            result = rendered(module.params, config)
        else:
            client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
            subnet_set = SubnetSet(client, module)
            result = subnet_set.gathered() if state == "gathered" else subnet_set.converge(state, config)
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to converge the subnets of VPC {module.params['vpc_id']}")

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    result["subnet_ids"] = {subnet["name"]: subnet["subnet_id"] for subnet in result["subnets"]}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
