# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_route_tables
version_added: 0.4.0
short_description: Manage the route tables of a VPC as one set (routes, subnet associations, tags)
description:
  - Converges every listed route table of one VPC in a single call, with the interface of Ansible's network
    resource modules (O(config) a list keyed by O(config[].name), O(state) V(merged), V(replaced), V(overridden),
    V(deleted), V(gathered) or V(rendered)).
  - It replaces a C(loop:) over M(amazon.aws.ec2_vpc_route_table), which costs one Python process per table, sleeps
    a fixed 5 seconds whenever anything changed (the C(sleep) call at the end of its C(ensure_route_table_present))
    before reading the table back, and warns on every run that it skips purging the routes a gateway VPC endpoint
    added (routes with a C(DestinationPrefixListId) have no destination CIDR).
  - A route table matches a listed item when its C(Name) tag equals O(config[].name). All the route tables of the
    VPC are read with one C(DescribeRouteTables) call; a set that is already converged makes no other call.
  - Only routes created with C(CreateRoute) to a destination CIDR are compared and managed. The C(local) route,
    propagated routes (C(EnableVgwRoutePropagation)) and prefix-list routes (those a gateway VPC endpoint adds to
    its route tables) are never changed nor purged, and no warning is printed about them.
  - The main route table of the VPC is never deleted, even with O(state=overridden) or O(state=deleted); it can be
    named (tagged) and have its routes managed like any other table.
  - Writes are sequential, in config order, so the requests of a run are deterministic. A route table created by
    this run may not be visible yet to the next call (eventual consistency); such calls are retried with backoff on
    C(InvalidRouteTableID.NotFound), never after a fixed sleep.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  vpc_id:
    description:
      - The ID of the VPC whose route tables are managed.
      - Required for every O(state) but V(rendered), where C(VpcId) is V((known after apply)) when it is not given.
    type: str
  state:
    description:
      - V(merged) creates the missing tables, creates the missing routes (a route to a listed destination with
        another target, or a blackhole route, is replaced with C(ReplaceRoute)), associates the listed subnets and
        adds the tags; nothing is removed.
      - V(replaced) makes each listed table exactly as described; its routes, subnet associations and tags that are
        not listed are removed. Unlisted tables are not touched. A listed table that exists but does not carry
        O(owner_tags) is refused.
      - V(overridden) is V(replaced), and every owned table of the VPC (tagged with all O(owner_tags)) that the list
        no longer names is deleted. Tables that are not owned, and the main route table, are never deleted.
      - V(deleted) deletes the listed tables (every owned table of the VPC when O(config) is empty), after
        disassociating their subnets. A listed table that is not owned is refused before anything is deleted.
      - V(gathered) makes no change and returns every owned table of the VPC, sorted by name, in the config format.
      - V(rendered) makes no AWS call and returns the C(CreateRouteTable), C(CreateRoute) and
        C(AssociateRouteTable) requests a create of each listed table would send.
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description:
      - Tags every listed table carries, in addition to its own O(config[].tags) and its C(Name) tag.
      - With O(state=merged) tags are only added or updated; with O(state=replaced) or O(state=overridden) the other
        tags of a listed table are removed (tag keys starting with C(aws:) excepted).
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark a route table as owned by this set. O(state=overridden) deletes only owned tables,
        O(state=replaced) rewrites only owned tables and O(state=gathered) returns only owned tables.
      - With no owner tags nothing is owned.
      - They are not added by themselves; list them in O(tags) too so that the tables created carry them.
    type: dict
    default: {}
  config:
    description:
      - The route tables, each identified by its O(config[].name).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The name of the table, its C(Name) tag.
        type: str
        required: true
      tags:
        description:
          - Tags of this table, added to (and overriding) the common O(tags).
        type: dict
      subnets:
        description:
          - The IDs of the subnets associated with this table.
          - A subnet with no explicit association is associated (C(AssociateRouteTable)); a subnet associated with
            another table of the VPC is moved (C(ReplaceRouteTableAssociation)).
          - With O(state=replaced) or O(state=overridden), subnets associated with this table and not listed (for any
            table) are disassociated; they fall back to the main route table.
          - A subnet can be listed for one table only.
        type: list
        elements: str
        default: []
      routes:
        description:
          - The routes of this table, each with one destination (O(config[].routes[].dest) or
            O(config[].routes[].dest_ipv6)) and exactly one target.
          - With O(state=replaced) or O(state=overridden), the other routes created with C(CreateRoute) are deleted.
        type: list
        elements: dict
        default: []
        suboptions:
          dest:
            description:
              - The IPv4 destination CIDR, for example V(0.0.0.0/0).
            type: str
          dest_ipv6:
            description:
              - The IPv6 destination CIDR, for example V(::/0).
            type: str
          gateway_id:
            description:
              - The ID of an internet gateway or a virtual private gateway.
            type: str
          nat_gateway_id:
            description:
              - The ID of a NAT gateway.
            type: str
          network_interface_id:
            description:
              - The ID of a network interface.
            type: str
          transit_gateway_id:
            description:
              - The ID of a transit gateway.
            type: str
          vpc_peering_connection_id:
            description:
              - The ID of a VPC peering connection.
            type: str
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - The module makes the route tables it needs in one call; prefer one task with the whole list to a loop.
  - A table created by the module is created with its tags (C(TagSpecifications)) and a client token, so a create
    whose answer was lost and that is retried returns the same table instead of making a second one.
  - A C(CreateRoute) or C(AssociateRouteTable) that is retried after it took effect (its first answer lost) is
    accepted when the table, read again, has the wanted route or association.
seealso:
  - module: amazon.aws.ec2_vpc_route_table
  - module: amazon.aws.ec2_vpc_route_table_info
  - name: Route tables
    description: The Amazon VPC documentation on route tables.
    link: https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: The route tables of a stack, exactly as listed (their other routes and subnets removed)
  stacksmith.aws.ec2_vpc_route_tables:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: replaced
    config:
      - name: shop-prod-public
        tags: {tier: public}
        subnets: [subnet-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb]
        routes:
          - {dest: 0.0.0.0/0, gateway_id: igw-0123456789abcdef0}
          - {dest_ipv6: "::/0", gateway_id: igw-0123456789abcdef0}
      - name: shop-prod-private-a
        tags: {tier: private}
        subnets: [subnet-0cccccccccccccccc]
        routes:
          - {dest: 0.0.0.0/0, nat_gateway_id: nat-0123456789abcdef0}
  register: route_tables

- name: Use the IDs
  ansible.builtin.debug:
    msg: "{{ route_tables.route_table_ids['shop-prod-public'] }}"

- name: Delete the tables the stack owns and no longer lists
  stacksmith.aws.ec2_vpc_route_tables:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: overridden
    config:
      - name: shop-prod-public
        subnets: [subnet-0aaaaaaaaaaaaaaaa]
        routes:
          - {dest: 0.0.0.0/0, gateway_id: igw-0123456789abcdef0}

- name: Read the tables the stack owns
  stacksmith.aws.ec2_vpc_route_tables:
    vpc_id: vpc-0123456789abcdef0
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: gathered
  register: gathered

- name: Preview the requests a create would send (no AWS call)
  stacksmith.aws.ec2_vpc_route_tables:
    vpc_id: vpc-0123456789abcdef0
    tags: {stack: shop-prod}
    state: rendered
    config:
      - name: shop-prod-public
        subnets: [subnet-0aaaaaaaaaaaaaaaa]
        routes:
          - {dest: 0.0.0.0/0, gateway_id: igw-0123456789abcdef0}

- name: Delete every table the stack owns (their subnets go back to the main route table)
  stacksmith.aws.ec2_vpc_route_tables:
    vpc_id: vpc-0123456789abcdef0
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: deleted
"""

RETURN = r"""
route_tables:
  description:
    - The tables in config order, as they are after the run (in check mode, as they would be), in the config format.
    - With O(state=gathered), every owned table of the VPC, sorted by name. Empty with O(state=deleted).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name of the table (its C(Name) tag).
      type: str
      returned: always
      sample: shop-prod-public
    route_table_id:
      description: The ID of the table; V(null) for a table that check mode or O(state=rendered) would create.
      type: str
      returned: always
      sample: rtb-0123456789abcdef0
    subnets:
      description: The IDs of the subnets explicitly associated with the table, sorted.
      type: list
      elements: str
      returned: always
      sample: [subnet-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb]
    routes:
      description:
        - The managed routes of the table (created with C(CreateRoute), to a destination CIDR), sorted by
          destination, in the format of O(config[].routes). The C(local), propagated and prefix-list routes are
          not listed.
        - A route whose target is not one of the module's options names its target with the snake_case form of
          the EC2 field, for example C(egress_only_internet_gateway_id).
      type: list
      elements: dict
      returned: always
      sample: [{"dest": "0.0.0.0/0", "gateway_id": "igw-0123456789abcdef0"}]
    tags:
      description: The tags of the table.
      type: dict
      returned: always
      sample: {"Name": "shop-prod-public", "stack": "shop-prod", "tier": "public"}
route_table_ids:
  description: The ID of each table of RV(route_tables) by name (V(null) for a table check mode would create).
  returned: always
  type: dict
  sample: {"shop-prod-public": "rtb-0123456789abcdef0", "shop-prod-private-a": "rtb-0fedcba9876543210"}
created:
  description: The names of the tables created (or that check mode would create), in config order.
  returned: always
  type: list
  elements: str
  sample: [shop-prod-private-a]
updated:
  description: The names of the existing tables changed, in config order.
  returned: always
  type: list
  elements: str
  sample: [shop-prod-public]
deleted:
  description: The names of the tables deleted, in the order of deletion.
  returned: always
  type: list
  elements: str
  sample: [shop-prod-private-b]
rendered:
  description:
    - The requests a create of the listed tables would send, in order (each table's C(CreateRouteTable), then its
      C(CreateRoute) and C(AssociateRouteTable) requests), each as C(action) (the EC2 operation) and C(request)
      (its parameters).
    - Route table IDs are not known before the create; C(RouteTableId) is given by table name. C(VpcId) is
      V((known after apply)) when O(vpc_id) is not given. The client token (random per create) is left out.
  returned: when O(state=rendered)
  type: list
  elements: dict
  sample:
    - action: CreateRouteTable
      request:
        VpcId: vpc-0123456789abcdef0
        TagSpecifications:
          - ResourceType: route-table
            Tags: [{Key: Name, Value: shop-prod-public}, {Key: stack, Value: shop-prod}]
    - action: CreateRoute
      request: {RouteTableId: shop-prod-public, DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw-0123456789abcdef0}
    - action: AssociateRouteTable
      request: {RouteTableId: shop-prod-public, SubnetId: subnet-0aaaaaaaaaaaaaaaa}
diff:
  description:
    - In diff mode, the tables that change, by name, before and after (routes, subnets and tags), in the format
      of RV(route_tables). A blackhole route is marked C(state=blackhole) (in the C(after) part only when the run
      leaves it so).
  returned: when diff mode is on
  type: dict
  sample:
    before: {shop-prod-public: {routes: [], subnets: [], tags: {}}}
    after: {shop-prod-public: {routes: [{dest: 0.0.0.0/0, gateway_id: igw-0123456789abcdef0}]}}
"""

import ipaddress
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error, describe_route_tables
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
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

try:
    import botocore
except ImportError:
    pass  # caught by AnsibleAWSModule

# Route destinations: option -> EC2 field.
DESTINATIONS = {"dest": "DestinationCidrBlock", "dest_ipv6": "DestinationIpv6CidrBlock"}
# Route targets the module manages: option -> EC2 field.
TARGETS = {
    "gateway_id": "GatewayId",
    "nat_gateway_id": "NatGatewayId",
    "network_interface_id": "NetworkInterfaceId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
}
# Other targets EC2 reports, by precedence (a route to an instance's interface reports InstanceId as well).
OTHER_TARGETS = {
    "EgressOnlyInternetGatewayId": "egress_only_internet_gateway_id",
    "CarrierGatewayId": "carrier_gateway_id",
    "LocalGatewayId": "local_gateway_id",
    "CoreNetworkArn": "core_network_arn",
    "InstanceId": "instance_id",
}
# Only the routes of this origin are compared and managed (not the local route, not propagated ones).
MANAGED_ORIGIN = "CreateRoute"
# Association states that count as associated.
LIVE_ASSOCIATION_STATES = ("associated", "associating")
NOT_FOUND = "InvalidRouteTableID.NotFound"
# A table this run created may not be visible yet to the next call (eventual consistency): those calls retry
# NOT_FOUND (as well as throttling) with a short first delay and backoff.
NEW_TABLE_RETRY = AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=15, catch_extra_error_codes=[NOT_FOUND])


class RouteTableError(ResourceSetError):
    """A refusal or an inconsistency, reported with the names of the tables and routes concerned."""


def error_code(error: AnsibleEC2Error) -> str | None:
    """The AWS error code behind an AnsibleEC2Error raised by ``RouteTables.call``."""
    if isinstance(error.exception, botocore.exceptions.ClientError):
        return error.exception.response.get("Error", {}).get("Code")
    return None


# ---------------------------------------------------------------------------------------------------------------------
# formats


def normalize_cidr(value: str, option: str) -> str:
    """The canonical text of an IPv4 (``dest``) or IPv6 (``dest_ipv6``) CIDR, as EC2 reports it."""
    if "/" not in value:
        raise ValueError("a CIDR needs a prefix length (/n)")
    network = ipaddress.ip_network(value, strict=True)
    wanted_version = 4 if option == "dest" else 6
    if network.version != wanted_version:
        raise ValueError(f"not an IPv{wanted_version} CIDR")
    return network.compressed


def route_destination(route: dict) -> tuple[str, str] | None:
    """(option, canonical CIDR) of an EC2 route with a CIDR destination, else None."""
    for option, field in DESTINATIONS.items():
        if route.get(field):
            try:
                return option, normalize_cidr(route[field], option)
            except ValueError:
                return option, route[field]
    return None


def route_target(route: dict) -> tuple[str, str] | None:
    """(option, id) of the target of an EC2 route."""
    for field, option in (
        ("NatGatewayId", "nat_gateway_id"),
        ("TransitGatewayId", "transit_gateway_id"),
        ("VpcPeeringConnectionId", "vpc_peering_connection_id"),
        ("NetworkInterfaceId", "network_interface_id"),
        ("GatewayId", "gateway_id"),
        *OTHER_TARGETS.items(),
    ):
        if route.get(field):
            return option, route[field]
    return None


def is_managed_route(route: dict) -> bool:
    """A route this module compares: created with CreateRoute, to a CIDR (not to a prefix list)."""
    return (
        route.get("Origin") == MANAGED_ORIGIN
        and not route.get("DestinationPrefixListId")
        and route_destination(route) is not None
    )


def route_key(route: dict) -> tuple[str, str]:
    """(destination option, CIDR) of a route in the config format."""
    option = "dest" if route.get("dest") else "dest_ipv6"
    return option, route[option]


def route_sort_key(route: dict) -> tuple:
    value = route_key(route)[1]
    try:
        network = ipaddress.ip_network(value)
        return (network.version, network.network_address.packed, network.prefixlen, value)
    except ValueError:
        return (9, b"", 0, value)


def route_view(route: dict) -> dict:
    """An EC2 route in the config format (``{dest, <target option>: id}``)."""
    option, cidr = route_destination(route)
    result = {option: cidr}
    target = route_target(route)
    if target:
        result[target[0]] = target[1]
    return result


def managed_routes(table: dict) -> dict[tuple[str, str], dict]:
    """The managed routes of an EC2 route table: (destination option, CIDR) -> EC2 route."""
    return {route_destination(route): route for route in table.get("Routes") or [] if is_managed_route(route)}


def table_name(table: dict) -> str | None:
    return described_tags(table).get("Name")


def is_main(table: dict) -> bool:
    return any(association.get("Main") for association in table.get("Associations") or [])


def subnet_associations(table: dict) -> dict[str, str]:
    """subnet id -> association id, for the live explicit subnet associations of an EC2 route table."""
    return {
        association["SubnetId"]: association["RouteTableAssociationId"]
        for association in table.get("Associations") or []
        if association.get("SubnetId")
        and (association.get("AssociationState") or {}).get("State", "associated") in LIVE_ASSOCIATION_STATES
    }


def view(table: dict) -> dict:
    """An EC2 route table in the config format. Blackhole routes are marked ``state: blackhole`` (for diffs)."""
    routes = []
    for route in managed_routes(table).values():
        item = route_view(route)
        if route.get("State") == "blackhole":
            item["state"] = "blackhole"
        routes.append(item)
    return {
        "name": table_name(table),
        "route_table_id": table.get("RouteTableId"),
        "subnets": sorted(subnet_associations(table)),
        "routes": sorted(routes, key=route_sort_key),
        "tags": described_tags(table),
    }


def config_view(table_view: dict) -> dict:
    """A ``view`` without the blackhole marks (the config format: a gathered table can be given back as config)."""
    result = dict(table_view)
    result["routes"] = [{key: value for key, value in route.items() if key != "state"} for route in result["routes"]]
    return result


def route_request(route: dict) -> dict:
    """The destination and target fields of a CreateRoute / ReplaceRoute request for a (validated) config route."""
    request = {}
    for option, field in {**DESTINATIONS, **TARGETS}.items():
        if route.get(option):
            request[field] = route[option]
    return request


def route_label(route: dict) -> str:
    return " ".join(route_key(route))


# ---------------------------------------------------------------------------------------------------------------------
# validation (before any AWS call)


def validate_config(config: list[dict]) -> list[dict]:
    """Checks every item and returns the config with canonical CIDRs, route options pruned to the ones set and
    subnets de-duplicated. Raises RouteTableError naming the table and the route."""
    dupes = duplicate_names(config)
    if dupes:
        raise RouteTableError(f"config names each route table once; repeated: {', '.join(dupes)}")
    normalized = []
    subnet_owner: dict[str, str] = {}
    for item in config:
        name = item["name"]
        if not name:
            raise RouteTableError("every route table needs a non-empty name")
        routes = []
        seen: dict[tuple[str, str], int] = {}
        for index, route in enumerate(item.get("routes") or [], start=1):
            destinations = [option for option in DESTINATIONS if route.get(option)]
            label = f"route table {name}: route {index}"
            if len(destinations) != 1:
                raise RouteTableError(f"{label} needs exactly one of dest and dest_ipv6, got {len(destinations)}")
            option = destinations[0]
            try:
                cidr = normalize_cidr(route[option], option)
            except ValueError as e:
                raise RouteTableError(f"{label}: {option} {route[option]} is not a valid CIDR: {e}") from e
            targets = [target for target in TARGETS if route.get(target)]
            if len(targets) != 1:
                raise RouteTableError(
                    f"{label} ({option} {cidr}) needs exactly one target of {', '.join(TARGETS)}; got "
                    + (", ".join(targets) if targets else "none")
                )
            key = (option, cidr)
            if key in seen:
                raise RouteTableError(f"{label} ({option} {cidr}) repeats the destination of route {seen[key]}")
            seen[key] = index
            routes.append({option: cidr, targets[0]: route[targets[0]]})
        subnets = []
        for subnet in item.get("subnets") or []:
            if subnet in subnets:
                continue
            if subnet in subnet_owner:
                raise RouteTableError(
                    f"subnet {subnet} is listed for route table {subnet_owner[subnet]} and for {name}; "
                    "a subnet is associated with one route table"
                )
            subnet_owner[subnet] = name
            subnets.append(subnet)
        normalized.append({"name": name, "tags": item.get("tags"), "subnets": subnets, "routes": routes})
    return normalized


# ---------------------------------------------------------------------------------------------------------------------
# rendered


UNKNOWN_VPC_ID = "(known after apply)"


def placeholder_id(name: str) -> str:
    """Stands for the ID of a table not created yet (rendered, check mode): its name, as ec2_security_groups does."""
    return name


def create_table_request(vpc_id: str, tags: dict) -> dict:
    return {"VpcId": vpc_id, "TagSpecifications": [{"ResourceType": "route-table", "Tags": boto3_tag_list(tags)}]}


def render(vpc_id: str | None, common_tags: dict, config: list[dict]) -> list[dict]:
    """The requests a create of each listed table sends, in order (no AWS call)."""
    requests = []
    for item in config:
        table_id = placeholder_id(item["name"])
        create = create_table_request(vpc_id or UNKNOWN_VPC_ID, item_tags(common_tags, item))
        requests.append({"action": "CreateRouteTable", "request": create})
        requests += [
            {"action": "CreateRoute", "request": {"RouteTableId": table_id, **route_request(route)}}
            for route in item["routes"]
        ]
        requests += [
            {"action": "AssociateRouteTable", "request": {"RouteTableId": table_id, "SubnetId": subnet}}
            for subnet in item["subnets"]
        ]
    return requests


def predicted_view(common_tags: dict, item: dict) -> dict:
    return {
        "name": item["name"],
        "route_table_id": None,
        "subnets": sorted(item["subnets"]),
        "routes": sorted(item["routes"], key=route_sort_key),
        "tags": item_tags(common_tags, item),
    }


# ---------------------------------------------------------------------------------------------------------------------
# the set


class RouteTables:
    """Converges the route tables of one VPC. Each ``update_x`` returns whether x changed (or would change: in check
    mode it calls nothing). ``associations`` (subnet -> (association id, table key)) follows every association
    change of the run, so a subnet moved from one listed table to another is moved once and never left behind."""

    def __init__(self, client, check_mode: bool, vpc_id: str, common_tags: dict, config: list[dict]):
        self.client = client
        self.check_mode = check_mode
        self.vpc_id = vpc_id
        self.common_tags = common_tags
        self.listed_subnets = {subnet for item in config for subnet in item["subnets"]}
        self.associations: dict[str, tuple[str | None, str]] = {}
        self.new_tables: set[str] = set()

    # -- calls ------------------------------------------------------------------------------------------------------

    def call(self, operation: str, description: str, table_id: str | None = None, **params):
        """One EC2 call with retries; on a table this run created, InvalidRouteTableID.NotFound is retried too."""
        method = getattr(self.client, operation)
        try:
            if table_id is not None and table_id in self.new_tables:
                return NEW_TABLE_RETRY(method)(**params)
            return method(aws_retry=True, **params)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            raise AnsibleEC2Error(message=f"Failed to {description}", exception=e) from e

    def describe_table(self, table_id: str, name: str) -> dict:
        """The table as EC2 reports it now (after a write whose first answer was lost)."""
        tables = self.call(
            "describe_route_tables", f"read route table {name} ({table_id}) again", table_id, RouteTableIds=[table_id]
        )["RouteTables"]
        return tables[0] if tables else {}

    def read(self) -> list[dict]:
        """Every route table of the VPC: one DescribeRouteTables (paginated, with retries)."""
        try:
            tables = describe_route_tables(self.client, Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}])
        except AnsibleEC2Error as e:
            raise AnsibleEC2Error(
                message=f"Failed to describe the route tables of {self.vpc_id}", exception=e.exception
            ) from e
        tables = sorted(tables, key=lambda table: table["RouteTableId"])
        for table in tables:
            for subnet, association_id in subnet_associations(table).items():
                self.associations[subnet] = (association_id, table["RouteTableId"])
        return tables

    # -- create -----------------------------------------------------------------------------------------------------

    def create_table(self, item: dict) -> dict:
        """CreateRouteTable with its tags and a client token. The token is in the request, so each retry of the
        retry decorator sends the same one and a create that committed returns the same table."""
        request = create_table_request(self.vpc_id, item_tags(self.common_tags, item))
        request["ClientToken"] = str(uuid.uuid4())
        table = self.call("create_route_table", f"create route table {item['name']}", **request)["RouteTable"]
        self.new_tables.add(table["RouteTableId"])
        return table

    # -- routes -----------------------------------------------------------------------------------------------------

    def create_route(self, table_id: str, name: str, route: dict) -> None:
        description = f"create route {route_label(route)} in route table {name}"
        try:
            self.call("create_route", description, table_id, RouteTableId=table_id, **route_request(route))
        except AnsibleEC2Error as e:
            if error_code(e) != "RouteAlreadyExists":
                raise
            # A retry of a create that took effect (its answer lost); accept it when the route is the wanted one.
            current = managed_routes(self.describe_table(table_id, name))
            key = route_key(route)
            if key not in current or route_view(current[key]) != route:
                found = route_view(current[key]) if key in current else "a route not created by CreateRoute"
                raise AnsibleEC2Error(
                    message=f"Failed to {description}: the table already has {found}", exception=e.exception
                ) from e

    def update_routes(self, table_id: str | None, name: str, current: dict, wanted: list[dict], purge: bool) -> bool:
        """Creates the missing routes, replaces the ones to another target (or blackholes) and, with purge, deletes
        the managed routes not listed. Returns whether anything changed; ``current`` is the EC2 table or {}."""
        existing = managed_routes(current)
        changed = False
        for route in wanted:
            found = existing.get(route_key(route))
            if found is not None and route_view(found) == route and found.get("State") != "blackhole":
                continue
            changed = True
            if self.check_mode:
                continue
            if found is None:
                self.create_route(table_id, name, route)
            else:
                self.call(
                    "replace_route",
                    f"replace route {route_label(route)} in route table {name}",
                    table_id,
                    RouteTableId=table_id,
                    **route_request(route),
                )
        if purge:
            listed = {route_key(route) for route in wanted}
            for key in sorted(set(existing) - listed, key=lambda k: route_sort_key({k[0]: k[1]})):
                changed = True
                if not self.check_mode:
                    self.delete_route(table_id, name, key)
        return changed

    def delete_route(self, table_id: str, name: str, key: tuple[str, str]) -> None:
        option, cidr = key
        try:
            self.call(
                "delete_route",
                f"delete route {option} {cidr} from route table {name}",
                table_id,
                RouteTableId=table_id,
                **{DESTINATIONS[option]: cidr},
            )
        except AnsibleEC2Error as e:
            if error_code(e) != "InvalidRoute.NotFound":
                raise

    # -- subnets ----------------------------------------------------------------------------------------------------

    def associated(self, table_key: str) -> list[str]:
        return sorted(subnet for subnet, (_association, key) in self.associations.items() if key == table_key)

    def accept_association(self, table_id: str, name: str, subnet: str, description: str, error) -> None:
        """After Resource.AlreadyAssociated (a retried associate) or a lost replace: accept it when the table, read
        again, has the subnet."""
        association_id = subnet_associations(self.describe_table(table_id, name)).get(subnet)
        if association_id is None:
            raise AnsibleEC2Error(
                message=f"Failed to {description}: route table {name}, read again, does not hold the subnet",
                exception=error,
            )
        self.associations[subnet] = (association_id, table_id)

    def associate(self, table_id: str, name: str, subnet: str) -> None:
        description = f"associate subnet {subnet} with route table {name}"
        try:
            answer = self.call("associate_route_table", description, table_id, RouteTableId=table_id, SubnetId=subnet)
        except AnsibleEC2Error as e:
            if error_code(e) != "Resource.AlreadyAssociated":
                raise
            self.accept_association(table_id, name, subnet, description, e.exception)
            return
        self.associations[subnet] = (answer["AssociationId"], table_id)

    def move(self, table_id: str, name: str, subnet: str, association_id: str) -> None:
        description = f"move subnet {subnet} to route table {name}"
        try:
            answer = self.call(
                "replace_route_table_association",
                description,
                table_id,
                AssociationId=association_id,
                RouteTableId=table_id,
            )
        except AnsibleEC2Error as e:
            if error_code(e) != "InvalidAssociationID.NotFound":
                raise
            self.accept_association(table_id, name, subnet, description, e.exception)
            return
        self.associations[subnet] = (answer["NewAssociationId"], table_id)

    def disassociate(self, association_id: str, description: str) -> None:
        try:
            self.call("disassociate_route_table", description, AssociationId=association_id)
        except AnsibleEC2Error as e:
            if error_code(e) != "InvalidAssociationID.NotFound":
                raise

    def update_subnets(self, table_key: str, table_id: str | None, name: str, wanted: list[str], purge: bool) -> bool:
        """Associates (or moves) the listed subnets and, with purge, disassociates the subnets of the table that no
        table of the config lists. ``table_key`` is the table id, or a placeholder for a table check mode would
        create."""
        changed = False
        for subnet in wanted:
            association_id, key = self.associations.get(subnet, (None, None))
            if key == table_key:
                continue
            changed = True
            if self.check_mode:
                self.associations[subnet] = (None, table_key)
            elif association_id is None:
                self.associate(table_id, name, subnet)
            else:
                self.move(table_id, name, subnet, association_id)
        if purge:
            for subnet in self.associated(table_key):
                if subnet in wanted or subnet in self.listed_subnets:
                    continue  # listed for another table: moved there by its own update, never left unassociated
                changed = True
                association_id = self.associations.pop(subnet)[0]
                if not self.check_mode:
                    self.disassociate(association_id, f"disassociate subnet {subnet} from route table {name}")
        return changed

    # -- tags -------------------------------------------------------------------------------------------------------

    def update_tags(self, table_id: str, name: str, current: dict, wanted: dict, purge: bool) -> bool:
        try:
            return ensure_ec2_tags(self.client, self.check_mode, table_id, current, wanted, purge_tags=purge)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            raise AnsibleEC2Error(message=f"Failed to tag route table {name}", exception=e) from e

    # -- converge_set callbacks -------------------------------------------------------------------------------------

    def present(self, item: dict, current: dict | None, purge: bool) -> tuple[bool, dict]:
        name = item["name"]
        wanted_tags = item_tags(self.common_tags, item)
        if current is None:
            table_id = None
            if not self.check_mode:
                table_id = self.create_table(item)["RouteTableId"]
            table_key = table_id or placeholder_id(name)
            self.update_routes(table_id, name, {}, item["routes"], purge)
            self.update_subnets(table_key, table_id, name, item["subnets"], purge)
            result = predicted_view(self.common_tags, item)
            result["route_table_id"] = table_id
            result["subnets"] = self.associated(table_key)
            return True, result

        table_id = current["RouteTableId"]
        before = view(current)
        changed = self.update_routes(table_id, name, current, item["routes"], purge)
        changed |= self.update_subnets(table_id, table_id, name, item["subnets"], purge)
        changed |= self.update_tags(table_id, name, before["tags"], wanted_tags, purge)

        routes = {} if purge else {route_key(route): route for route in before["routes"]}
        routes.update({route_key(route): route for route in item["routes"]})
        result = dict(before)
        result["routes"] = sorted(routes.values(), key=route_sort_key)
        result["subnets"] = self.associated(table_id)
        result["tags"] = updated_tags(before["tags"], wanted_tags, purge)
        return changed, result

    def absent(self, table: dict) -> None:
        """Disassociates every explicit association of the table (subnets and gateways), then deletes it."""
        table_id = table["RouteTableId"]
        name = table_name(table)
        for subnet in self.associated(table_id):
            association_id = self.associations.pop(subnet)[0]
            self.disassociate(association_id, f"disassociate subnet {subnet} from route table {name}")
        gateways = sorted(
            (association["GatewayId"], association["RouteTableAssociationId"])
            for association in table.get("Associations") or []
            if association.get("GatewayId") and not association.get("Main")
        )
        for gateway, association_id in gateways:
            self.disassociate(association_id, f"disassociate gateway {gateway} from route table {name}")
        try:
            self.call("delete_route_table", f"delete route table {name} ({table_id})", RouteTableId=table_id)
        except AnsibleEC2Error as e:
            if error_code(e) != NOT_FOUND:
                raise


# ---------------------------------------------------------------------------------------------------------------------
# states


def named_tables(tables: list[dict], config: list[dict], owner_tags: dict) -> dict[str, dict]:
    """name -> table, for the tables with a Name tag. Two tables of one name fail when the run concerns the name
    (listed, or owned)."""
    by_name: dict[str, list[dict]] = {}
    for table in tables:
        name = table_name(table)
        if name:
            by_name.setdefault(name, []).append(table)
    listed = {item["name"] for item in config}
    for name in sorted(by_name):
        found = by_name[name]
        if len(found) > 1 and (name in listed or any(is_owned(described_tags(t), owner_tags) for t in found)):
            ids = ", ".join(table["RouteTableId"] for table in found)
            raise RouteTableError(f"route tables {ids} share the name {name}: tag one of them with another Name")
    return {name: found[0] for name, found in by_name.items()}


def run(client, check_mode: bool, params: dict) -> dict:
    state = params["state"]
    config = validate_config(params["config"])
    common_tags = params["tags"] or {}
    owner_tags = params["owner_tags"] or {}

    if state == "rendered":
        views = [predicted_view(common_tags, item) for item in config]
        return {
            "changed": False,
            "rendered": render(params["vpc_id"], common_tags, config),
            "route_tables": views,
            "route_table_ids": {v["name"]: None for v in views},
            "created": [],
            "updated": [],
            "deleted": [],
            "diff": {"before": {}, "after": {}},
        }

    tables = RouteTables(client, check_mode, params["vpc_id"], common_tags, config)
    existing = named_tables(tables.read(), config, owner_tags)

    def owned(table):
        return is_owned(described_tags(table), owner_tags)

    if state == "gathered":
        views = [config_view(view(existing[name])) for name in sorted(existing) if owned(existing[name])]
        return {
            "changed": False,
            "route_tables": views,
            "route_table_ids": {v["name"]: v["route_table_id"] for v in views},
            "created": [],
            "updated": [],
            "deleted": [],
            "diff": {"before": {}, "after": {}},
        }

    # The main route table is never deleted: overridden and deleted do not see it unless it is listed to converge.
    listed = {item["name"] for item in config}
    if state in ("overridden", "deleted"):
        existing = {
            name: table
            for name, table in existing.items()
            if not is_main(table) or (state == "overridden" and name in listed)
        }

    result = converge_set(
        state=state,
        config=config,
        existing=existing,
        owned=owned,
        present=tables.present,
        absent=tables.absent,
        view=view,
        check_mode=check_mode,
    )
    # A subnet moved by a later table of the config left an earlier one after that one's view was made.
    for table_view in [*result["items"], *result["diff"]["after"].values()]:
        table_view["subnets"] = tables.associated(table_view["route_table_id"] or placeholder_id(table_view["name"]))
    views = [config_view(item) for item in result.pop("items")]
    return {
        **result,
        "route_tables": views,
        "route_table_ids": {v["name"]: v["route_table_id"] for v in views},
    }


def main():
    route_options = {option: {"type": "str"} for option in (*DESTINATIONS, *TARGETS)}
    config_options = {
        "name": {"type": "str", "required": True},
        "tags": {"type": "dict"},
        "subnets": {"type": "list", "elements": "str", "default": []},
        "routes": {"type": "list", "elements": "dict", "default": [], "options": route_options},
    }
    argument_spec = resource_set_argument_spec(config_options, vpc_id={"type": "str"})
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", state, ["vpc_id"]) for state in STATES if state != "rendered"],
    )

    try:
        # rendered makes no AWS call at all: no client either.
        client = None
        if module.params["state"] != "rendered":
            client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
        result = run(client, module.check_mode, module.params)
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except AnsibleEC2Error as e:
        module.fail_json_aws_error(e)

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
