# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ec2_vpc_subnets.

Every AWS call goes through botocore's Stubber on a real EC2 client (request shapes validated against the EC2 API
model and compared exactly), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in, so check
mode, diff and the write calls are those of the real module. A call the test did not stub fails the test, so a test
that stubs only DescribeSubnets proves that no write was sent.
"""

import json
import time

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import ResourceSetError
from ansible_collections.stacksmith.aws.plugins.modules import ec2_vpc_subnets as module_under_test
from botocore.stub import Stubber

VPC = "vpc-0123456789abcdef0"
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
# Deliberately not in key order: the requests must list tags sorted by key whatever the input order.
COMMON = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod", "architecture": "x"}
PUBLIC_A = {
    "name": "shop-prod-public-a",
    "cidr": "10.0.0.0/24",
    "az": "us-east-1a",
    "map_public": True,
    "tags": {"tier": "public"},
}
PRIVATE_A = {"name": "shop-prod-private-a", "cidr": "10.0.10.0/24", "az": "us-east-1a", "tags": {"tier": "private"}}
IDS = {"shop-prod-public-a": "subnet-0000000000000000a", "shop-prod-private-a": "subnet-0000000000000000b"}


def tags_of(item, common=None):
    tags = dict(COMMON if common is None else common)
    tags.update(item.get("tags") or {})
    tags["Name"] = item["name"]
    return tags


def tag_list(tags):
    return [{"Key": key, "Value": tags[key]} for key in sorted(tags)]


def subnet(item, subnet_id=None, tags=None, map_public=None, state="available", **overrides):
    """A DescribeSubnets item for a config item (its tags and map_public unless told otherwise)."""
    result = {
        "SubnetId": subnet_id or IDS[item["name"]],
        "VpcId": VPC,
        "CidrBlock": item["cidr"],
        "AvailabilityZone": item["az"],
        "MapPublicIpOnLaunch": item.get("map_public", False) if map_public is None else map_public,
        "State": state,
        "Tags": tag_list(tags_of(item) if tags is None else tags),
    }
    result.update(overrides)
    return result


@pytest.fixture
def ec2():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def no_sleep(monkeypatch):
    """Records the sleeps (of the poller and of AWSRetry) instead of sleeping."""
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def expect_describe(stubber, subnets, cidr=None):
    filters = [{"Name": "vpc-id", "Values": [VPC]}]
    if cidr:
        filters.append({"Name": "cidr-block", "Values": [cidr]})
    stubber.add_response("describe_subnets", {"Subnets": subnets}, {"Filters": filters})


def expect_create(stubber, item, subnet_id=None, state="available", common=None):
    stubber.add_response(
        "create_subnet",
        {"Subnet": subnet(item, subnet_id, map_public=False, state=state)},
        {
            "VpcId": VPC,
            "CidrBlock": item["cidr"],
            "AvailabilityZone": item["az"],
            "TagSpecifications": [{"ResourceType": "subnet", "Tags": tag_list(tags_of(item, common))}],
        },
    )


def expect_map_public(stubber, subnet_id, value):
    stubber.add_response(
        "modify_subnet_attribute", {}, {"SubnetId": subnet_id, "MapPublicIpOnLaunch": {"Value": value}}
    )


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("vpc_id", VPC)
    args.setdefault("tags", COMMON)
    args.setdefault("owner_tags", OWNER)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------------------------------
# matching the subnets read to the listed items


def config_of(*items):
    return module_under_test.normalize_config([dict({"map_public": False, "tags": {}}, **item) for item in items])


def test_match_by_name_then_cidr_and_key_the_others():
    nameless = subnet(PRIVATE_A, "subnet-1", tags={"stack": "shop-prod"})
    other = subnet({"name": "shop-prod-old", "cidr": "10.0.20.0/24", "az": "us-east-1b"}, "subnet-2")
    untagged = subnet({"name": "x", "cidr": "10.0.30.0/24", "az": "us-east-1b"}, "subnet-3", tags={})
    public = subnet(PUBLIC_A)
    existing = module_under_test.match_subnets(
        config_of(PUBLIC_A, PRIVATE_A), [nameless, other, untagged, public], OWNER
    )
    assert existing == {
        "shop-prod-public-a": public,
        "shop-prod-private-a": nameless,  # no Name: found by its CIDR
        "shop-prod-old": other,
        "subnet-3": untagged,
    }


def test_cidr_of_another_stack_subnet_is_refused():
    foreign = subnet(PRIVATE_A, "subnet-1", tags={"Name": "theirs", "stack": "other"})
    with pytest.raises(
        ResourceSetError, match="CIDR 10.0.10.0/24 is already used by subnet subnet-1 \\(Name theirs\\)"
    ):
        module_under_test.match_subnets(config_of(PRIVATE_A), [foreign], OWNER)
    # deleted: the foreign subnet is simply not the item's
    assert module_under_test.match_subnets(config_of(PRIVATE_A), [foreign], OWNER, refuse_foreign=False) == {
        "theirs": foreign
    }


def test_owned_subnet_with_the_cidr_is_adopted_under_the_new_name():
    renamed = subnet(PRIVATE_A, "subnet-1", tags=dict(OWNER, Name="shop-prod-old-name"))
    assert module_under_test.match_subnets(config_of(PRIVATE_A), [renamed], OWNER) == {"shop-prod-private-a": renamed}


def test_duplicate_names_resolved_by_cidr_else_refused():
    right = subnet(PRIVATE_A, "subnet-1")
    stray = subnet(PRIVATE_A, "subnet-2", CidrBlock="10.0.99.0/24")
    existing = module_under_test.match_subnets(config_of(PRIVATE_A), [right, stray], OWNER)
    assert existing == {"shop-prod-private-a": right, "subnet-2": stray}
    with pytest.raises(ResourceSetError, match="several subnets of the VPC carry this Name"):
        module_under_test.match_subnets(
            config_of(PRIVATE_A), [subnet(PRIVATE_A, "subnet-1", CidrBlock="10.0.98.0/24"), stray], OWNER
        )


@pytest.mark.parametrize("cidr", ["10.0.0.1/24", "10.0.0.0/33", "not-a-cidr"])
def test_invalid_cidr_fails_clearly(cidr):
    with pytest.raises(ResourceSetError, match=f"shop-prod-public-a: cidr {cidr} is not an IPv4 network"):
        config_of(dict(PUBLIC_A, cidr=cidr))


# ---------------------------------------------------------------------------------------------------------------------
# create


def test_create_sends_sorted_tags_then_map_public(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [])
    expect_create(stubber, PUBLIC_A)
    expect_map_public(stubber, IDS["shop-prod-public-a"], True)
    expect_create(stubber, PRIVATE_A)

    result = run(monkeypatch, capsys, client, config=[PUBLIC_A, PRIVATE_A])

    assert result["changed"] is True
    assert result["created"] == ["shop-prod-public-a", "shop-prod-private-a"]
    assert result["updated"] == [] and result["deleted"] == []
    assert result["subnet_ids"] == IDS
    assert result["subnets"][0] == {
        "name": "shop-prod-public-a",
        "subnet_id": IDS["shop-prod-public-a"],
        "cidr": "10.0.0.0/24",
        "az": "us-east-1a",
        "map_public": True,
        "tags": tags_of(PUBLIC_A),
        "state": "available",
    }
    assert list(result["subnets"][0]["tags"]) == sorted(tags_of(PUBLIC_A))
    assert "diff" not in result


def test_create_waits_with_backoff_only_when_pending(ec2, monkeypatch, capsys, no_sleep):
    client, stubber = ec2
    subnet_id = IDS["shop-prod-private-a"]
    expect_describe(stubber, [])
    expect_create(stubber, PRIVATE_A, state="pending")
    stubber.add_response(
        "describe_subnets", {"Subnets": [subnet(PRIVATE_A, state="pending")]}, {"SubnetIds": [subnet_id]}
    )
    stubber.add_client_error(
        "describe_subnets", "InvalidSubnetID.NotFound", "not yet", 400, expected_params={"SubnetIds": [subnet_id]}
    )
    stubber.add_response("describe_subnets", {"Subnets": [subnet(PRIVATE_A)]}, {"SubnetIds": [subnet_id]})

    result = run(monkeypatch, capsys, client, config=[PRIVATE_A])

    assert result["subnets"][0]["state"] == "available"
    assert no_sleep == [0.5, 1.0, 2.0]


# ---------------------------------------------------------------------------------------------------------------------
# update


def test_update_of_one_field_is_one_call_and_one_diff(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [subnet(PUBLIC_A, map_public=False), subnet(PRIVATE_A)])
    expect_map_public(stubber, IDS["shop-prod-public-a"], True)

    result = run(monkeypatch, capsys, client, config=[PUBLIC_A, PRIVATE_A], _ansible_diff=True)

    assert result["changed"] is True
    assert result["updated"] == ["shop-prod-public-a"]
    assert result["created"] == []
    assert list(result["diff"]["before"]) == ["shop-prod-public-a"]
    assert result["diff"]["before"]["shop-prod-public-a"]["map_public"] is False
    assert result["diff"]["after"]["shop-prod-public-a"]["map_public"] is True
    assert result["subnet_ids"] == IDS


def test_changed_tag_is_one_create_tags(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [subnet(PRIVATE_A, tags=dict(tags_of(PRIVATE_A), tier="old"))])
    stubber.add_response(
        "create_tags", {}, {"Resources": [IDS["shop-prod-private-a"]], "Tags": [{"Key": "tier", "Value": "private"}]}
    )

    result = run(monkeypatch, capsys, client, config=[PRIVATE_A])

    assert result["updated"] == ["shop-prod-private-a"]
    assert result["subnets"][0]["tags"] == tags_of(PRIVATE_A)


@pytest.mark.parametrize("state", ["replaced", "overridden"])
def test_replaced_purges_an_unlisted_tag(ec2, monkeypatch, capsys, state):
    client, stubber = ec2
    expect_describe(stubber, [subnet(PRIVATE_A, tags=dict(tags_of(PRIVATE_A), zeta="1", alpha="2"))])
    stubber.add_response(
        "delete_tags", {}, {"Resources": [IDS["shop-prod-private-a"]], "Tags": [{"Key": "alpha"}, {"Key": "zeta"}]}
    )

    result = run(monkeypatch, capsys, client, state=state, config=[PRIVATE_A], _ansible_diff=True)

    assert result["changed"] is True
    assert result["updated"] == ["shop-prod-private-a"]
    assert result["diff"]["before"]["shop-prod-private-a"]["tags"]["zeta"] == "1"
    assert result["diff"]["after"]["shop-prod-private-a"]["tags"] == tags_of(PRIVATE_A)


def test_merged_keeps_an_unlisted_tag(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [subnet(PRIVATE_A, tags=dict(tags_of(PRIVATE_A), zeta="1"))])

    result = run(monkeypatch, capsys, client, config=[PRIVATE_A])

    assert result["changed"] is False
    assert result["subnets"][0]["tags"]["zeta"] == "1"


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
def test_converged_set_makes_no_write(ec2, monkeypatch, capsys, state):
    client, stubber = ec2
    foreign = subnet(
        {"name": "theirs", "cidr": "10.0.50.0/24", "az": "us-east-1a"}, "subnet-f", tags={"Name": "theirs"}
    )
    expect_describe(stubber, [subnet(PUBLIC_A), foreign, subnet(PRIVATE_A)])

    result = run(monkeypatch, capsys, client, state=state, config=[PUBLIC_A, PRIVATE_A], _ansible_diff=True)

    assert result["changed"] is False
    assert result["created"] == result["updated"] == result["deleted"] == []
    assert result["diff"] == {"before": {}, "after": {}}
    assert result["subnet_ids"] == IDS


def test_immutable_cidr_and_az_fail_before_any_write(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(
        stubber,
        [subnet(PUBLIC_A, CidrBlock="10.0.1.0/24", map_public=False), subnet(PRIVATE_A, AvailabilityZone="us-east-1b")],
    )

    result = run(monkeypatch, capsys, client, config=[PUBLIC_A, PRIVATE_A])

    assert result["failed"] is True
    assert (
        f"subnet shop-prod-public-a ({IDS['shop-prod-public-a']}): cidr is 10.0.1.0/24 but 10.0.0.0/24 was requested"
        in result["msg"]
    )
    assert (
        f"subnet shop-prod-private-a ({IDS['shop-prod-private-a']}): az is us-east-1b but us-east-1a was requested"
        in result["msg"]
    )


def test_replaced_refuses_to_rewrite_an_unowned_subnet(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [subnet(PRIVATE_A, tags={"Name": "shop-prod-private-a"})])

    result = run(monkeypatch, capsys, client, state="replaced", config=[PRIVATE_A])

    assert result["failed"] is True
    assert "shop-prod-private-a exists but is not owned" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# check mode


def test_check_mode_makes_no_write(ec2, monkeypatch, capsys):
    client, stubber = ec2
    owned_old = subnet({"name": "shop-prod-old", "cidr": "10.0.20.0/24", "az": "us-east-1b"}, "subnet-old")
    expect_describe(stubber, [subnet(PUBLIC_A, map_public=False), owned_old])

    result = run(
        monkeypatch,
        capsys,
        client,
        state="overridden",
        config=[PUBLIC_A, PRIVATE_A],
        _ansible_check_mode=True,
        _ansible_diff=True,
    )

    assert result["changed"] is True
    assert result["created"] == ["shop-prod-private-a"]
    assert result["updated"] == ["shop-prod-public-a"]
    assert result["deleted"] == ["shop-prod-old"]
    assert result["subnet_ids"] == {"shop-prod-public-a": IDS["shop-prod-public-a"], "shop-prod-private-a": None}
    assert result["subnets"][1]["tags"] == tags_of(PRIVATE_A)
    assert result["diff"]["before"]["shop-prod-old"]["subnet_id"] == "subnet-old"
    assert result["diff"]["after"]["shop-prod-private-a"]["subnet_id"] is None


# ---------------------------------------------------------------------------------------------------------------------
# overridden and deleted


def test_overridden_deletes_owned_unlisted_and_leaves_unowned(ec2, monkeypatch, capsys):
    client, stubber = ec2
    owned_old = subnet({"name": "shop-prod-old", "cidr": "10.0.20.0/24", "az": "us-east-1b"}, "subnet-old")
    owned_nameless = subnet({"name": "x", "cidr": "10.0.21.0/24", "az": "us-east-1b"}, "subnet-nameless", tags=OWNER)
    foreign = subnet(
        {"name": "theirs", "cidr": "10.0.50.0/24", "az": "us-east-1a"},
        "subnet-f",
        tags={"Name": "theirs", "stack": "x"},
    )
    expect_describe(stubber, [foreign, owned_old, subnet(PRIVATE_A), owned_nameless])
    stubber.add_response("delete_subnet", {}, {"SubnetId": "subnet-old"})
    stubber.add_response("delete_subnet", {}, {"SubnetId": "subnet-nameless"})

    result = run(monkeypatch, capsys, client, state="overridden", config=[PRIVATE_A])

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-old", "subnet-nameless"]
    assert result["subnet_ids"] == {"shop-prod-private-a": IDS["shop-prod-private-a"]}


def test_deleted_refuses_a_non_owned_subnet_before_any_delete(ec2, monkeypatch, capsys):
    client, stubber = ec2
    foreign = subnet(PUBLIC_A, tags={"Name": "shop-prod-public-a", "stack": "other"})
    expect_describe(stubber, [subnet(PRIVATE_A), foreign])

    result = run(monkeypatch, capsys, client, state="deleted", config=[PRIVATE_A, PUBLIC_A])

    assert result["failed"] is True
    assert "refusing to delete shop-prod-public-a: not owned" in result["msg"]


def test_deleted_without_config_deletes_every_owned_subnet_in_name_order(ec2, monkeypatch, capsys):
    client, stubber = ec2
    foreign = subnet(
        {"name": "theirs", "cidr": "10.0.50.0/24", "az": "us-east-1a"}, "subnet-f", tags={"Name": "theirs"}
    )
    expect_describe(stubber, [subnet(PUBLIC_A), foreign, subnet(PRIVATE_A)])
    stubber.add_response("delete_subnet", {}, {"SubnetId": IDS["shop-prod-private-a"]})
    stubber.add_response("delete_subnet", {}, {"SubnetId": IDS["shop-prod-public-a"]})

    result = run(monkeypatch, capsys, client, state="deleted")

    assert result["deleted"] == ["shop-prod-private-a", "shop-prod-public-a"]
    assert result["subnets"] == [] and result["subnet_ids"] == {}


def test_deleted_twice_is_unchanged(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [])

    result = run(monkeypatch, capsys, client, state="deleted", config=[PRIVATE_A])

    assert result["changed"] is False
    assert result["deleted"] == []


def test_delete_of_a_subnet_already_gone_is_not_an_error(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [subnet(PRIVATE_A)])
    stubber.add_client_error(
        "delete_subnet",
        "InvalidSubnetID.NotFound",
        "gone",
        400,
        expected_params={"SubnetId": IDS["shop-prod-private-a"]},
    )

    result = run(monkeypatch, capsys, client, state="deleted", config=[PRIVATE_A])

    assert result.get("failed") is None
    assert result["deleted"] == ["shop-prod-private-a"]


def test_delete_of_a_subnet_in_use_names_it(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [subnet(PRIVATE_A)])
    stubber.add_client_error(
        "delete_subnet",
        "DependencyViolation",
        "The subnet 'subnet-0000000000000000b' has dependencies and cannot be deleted.",
        400,
        expected_params={"SubnetId": IDS["shop-prod-private-a"]},
    )

    result = run(monkeypatch, capsys, client, state="deleted", config=[PRIVATE_A])

    assert result["failed"] is True
    assert result["msg"].startswith(
        f"cannot delete subnet shop-prod-private-a ({IDS['shop-prod-private-a']}): something still uses it"
    )
    assert "has dependencies" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# gathered and rendered


def test_gathered_returns_owned_subnets_by_name(ec2, monkeypatch, capsys):
    client, stubber = ec2
    foreign = subnet({"name": "a-theirs", "cidr": "10.0.50.0/24", "az": "us-east-1a"}, "subnet-f", tags={"Name": "a"})
    expect_describe(stubber, [subnet(PUBLIC_A), foreign, subnet(PRIVATE_A)])

    result = run(monkeypatch, capsys, client, state="gathered", tags={})

    assert result["changed"] is False
    assert [s["name"] for s in result["subnets"]] == ["shop-prod-private-a", "shop-prod-public-a"]
    assert result["subnets"][1] == {
        "name": "shop-prod-public-a",
        "subnet_id": IDS["shop-prod-public-a"],
        "cidr": "10.0.0.0/24",
        "az": "us-east-1a",
        "map_public": True,
        "tags": tags_of(PUBLIC_A),
        "state": "available",
    }
    assert result["subnet_ids"] == IDS


@pytest.mark.parametrize(("vpc_id", "expected"), [(None, "(known after apply)"), (VPC, VPC)])
def test_rendered_makes_no_call(monkeypatch, capsys, vpc_id, expected):
    def no_client(self, *args, **kwargs):
        raise AssertionError("rendered must not create a client")

    monkeypatch.setattr(AnsibleAWSModule, "client", no_client)
    args = {"state": "rendered", "tags": COMMON, "config": [PUBLIC_A, PRIVATE_A]}
    if vpc_id:
        args["vpc_id"] = vpc_id
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)

    assert result["changed"] is False
    assert result["rendered"] == [
        {
            "VpcId": expected,
            "CidrBlock": item["cidr"],
            "AvailabilityZone": item["az"],
            "TagSpecifications": [{"ResourceType": "subnet", "Tags": tag_list(tags_of(item))}],
        }
        for item in (PUBLIC_A, PRIVATE_A)
    ]
    assert result["subnet_ids"] == {"shop-prod-public-a": None, "shop-prod-private-a": None}


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden", "deleted", "gathered"])
def test_vpc_id_is_required_but_for_rendered(monkeypatch, capsys, state):
    with patch_module_args({"state": state, "config": [PRIVATE_A]}), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True
    assert "vpc_id" in result["msg"]


def test_repeated_name_fails_before_any_call(monkeypatch, capsys):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda *a, **kw: pytest.fail("no client expected"))
    args = {"vpc_id": VPC, "config": [PRIVATE_A, dict(PRIVATE_A, cidr="10.0.11.0/24")]}
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)
    assert result["msg"] == "config names each subnet once; repeated: shop-prod-private-a"


# ---------------------------------------------------------------------------------------------------------------------
# a create that committed, then failed


def test_conflict_adopts_the_committed_subnet(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [])
    stubber.add_client_error(
        "create_subnet",
        "InvalidSubnet.Conflict",
        "The CIDR '10.0.0.0/24' conflicts with another subnet",
        400,
        expected_params={
            "VpcId": VPC,
            "CidrBlock": "10.0.0.0/24",
            "AvailabilityZone": "us-east-1a",
            "TagSpecifications": [{"ResourceType": "subnet", "Tags": tag_list(tags_of(PUBLIC_A))}],
        },
    )
    expect_describe(stubber, [subnet(PUBLIC_A, "subnet-committed", map_public=False)], cidr="10.0.0.0/24")
    expect_map_public(stubber, "subnet-committed", True)

    result = run(monkeypatch, capsys, client, state="replaced", config=[PUBLIC_A])

    assert result.get("failed") is None
    assert result["changed"] is True
    assert result["created"] == ["shop-prod-public-a"]
    assert result["subnet_ids"] == {"shop-prod-public-a": "subnet-committed"}
    assert result["subnets"][0]["map_public"] is True


def test_server_error_then_conflict_adopts_and_converges_tags(ec2, monkeypatch, capsys, no_sleep):
    """The 500 after the commit is retried by AWSRetry; the retry answers Conflict; the subnet found carries
    other tags (another run committed it) and is converged."""
    client, stubber = ec2
    request = {
        "VpcId": VPC,
        "CidrBlock": "10.0.10.0/24",
        "AvailabilityZone": "us-east-1a",
        "TagSpecifications": [{"ResourceType": "subnet", "Tags": tag_list(tags_of(PRIVATE_A))}],
    }
    expect_describe(stubber, [])
    stubber.add_client_error("create_subnet", "InternalError", "boom", 500, expected_params=request)
    stubber.add_client_error("create_subnet", "InvalidSubnet.Conflict", "conflict", 400, expected_params=request)
    expect_describe(
        stubber,
        [subnet(PRIVATE_A, "subnet-committed", tags=dict(tags_of(PRIVATE_A), tier="old"))],
        cidr="10.0.10.0/24",
    )
    stubber.add_response(
        "create_tags", {}, {"Resources": ["subnet-committed"], "Tags": [{"Key": "tier", "Value": "private"}]}
    )

    result = run(monkeypatch, capsys, client, config=[PRIVATE_A])

    assert result["created"] == ["shop-prod-private-a"]
    assert result["subnets"][0]["tags"] == tags_of(PRIVATE_A)
    assert len(no_sleep) == 1  # one AWSRetry back-off, no fixed sleep


def test_conflict_with_an_overlapping_range_fails_clearly(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [])
    stubber.add_client_error("create_subnet", "InvalidSubnet.Conflict", "The CIDR conflicts", 400)
    expect_describe(stubber, [], cidr="10.0.10.0/24")

    result = run(monkeypatch, capsys, client, config=[PRIVATE_A])

    assert result["failed"] is True
    assert result["msg"] == (
        f"cannot create subnet shop-prod-private-a: CIDR 10.0.10.0/24 overlaps another subnet of {VPC} "
        "(The CIDR conflicts)"
    )


def test_conflict_with_another_stacks_subnet_is_not_adopted(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_describe(stubber, [])
    stubber.add_client_error("create_subnet", "InvalidSubnet.Conflict", "conflict", 400)
    expect_describe(stubber, [subnet(PRIVATE_A, "subnet-f", tags={"Name": "theirs"})], cidr="10.0.10.0/24")

    result = run(monkeypatch, capsys, client, config=[PRIVATE_A])

    assert result["failed"] is True
    assert "CIDR 10.0.10.0/24 is already used by subnet subnet-f (Name theirs)" in result["msg"]
