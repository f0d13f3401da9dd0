# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ec2_vpcs.

Every AWS call goes through botocore's Stubber on a real EC2 client (request shapes validated against the EC2 API
model and compared exactly), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in, so check
mode, diff and the write calls are those of the real module. A call the test did not stub fails the test, so a test
that stubs only the reads proves that no write was sent. The module's concurrent reads run in order here (a
Stubber answers in the order its responses were added).
"""

import json
import time

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import ec2_vpcs as module_under_test
from botocore.stub import Stubber

VPC_ID = "vpc-0123456789abcdef0"
OLD_ID = "vpc-0000000000000000f"
IGW_ID = "igw-0123456789abcdef0"
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
# Deliberately not in key order: the requests must list tags sorted by key whatever the input order.
COMMON = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod"}
ITEM = {"name": "shop-prod-vpc", "cidr_block": "10.0.0.0/16", "internet_gateway": {"name": "shop-prod-igw"}}
ZONES = ["us-east-1a", "us-east-1b"]


def tag_list(tags):
    return [{"Key": key, "Value": tags[key]} for key in sorted(tags)]


def tags_named(name, common=None):
    return dict(COMMON if common is None else common, Name=name)


def vpc(vpc_id=VPC_ID, name="shop-prod-vpc", cidr="10.0.0.0/16", tags=None, state="available"):
    return {
        "VpcId": vpc_id,
        "CidrBlock": cidr,
        "State": state,
        "Tags": tag_list(tags_named(name) if tags is None else tags),
    }


def igw(vpc_id=VPC_ID, igw_id=IGW_ID, tags=None):
    return {
        "InternetGatewayId": igw_id,
        "Attachments": [{"VpcId": vpc_id, "State": "available"}],
        "Tags": tag_list(tags_named("shop-prod-igw") if tags is None else tags),
    }


@pytest.fixture
def ec2():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def in_order(monkeypatch):
    """The module's concurrent reads, one after the other (the Stubber's order)."""

    def sequential(function, items, max_workers=None):
        return [function(item) for item in items]

    monkeypatch.setattr(module_under_test, "run_concurrently", sequential)


@pytest.fixture
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def expect_reads(stubber, vpcs, names=("shop-prod-vpc",), zones=None, attributes=None, igws=None, owner=False):
    """DescribeVpcs (by Name, or by the owner tags), DescribeAvailabilityZones when ``zones``, then per VPC its two
    DNS attributes and one DescribeInternetGateways for them all."""
    if owner:
        filters = [{"Name": f"tag:{k}", "Values": [v]} for k, v in sorted(OWNER.items())]
    else:
        filters = [{"Name": "tag:Name", "Values": sorted(names)}]
    stubber.add_response("describe_vpcs", {"Vpcs": vpcs}, {"Filters": filters})
    if zones is not None:
        stubber.add_response(
            "describe_availability_zones",
            {"AvailabilityZones": [{"ZoneName": zone, "State": "available"} for zone in zones]},
            {"Filters": [{"Name": "state", "Values": ["available"]}]},
        )
    ids = sorted(item["VpcId"] for item in vpcs)
    for vpc_id in ids:
        support, hostnames = (attributes or {}).get(vpc_id, (True, True))
        stubber.add_response(
            "describe_vpc_attribute",
            {"VpcId": vpc_id, "EnableDnsSupport": {"Value": support}},
            {"VpcId": vpc_id, "Attribute": "enableDnsSupport"},
        )
        stubber.add_response(
            "describe_vpc_attribute",
            {"VpcId": vpc_id, "EnableDnsHostnames": {"Value": hostnames}},
            {"VpcId": vpc_id, "Attribute": "enableDnsHostnames"},
        )
    if ids:
        stubber.add_response(
            "describe_internet_gateways",
            {"InternetGateways": igws or []},
            {"Filters": [{"Name": "attachment.vpc-id", "Values": ids}]},
        )


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("tags", COMMON)
    args.setdefault("owner_tags", OWNER)
    args.setdefault("config", [ITEM])
    args.setdefault("state", "replaced")
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------------------------------
# create


def test_check_mode_create_reads_only_and_predicts(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [], zones=ZONES)

    result = run(monkeypatch, capsys, client, availability_zones=True, _ansible_check_mode=True, _ansible_diff=True)

    assert result["changed"] is True
    assert result["created"] == ["shop-prod-vpc"]
    assert result["vpc_ids"] == {"shop-prod-vpc": None}
    assert result["internet_gateway_ids"] == {"shop-prod-vpc": None}
    assert result["availability_zones"] == ZONES
    assert result["diff"]["after"]["shop-prod-vpc"]["internet_gateway"]["tags"] == tags_named("shop-prod-igw")


def test_create_sends_tags_waits_then_sets_hostnames_and_attaches_the_gateway(ec2, monkeypatch, capsys, no_sleep):
    client, stubber = ec2
    expect_reads(stubber, [])
    stubber.add_response(
        "create_vpc",
        {"Vpc": vpc(state="pending")},
        {
            "CidrBlock": "10.0.0.0/16",
            "TagSpecifications": [{"ResourceType": "vpc", "Tags": tag_list(tags_named("shop-prod-vpc"))}],
        },
    )
    stubber.add_response("describe_vpcs", {"Vpcs": [vpc()]}, {"VpcIds": [VPC_ID]})
    # A new VPC has DNS support and no DNS host names: one call turns host names on.
    stubber.add_response("modify_vpc_attribute", {}, {"VpcId": VPC_ID, "EnableDnsHostnames": {"Value": True}})
    stubber.add_response(
        "create_internet_gateway",
        {"InternetGateway": {"InternetGatewayId": IGW_ID, "Attachments": []}},
        {"TagSpecifications": [{"ResourceType": "internet-gateway", "Tags": tag_list(tags_named("shop-prod-igw"))}]},
    )
    stubber.add_response("attach_internet_gateway", {}, {"InternetGatewayId": IGW_ID, "VpcId": VPC_ID})

    result = run(monkeypatch, capsys, client)

    assert result["changed"] is True
    assert result["vpc_ids"] == {"shop-prod-vpc": VPC_ID}
    assert result["internet_gateway_ids"] == {"shop-prod-vpc": IGW_ID}
    assert no_sleep == [0.5]  # the poller's first delay, no fixed sleep


# ---------------------------------------------------------------------------------------------------------------------
# converged, updates


@pytest.mark.parametrize("check_mode", [False, True])
def test_converged_set_makes_no_write_call(ec2, monkeypatch, capsys, check_mode):
    client, stubber = ec2
    expect_reads(stubber, [vpc()], zones=ZONES, igws=[igw()])

    result = run(monkeypatch, capsys, client, availability_zones=True, _ansible_check_mode=check_mode)

    assert result["changed"] is False
    assert result["created"] == result["updated"] == result["deleted"] == []
    assert result["vpc_ids"] == {"shop-prod-vpc": VPC_ID}
    assert result["internet_gateway_ids"] == {"shop-prod-vpc": IGW_ID}
    assert result["availability_zones"] == ZONES


def test_update_of_one_attribute_is_one_call_and_one_diff(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc()], attributes={VPC_ID: (True, False)}, igws=[igw()])
    stubber.add_response("modify_vpc_attribute", {}, {"VpcId": VPC_ID, "EnableDnsHostnames": {"Value": True}})

    result = run(monkeypatch, capsys, client, _ansible_diff=True)

    assert result["changed"] is True
    assert result["updated"] == ["shop-prod-vpc"]
    assert result["diff"]["before"]["shop-prod-vpc"]["dns_hostnames"] is False
    assert result["diff"]["after"]["shop-prod-vpc"]["dns_hostnames"] is True


def test_replaced_purges_an_extra_tag_of_the_gateway(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc()], igws=[igw(tags=dict(tags_named("shop-prod-igw"), extra="x"))])
    stubber.add_response("delete_tags", {}, {"Resources": [IGW_ID], "Tags": [{"Key": "extra"}]})

    result = run(monkeypatch, capsys, client)

    assert result["changed"] is True
    assert "extra" not in result["vpcs"][0]["internet_gateway"]["tags"]


def test_missing_gateway_of_an_existing_vpc_is_created_and_attached(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc()])
    stubber.add_response(
        "create_internet_gateway",
        {"InternetGateway": {"InternetGatewayId": IGW_ID, "Attachments": []}},
        {"TagSpecifications": [{"ResourceType": "internet-gateway", "Tags": tag_list(tags_named("shop-prod-igw"))}]},
    )
    stubber.add_response("attach_internet_gateway", {}, {"InternetGatewayId": IGW_ID, "VpcId": VPC_ID})

    result = run(monkeypatch, capsys, client)

    assert result["updated"] == ["shop-prod-vpc"]
    assert result["internet_gateway_ids"] == {"shop-prod-vpc": IGW_ID}


def test_a_gateway_not_asked_for_is_left_alone(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc()], igws=[igw(tags={"Name": "theirs"})])

    result = run(monkeypatch, capsys, client, config=[dict(ITEM, internet_gateway=None)])

    assert result["changed"] is False
    assert result["internet_gateway_ids"] == {"shop-prod-vpc": IGW_ID}


# ---------------------------------------------------------------------------------------------------------------------
# refusals (before any write)


def test_a_changed_cidr_is_refused_naming_both_values(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc(cidr="10.1.0.0/16")], igws=[igw()])

    result = run(monkeypatch, capsys, client)

    assert result["failed"] is True
    assert "cidr_block is 10.1.0.0/16 but 10.0.0.0/16 was requested" in result["msg"]


def test_replaced_refuses_a_vpc_it_does_not_own(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc(tags={"Name": "shop-prod-vpc", "stack": "other"})])

    result = run(monkeypatch, capsys, client)

    assert result["failed"] is True
    assert "shop-prod-vpc exists but is not owned" in result["msg"]


def test_two_vpcs_with_the_name_are_refused(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc(), vpc(vpc_id=OLD_ID)])

    result = run(monkeypatch, capsys, client)

    assert result["failed"] is True
    assert "several VPCs carry this Name" in result["msg"]


@pytest.mark.parametrize(
    "cidr, message",
    [("10.0.0.1/16", "is not an IPv4 network"), ("10.0.0.0/8", "a /16 to a /28"), ("nope", "is not an IPv4")],
)
def test_invalid_cidr_fails_before_any_call(ec2, monkeypatch, capsys, cidr, message):
    client, _stubber = ec2
    result = run(monkeypatch, capsys, client, config=[dict(ITEM, cidr_block=cidr)])
    assert result["failed"] is True
    assert message in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# overridden, deleted


def test_overridden_deletes_an_owned_unlisted_vpc_and_its_gateway(ec2, monkeypatch, capsys):
    client, stubber = ec2
    old_igw = "igw-000000000000000ff"
    expect_reads(
        stubber,
        [vpc(), vpc(vpc_id=OLD_ID, name="shop-prod-old")],
        owner=True,
        igws=[igw(), igw(vpc_id=OLD_ID, igw_id=old_igw)],
    )
    expect_reads(stubber, [vpc()], igws=[igw()])
    stubber.add_response("detach_internet_gateway", {}, {"InternetGatewayId": old_igw, "VpcId": OLD_ID})
    stubber.add_response("delete_internet_gateway", {}, {"InternetGatewayId": old_igw})
    stubber.add_response("delete_vpc", {}, {"VpcId": OLD_ID})

    result = run(monkeypatch, capsys, client, state="overridden")

    assert result["deleted"] == ["shop-prod-old"]
    assert result["vpc_ids"] == {"shop-prod-vpc": VPC_ID}


def test_deleted_refuses_a_foreign_gateway_before_any_delete(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc()], igws=[igw(tags={"Name": "theirs"})])

    result = run(monkeypatch, capsys, client, state="deleted", config=[{"name": "shop-prod-vpc"}])

    assert result["failed"] is True
    assert f"refusing to delete the internet gateways {IGW_ID}" in result["msg"]


def test_deleted_twice_is_unchanged_the_second_time(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc()], igws=[igw()])
    stubber.add_response("detach_internet_gateway", {}, {"InternetGatewayId": IGW_ID, "VpcId": VPC_ID})
    stubber.add_response("delete_internet_gateway", {}, {"InternetGatewayId": IGW_ID})
    stubber.add_response("delete_vpc", {}, {"VpcId": VPC_ID})
    first = run(monkeypatch, capsys, client, state="deleted", config=[{"name": "shop-prod-vpc"}])
    expect_reads(stubber, [])
    second = run(monkeypatch, capsys, client, state="deleted", config=[{"name": "shop-prod-vpc"}])

    assert first["changed"] is True and first["deleted"] == ["shop-prod-vpc"]
    assert second["changed"] is False and second["deleted"] == []


# ---------------------------------------------------------------------------------------------------------------------
# gathered, rendered


def test_gathered_returns_the_owned_vpcs_only(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_reads(stubber, [vpc()], owner=True, igws=[igw()])

    result = run(monkeypatch, capsys, client, state="gathered", config=[])

    assert result["changed"] is False
    assert [v["name"] for v in result["vpcs"]] == ["shop-prod-vpc"]
    assert result["vpcs"][0]["dns_hostnames"] is True


def test_rendered_makes_no_call(ec2, monkeypatch, capsys):
    client, _stubber = ec2
    result = run(monkeypatch, capsys, client, state="rendered")
    assert result["rendered"] == [
        {
            "CidrBlock": "10.0.0.0/16",
            "TagSpecifications": [{"ResourceType": "vpc", "Tags": tag_list(tags_named("shop-prod-vpc"))}],
        }
    ]
