# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ec2_vpc_route_tables.

Every AWS call goes through botocore's Stubber on a real EC2 client (request shapes validated against the EC2 API
model and compared exactly, in order), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in,
so check mode, diff and the write calls are those of the real module. A call the test did not stub fails the test:
"no write" is proven by stubbing only the read.
"""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import ec2_vpc_route_tables as module_under_test
from botocore.stub import Stubber

VPC = "vpc-0123456789abcdef0"
IGW = "igw-0123456789abcdef0"
NAT = "nat-0123456789abcdef0"
NAT_2 = "nat-0fedcba9876543210"
PCX = "pcx-0123456789abcdef0"
VPCE = "vpce-0123456789abcdef0"
VGW = "vgw-0123456789abcdef0"
PUBLIC = "rtb-0000000000000000a"
PRIVATE = "rtb-0000000000000000b"
OLD = "rtb-0000000000000000c"
FOREIGN = "rtb-0000000000000000d"
MAIN = "rtb-0000000000000000e"
S1, S2, S3, S4 = (f"subnet-000000000000000{n}" for n in (1, 2, 3, 4))
COMMON = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod"}
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
FILTERS = [{"Name": "vpc-id", "Values": [VPC]}]
TOKENS = ("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222")


@pytest.fixture
def ec2():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def sleeps(monkeypatch):
    """Retries sleep through time.sleep: recorded, not slept."""
    recorded = []
    monkeypatch.setattr("time.sleep", recorded.append)
    return recorded


@pytest.fixture(autouse=True)
def tokens(monkeypatch):
    """uuid4 answers TOKENS in turn, so a test sees whether a retry asks for a new token."""
    issued = iter(TOKENS)
    monkeypatch.setattr(module_under_test.uuid, "uuid4", lambda: next(issued))


def tag_list(tags):
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def local(cidr="10.0.0.0/16"):
    return {"DestinationCidrBlock": cidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}


def route(dest, state="active", **target):
    key = "DestinationIpv6CidrBlock" if ":" in dest else "DestinationCidrBlock"
    return {key: dest, **target, "Origin": "CreateRoute", "State": state}


def table(table_id, name=None, tags=None, routes=(), subnets=None, main=False, extra_tags=None):
    """A DescribeRouteTables item. ``tags`` None: the owner tags + common tags + Name (an owned table)."""
    all_tags = dict(COMMON if tags is None else tags)
    if name:
        all_tags["Name"] = name
    all_tags.update(extra_tags or {})
    associations = []
    if main:
        associations.append(
            {"Main": True, "RouteTableAssociationId": f"rtbassoc-main{table_id[-4:]}", "RouteTableId": table_id}
        )
    for subnet, association in (subnets or {}).items():
        associations.append(
            {
                "Main": False,
                "RouteTableAssociationId": association,
                "RouteTableId": table_id,
                "SubnetId": subnet,
                "AssociationState": {"State": "associated"},
            }
        )
    return {
        "RouteTableId": table_id,
        "VpcId": VPC,
        "OwnerId": "123456789012",
        "Routes": [local(), *routes],
        "Associations": associations,
        "Tags": tag_list(all_tags),
    }


def public_table(**overrides):
    args = {
        "name": "shop-prod-public",
        "routes": [route("0.0.0.0/0", GatewayId=IGW), route("::/0", GatewayId=IGW)],
        "subnets": {S1: "rtbassoc-1", S2: "rtbassoc-2"},
        "extra_tags": {"tier": "public"},
    }
    args.update(overrides)
    return table(PUBLIC, **args)


def private_table(**overrides):
    args = {
        "name": "shop-prod-private-a",
        "routes": [route("0.0.0.0/0", NatGatewayId=NAT)],
        "subnets": {S3: "rtbassoc-3"},
        "extra_tags": {"tier": "private"},
    }
    args.update(overrides)
    return table(PRIVATE, **args)


PUBLIC_ITEM = {
    "name": "shop-prod-public",
    "tags": {"tier": "public"},
    "subnets": [S1, S2],
    "routes": [{"dest": "0.0.0.0/0", "gateway_id": IGW}, {"dest_ipv6": "::/0", "gateway_id": IGW}],
}
PRIVATE_ITEM = {
    "name": "shop-prod-private-a",
    "tags": {"tier": "private"},
    "subnets": [S3],
    "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": NAT}],
}


def expect_read(stubber, *tables):
    stubber.add_response("describe_route_tables", {"RouteTables": list(tables)}, {"Filters": FILTERS})


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("vpc_id", VPC)
    args.setdefault("tags", COMMON)
    args.setdefault("owner_tags", OWNER)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


def create_request(name, extra_tags, token=TOKENS[0]):
    tags = {**COMMON, "Name": name, **extra_tags}
    return {
        "VpcId": VPC,
        "TagSpecifications": [{"ResourceType": "route-table", "Tags": tag_list(dict(sorted(tags.items())))}],
        "ClientToken": token,
    }


def created_table(table_id, name, extra_tags):
    return {"RouteTable": table(table_id, name, extra_tags=extra_tags)}


# ---------------------------------------------------------------------------------------------------------------------
# helpers and validation


@pytest.mark.parametrize(
    ("aws_route", "expected"),
    [
        (route("0.0.0.0/0", GatewayId=IGW), {"dest": "0.0.0.0/0", "gateway_id": IGW}),
        (route("::/0", GatewayId=IGW), {"dest_ipv6": "::/0", "gateway_id": IGW}),
        (route("10.1.0.0/16", NatGatewayId=NAT), {"dest": "10.1.0.0/16", "nat_gateway_id": NAT}),
        (
            route("10.2.0.0/16", NetworkInterfaceId="eni-1", InstanceId="i-1", InstanceOwnerId="1"),
            {"dest": "10.2.0.0/16", "network_interface_id": "eni-1"},
        ),
        (
            route("2600:1f18::/56", EgressOnlyInternetGatewayId="eigw-1"),
            {"dest_ipv6": "2600:1f18::/56", "egress_only_internet_gateway_id": "eigw-1"},
        ),
    ],
)
def test_route_view(aws_route, expected):
    assert module_under_test.route_view(aws_route) == expected


@pytest.mark.parametrize(
    ("aws_route", "managed"),
    [
        (route("0.0.0.0/0", GatewayId=IGW), True),
        (local(), False),
        ({"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": VGW, "Origin": "EnableVgwRoutePropagation"}, False),
        ({"DestinationPrefixListId": "pl-1", "GatewayId": VPCE, "Origin": "CreateRoute", "State": "active"}, False),
    ],
)
def test_only_create_route_cidr_routes_are_managed(aws_route, managed):
    assert module_under_test.is_managed_route(aws_route) is managed


@pytest.mark.parametrize(
    ("routes", "message"),
    [
        ([{"gateway_id": IGW}], "route table t: route 1 needs exactly one of dest and dest_ipv6, got 0"),
        ([{"dest": "0.0.0.0/0", "dest_ipv6": "::/0", "gateway_id": IGW}], "route 1 needs exactly one of dest and"),
        ([{"dest": "0.0.0.0/0"}], "route table t: route 1 (dest 0.0.0.0/0) needs exactly one target of gateway_id"),
        (
            [
                {"dest": "10.0.0.0/8", "gateway_id": IGW},
                {"dest": "0.0.0.0/0", "gateway_id": IGW, "nat_gateway_id": NAT},
            ],
            "route table t: route 2 (dest 0.0.0.0/0) needs exactly one target of gateway_id, nat_gateway_id, "
            "network_interface_id, transit_gateway_id, vpc_peering_connection_id; got gateway_id, nat_gateway_id",
        ),
        ([{"dest": "10.0.0.1/16", "gateway_id": IGW}], "route table t: route 1: dest 10.0.0.1/16 is not a valid CIDR"),
        ([{"dest": "10.0.0.0", "gateway_id": IGW}], "route 1: dest 10.0.0.0 is not a valid CIDR"),
        ([{"dest": "::/0", "gateway_id": IGW}], "route 1: dest ::/0 is not a valid CIDR: not an IPv4 CIDR"),
        ([{"dest_ipv6": "0.0.0.0/0", "gateway_id": IGW}], "dest_ipv6 0.0.0.0/0 is not a valid CIDR: not an IPv6"),
        (
            [{"dest": "0.0.0.0/0", "gateway_id": IGW}, {"dest": "0.0.0.0/0", "nat_gateway_id": NAT}],
            "route table t: route 2 (dest 0.0.0.0/0) repeats the destination of route 1",
        ),
    ],
)
def test_bad_routes_fail_before_any_call(ec2, monkeypatch, capsys, routes, message):
    client, _stubber = ec2  # nothing stubbed: any call fails the test
    result = run(monkeypatch, capsys, client, state="merged", config=[{"name": "t", "routes": routes}])
    assert result["failed"] is True
    assert message in result["msg"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            [{"name": "a", "subnets": [S1]}, {"name": "b", "subnets": [S2, S1]}],
            f"subnet {S1} is listed for route table a and for b",
        ),
        ([{"name": "a"}, {"name": "a"}], "config names each route table once; repeated: a"),
    ],
)
def test_bad_config_fails_before_any_call(ec2, monkeypatch, capsys, config, message):
    client, _stubber = ec2
    result = run(monkeypatch, capsys, client, state="replaced", config=config)
    assert result["failed"] is True
    assert message in result["msg"]


def test_ipv6_destinations_are_compared_in_canonical_form():
    config = module_under_test.validate_config(
        [{"name": "t", "routes": [{"dest_ipv6": "2600:1F18:0000::/56", "gateway_id": IGW}], "subnets": [S1, S1]}]
    )
    assert config[0]["routes"] == [{"dest_ipv6": "2600:1f18::/56", "gateway_id": IGW}]
    assert config[0]["subnets"] == [S1]


# ---------------------------------------------------------------------------------------------------------------------
# create


def test_create_requests(ec2, monkeypatch, capsys):
    client, stubber = ec2
    # S3 has no explicit association; S4 is associated with a table of the VPC that the stack does not own.
    expect_read(stubber, table(MAIN, main=True, tags={}), table(FOREIGN, "legacy", tags={}, subnets={S4: "rtbassoc-4"}))
    stubber.add_response(
        "create_route_table",
        created_table(PRIVATE, "shop-prod-private-a", {"tier": "private"}),
        create_request("shop-prod-private-a", {"tier": "private"}),
    )
    stubber.add_response(
        "create_route",
        {"Return": True},
        {"RouteTableId": PRIVATE, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": NAT},
    )
    stubber.add_response(
        "create_route",
        {"Return": True},
        {"RouteTableId": PRIVATE, "DestinationIpv6CidrBlock": "2600:1f18::/56", "TransitGatewayId": "tgw-1"},
    )
    stubber.add_response(
        "associate_route_table", {"AssociationId": "rtbassoc-new3"}, {"RouteTableId": PRIVATE, "SubnetId": S3}
    )
    stubber.add_response(
        "replace_route_table_association",
        {"NewAssociationId": "rtbassoc-new4"},
        {"AssociationId": "rtbassoc-4", "RouteTableId": PRIVATE},
    )
    item = {
        **PRIVATE_ITEM,
        "subnets": [S3, S4],
        "routes": [
            {"dest": "0.0.0.0/0", "nat_gateway_id": NAT},
            {"dest_ipv6": "2600:1f18::/56", "transit_gateway_id": "tgw-1"},
        ],
    }

    result = run(monkeypatch, capsys, client, state="replaced", config=[item], _ansible_diff=True)

    assert result["changed"] is True
    assert result["created"] == ["shop-prod-private-a"]
    assert result["updated"] == result["deleted"] == []
    assert result["route_table_ids"] == {"shop-prod-private-a": PRIVATE}
    expected = {
        "name": "shop-prod-private-a",
        "route_table_id": PRIVATE,
        "subnets": [S3, S4],
        "routes": item["routes"],
        "tags": {**dict(sorted(COMMON.items())), "Name": "shop-prod-private-a", "tier": "private"},
    }
    assert result["route_tables"] == [expected]
    assert result["diff"] == {"before": {"shop-prod-private-a": {}}, "after": {"shop-prod-private-a": expected}}


def test_create_retried_after_a_lost_answer_sends_the_same_client_token(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber)
    request = create_request("shop-prod-public", {"tier": "public"})
    stubber.add_client_error("create_route_table", "InternalError", "lost", 500, expected_params=request)
    stubber.add_response("create_route_table", created_table(PUBLIC, "shop-prod-public", {"tier": "public"}), request)

    result = run(monkeypatch, capsys, client, config=[{"name": "shop-prod-public", "tags": {"tier": "public"}}])

    assert result["changed"] is True
    assert result["route_table_ids"] == {"shop-prod-public": PUBLIC}


def test_calls_on_a_new_table_retry_not_found_without_a_fixed_sleep(ec2, monkeypatch, capsys, sleeps):
    client, stubber = ec2
    expect_read(stubber)
    stubber.add_response(
        "create_route_table",
        created_table(PUBLIC, "shop-prod-public", {"tier": "public"}),
        create_request("shop-prod-public", {"tier": "public"}),
    )
    create_route = {"RouteTableId": PUBLIC, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": IGW}
    stubber.add_client_error("create_route", "InvalidRouteTableID.NotFound", "not yet", 400, create_route)
    stubber.add_client_error("create_route", "InvalidRouteTableID.NotFound", "not yet", 400, create_route)
    stubber.add_response("create_route", {"Return": True}, create_route)
    associate = {"RouteTableId": PUBLIC, "SubnetId": S1}
    stubber.add_client_error("associate_route_table", "InvalidRouteTableID.NotFound", "not yet", 400, associate)
    stubber.add_response("associate_route_table", {"AssociationId": "rtbassoc-1"}, associate)
    item = {**PUBLIC_ITEM, "subnets": [S1], "routes": PUBLIC_ITEM["routes"][:1]}

    result = run(monkeypatch, capsys, client, config=[item])

    assert result["changed"] is True
    assert len(sleeps) == 3
    # jittered backoff from a 1 s first delay: at most 1 s, then 2 s; then 1 s again for the next call
    assert sleeps[0] <= 1 and sleeps[1] <= 2 and sleeps[2] <= 1


def test_not_found_on_an_existing_table_is_not_retried(ec2, monkeypatch, capsys, sleeps):
    client, stubber = ec2
    expect_read(stubber, public_table(routes=[]))
    stubber.add_client_error("create_route", "InvalidRouteTableID.NotFound", "gone", 400)

    result = run(monkeypatch, capsys, client, config=[PUBLIC_ITEM])

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to create route dest 0.0.0.0/0 in route table shop-prod-public")
    assert sleeps == []


def test_create_route_retried_after_it_committed_is_accepted(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, public_table(routes=[route("::/0", GatewayId=IGW)]))
    stubber.add_client_error("create_route", "RouteAlreadyExists", "exists", 400)
    stubber.add_response("describe_route_tables", {"RouteTables": [public_table()]}, {"RouteTableIds": [PUBLIC]})

    result = run(monkeypatch, capsys, client, config=[PUBLIC_ITEM])

    assert result["changed"] is True
    assert result["updated"] == ["shop-prod-public"]


def test_route_already_existing_with_another_target_fails(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, public_table(routes=[route("::/0", GatewayId=IGW)]))
    stubber.add_client_error("create_route", "RouteAlreadyExists", "exists", 400)
    other = public_table(routes=[route("0.0.0.0/0", NatGatewayId=NAT), route("::/0", GatewayId=IGW)])
    stubber.add_response("describe_route_tables", {"RouteTables": [other]}, {"RouteTableIds": [PUBLIC]})

    result = run(monkeypatch, capsys, client, config=[PUBLIC_ITEM])

    assert result["failed"] is True
    assert (
        "Failed to create route dest 0.0.0.0/0 in route table shop-prod-public: the table already has" in result["msg"]
    )
    assert NAT in result["msg"]


def test_associate_retried_after_it_committed_is_accepted(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, public_table(subnets={S1: "rtbassoc-1"}))
    stubber.add_client_error("associate_route_table", "Resource.AlreadyAssociated", "associated", 400)
    stubber.add_response("describe_route_tables", {"RouteTables": [public_table()]}, {"RouteTableIds": [PUBLIC]})

    result = run(monkeypatch, capsys, client, config=[PUBLIC_ITEM])

    assert result["changed"] is True
    assert result["route_tables"][0]["subnets"] == [S1, S2]


def test_associate_refused_for_a_subnet_held_elsewhere_fails_naming_it(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, public_table(subnets={S1: "rtbassoc-1"}))
    stubber.add_client_error("associate_route_table", "Resource.AlreadyAssociated", "associated", 400)
    stubber.add_response(
        "describe_route_tables",
        {"RouteTables": [public_table(subnets={S1: "rtbassoc-1"})]},
        {"RouteTableIds": [PUBLIC]},
    )

    result = run(monkeypatch, capsys, client, config=[PUBLIC_ITEM])

    assert result["failed"] is True
    assert result["msg"].startswith(
        f"Failed to associate subnet {S2} with route table shop-prod-public: route table shop-prod-public, read again, "
        "does not hold the subnet"
    )


def test_a_move_whose_answer_was_lost_is_accepted(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(
        stubber, public_table(subnets={S1: "rtbassoc-1"}), private_table(subnets={S2: "rtbassoc-2", S3: "rtbassoc-3"})
    )
    # the retry of a ReplaceRouteTableAssociation that took effect: the old association is gone
    stubber.add_client_error(
        "replace_route_table_association",
        "InvalidAssociationID.NotFound",
        "gone",
        400,
        {"AssociationId": "rtbassoc-2", "RouteTableId": PUBLIC},
    )
    stubber.add_response(
        "describe_route_tables",
        {"RouteTables": [public_table(subnets={S1: "rtbassoc-1", S2: "rtbassoc-22"})]},
        {"RouteTableIds": [PUBLIC]},
    )

    result = run(monkeypatch, capsys, client, state="merged", config=[PUBLIC_ITEM])

    assert result["updated"] == ["shop-prod-public"]
    assert result["route_tables"][0]["subnets"] == [S1, S2]


# ---------------------------------------------------------------------------------------------------------------------
# converged, check mode


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
def test_converged_set_makes_one_read_and_no_write(ec2, monkeypatch, capsys, state):
    client, stubber = ec2
    endpoint_route = {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": VPCE, "Origin": "CreateRoute"}
    propagated = {"DestinationCidrBlock": "172.16.0.0/12", "GatewayId": VGW, "Origin": "EnableVgwRoutePropagation"}
    public = public_table(routes=[*public_table()["Routes"][1:], endpoint_route, propagated])
    # the main table (no Name) and a table of another stack are left alone
    expect_read(stubber, public, private_table(), table(MAIN, main=True, tags={}), table(FOREIGN, "other", tags={}))

    result = run(monkeypatch, capsys, client, state=state, config=[PUBLIC_ITEM, PRIVATE_ITEM], _ansible_diff=True)

    assert result["changed"] is False
    assert result["created"] == result["updated"] == result["deleted"] == []
    assert result["diff"] == {"before": {}, "after": {}}
    assert result["route_table_ids"] == {"shop-prod-public": PUBLIC, "shop-prod-private-a": PRIVATE}
    assert result["route_tables"][0]["routes"] == [
        {"dest": "0.0.0.0/0", "gateway_id": IGW},
        {"dest_ipv6": "::/0", "gateway_id": IGW},
    ]
    assert "warnings" not in result


def test_check_mode_makes_no_write_and_reports_the_changes(ec2, monkeypatch, capsys):
    client, stubber = ec2
    # public: one route to another target, one subnet too many, a missing tag; private: new
    public = public_table(routes=[route("0.0.0.0/0", NatGatewayId=NAT)], subnets={S1: "rtbassoc-1", S4: "rtbassoc-4"})
    expect_read(stubber, public)

    result = run(
        monkeypatch,
        capsys,
        client,
        state="replaced",
        config=[{**PUBLIC_ITEM, "tags": {"tier": "public", "zone": "a"}}, PRIVATE_ITEM],
        _ansible_check_mode=True,
        _ansible_diff=True,
    )

    assert result["changed"] is True
    assert result["created"] == ["shop-prod-private-a"]
    assert result["updated"] == ["shop-prod-public"]
    assert result["route_table_ids"] == {"shop-prod-public": PUBLIC, "shop-prod-private-a": None}
    before, after = result["diff"]["before"]["shop-prod-public"], result["diff"]["after"]["shop-prod-public"]
    assert before["routes"] == [{"dest": "0.0.0.0/0", "nat_gateway_id": NAT}]
    assert after["routes"] == PUBLIC_ITEM["routes"]
    assert (before["subnets"], after["subnets"]) == ([S1, S4], [S1, S2])
    assert after["tags"]["zone"] == "a" and "zone" not in before["tags"]
    assert result["diff"]["after"]["shop-prod-private-a"]["subnets"] == [S3]


# ---------------------------------------------------------------------------------------------------------------------
# update


def test_one_route_to_another_target_is_one_replace_route(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, public_table(), private_table())
    stubber.add_response(
        "replace_route", {}, {"RouteTableId": PRIVATE, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": NAT_2}
    )
    private = {**PRIVATE_ITEM, "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": NAT_2}]}

    result = run(monkeypatch, capsys, client, config=[PUBLIC_ITEM, private], _ansible_diff=True)

    assert result["updated"] == ["shop-prod-private-a"]
    assert list(result["diff"]["after"]) == ["shop-prod-private-a"]
    assert result["diff"]["before"]["shop-prod-private-a"]["routes"] == [{"dest": "0.0.0.0/0", "nat_gateway_id": NAT}]
    assert result["diff"]["after"]["shop-prod-private-a"]["routes"] == private["routes"]


def test_a_blackhole_route_to_a_listed_destination_is_replaced(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, private_table(routes=[route("0.0.0.0/0", state="blackhole", NatGatewayId=NAT)]))
    stubber.add_response(
        "replace_route", {}, {"RouteTableId": PRIVATE, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": NAT}
    )

    result = run(monkeypatch, capsys, client, config=[PRIVATE_ITEM], _ansible_diff=True)

    assert result["updated"] == ["shop-prod-private-a"]
    before = result["diff"]["before"]["shop-prod-private-a"]["routes"]
    assert before == [{"dest": "0.0.0.0/0", "nat_gateway_id": NAT, "state": "blackhole"}]
    assert result["route_tables"][0]["routes"] == [{"dest": "0.0.0.0/0", "nat_gateway_id": NAT}]


def test_merged_adds_and_keeps_what_is_not_listed(ec2, monkeypatch, capsys):
    client, stubber = ec2
    extra = route("10.9.0.0/16", VpcPeeringConnectionId=PCX)
    expect_read(
        stubber, public_table(routes=[*public_table()["Routes"][1:], extra], extra_tags={"tier": "public", "x": "1"})
    )
    stubber.add_response(
        "create_route",
        {"Return": True},
        {"RouteTableId": PUBLIC, "DestinationCidrBlock": "10.8.0.0/16", "GatewayId": VGW},
    )
    stubber.add_response(
        "associate_route_table", {"AssociationId": "rtbassoc-3"}, {"RouteTableId": PUBLIC, "SubnetId": S3}
    )
    stubber.add_response("create_tags", {}, {"Resources": [PUBLIC], "Tags": [{"Key": "owner", "Value": "web"}]})
    item = {
        "name": "shop-prod-public",
        "tags": {"owner": "web"},
        "subnets": [S3],
        "routes": [{"dest": "10.8.0.0/16", "gateway_id": VGW}],
    }

    result = run(monkeypatch, capsys, client, state="merged", config=[item])

    view = result["route_tables"][0]
    assert view["subnets"] == [S1, S2, S3]
    assert [r.get("dest") or r.get("dest_ipv6") for r in view["routes"]] == [
        "0.0.0.0/0",
        "10.8.0.0/16",
        "10.9.0.0/16",
        "::/0",
    ]
    assert view["tags"]["x"] == "1" and view["tags"]["owner"] == "web"


def test_replaced_purges_unlisted_routes_subnets_and_tags(ec2, monkeypatch, capsys):
    client, stubber = ec2
    extra = [route("10.9.0.0/16", VpcPeeringConnectionId=PCX), route("fd00::/8", GatewayId=IGW)]
    endpoint_route = {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": VPCE, "Origin": "CreateRoute"}
    public = public_table(
        routes=[*public_table()["Routes"][1:], *extra, endpoint_route],
        subnets={S1: "rtbassoc-1", S2: "rtbassoc-2", S4: "rtbassoc-4"},
        extra_tags={"tier": "public", "old": "yes"},
    )
    expect_read(stubber, public)
    stubber.add_response("delete_route", {}, {"RouteTableId": PUBLIC, "DestinationCidrBlock": "10.9.0.0/16"})
    stubber.add_response("delete_route", {}, {"RouteTableId": PUBLIC, "DestinationIpv6CidrBlock": "fd00::/8"})
    stubber.add_response("disassociate_route_table", {}, {"AssociationId": "rtbassoc-4"})
    stubber.add_response("delete_tags", {}, {"Resources": [PUBLIC], "Tags": [{"Key": "old"}]})

    result = run(monkeypatch, capsys, client, state="replaced", config=[PUBLIC_ITEM])

    assert result["updated"] == ["shop-prod-public"]
    assert result["route_tables"][0]["routes"] == PUBLIC_ITEM["routes"]
    assert result["route_tables"][0]["subnets"] == [S1, S2]
    assert "old" not in result["route_tables"][0]["tags"]


def test_replaced_refuses_a_listed_table_it_does_not_own(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, table(FOREIGN, "shop-prod-public", tags={"stack": "other"}))

    result = run(monkeypatch, capsys, client, state="replaced", config=[PUBLIC_ITEM])

    assert result["failed"] is True
    assert "shop-prod-public exists but is not owned" in result["msg"]


def test_a_subnet_moved_between_listed_tables_is_moved_once(ec2, monkeypatch, capsys):
    client, stubber = ec2
    # S2 goes from public to private: private's ReplaceRouteTableAssociation moves it; public does not disassociate it
    expect_read(stubber, public_table(), private_table())
    stubber.add_response(
        "replace_route_table_association",
        {"NewAssociationId": "rtbassoc-22"},
        {"AssociationId": "rtbassoc-2", "RouteTableId": PRIVATE},
    )
    public = {**PUBLIC_ITEM, "subnets": [S1]}
    private = {**PRIVATE_ITEM, "subnets": [S3, S2]}

    result = run(monkeypatch, capsys, client, state="replaced", config=[public, private], _ansible_diff=True)

    assert result["updated"] == ["shop-prod-private-a"]
    assert [view["subnets"] for view in result["route_tables"]] == [[S1], [S2, S3]]


# ---------------------------------------------------------------------------------------------------------------------
# overridden, deleted


def test_overridden_deletes_an_owned_unlisted_table_only(ec2, monkeypatch, capsys):
    client, stubber = ec2
    old = table(OLD, "shop-prod-private-b", subnets={S4: "rtbassoc-4"})
    foreign = table(FOREIGN, "other-stack", tags={"stack": "other"})
    owned_main = table(MAIN, "shop-prod-main", main=True)
    expect_read(stubber, public_table(), old, foreign, owned_main)
    stubber.add_response("disassociate_route_table", {}, {"AssociationId": "rtbassoc-4"})
    stubber.add_response("delete_route_table", {}, {"RouteTableId": OLD})

    result = run(monkeypatch, capsys, client, state="overridden", config=[PUBLIC_ITEM], _ansible_diff=True)

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-private-b"]
    assert result["diff"]["before"]["shop-prod-private-b"]["subnets"] == [S4]
    assert result["route_table_ids"] == {"shop-prod-public": PUBLIC}


def test_overridden_in_check_mode_deletes_nothing(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, public_table(), table(OLD, "shop-prod-private-b", subnets={S4: "rtbassoc-4"}))

    result = run(monkeypatch, capsys, client, state="overridden", config=[PUBLIC_ITEM], _ansible_check_mode=True)

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-private-b"]


def test_deleted_refuses_a_table_it_does_not_own_before_any_delete(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, public_table(), table(FOREIGN, "shop-prod-private-a", tags={"stack": "other"}))

    result = run(monkeypatch, capsys, client, state="deleted", config=[PUBLIC_ITEM, PRIVATE_ITEM])

    assert result["failed"] is True
    assert "refusing to delete shop-prod-private-a: not owned" in result["msg"]


def test_deleted_without_config_deletes_every_owned_table_but_main(ec2, monkeypatch, capsys):
    client, stubber = ec2
    gateway_association = {
        "Main": False,
        "RouteTableAssociationId": "rtbassoc-igw",
        "RouteTableId": PRIVATE,
        "GatewayId": IGW,
        "AssociationState": {"State": "associated"},
    }
    private = private_table()
    private["Associations"].append(gateway_association)
    expect_read(
        stubber, public_table(), private, table(MAIN, "shop-prod-main", main=True), table(FOREIGN, "x", tags={})
    )
    stubber.add_response("disassociate_route_table", {}, {"AssociationId": "rtbassoc-3"})
    stubber.add_response("disassociate_route_table", {}, {"AssociationId": "rtbassoc-igw"})
    # gone already (deleted by someone else since the read): not an error
    stubber.add_client_error(
        "delete_route_table", "InvalidRouteTableID.NotFound", "gone", 400, {"RouteTableId": PRIVATE}
    )
    stubber.add_client_error("disassociate_route_table", "InvalidAssociationID.NotFound", "gone", 400)
    stubber.add_response("disassociate_route_table", {}, {"AssociationId": "rtbassoc-2"})
    stubber.add_response("delete_route_table", {}, {"RouteTableId": PUBLIC})

    result = run(monkeypatch, capsys, client, state="deleted", config=[])

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-private-a", "shop-prod-public"]
    assert result["route_tables"] == []


def test_deleted_when_nothing_is_left_is_unchanged(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, table(MAIN, main=True, tags={}))

    result = run(monkeypatch, capsys, client, state="deleted", config=[PUBLIC_ITEM])

    assert result["changed"] is False
    assert result["deleted"] == []


def test_two_tables_of_one_listed_name_fail(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_read(stubber, public_table(), table(OLD, "shop-prod-public"))

    result = run(monkeypatch, capsys, client, config=[PUBLIC_ITEM])

    assert result["failed"] is True
    assert f"route tables {PUBLIC}, {OLD} share the name shop-prod-public" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# gathered, rendered


def test_gathered_returns_the_owned_tables_sorted_by_name(ec2, monkeypatch, capsys):
    client, stubber = ec2
    private = private_table(routes=[route("0.0.0.0/0", state="blackhole", NatGatewayId=NAT)])
    expect_read(stubber, public_table(), private, table(FOREIGN, "a-foreign", tags={}), table(MAIN, main=True, tags={}))

    result = run(monkeypatch, capsys, client, state="gathered", config=[])

    assert result["changed"] is False
    assert [view["name"] for view in result["route_tables"]] == ["shop-prod-private-a", "shop-prod-public"]
    assert result["route_tables"][0] == {
        "name": "shop-prod-private-a",
        "route_table_id": PRIVATE,
        "subnets": [S3],
        "routes": [{"dest": "0.0.0.0/0", "nat_gateway_id": NAT}],
        "tags": {**dict(sorted(COMMON.items())), "Name": "shop-prod-private-a", "tier": "private"},
    }
    assert result["route_table_ids"] == {"shop-prod-private-a": PRIVATE, "shop-prod-public": PUBLIC}


@pytest.mark.parametrize(("vpc_id", "sent_vpc_id"), [(VPC, VPC), (None, "(known after apply)")])
def test_rendered_makes_no_call(monkeypatch, capsys, vpc_id, sent_vpc_id):
    def no_client(*args, **kwargs):
        raise AssertionError("rendered created a client")

    monkeypatch.setattr(AnsibleAWSModule, "client", no_client)
    args = {"vpc_id": vpc_id, "tags": COMMON, "state": "rendered", "config": [PUBLIC_ITEM, PRIVATE_ITEM]}
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)

    def create(name, tier):
        tags = dict(sorted({**COMMON, "Name": name, "tier": tier}.items()))
        return {
            "action": "CreateRouteTable",
            "request": {
                "VpcId": sent_vpc_id,
                "TagSpecifications": [{"ResourceType": "route-table", "Tags": tag_list(tags)}],
            },
        }

    public, private = "shop-prod-public", "shop-prod-private-a"
    assert result["changed"] is False
    assert result["rendered"] == [
        create(public, "public"),
        {
            "action": "CreateRoute",
            "request": {"RouteTableId": public, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": IGW},
        },
        {
            "action": "CreateRoute",
            "request": {"RouteTableId": public, "DestinationIpv6CidrBlock": "::/0", "GatewayId": IGW},
        },
        {"action": "AssociateRouteTable", "request": {"RouteTableId": public, "SubnetId": S1}},
        {"action": "AssociateRouteTable", "request": {"RouteTableId": public, "SubnetId": S2}},
        create(private, "private"),
        {
            "action": "CreateRoute",
            "request": {"RouteTableId": private, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": NAT},
        },
        {"action": "AssociateRouteTable", "request": {"RouteTableId": private, "SubnetId": S3}},
    ]
    assert result["route_table_ids"] == {public: None, private: None}
    assert result["route_tables"][1]["subnets"] == [S3]


def test_vpc_id_is_required_but_for_rendered(monkeypatch, capsys):
    with patch_module_args({"state": "gathered"}), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True
    assert "vpc_id" in result["msg"]
