# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ec2_vpc_nat_gateways.

Every AWS call goes through botocore's Stubber on a real EC2 client (request shapes validated against the EC2 API
model and compared exactly), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in. A call
the test did not stub fails the test, so a test that stubs only the two reads proves that no write was sent.
"""

import json
import time

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import ec2_vpc_nat_gateways as module_under_test
from botocore.stub import ANY, Stubber

VPC = "vpc-0123456789abcdef0"
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
# Deliberately not in key order: the requests must list tags sorted by key whatever the input order.
COMMON = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod"}
NAT_A = {"name": "shop-prod-nat-a", "subnet_id": "subnet-a"}
NAT_B = {"name": "shop-prod-nat-b", "subnet_id": "subnet-b"}
IDS = {"shop-prod-nat-a": "nat-0000000000000000a", "shop-prod-nat-b": "nat-0000000000000000b"}
EIPS = {"shop-prod-nat-a": "eipalloc-0000000000000000a", "shop-prod-nat-b": "eipalloc-0000000000000000b"}
DESCRIBE_FILTER = [{"Name": "vpc-id", "Values": [VPC]}, {"Name": "state", "Values": ["pending", "available"]}]


def tags_of(item, common=None):
    tags = dict(COMMON if common is None else common)
    tags.update(item.get("tags") or {})
    tags["Name"] = item["name"]
    return tags


def tag_list(tags):
    return [{"Key": key, "Value": tags[key]} for key in sorted(tags)]


def nat(item, tags=None, state="available", nat_id=None, subnet_id=None):
    return {
        "NatGatewayId": nat_id or IDS[item["name"]],
        "VpcId": VPC,
        "SubnetId": subnet_id or item["subnet_id"],
        "State": state,
        "ConnectivityType": "public",
        "NatGatewayAddresses": [
            {"AllocationId": EIPS[item["name"]], "PublicIp": "203.0.113.1", "IsPrimary": True, "Status": "succeeded"}
        ],
        "Tags": tag_list(tags_of(item) if tags is None else tags),
    }


def address(item, tags=None):
    return {
        "AllocationId": EIPS[item["name"]],
        "PublicIp": "203.0.113.1",
        "Domain": "vpc",
        "Tags": tag_list(tags_of(item) if tags is None else tags),
    }


@pytest.fixture
def ec2():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def expect_reads(stubber, nats, addresses=None):
    stubber.add_response("describe_nat_gateways", {"NatGateways": nats}, {"Filter": DESCRIBE_FILTER})
    if addresses is not None:
        ids = sorted(a["AllocationId"] for a in addresses)
        stubber.add_response("describe_addresses", {"Addresses": addresses}, {"AllocationIds": ids})


def expect_allocate(stubber, item):
    stubber.add_response(
        "allocate_address",
        {"AllocationId": EIPS[item["name"]], "PublicIp": "203.0.113.9", "Domain": "vpc"},
        {"Domain": "vpc", "TagSpecifications": [{"ResourceType": "elastic-ip", "Tags": tag_list(tags_of(item))}]},
    )


def create_params(item):
    return {
        "SubnetId": item["subnet_id"],
        "ConnectivityType": "public",
        "AllocationId": EIPS[item["name"]],
        "ClientToken": ANY,
        "TagSpecifications": [{"ResourceType": "natgateway", "Tags": tag_list(tags_of(item))}],
    }


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("vpc_id", VPC)
    args.setdefault("tags", COMMON)
    args.setdefault("owner_tags", OWNER)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------------------------------
# matching


def config_of(*items):
    return [dict({"connectivity_type": "public", "allocation_id": None, "tags": {}}, **item) for item in items]


def test_match_by_name_then_by_subnet_without_name_or_owned_and_key_the_others():
    unnamed = nat(NAT_A, tags={"stack": "x"}, nat_id="nat-1")
    foreign_in_b = nat(NAT_B, tags={"Name": "theirs"}, nat_id="nat-2")
    old = nat(NAT_B, tags={"Name": "shop-prod-old", **OWNER}, nat_id="nat-3", subnet_id="subnet-c")
    existing = module_under_test.match_nat_gateways(config_of(NAT_A, NAT_B), [unnamed, foreign_in_b, old], OWNER)
    assert existing == {"shop-prod-nat-a": unnamed, "theirs": foreign_in_b, "shop-prod-old": old}


def test_owned_nat_in_the_subnet_under_another_name_is_the_items():
    owned = nat(NAT_A, tags={"Name": "renamed", **OWNER})
    existing = module_under_test.match_nat_gateways(config_of(NAT_A), [owned], OWNER)
    assert existing == {"shop-prod-nat-a": owned}


# ---------------------------------------------------------------------------------------------------------------------
# create


def test_create_allocates_a_tagged_eip_and_creates_with_a_client_token(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [])
    expect_allocate(stubber, NAT_A)
    stubber.add_response("create_nat_gateway", {"NatGateway": nat(NAT_A, state="pending")}, create_params(NAT_A))
    result = run(monkeypatch, capsys, client, state="replaced", config=[NAT_A], _ansible_diff=True)
    assert result["changed"] and result["created"] == ["shop-prod-nat-a"]
    assert result["nat_gateway_ids"] == {"shop-prod-nat-a": IDS["shop-prod-nat-a"]}
    (view,) = result["nat_gateways"]
    assert view["state"] == "pending" and view["allocation_id"] == EIPS["shop-prod-nat-a"]
    assert result["diff"]["after"]["shop-prod-nat-a"]["subnet_id"] == "subnet-a"


def test_create_with_a_given_allocation_id_allocates_nothing(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [])
    stubber.add_response("create_nat_gateway", {"NatGateway": nat(NAT_A, state="pending")}, create_params(NAT_A))
    item = dict(NAT_A, allocation_id=EIPS["shop-prod-nat-a"])
    assert run(monkeypatch, capsys, client, config=[item])["created"] == ["shop-prod-nat-a"]


def test_a_failed_create_releases_the_eip_it_allocated(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [])
    expect_allocate(stubber, NAT_A)
    stubber.add_client_error(
        "create_nat_gateway", "InvalidSubnet", "no such subnet", expected_params=create_params(NAT_A)
    )
    stubber.add_response("release_address", {}, {"AllocationId": EIPS["shop-prod-nat-a"]})
    result = run(monkeypatch, capsys, client, config=[NAT_A])
    assert result["failed"] and "InvalidSubnet" in result["msg"]


def test_a_retried_create_reuses_its_client_token(monkeypatch, capsys, ec2):
    client, stubber = ec2
    tokens = []
    client.client.meta.events.register(
        "provide-client-params.ec2.CreateNatGateway", lambda params, **kw: tokens.append(params["ClientToken"])
    )
    expect_reads(stubber, [])
    expect_allocate(stubber, NAT_A)
    stubber.add_client_error("create_nat_gateway", "RequestLimitExceeded", "slow down", http_status_code=503)
    stubber.add_response("create_nat_gateway", {"NatGateway": nat(NAT_A, state="pending")}, create_params(NAT_A))
    assert run(monkeypatch, capsys, client, config=[NAT_A])["created"] == ["shop-prod-nat-a"]
    assert len(tokens) == 2 and tokens[0] == tokens[1]


def test_an_unnamed_nat_in_the_subnet_is_adopted_and_tagged(monkeypatch, capsys, ec2):
    client, stubber = ec2
    untagged = nat(NAT_A, tags={})
    expect_reads(stubber, [untagged], [address(NAT_A, tags={})])
    stubber.add_response("create_tags", {}, {"Resources": [IDS["shop-prod-nat-a"]], "Tags": tag_list(tags_of(NAT_A))})
    stubber.add_response("create_tags", {}, {"Resources": [EIPS["shop-prod-nat-a"]], "Tags": tag_list(tags_of(NAT_A))})
    result = run(monkeypatch, capsys, client, state="merged", config=[NAT_A])
    assert result["updated"] == ["shop-prod-nat-a"] and result["created"] == []


def test_replaced_refuses_to_rewrite_an_unowned_nat_of_the_subnet(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_A, tags={})], [address(NAT_A, tags={})])
    result = run(monkeypatch, capsys, client, state="replaced", config=[NAT_A])
    assert result["failed"] and "not owned" in result["msg"]


def test_immutable_subnet_change_fails_before_any_write(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_A)])
    result = run(monkeypatch, capsys, client, config=[dict(NAT_A, subnet_id="subnet-z")])
    assert result["failed"] and "subnet_id is subnet-a but subnet-z was requested" in result["msg"]


def test_subnet_id_is_required_to_converge(monkeypatch, capsys, ec2):
    client, _stubber = ec2
    result = run(monkeypatch, capsys, client, config=[{"name": "x"}])
    assert result["failed"] and "subnet_id is required" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# update, purge, converged, check mode


def test_update_of_one_tag_tags_only_that_nat(monkeypatch, capsys, ec2):
    client, stubber = ec2
    old = dict(tags_of(NAT_A), environment="dev")
    expect_reads(stubber, [nat(NAT_A, tags=old), nat(NAT_B)], [address(NAT_A), address(NAT_B)])
    stubber.add_response(
        "create_tags", {}, {"Resources": [IDS["shop-prod-nat-a"]], "Tags": [{"Key": "environment", "Value": "prod"}]}
    )
    result = run(monkeypatch, capsys, client, state="merged", config=[NAT_A, NAT_B], _ansible_diff=True)
    assert result["updated"] == ["shop-prod-nat-a"]
    assert list(result["diff"]["after"]) == ["shop-prod-nat-a"]


def test_replaced_purges_an_extra_tag_of_the_eip(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_A)], [address(NAT_A, tags=dict(tags_of(NAT_A), extra="1"))])
    stubber.add_response("delete_tags", {}, {"Resources": [EIPS["shop-prod-nat-a"]], "Tags": [{"Key": "extra"}]})
    assert run(monkeypatch, capsys, client, state="replaced", config=[NAT_A])["updated"] == ["shop-prod-nat-a"]


def test_merged_keeps_an_extra_tag(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_A)], [address(NAT_A, tags=dict(tags_of(NAT_A), extra="1"))])
    assert run(monkeypatch, capsys, client, state="merged", config=[NAT_A])["changed"] is False


def test_a_converged_set_makes_no_write(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_A), nat(NAT_B)], [address(NAT_A), address(NAT_B)])
    result = run(monkeypatch, capsys, client, state="replaced", config=[NAT_A, NAT_B])
    assert result["changed"] is False
    assert [n["nat_gateway_id"] for n in result["nat_gateways"]] == [IDS["shop-prod-nat-a"], IDS["shop-prod-nat-b"]]


def test_check_mode_makes_no_write_and_reports_the_create(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_A, tags={**tags_of(NAT_A), "environment": "dev"})], [address(NAT_A)])
    result = run(monkeypatch, capsys, client, state="replaced", config=[NAT_A, NAT_B], _ansible_check_mode=True)
    assert result["changed"] and result["created"] == ["shop-prod-nat-b"] and result["updated"] == ["shop-prod-nat-a"]
    assert result["nat_gateway_ids"] == {"shop-prod-nat-a": IDS["shop-prod-nat-a"], "shop-prod-nat-b": None}


# ---------------------------------------------------------------------------------------------------------------------
# overridden, deleted


def test_overridden_deletes_an_owned_unlisted_nat_and_leaves_an_unowned_one(monkeypatch, capsys, ec2):
    client, stubber = ec2
    foreign = nat(NAT_B, tags={"Name": "theirs"}, nat_id="nat-2", subnet_id="subnet-x")
    expect_reads(stubber, [nat(NAT_A), nat(NAT_B), foreign], [address(NAT_A)])
    stubber.add_response(
        "delete_nat_gateway", {"NatGatewayId": IDS["shop-prod-nat-b"]}, {"NatGatewayId": IDS["shop-prod-nat-b"]}
    )
    result = run(monkeypatch, capsys, client, state="overridden", config=[NAT_A])
    assert result["deleted"] == ["shop-prod-nat-b"]


def test_deleted_refuses_a_listed_nat_that_is_not_owned_before_any_delete(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_A), nat(NAT_B, tags={"Name": "shop-prod-nat-b"})])
    result = run(monkeypatch, capsys, client, state="deleted", config=[NAT_A, NAT_B])
    assert result["failed"] and "refusing to delete shop-prod-nat-b" in result["msg"]


def test_deleted_with_an_empty_config_deletes_every_owned_nat_and_keeps_the_eips(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_A), nat(NAT_B, tags={"Name": "theirs"})])
    stubber.add_response(
        "delete_nat_gateway", {"NatGatewayId": IDS["shop-prod-nat-a"]}, {"NatGatewayId": IDS["shop-prod-nat-a"]}
    )
    result = run(monkeypatch, capsys, client, state="deleted")
    assert result["deleted"] == ["shop-prod-nat-a"]


# ---------------------------------------------------------------------------------------------------------------------
# gathered, rendered


def test_gathered_returns_the_owned_nats_only(monkeypatch, capsys, ec2):
    client, stubber = ec2
    expect_reads(stubber, [nat(NAT_B), nat(NAT_A, tags={"Name": "theirs"})])
    result = run(monkeypatch, capsys, client, state="gathered")
    assert result["changed"] is False
    assert [n["name"] for n in result["nat_gateways"]] == ["shop-prod-nat-b"]


def test_rendered_makes_no_call(monkeypatch, capsys, ec2):
    client, _stubber = ec2
    result = run(monkeypatch, capsys, client, state="rendered", vpc_id=None, config=[NAT_A])
    assert result["rendered"] == [
        {
            "SubnetId": "subnet-a",
            "ConnectivityType": "public",
            "AllocationId": "(known after apply)",
            "TagSpecifications": [{"ResourceType": "natgateway", "Tags": tag_list(tags_of(NAT_A))}],
        }
    ]
