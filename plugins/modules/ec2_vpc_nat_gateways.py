# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ec2_vpc_nat_gateways
version_added: 0.4.0
short_description: Manage the whole set of NAT gateways of a VPC (and their Elastic IPs) in one call
description:
  - Creates, tags and deletes the NAT gateways of one VPC, given as a list (O(config)), in one task, and tags
    the Elastic IP of each public NAT gateway like the gateway.
  - Replaces a C(loop:) of M(amazon.aws.ec2_vpc_nat_gateway) followed by a C(loop:) of M(amazon.aws.ec2_tag) on
    their Elastic IPs. That module converges one NAT gateway per task (a Python process of about 0.4 s each),
    finds an existing gateway only by its subnet (or by its Elastic IP), cannot tag the Elastic IP it allocates,
    cannot remove the gateways a stack no longer lists, and leaks the Elastic IP it allocated when the create
    then fails.
  - This module reads the gateways of the VPC with one C(DescribeNatGateways) call and their Elastic IPs with one
    C(DescribeAddresses) call, and converges the set with the states of Ansible's network resource modules
    (O(state)). A listed item is the gateway whose C(Name) tag is O(config[].name); failing that, the gateway in
    the item's O(config[].subnet_id) that has no C(Name) tag or carries the O(owner_tags) (one NAT gateway per
    subnet; this is how a create that AWS committed but whose answer was lost is found again).
  - The module does not wait for a new gateway to become C(available) (about 100 s on AWS); a role starts the
    gateways early and waits once, later, with M(amazon.aws.ec2_vpc_nat_gateway_info).
  - O(config[].subnet_id), O(config[].connectivity_type) and O(config[].allocation_id) cannot be changed on an
    existing gateway; the module fails, naming the gateway and both values, before any write.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  vpc_id:
    description:
      - The ID of the VPC the NAT gateways belong to.
      - Required for every O(state) but V(rendered).
    type: str
  config:
    description:
      - The NAT gateways, each named once.
      - With O(state=deleted), an empty list means every NAT gateway of the VPC that carries the O(owner_tags).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The name of the NAT gateway, its C(Name) tag (and the C(Name) tag of its Elastic IP). It identifies
            the gateway.
        type: str
        required: true
      subnet_id:
        description:
          - The subnet the gateway is in. Required unless O(state) is V(deleted) or V(gathered).
          - Cannot be changed on an existing gateway.
        type: str
      connectivity_type:
        description:
          - V(public) gateways have an Elastic IP; V(private) ones do not.
          - Cannot be changed on an existing gateway.
        type: str
        choices: ['public', 'private']
        default: public
      allocation_id:
        description:
          - The allocation ID of the Elastic IP of a V(public) gateway.
          - When not given, the module allocates one (C(AllocateAddress), tagged like the gateway) for a new
            public gateway, and releases it again when the create fails.
        type: str
      tags:
        description:
          - Tags of this gateway (and its Elastic IP) only, added to (and overriding) the common O(tags).
        type: dict
        default: {}
  state:
    description:
      - V(merged) creates the missing gateways and updates the tags of the listed ones; tags not named are kept.
      - V(replaced) makes the tags of every listed gateway and of its Elastic IP exactly as described; unlisted
        gateways are left alone.
      - V(overridden) is V(replaced), and deletes every gateway of the VPC that carries the O(owner_tags) and is
        no longer listed. Gateways without the owner tags are never touched.
      - V(deleted) deletes the listed gateways (every owned gateway of the VPC when O(config) is empty). A listed
        gateway that exists without the O(owner_tags) is refused before anything is deleted.
      - V(gathered) only reads, and returns every owned gateway of the VPC in the O(config) format.
      - V(rendered) makes no AWS call and returns the C(CreateNatGateway) requests of the listed gateways.
      - Deleting a gateway does not release its Elastic IP; AWS refuses to release it while the gateway is
        C(deleting) (about a minute), so release the Elastic IPs after waiting for the gateways to be C(deleted).
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description:
      - Tags every gateway and its Elastic IP carry (the stack's common tags). Each gets these, then its own
        O(config[].tags), then C(Name).
      - Include the O(owner_tags) here, or the gateways created will not be owned.
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark a gateway as belonging to this set. Only gateways carrying all of them are deleted by
        O(state=overridden) and O(state=deleted), rewritten by O(state=replaced), or returned by
        O(state=gathered). When empty, no gateway is owned.
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
  - Writes are sent one after the other, in O(config) order, then deletes in name order; tags are sorted by key.
  - A create is sent with a C(ClientToken), reused by its retries, so a retried create makes one gateway.
seealso:
  - module: amazon.aws.ec2_vpc_nat_gateway
  - module: amazon.aws.ec2_vpc_nat_gateway_info
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Converge the NAT gateways of a stack (started, not waited for)
  stacksmith.aws.ec2_vpc_nat_gateways:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: replaced
    config:
      - {name: shop-prod-nat-us-east-1a, subnet_id: subnet-0123456789abcdef0}
  register: nats

- name: Wait for them once, later
  amazon.aws.ec2_vpc_nat_gateway_info:
    nat_gateway_ids: "{{ nats.nat_gateways | map(attribute='nat_gateway_id') | select | list }}"
  register: nat_state
  until: nat_state.result | rejectattr('state', 'eq', 'available') | list | length == 0
  retries: 60
  delay: 5

- name: Delete every NAT gateway of the stack
  stacksmith.aws.ec2_vpc_nat_gateways:
    vpc_id: vpc-0123456789abcdef0
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: deleted
"""

RETURN = r"""
nat_gateways:
  description:
    - The listed gateways as they now are (as they would be, in check mode), in O(config) order.
    - With O(state=gathered), every owned gateway of the VPC, sorted by name. Empty with O(state=deleted).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The C(Name) tag of the gateway.
      type: str
      returned: always
      sample: shop-prod-nat-us-east-1a
    nat_gateway_id:
      description: The ID of the gateway; V(null) for a gateway that would be created.
      type: str
      returned: always
      sample: nat-0123456789abcdef0
    subnet_id:
      description: The subnet of the gateway.
      type: str
      returned: always
      sample: subnet-0123456789abcdef0
    connectivity_type:
      description: V(public) or V(private).
      type: str
      returned: always
      sample: public
    state:
      description: The state of the gateway (V(pending), V(available)); V(null) for a gateway that would be created.
      type: str
      returned: always
      sample: pending
    allocation_id:
      description: The allocation ID of its Elastic IP; V(null) when not known yet or private.
      type: str
      returned: always
      sample: eipalloc-0123456789abcdef0
    public_ip:
      description: Its public IP; V(null) when not known yet or private.
      type: str
      returned: always
      sample: 203.0.113.10
    tags:
      description: The tags of the gateway, sorted by key.
      type: dict
      returned: always
      sample: {"Name": "shop-prod-nat-us-east-1a", "stack": "shop-prod"}
nat_gateway_ids:
  description: Name to gateway ID of the gateways in RV(nat_gateways); V(null) for one that would be created.
  returned: always
  type: dict
  sample: {"shop-prod-nat-us-east-1a": "nat-0123456789abcdef0"}
created:
  description: The names of the gateways created (that would be created, in check mode), in O(config) order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
updated:
  description: The names of the existing gateways whose tags (or whose Elastic IP's tags) changed.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
deleted:
  description: The names (the ID of a gateway without a C(Name) tag) of the gateways deleted.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
rendered:
  description: The C(CreateNatGateway) requests of the listed gateways, in O(config) order (without C(ClientToken)).
  returned: when O(state=rendered)
  type: list
  elements: dict
diff:
  description: Before and after, keyed by gateway name, of the gateways that change.
  returned: in diff mode, when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: dict
"""

import uuid

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

CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "subnet_id": {"type": "str"},
    "connectivity_type": {"type": "str", "default": "public", "choices": ["public", "private"]},
    "allocation_id": {"type": "str"},
    "tags": {"type": "dict", "default": {}},
}
UNKNOWN = "(known after apply)"
# EC2 is eventually consistent: tagging an Elastic IP allocated a moment ago can answer NotFound.
NEW_RESOURCE_RETRY = AWSRetry.jittered_backoff(
    retries=5, catch_extra_error_codes=["InvalidAllocationID.NotFound", "NatGatewayNotFound"]
)


# ---------------------------------------------------------------------------------------------------------------------
# reading


def describe_vpc_nat_gateways(client, vpc_id):
    """The pending and available NAT gateways of the VPC (one paginated DescribeNatGateways call, retried)."""
    result = paginated_query_with_retries(
        client,
        "describe_nat_gateways",
        Filter=ansible_dict_to_boto3_filter_list({"vpc-id": vpc_id, "state": ["pending", "available"]}),
    )
    return sorted(result.get("NatGateways") or [], key=lambda nat: nat["NatGatewayId"])


def allocation_ids(nats):
    ids = set()
    for nat in nats:
        ids.update(address["AllocationId"] for address in nat_addresses(nat))
    return sorted(ids)


def describe_addresses(client, ids):
    """allocation id -> address (one DescribeAddresses call for them all)."""
    if not ids:
        return {}
    try:
        addresses = client.describe_addresses(aws_retry=True, AllocationIds=ids)["Addresses"]
    except is_boto3_error_code("InvalidAllocationID.NotFound"):
        # One of them was released meanwhile: read the rest one call at a time.
        addresses = []
        for allocation_id in ids:
            try:
                addresses += client.describe_addresses(aws_retry=True, AllocationIds=[allocation_id])["Addresses"]
            except is_boto3_error_code("InvalidAllocationID.NotFound"):
                continue
    return {address["AllocationId"]: address for address in addresses}


def nat_addresses(nat):
    return [address for address in nat.get("NatGatewayAddresses") or [] if address.get("AllocationId")]


def primary_address(nat):
    addresses = nat_addresses(nat)
    for address in addresses:
        if address.get("IsPrimary"):
            return address
    return addresses[0] if addresses else {}


def nat_name(nat):
    return described_tags(nat).get("Name")


def view(nat):
    """A DescribeNatGateways item in the config format (what diffs, results and ``gathered`` show)."""
    address = primary_address(nat)
    return {
        "name": nat_name(nat),
        "nat_gateway_id": nat.get("NatGatewayId"),
        "subnet_id": nat.get("SubnetId"),
        "connectivity_type": nat.get("ConnectivityType") or "public",
        "state": nat.get("State"),
        "allocation_id": address.get("AllocationId"),
        "public_ip": address.get("PublicIp"),
        "tags": described_tags(nat),
    }


def planned_view(item, tags, nat=None, address=None):
    nat = nat or {}
    address = address or {}
    return {
        "name": item["name"],
        "nat_gateway_id": nat.get("NatGatewayId"),
        "subnet_id": item["subnet_id"],
        "connectivity_type": item["connectivity_type"],
        "state": nat.get("State"),
        "allocation_id": address.get("AllocationId") or item.get("allocation_id"),
        "public_ip": address.get("PublicIp"),
        "tags": tags,
    }


def match_nat_gateways(config, nats, owner_tags):
    """name -> NAT gateway: each listed item's (by Name tag, else the one in its subnet without a Name or with the
    owner tags), then every other gateway of the VPC under its Name (its ID when unnamed or the name is taken)."""
    existing = {}
    claimed = set()
    errors = []
    for item in config:
        named = [nat for nat in nats if nat_name(nat) == item["name"]]
        if len(named) > 1:
            errors.append(
                f"{item['name']}: several NAT gateways of the VPC carry this Name "
                f"({', '.join(nat['NatGatewayId'] for nat in named)})"
            )
        elif named:
            existing[item["name"]] = named[0]
            claimed.add(named[0]["NatGatewayId"])
    if errors:
        raise ResourceSetError("; ".join(errors))
    for item in config:
        if item["name"] in existing or not item.get("subnet_id"):
            continue
        for nat in nats:
            if nat["NatGatewayId"] in claimed or nat.get("SubnetId") != item["subnet_id"]:
                continue
            if nat_name(nat) is None or is_owned(described_tags(nat), owner_tags):
                existing[item["name"]] = nat
                claimed.add(nat["NatGatewayId"])
                break
    for nat in nats:
        if nat["NatGatewayId"] in claimed:
            continue
        name = nat_name(nat)
        existing[name if name and name not in existing else nat["NatGatewayId"]] = nat
    return existing


def check_immutable(config, existing):
    """Fails (before any write) for every listed gateway whose subnet, connectivity or Elastic IP would change."""
    errors = []
    for item in config:
        nat = existing.get(item["name"])
        if nat is None:
            continue
        current = view(nat)
        differences = [
            f"{attribute} is {current[attribute]} but {item[attribute]} was requested"
            for attribute in ("subnet_id", "connectivity_type", "allocation_id")
            if item.get(attribute) is not None and current[attribute] != item[attribute]
        ]
        if differences:
            errors.append(f"NAT gateway {item['name']} ({nat['NatGatewayId']}): {', '.join(differences)}")
    if errors:
        raise ResourceSetError(
            "; ".join(errors) + ". The subnet, connectivity type and Elastic IP of a NAT gateway cannot be changed: "
            "delete it (state=deleted) and create it again"
        )


# ---------------------------------------------------------------------------------------------------------------------
# writing


def create_request(item, tags, allocation_id=None):
    request = {
        "SubnetId": item["subnet_id"],
        "ConnectivityType": item["connectivity_type"],
        "TagSpecifications": [{"ResourceType": "natgateway", "Tags": boto3_tag_list(tags)}],
    }
    if item["connectivity_type"] == "public":
        request["AllocationId"] = allocation_id or item.get("allocation_id") or UNKNOWN
    return request


def allocate_request(tags):
    return {"Domain": "vpc", "TagSpecifications": [{"ResourceType": "elastic-ip", "Tags": boto3_tag_list(tags)}]}


def create_nat_gateway(client, item, tags):
    """Allocates the Elastic IP (unless given), then creates the gateway with a ClientToken its retries reuse.
    An Elastic IP allocated here is released again when the create fails. Returns (nat, address)."""
    allocated = None
    allocation_id = item.get("allocation_id")
    if item["connectivity_type"] == "public" and not allocation_id:
        allocated = client.allocate_address(aws_retry=True, **allocate_request(tags))
        allocation_id = allocated["AllocationId"]
    request = create_request(item, tags, allocation_id)
    try:
        nat = client.create_nat_gateway(aws_retry=True, ClientToken=str(uuid.uuid4()), **request)["NatGateway"]
    except (BotoCoreError, ClientError):
        if allocated is not None:
            client.release_address(aws_retry=True, AllocationId=allocation_id)
        raise
    address = primary_address(nat) or ({"AllocationId": allocation_id} if allocation_id else {})
    if allocated is not None:
        address = dict(address, PublicIp=address.get("PublicIp") or allocated.get("PublicIp"))
    return nat, address


def delete_nat_gateway(client, nat):
    try:
        client.delete_nat_gateway(aws_retry=True, NatGatewayId=nat["NatGatewayId"])
    except is_boto3_error_code("NatGatewayNotFound"):
        return


class NatGatewaySet:
    """The NAT gateways of one VPC, converged as a set."""

    def __init__(self, client, module):
        self.client = client
        self.check_mode = module.check_mode
        self.vpc_id = module.params["vpc_id"]
        self.common_tags = module.params["tags"]
        self.owner_tags = module.params["owner_tags"]
        self.addresses = {}

    def owned(self, nat):
        return is_owned(described_tags(nat), self.owner_tags)

    def view(self, nat):
        return view(nat)

    def present(self, item, nat, purge):
        tags = item_tags(self.common_tags, item)
        if nat is None:
            if self.check_mode:
                return True, planned_view(item, tags)
            nat, address = create_nat_gateway(self.client, item, tags)
            return True, planned_view(item, tags, nat, address)
        current_tags = described_tags(nat)
        changed = ensure_ec2_tags(self.client, self.check_mode, nat["NatGatewayId"], current_tags, tags, purge)
        result = view(nat)
        result.update(name=item["name"], tags=updated_tags(current_tags, tags, purge))
        if result["allocation_id"]:
            address = self.addresses.get(result["allocation_id"], {})
            changed |= ensure_ec2_tags(
                self.client, self.check_mode, result["allocation_id"], described_tags(address), tags, purge
            )
        return changed, result

    def absent(self, nat):
        delete_nat_gateway(self.client, nat)

    def converge(self, state, config):
        if state not in ("deleted",):
            missing = [item["name"] for item in config if not item.get("subnet_id")]
            if missing:
                raise ResourceSetError(f"subnet_id is required with state {state}; missing for {', '.join(missing)}")
        nats = describe_vpc_nat_gateways(self.client, self.vpc_id)
        existing = match_nat_gateways(config, nats, self.owner_tags)
        if state != "deleted":
            check_immutable(config, existing)
            self.addresses = describe_addresses(
                self.client, allocation_ids(existing[i["name"]] for i in config if i["name"] in existing)
            )
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
        result["nat_gateways"] = result.pop("items")
        return result

    def gathered(self):
        nats = [view(nat) for nat in describe_vpc_nat_gateways(self.client, self.vpc_id) if self.owned(nat)]
        return {"changed": False, "nat_gateways": sorted(nats, key=lambda n: (n["name"] or "", n["nat_gateway_id"]))}


def rendered(params, config):
    requests = []
    nats = []
    for item in config:
        tags = item_tags(params["tags"], item)
        requests.append(create_request(dict(item, subnet_id=item.get("subnet_id") or UNKNOWN), tags))
        nats.append(planned_view(dict(item, subnet_id=item.get("subnet_id")), tags))
    return {"changed": False, "rendered": requests, "nat_gateways": nats}


def main():
    argument_spec = resource_set_argument_spec(CONFIG_OPTIONS, vpc_id={"type": "str"})
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", state, ["vpc_id"]) for state in STATES if state != "rendered"],
    )
    state = module.params["state"]
    config = [dict(item, tags=item.get("tags") or {}) for item in module.params["config"]]

    try:
        dupes = duplicate_names(config)
        if dupes:
            raise ResourceSetError(f"config names each NAT gateway once; repeated: {', '.join(dupes)}")
        if state == "rendered":
            result = rendered(module.params, config)
        else:
            client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
            nat_set = NatGatewaySet(client, module)
            result = nat_set.gathered() if state == "gathered" else nat_set.converge(state, config)
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to converge the NAT gateways of VPC {module.params['vpc_id']}")

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    result["nat_gateway_ids"] = {nat["name"]: nat["nat_gateway_id"] for nat in result["nat_gateways"]}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
