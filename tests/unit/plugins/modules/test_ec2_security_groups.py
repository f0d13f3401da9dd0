# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.ec2_security_groups.

Every AWS call goes through botocore's Stubber on a real EC2 client (request shapes validated against the EC2 API
model and compared exactly, in order), wrapped as AnsibleAWSModule wraps it. main() runs with the client patched in,
so check mode, diff and the write calls are those of the real module. A Stubber fails on any call it was not told
to expect, so "no write" is proven by expecting the reads only.
"""

import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import ResourceSetError
from ansible_collections.stacksmith.aws.plugins.modules import ec2_security_groups as module_under_test
from botocore.stub import Stubber

VPC = "vpc-0123456789abcdef0"
ALB = "sg-0a0000000000000a1"
API = "sg-0a0000000000000a2"
OLD = "sg-0a0000000000000b1"
OLD2 = "sg-0a0000000000000b2"
FOREIGN = "sg-0a0000000000000c1"
DEFAULT = "sg-0a0000000000000d1"
OWNER = {"stack": "shop-prod", "managed-by": "stacksmith"}
COMMON = {"stack": "shop-prod", "managed-by": "stacksmith", "environment": "prod"}

ALB_ITEM = {
    "name": "shop-prod-alb",
    "description": "ALB - HTTPS from anywhere",
    "ingress": [
        {"protocol": "tcp", "ports": [443], "cidr": "0.0.0.0/0", "description": "HTTPS"},
        {"protocol": "tcp", "ports": [80], "cidr": "0.0.0.0/0", "description": "HTTP"},
    ],
    "egress": [{"protocol": "tcp", "ports": [3001], "source": "shop-prod-api", "description": "to api"}],
}
API_ITEM = {
    "name": "shop-prod-api",
    "description": "api tasks",
    "ingress": [{"protocol": "tcp", "ports": [3001], "source": "shop-prod-alb", "description": "from the ALB"}],
}
CONFIG = [ALB_ITEM, API_ITEM]


@pytest.fixture
def ec2():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


def tag_list(tags):
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def tags_of(name, common=None):
    tags = dict(COMMON if common is None else common, Name=name)
    return {key: tags[key] for key in sorted(tags)}


def group(name, group_id, description, tags=None):
    return {
        "GroupName": name,
        "GroupId": group_id,
        "Description": description,
        "VpcId": VPC,
        "OwnerId": "123456789012",
        "Tags": tag_list(tags_of(name) if tags is None else tags),
    }


def rule(group_id, rule_id, egress=False, protocol="tcp", ports=(443, 443), description=None, **target):
    item = {
        "SecurityGroupRuleId": rule_id,
        "GroupId": group_id,
        "GroupOwnerId": "123456789012",
        "IsEgress": egress,
        "IpProtocol": protocol,
        "FromPort": ports[0],
        "ToPort": ports[1],
    }
    if "cidr" in target:
        item["CidrIpv4"] = target["cidr"]
    if "source" in target:
        item["ReferencedGroupInfo"] = {"GroupId": target["source"], "UserId": "123456789012"}
    if description:
        item["Description"] = description
    return item


def default_egress(group_id, rule_id):
    return rule(group_id, rule_id, egress=True, protocol="-1", ports=(-1, -1), cidr="0.0.0.0/0")


def converged_rules():
    """The rules of ALB and API once CONFIG is applied."""
    return [
        rule(ALB, "sgr-a1", ports=(443, 443), cidr="0.0.0.0/0", description="HTTPS"),
        rule(ALB, "sgr-a2", ports=(80, 80), cidr="0.0.0.0/0", description="HTTP"),
        rule(ALB, "sgr-a3", egress=True, ports=(3001, 3001), source=API, description="to api"),
        rule(API, "sgr-b1", ports=(3001, 3001), source=ALB, description="from the ALB"),
        default_egress(API, "sgr-b2"),
    ]


def expect_groups(stubber, groups, names=None):
    filters = [{"Name": "vpc-id", "Values": [VPC]}]
    if names is not None:
        filters.append({"Name": "group-name", "Values": names})
    stubber.add_response("describe_security_groups", {"SecurityGroups": groups}, {"Filters": filters})


def expect_rules(stubber, group_ids, rules):
    stubber.add_response(
        "describe_security_group_rules",
        {"SecurityGroupRules": rules},
        {"Filters": [{"Name": "group-id", "Values": sorted(group_ids)}]},
    )


def expect_existing(stubber, rules=None, names=("shop-prod-alb", "shop-prod-api")):
    expect_groups(
        stubber,
        [group("shop-prod-alb", ALB, ALB_ITEM["description"]), group("shop-prod-api", API, "api tasks")],
        list(names),
    )
    expect_rules(stubber, [ALB, API], converged_rules() if rules is None else rules)


def expect_create(stubber, name, description, group_id):
    tags = tag_list(tags_of(name))
    stubber.add_response(
        "create_security_group",
        {"GroupId": group_id, "Tags": tags},
        {
            "GroupName": name,
            "Description": description,
            "VpcId": VPC,
            "TagSpecifications": [{"ResourceType": "security-group", "Tags": tags}],
        },
    )


def permission(protocol="tcp", port=443, description=None, **target):
    item = {"IpProtocol": protocol}
    if port is not None:
        item["FromPort"] = port
        item["ToPort"] = port
    if "cidr" in target:
        field, entry = "IpRanges", {"CidrIp": target["cidr"]}
    else:
        field, entry = "UserIdGroupPairs", {"GroupId": target["source"]}
    if description:
        entry["Description"] = description
    item[field] = [entry]
    return item


def run(monkeypatch, capsys, client, **args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    args.setdefault("vpc_id", VPC)
    args.setdefault("tags", COMMON)
    args.setdefault("owner_tags", OWNER)
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------------------------------
# helpers


@pytest.mark.parametrize(
    ("given", "expected"),
    [("tcp", "tcp"), ("6", "tcp"), ("UDP", "udp"), ("17", "udp"), ("-1", "all"), ("all", "all"), ("1", "icmp")]
    + [("58", "icmpv6"), ("50", "50"), ("050", "50")],
)
def test_normalize_protocol(given, expected):
    assert module_under_test.normalize_protocol(given) == expected


@pytest.mark.parametrize("given", ["tcpp", "256", "-2", ""])
def test_normalize_protocol_rejects(given):
    with pytest.raises(ValueError):
        module_under_test.normalize_protocol(given)


def test_aws_rules_and_config_rules_compare_equal():
    parsed = module_under_test.parse_rules(
        "g",
        "egress",
        [
            {"protocol": "-1", "cidr": "0.0.0.0/0"},
            {"protocol": "6", "from_port": 8080, "cidr": "10.1.2.3/16"},
            {"protocol": "icmp", "cidr_ipv6": "2001:DB8:0:0::/32"},
        ],
        set(),
    )
    read = [
        module_under_test.rule_from_aws(default_egress("sg-1", "r1")),
        module_under_test.rule_from_aws(rule("sg-1", "r2", True, ports=(8080, 8080), cidr="10.1.0.0/16")),
        module_under_test.rule_from_aws(
            {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "CidrIpv6": "2001:db8::/32", "IsEgress": True}
        ),
    ]
    assert [module_under_test.rule_key(r) for r in parsed] == [module_under_test.rule_key(r) for r in read]


def test_plan_rules_merged_keeps_and_replaced_purges():
    current = [
        module_under_test.rule_from_aws(rule("sg-1", "r1", ports=(443, 443), cidr="0.0.0.0/0", description="old")),
        module_under_test.rule_from_aws(rule("sg-1", "r2", ports=(22, 22), cidr="10.0.0.0/8", description="ssh")),
    ]
    wanted = module_under_test.parse_rules(
        "g",
        "ingress",
        [{"ports": [443], "cidr": "0.0.0.0/0", "description": "new"}, {"ports": [22], "cidr": "10.0.0.0/8"}],
        set(),
    )
    add, describe, revoke, result = module_under_test.plan_rules(current, wanted, purge=False)
    assert (add, revoke) == ([], [])
    assert [(r["rule_id"], d) for r, d in describe] == [("r1", "new")]
    assert [r["description"] for r in result] == ["new", "ssh"]

    add, describe, revoke, result = module_under_test.plan_rules(current, wanted[:1], purge=True)
    assert [r["rule_id"] for r in revoke] == ["r2"]
    assert [pair[0]["rule_id"] for pair in describe] == ["r1"]

    # replaced removes a description the config does not give
    describe = module_under_test.plan_rules(current, wanted, purge=True)[1]
    assert [(r["rule_id"], d) for r, d in describe] == [("r1", "new"), ("r2", None)]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"ingress": [{"ports": [443]}]}, "shop-prod-x: ingress rule 0: exactly one of cidr, cidr_ipv6, source"),
        (
            {"ingress": [{"ports": [443], "cidr": "0.0.0.0/0"}, {"ports": [1], "cidr": "0.0.0.0/0", "source": "sg-1"}]},
            "shop-prod-x: ingress rule 1: exactly one of cidr, cidr_ipv6, source, prefix_list_id is required "
            "(found: cidr, source)",
        ),
        ({"egress": [{"cidr": "0.0.0.0/0"}]}, "shop-prod-x: egress rule 0: protocol tcp needs ports"),
        ({"egress": [{"protocol": "all", "ports": [1], "cidr": "0.0.0.0/0"}]}, "egress rule 0: protocol all covers"),
        ({"ingress": [{"ports": [70000], "cidr": "0.0.0.0/0"}]}, "ingress rule 0: port range 70000-70000 is not"),
        ({"ingress": [{"ports": [1], "from_port": 1, "cidr": "0.0.0.0/0"}]}, "mutually exclusive"),
        ({"ingress": [{"from_port": 9, "to_port": 1, "cidr": "0.0.0.0/0"}]}, "port range 9-1 is not within"),
        ({"ingress": [{"ports": [1], "cidr": "10.0.0.0/33"}]}, "ingress rule 0: cidr 10.0.0.0/33 is not an IPv4"),
        ({"ingress": [{"ports": [1], "cidr_ipv6": "10.0.0.0/8"}]}, "cidr_ipv6 10.0.0.0/8 is not an IPv6"),
        ({"ingress": [{"ports": [1], "source": "shop-prod-nope"}]}, "source shop-prod-nope is neither the name"),
        ({"ingress": [{"ports": [1], "prefix_list_id": "sg-1"}]}, "prefix_list_id sg-1 is not a prefix list"),
        ({"ingress": [{"protocol": "gre", "cidr": "0.0.0.0/0"}]}, "ingress rule 0: protocol gre is not tcp"),
        ({"ingress": [{"protocol": "icmp", "ports": [8], "cidr": "0.0.0.0/0"}]}, "icmp takes from_port (type)"),
        (
            {"ingress": [{"ports": [1], "cidr": "0.0.0.0/0", "description": "a"}, {"ports": [1], "cidr": "0.0.0.0/0"}]},
            "ingress rule 1: repeats an earlier rule with another description",
        ),
        ({"description": None}, "security group shop-prod-x: description is required"),
        ({"name": "sg-123"}, "security group sg-123: a group name cannot start with sg-"),
    ],
)
def test_invalid_config_fails_before_any_call(monkeypatch, capsys, item, message):
    config = [dict({"name": "shop-prod-x", "description": "x"}, **item)]
    result = run(monkeypatch, capsys, None, config=config)
    assert result["failed"] is True
    assert message in result["msg"]


def test_repeated_names_and_deleting_the_default_group_are_refused(monkeypatch, capsys):
    result = run(monkeypatch, capsys, None, config=[API_ITEM, API_ITEM])
    assert "config names each security group once; repeated: shop-prod-api" in result["msg"]
    result = run(monkeypatch, capsys, None, state="deleted", config=[{"name": "default"}])
    assert "the default security group of a VPC is never deleted" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# merged


def test_create_groups_that_reference_each_other(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(stubber, [], ["shop-prod-alb", "shop-prod-api"])
    # every group first, in config order, with sorted tags
    expect_create(stubber, "shop-prod-alb", ALB_ITEM["description"], ALB)
    expect_create(stubber, "shop-prod-api", "api tasks", API)
    # then the rules AWS gave the new groups
    expect_rules(stubber, [ALB, API], [default_egress(ALB, "sgr-d1"), default_egress(API, "sgr-d2")])
    # then each group's rules, one authorize per direction; the cycle resolves to IDs
    stubber.add_response(
        "authorize_security_group_ingress",
        {"Return": True},
        {
            "GroupId": ALB,
            "IpPermissions": [
                permission(port=443, cidr="0.0.0.0/0", description="HTTPS"),
                permission(port=80, cidr="0.0.0.0/0", description="HTTP"),
            ],
        },
    )
    stubber.add_response(
        "authorize_security_group_egress",
        {"Return": True},
        {"GroupId": ALB, "IpPermissions": [permission(port=3001, source=API, description="to api")]},
    )
    # a new group gets exactly its listed egress: the allow-all rule AWS added goes
    stubber.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": ALB, "SecurityGroupRuleIds": ["sgr-d1"]}
    )
    stubber.add_response(
        "authorize_security_group_ingress",
        {"Return": True},
        {"GroupId": API, "IpPermissions": [permission(port=3001, source=ALB, description="from the ALB")]},
    )

    result = run(monkeypatch, capsys, client, config=CONFIG, _ansible_diff=True)

    assert result["changed"] is True
    assert result["created"] == ["shop-prod-alb", "shop-prod-api"]
    assert result["updated"] == [] and result["deleted"] == []
    assert result["group_ids"] == {"shop-prod-alb": ALB, "shop-prod-api": API}
    alb, api = result["security_groups"]
    assert alb == {
        "name": "shop-prod-alb",
        "group_id": ALB,
        "description": "ALB - HTTPS from anywhere",
        "ingress": [
            {"protocol": "tcp", "ports": [80], "cidr": "0.0.0.0/0", "description": "HTTP"},
            {"protocol": "tcp", "ports": [443], "cidr": "0.0.0.0/0", "description": "HTTPS"},
        ],
        "egress": [{"protocol": "tcp", "ports": [3001], "source": "shop-prod-api", "description": "to api"}],
        "tags": tags_of("shop-prod-alb"),
    }
    assert api["ingress"] == [
        {"protocol": "tcp", "ports": [3001], "source": "shop-prod-alb", "description": "from the ALB"}
    ]
    assert api["egress"] == [{"protocol": "all", "cidr": "0.0.0.0/0"}]
    assert result["diff"]["before"] == {"shop-prod-alb": {}, "shop-prod-api": {}}
    assert result["diff"]["after"]["shop-prod-api"] == api


def test_create_in_check_mode_makes_no_write(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(stubber, [], ["shop-prod-alb", "shop-prod-api"])

    result = run(monkeypatch, capsys, client, config=CONFIG, _ansible_check_mode=True, _ansible_diff=True)

    assert result["changed"] is True
    assert result["created"] == ["shop-prod-alb", "shop-prod-api"]
    assert result["group_ids"] == {"shop-prod-alb": None, "shop-prod-api": None}
    alb, api = result["security_groups"]
    assert alb["egress"] == [{"protocol": "tcp", "ports": [3001], "source": "shop-prod-api", "description": "to api"}]
    assert api["egress"] == [{"protocol": "all", "cidr": "0.0.0.0/0"}]
    assert api["tags"] == tags_of("shop-prod-api")
    assert result["diff"]["after"]["shop-prod-alb"]["ingress"][1]["ports"] == [443]


def test_converged_set_makes_two_reads_and_no_write(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_existing(stubber)

    result = run(monkeypatch, capsys, client, config=CONFIG, state="replaced", _ansible_diff=True)

    assert result["changed"] is False
    assert result["group_ids"] == {"shop-prod-alb": ALB, "shop-prod-api": API}
    assert result["diff"] == {"before": {}, "after": {}}
    assert result["security_groups"][1]["ingress"][0]["source"] == "shop-prod-alb"


def test_converged_set_in_check_mode_is_unchanged(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_existing(stubber)
    result = run(monkeypatch, capsys, client, config=CONFIG, _ansible_check_mode=True)
    assert result["changed"] is False


def test_merged_adds_one_rule_in_one_call_and_keeps_unlisted_ones(ec2, monkeypatch, capsys):
    client, stubber = ec2
    extra = rule(API, "sgr-x", ports=(22, 22), cidr="10.0.0.0/8", description="ssh")
    rules = [r for r in converged_rules() if r["SecurityGroupRuleId"] != "sgr-a2"] + [extra]
    expect_existing(stubber, rules)
    stubber.add_response(
        "authorize_security_group_ingress",
        {"Return": True},
        {"GroupId": ALB, "IpPermissions": [permission(port=80, cidr="0.0.0.0/0", description="HTTP")]},
    )

    result = run(monkeypatch, capsys, client, config=CONFIG, _ansible_diff=True)

    assert result["changed"] is True
    assert result["updated"] == ["shop-prod-alb"]
    assert list(result["diff"]["after"]) == ["shop-prod-alb"]
    before, after = result["diff"]["before"]["shop-prod-alb"], result["diff"]["after"]["shop-prod-alb"]
    assert [r for r in after["ingress"] if r not in before["ingress"]] == [
        {"protocol": "tcp", "ports": [80], "cidr": "0.0.0.0/0", "description": "HTTP"}
    ]
    assert {"protocol": "tcp", "ports": [22], "cidr": "10.0.0.0/8", "description": "ssh"} in (
        result["security_groups"][1]["ingress"]
    )


def test_merged_updates_a_changed_rule_description(ec2, monkeypatch, capsys):
    client, stubber = ec2
    rules = converged_rules()
    rules[3]["Description"] = "from the old ALB"
    expect_existing(stubber, rules)
    stubber.add_response(
        "update_security_group_rule_descriptions_ingress",
        {"Return": True},
        {
            "GroupId": API,
            "SecurityGroupRuleDescriptions": [{"SecurityGroupRuleId": "sgr-b1", "Description": "from the ALB"}],
        },
    )

    result = run(monkeypatch, capsys, client, config=CONFIG, _ansible_diff=True)

    assert result["updated"] == ["shop-prod-api"]
    assert result["diff"]["before"]["shop-prod-api"]["ingress"][0]["description"] == "from the old ALB"
    assert result["diff"]["after"]["shop-prod-api"]["ingress"][0]["description"] == "from the ALB"


def test_merged_updates_tags_without_purging(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(
        stubber,
        [group("shop-prod-api", API, "api tasks", tags=dict(tags_of("shop-prod-api"), extra="kept", environment="x"))],
        ["shop-prod-api"],
    )
    expect_rules(stubber, [API], [r for r in converged_rules() if r["GroupId"] == API])
    stubber.add_response("create_tags", {}, {"Resources": [API], "Tags": [{"Key": "environment", "Value": "prod"}]})
    item = dict(API_ITEM, ingress=[{"ports": [3001], "source": ALB, "description": "from the ALB"}])
    result = run(monkeypatch, capsys, client, config=[item])
    assert result["updated"] == ["shop-prod-api"]
    assert result["security_groups"][0]["tags"]["extra"] == "kept"


def test_a_changed_group_description_fails_before_any_write(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(
        stubber,
        [group("shop-prod-alb", ALB, "ALB"), group("shop-prod-api", API, "api tasks")],
        ["shop-prod-alb", "shop-prod-api"],
    )
    expect_rules(stubber, [ALB, API], [])

    result = run(monkeypatch, capsys, client, config=CONFIG)

    assert result["failed"] is True
    assert (
        "security group shop-prod-alb (sg-0a0000000000000a1): the description of a group cannot be changed"
        in (result["msg"])
    )
    assert "it is 'ALB' and the config asks for 'ALB - HTTPS from anywhere'" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# replaced / overridden


def test_replaced_revokes_the_unlisted_rules_by_id(ec2, monkeypatch, capsys):
    client, stubber = ec2
    rules = converged_rules() + [
        rule(API, "sgr-x2", ports=(22, 22), cidr="10.0.0.0/8"),
        rule(API, "sgr-x1", ports=(21, 21), cidr="10.0.0.0/8"),
    ]
    expect_existing(stubber, rules)
    stubber.add_response(
        "revoke_security_group_ingress",
        {"Return": True},
        {"GroupId": API, "SecurityGroupRuleIds": ["sgr-x1", "sgr-x2"]},
    )

    result = run(monkeypatch, capsys, client, config=CONFIG, state="replaced", _ansible_diff=True)

    assert result["updated"] == ["shop-prod-api"]
    removed = [
        r
        for r in result["diff"]["before"]["shop-prod-api"]["ingress"]
        if r not in result["diff"]["after"]["shop-prod-api"]["ingress"]
    ]
    assert removed == [
        {"protocol": "tcp", "ports": [21], "cidr": "10.0.0.0/8"},
        {"protocol": "tcp", "ports": [22], "cidr": "10.0.0.0/8"},
    ]


def test_replaced_refuses_an_unowned_group_before_any_write(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(
        stubber,
        [group("shop-prod-api", API, "api tasks", tags={"Name": "shop-prod-api"})],
        ["shop-prod-alb", "shop-prod-api"],
    )
    expect_rules(stubber, [API], [])

    result = run(monkeypatch, capsys, client, config=CONFIG, state="replaced")

    assert result["failed"] is True
    assert (
        "shop-prod-api exists but is not owned (missing the owner tags): state replaced would rewrite it"
        in (result["msg"])
    )


def test_overridden_deletes_owned_unlisted_groups_and_leaves_unowned_ones(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(
        stubber,
        [
            group("default", DEFAULT, "default VPC security group", tags={}),
            group("shop-prod-alb", ALB, ALB_ITEM["description"]),
            group("shop-prod-api", API, "api tasks"),
            group("shop-prod-old", OLD, "old"),
            group("shop-prod-older", OLD2, "older"),
            group("someone-else", FOREIGN, "not ours", tags={"stack": "other"}),
        ],
    )
    # rules of the listed and the owned groups only (not of the default or the foreign group)
    expect_rules(
        stubber,
        [ALB, API, OLD, OLD2],
        converged_rules()
        + [
            rule(OLD, "sgr-o1", ports=(5432, 5432), source=OLD2),
            rule(OLD, "sgr-o3", ports=(5433, 5433), source=OLD),  # itself: does not block its delete
            rule(OLD, "sgr-o4", ports=(22, 22), cidr="10.0.0.0/8"),
            default_egress(OLD, "sgr-o2"),
            rule(OLD2, "sgr-p1", egress=True, ports=(5432, 5432), source=OLD),
            rule(OLD2, "sgr-p2", egress=True, ports=(3001, 3001), source=API),  # a group that stays
        ],
    )
    # only the references between the doomed groups (in delete order, ingress then egress), then the deletes in
    # name order; their CIDR rules, self-references and references to other groups are never revoked
    stubber.add_response(
        "revoke_security_group_ingress", {"Return": True}, {"GroupId": OLD, "SecurityGroupRuleIds": ["sgr-o1"]}
    )
    stubber.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": OLD2, "SecurityGroupRuleIds": ["sgr-p1"]}
    )
    stubber.add_response("delete_security_group", {"Return": True, "GroupId": OLD}, {"GroupId": OLD})
    stubber.add_response("delete_security_group", {"Return": True, "GroupId": OLD2}, {"GroupId": OLD2})

    result = run(monkeypatch, capsys, client, config=CONFIG, state="overridden", _ansible_diff=True)

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-old", "shop-prod-older"]
    assert result["created"] == [] and result["updated"] == []
    assert result["diff"]["before"]["shop-prod-old"]["ingress"] == [
        {"protocol": "tcp", "ports": [22], "cidr": "10.0.0.0/8"},
        {"protocol": "tcp", "ports": [5432], "source": "shop-prod-older"},
        {"protocol": "tcp", "ports": [5433], "source": "shop-prod-old"},
    ]
    assert "someone-else" not in result["diff"]["before"]


def test_overridden_in_check_mode_deletes_nothing(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(
        stubber,
        [group("shop-prod-alb", ALB, ALB_ITEM["description"]), group("shop-prod-api", API, "api tasks")]
        + [group("shop-prod-old", OLD, "old")],
    )
    expect_rules(stubber, [ALB, API, OLD], converged_rules() + [default_egress(OLD, "sgr-o2")])
    result = run(monkeypatch, capsys, client, config=CONFIG, state="overridden", _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-old"]


@pytest.mark.parametrize(
    ("target", "blocks"),
    [
        ({"source": OLD2}, True),  # another group being deleted
        ({"source": OLD}, False),  # the group itself
        ({"source": API}, False),  # a group that stays
        ({"cidr": "10.0.0.0/8"}, False),
    ],
)
def test_blocking_rules_are_the_references_to_other_doomed_groups(target, blocks):
    rules = [module_under_test.rule_from_aws(rule(OLD, "sgr-1", ports=(5432, 5432), **target))]
    doomed = {"group_id": OLD, "ingress": rules, "egress": []}
    blocking = module_under_test.blocking_rules(doomed, "ingress", {OLD, OLD2})
    assert blocking == (rules if blocks else [])
    assert module_under_test.blocking_rules(doomed, "egress", {OLD, OLD2}) == []


def doomed_pair_rules():
    """shop-prod-old and shop-prod-older: CIDR rules, and one reference each way between them."""
    return [
        rule(OLD, "sgr-o1", ports=(5432, 5432), source=OLD2),
        rule(OLD, "sgr-o4", ports=(22, 22), cidr="10.0.0.0/8"),
        default_egress(OLD, "sgr-o2"),
        rule(OLD2, "sgr-p3", ports=(443, 443), cidr="0.0.0.0/0"),
        rule(OLD2, "sgr-p1", egress=True, ports=(5432, 5432), source=OLD),
        default_egress(OLD2, "sgr-p4"),
    ]


def test_a_group_being_deleted_keeps_its_cidr_rules_until_its_delete(ec2, monkeypatch, capsys):
    client, stubber = ec2
    names = ["shop-prod-older", "shop-prod-old"]
    expect_groups(stubber, [group("shop-prod-old", OLD, "old"), group("shop-prod-older", OLD2, "older")], names)
    expect_rules(stubber, [OLD, OLD2], doomed_pair_rules())
    # in config order: the cross-references of shop-prod-older, then of shop-prod-old; then the deletes. The
    # Stubber fails on any other call: no CIDR rule (sgr-o4, sgr-o2, sgr-p3, sgr-p4) is ever revoked.
    stubber.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": OLD2, "SecurityGroupRuleIds": ["sgr-p1"]}
    )
    stubber.add_response(
        "revoke_security_group_ingress", {"Return": True}, {"GroupId": OLD, "SecurityGroupRuleIds": ["sgr-o1"]}
    )
    stubber.add_response("delete_security_group", {"Return": True, "GroupId": OLD2}, {"GroupId": OLD2})
    stubber.add_response("delete_security_group", {"Return": True, "GroupId": OLD}, {"GroupId": OLD})

    result = run(monkeypatch, capsys, client, config=[{"name": name} for name in names], state="deleted")

    assert result["changed"] is True
    assert result["deleted"] == names


def test_a_group_still_in_use_fails_with_its_name_and_keeps_its_cidr_rules(ec2, monkeypatch, capsys):
    client, stubber = ec2
    names = ["shop-prod-old", "shop-prod-older"]
    expect_groups(stubber, [group("shop-prod-old", OLD, "old"), group("shop-prod-older", OLD2, "older")], names)
    expect_rules(stubber, [OLD, OLD2], doomed_pair_rules())
    stubber.add_response(
        "revoke_security_group_ingress", {"Return": True}, {"GroupId": OLD, "SecurityGroupRuleIds": ["sgr-o1"]}
    )
    stubber.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": OLD2, "SecurityGroupRuleIds": ["sgr-p1"]}
    )
    # a network interface (a draining task) still uses the group: AWS refuses the delete
    stubber.add_client_error(
        "delete_security_group",
        "DependencyViolation",
        f"resource {OLD} has a dependent object",
        400,
        expected_params={"GroupId": OLD},
    )
    # nothing after: shop-prod-older is not deleted, and no CIDR rule of either group was revoked (the Stubber
    # fails on any call not listed)

    result = run(monkeypatch, capsys, client, config=[{"name": name} for name in names], state="deleted")

    assert result["failed"] is True
    assert f"cannot delete security group shop-prod-old ({OLD}): it is still in use" in result["msg"]
    assert "network interface" in result["msg"] and "outside this set" in result["msg"]
    assert "it keeps its rules, but those that referenced another group being deleted" in result["msg"]
    assert f"resource {OLD} has a dependent object" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# deleted


def test_deleted_refuses_an_unowned_group_before_any_delete(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(
        stubber,
        [group("shop-prod-old", OLD, "old"), group("someone-else", FOREIGN, "not ours", tags={"stack": "other"})],
        ["shop-prod-old", "someone-else"],
    )
    expect_rules(stubber, [OLD, FOREIGN], [default_egress(OLD, "sgr-o2")])

    result = run(
        monkeypatch, capsys, client, config=[{"name": "shop-prod-old"}, {"name": "someone-else"}], state="deleted"
    )

    assert result["failed"] is True
    assert "refusing to delete someone-else: not owned" in result["msg"]


def test_deleted_with_an_empty_config_deletes_every_owned_group(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(
        stubber,
        [
            group("default", DEFAULT, "default VPC security group", tags=OWNER),  # never deleted, even tagged
            group("shop-prod-api", API, "api tasks", tags=tags_of("shop-prod-api")),
            group("someone-else", FOREIGN, "not ours", tags={"stack": "other"}),
        ],
    )
    expect_rules(stubber, [API], [])
    stubber.add_response("delete_security_group", {"Return": True, "GroupId": API}, {"GroupId": API})

    result = run(monkeypatch, capsys, client, config=[], state="deleted")

    assert result["changed"] is True
    assert result["deleted"] == ["shop-prod-api"]
    assert result["security_groups"] == [] and result["group_ids"] == {}


def test_deleted_when_nothing_exists_is_unchanged(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(stubber, [], ["shop-prod-old"])
    result = run(monkeypatch, capsys, client, config=[{"name": "shop-prod-old"}], state="deleted")
    assert result["changed"] is False


# ---------------------------------------------------------------------------------------------------------------------
# gathered / rendered


def test_gathered_returns_the_owned_groups_sorted_by_name(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(
        stubber,
        [
            group("shop-prod-api", API, "api tasks"),
            group("someone-else", FOREIGN, "not ours", tags={"stack": "other"}),
            group("shop-prod-alb", ALB, ALB_ITEM["description"]),
        ],
    )
    expect_rules(stubber, [ALB, API], converged_rules())

    result = run(monkeypatch, capsys, client, state="gathered")

    assert result["changed"] is False
    assert [g["name"] for g in result["security_groups"]] == ["shop-prod-alb", "shop-prod-api"]
    assert result["group_ids"] == {"shop-prod-alb": ALB, "shop-prod-api": API}
    assert result["security_groups"][0]["egress"] == [
        {"protocol": "tcp", "ports": [3001], "source": "shop-prod-api", "description": "to api"}
    ]


def test_rendered_makes_no_aws_call(monkeypatch, capsys):
    def no_client(*args, **kwargs):
        raise AssertionError("rendered must not create a client")

    monkeypatch.setattr(AnsibleAWSModule, "client", no_client)
    config = [dict(ALB_ITEM, egress=[]), API_ITEM]
    with patch_module_args({"state": "rendered", "tags": COMMON, "config": config}), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)

    assert result["changed"] is False
    assert [(r["action"], r["request"].get("GroupName") or r["request"]["GroupId"]) for r in result["rendered"]] == [
        ("CreateSecurityGroup", "shop-prod-alb"),
        ("CreateSecurityGroup", "shop-prod-api"),
        ("AuthorizeSecurityGroupIngress", "shop-prod-alb"),
        ("AuthorizeSecurityGroupIngress", "shop-prod-api"),
    ]
    create = result["rendered"][0]["request"]
    assert create["VpcId"] == "(known after apply)"
    assert create["TagSpecifications"] == [
        {"ResourceType": "security-group", "Tags": tag_list(tags_of("shop-prod-alb"))}
    ]
    assert result["rendered"][3]["request"]["IpPermissions"] == [
        permission(port=3001, source="shop-prod-alb", description="from the ALB")
    ]
    assert result["group_ids"] == {"shop-prod-alb": None, "shop-prod-api": None}


# ---------------------------------------------------------------------------------------------------------------------
# faults


def test_an_authorize_that_committed_before_its_retry_is_success(ec2, monkeypatch, capsys):
    client, stubber = ec2
    rules = [r for r in converged_rules() if r["SecurityGroupRuleId"] != "sgr-b1"]
    expect_existing(stubber, rules)
    wanted = {"GroupId": API, "IpPermissions": [permission(port=3001, source=ALB, description="from the ALB")]}
    # the retry of a lost answer: AWS has the rule already
    stubber.add_client_error(
        "authorize_security_group_ingress",
        "InvalidPermission.Duplicate",
        "the specified rule already exists",
        400,
        expected_params=wanted,
    )
    expect_rules(stubber, [API], [r for r in converged_rules() if r["GroupId"] == API])

    result = run(monkeypatch, capsys, client, config=CONFIG)

    assert result["changed"] is True
    assert result["updated"] == ["shop-prod-api"]


def test_a_duplicate_that_did_not_commit_authorizes_what_is_missing(ec2, monkeypatch, capsys):
    client, stubber = ec2
    rules = [r for r in converged_rules() if r["SecurityGroupRuleId"] not in ("sgr-a1", "sgr-a2")]
    expect_existing(stubber, rules)
    both = [
        permission(port=443, cidr="0.0.0.0/0", description="HTTPS"),
        permission(port=80, cidr="0.0.0.0/0", description="HTTP"),
    ]
    stubber.add_client_error(
        "authorize_security_group_ingress",
        "InvalidPermission.Duplicate",
        "exists",
        400,
        expected_params={"GroupId": ALB, "IpPermissions": both},
    )
    # someone else added the HTTPS rule meanwhile: only HTTP is missing
    expect_rules(stubber, [ALB], [rule(ALB, "sgr-a1", ports=(443, 443), cidr="0.0.0.0/0", description="HTTPS")])
    stubber.add_response(
        "authorize_security_group_ingress", {"Return": True}, {"GroupId": ALB, "IpPermissions": both[1:]}
    )

    result = run(monkeypatch, capsys, client, config=CONFIG)

    assert result["updated"] == ["shop-prod-alb"]


def test_a_create_that_committed_before_its_retry_adopts_the_group(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(stubber, [], ["shop-prod-api"])
    tags = tag_list(tags_of("shop-prod-api"))
    stubber.add_client_error(
        "create_security_group",
        "InvalidGroup.Duplicate",
        "The security group 'shop-prod-api' already exists for VPC",
        400,
        expected_params={
            "GroupName": "shop-prod-api",
            "Description": "api tasks",
            "VpcId": VPC,
            "TagSpecifications": [{"ResourceType": "security-group", "Tags": tags}],
        },
    )
    expect_groups(stubber, [group("shop-prod-api", API, "api tasks")], ["shop-prod-api"])
    expect_rules(stubber, [API], [default_egress(API, "sgr-d2")])
    stubber.add_response(
        "authorize_security_group_ingress",
        {"Return": True},
        {"GroupId": API, "IpPermissions": [permission(port=3001, source="sg-0fffffffffffffff1")]},
    )
    item = dict(API_ITEM, ingress=[{"ports": [3001], "source": "sg-0fffffffffffffff1"}])

    result = run(monkeypatch, capsys, client, config=[item])

    assert result["created"] == ["shop-prod-api"]
    assert result["group_ids"] == {"shop-prod-api": API}


def test_a_create_error_is_reported_with_the_group_name(ec2, monkeypatch, capsys):
    client, stubber = ec2
    expect_groups(stubber, [], ["shop-prod-api"])
    stubber.add_client_error("create_security_group", "SecurityGroupLimitExceeded", "too many groups", 400)

    result = run(monkeypatch, capsys, client, config=[dict(API_ITEM, ingress=[])])

    assert result["failed"] is True
    assert result["msg"].startswith("Failed to create security group shop-prod-api")
    assert result["error"]["code"] == "SecurityGroupLimitExceeded"


def test_resource_set_error_is_the_shared_one():
    assert module_under_test.ResourceSetError is ResourceSetError


def test_the_rules_of_a_new_group_are_read_until_aws_shows_them(ec2, monkeypatch, capsys):
    client, stubber = ec2
    sleeps = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    item = dict(API_ITEM, ingress=[], egress=[])
    expect_groups(stubber, [], ["shop-prod-api"])
    expect_create(stubber, "shop-prod-api", "api tasks", API)
    # eventual consistency: the egress rule AWS adds shows up on the third read
    expect_rules(stubber, [API], [])
    expect_rules(stubber, [API], [])
    expect_rules(stubber, [API], [default_egress(API, "sgr-d2")])
    stubber.add_response(
        "revoke_security_group_egress", {"Return": True}, {"GroupId": API, "SecurityGroupRuleIds": ["sgr-d2"]}
    )

    result = run(monkeypatch, capsys, client, config=[item])

    assert result["created"] == ["shop-prod-api"]
    assert result["security_groups"][0]["egress"] == []
    assert sleeps == [0.2, 0.4]
