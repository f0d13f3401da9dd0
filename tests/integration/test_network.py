"""The network role end to end through site.yml against the emulator.

Two stacks converge together: `neta-dev` creates a VPC over 3 AZs with 2 NAT gateways, flow
logs, an S3 endpoint and NACLs; `netb-dev` adopts the default VPC (architecture 2). A VPC created
beforehand by the test (not owned by any stack) must survive everything. The tests run in file
order and share the emulator state of this module.
"""

from __future__ import annotations

import json

import pytest
from harness import NETWORK_ONLY_SPOT_WAF, boto3_client, run_playbook, summarize, write_inventory

# The tests of this file share one converged stack (module-scoped fixtures): one xdist worker runs them all,
# in a row (`make integration` uses --dist loadgroup; the other files' tests are spread one by one).
pytestmark = pytest.mark.xdist_group("test_network")

A, B = "neta-dev", "netb-dev"
OWNER_TAGS_A = {"stack": A, "architecture": "fargate_spot_waf", "environment": "dev", "managed-by": "stacksmith"}
OWNER_TAGS_B = {"stack": B, "architecture": "apprunner_cloudfront", "environment": "dev", "managed-by": "stacksmith"}
HOSTVARS_A = {
    **NETWORK_ONLY_SPOT_WAF,
    "stack_project": "neta",
    "stack_env": "dev",
    # One NAT per AZ: beyond the architecture's own nat_gateways (0 or 1), set on the network role directly.
    "network_nat_gateways": 2,
    "network_vpc_cidr": "10.70.0.0/16",
    "network_az_count": 3,
    "network_tiers": [
        {"name": "public", "netnum_offset": 0},
        {"name": "private_app", "netnum_offset": 10},
        {"name": "private_data", "netnum_offset": 20},
    ],
    "network_flow_logs_enabled": True,
    "network_s3_endpoint": True,
    "network_nacls_enabled": True,
}
HOSTVARS_B = {"stack_project": "netb", "stack_env": "dev"}


def tags(resource) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def owned(filters_tags: dict[str, str]) -> list[dict]:
    return [{"Name": f"tag:{k}", "Values": [v]} for k, v in filters_tags.items() if k in ("stack", "managed-by")]


@pytest.fixture(scope="module")
def env(emulator, tmp_path_factory):
    emulator.reset()
    root = tmp_path_factory.mktemp("network")
    inventory = write_inventory(
        root / "inventory",
        emulator.endpoint,
        {"fargate_spot_waf": {A: HOSTVARS_A}, "apprunner_cloudfront": {B: HOSTVARS_B}},
    )
    ec2 = boto3_client("ec2", emulator.endpoint)
    # Not owned by any stack: must never be touched.
    foreign = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[foreign], Tags=[{"Key": "Name", "Value": "foreign"}])
    foreign_subnet = ec2.create_subnet(VpcId=foreign, CidrBlock="10.70.1.0/24")["Subnet"]["SubnetId"]
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    default_subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc["VpcId"]]}])["Subnets"]
    default_igw = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [default_vpc["VpcId"]]}]
    )["InternetGateways"][0]
    return {
        "inventory": inventory,
        "outputs": root / "outputs",
        "endpoint": emulator.endpoint,
        "ec2": ec2,
        "foreign": foreign,
        "foreign_subnet": foreign_subnet,
        "default_vpc": default_vpc,
        "default_subnets": sorted(s["SubnetId"] for s in default_subnets),
        "default_igw": default_igw,
    }


def site(env, **kwargs):
    return run_playbook(
        "site.yml", env["inventory"], env["endpoint"], tags="network", outputs_dir=env["outputs"], **kwargs
    )


def stack_vpcs(ec2, owner_tags):
    return ec2.describe_vpcs(Filters=owned(owner_tags))["Vpcs"]


def test_check_mode_on_an_empty_account_creates_nothing(env, emulator):
    mark = emulator.mark()
    run = site(env, check=True)
    assert run.rc == 0, run.failure_messages()
    assert emulator.writes(since=mark) == [], summarize(emulator.writes(since=mark))
    assert stack_vpcs(env["ec2"], OWNER_TAGS_A) == []
    assert env["ec2"].describe_subnets(Filters=owned(OWNER_TAGS_B))["Subnets"] == []


def test_converge_creates_exactly_the_planned_network(env, emulator):
    run = site(env)
    assert run.rc == 0, run.failure_messages()
    ec2 = env["ec2"]

    # --- stack A: created VPC over 3 AZs
    (vpc,) = stack_vpcs(ec2, OWNER_TAGS_A)
    vpc_id = vpc["VpcId"]
    assert vpc["CidrBlock"] == "10.70.0.0/16"
    assert tags(vpc) == {**OWNER_TAGS_A, "Name": "neta-dev-vpc"}
    for attr in ("enableDnsSupport", "enableDnsHostnames"):
        key = attr[0].upper() + attr[1:]
        assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attr)[key]["Value"] is True

    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    got = sorted((tags(s)["tier"], s["AvailabilityZone"], s["CidrBlock"], s["MapPublicIpOnLaunch"]) for s in subnets)
    expected = sorted(
        (tier, f"us-east-1{az}", f"10.70.{base + i}.0/24", tier == "public")
        for tier, base in (("public", 0), ("private_app", 10), ("private_data", 20))
        for i, az in enumerate("abc")
    )
    assert got == expected
    for s in subnets:
        assert {k: v for k, v in tags(s).items() if k in OWNER_TAGS_A} == OWNER_TAGS_A
    by_cidr = {s["CidrBlock"]: s["SubnetId"] for s in subnets}

    (igw,) = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])[
        "InternetGateways"
    ]
    assert tags(igw) == {**OWNER_TAGS_A, "Name": "neta-dev-igw"}

    nats = ec2.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    nats = [n for n in nats if n["State"] in ("pending", "available")]
    nat_by_subnet = {n["SubnetId"]: n["NatGatewayId"] for n in nats}
    assert set(nat_by_subnet) == {by_cidr["10.70.0.0/24"], by_cidr["10.70.1.0/24"]}
    for n in nats:
        assert {k: v for k, v in tags(n).items() if k in OWNER_TAGS_A} == OWNER_TAGS_A
    eips = ec2.describe_addresses(Filters=owned(OWNER_TAGS_A))["Addresses"]
    assert sorted(e["AllocationId"] for e in eips) == sorted(n["NatGatewayAddresses"][0]["AllocationId"] for n in nats)
    nat_a, nat_b = nat_by_subnet[by_cidr["10.70.0.0/24"]], nat_by_subnet[by_cidr["10.70.1.0/24"]]

    rts = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}] + owned(OWNER_TAGS_A))[
        "RouteTables"
    ]
    routes = {}
    for rt in rts:
        default = [r for r in rt["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        target = (default[0].get("GatewayId") or default[0].get("NatGatewayId")) if default else None
        assoc = sorted(a["SubnetId"] for a in rt["Associations"] if a.get("SubnetId"))
        routes[tags(rt)["Name"]] = (target, assoc)
    assert routes == {
        "neta-dev-public": (igw["InternetGatewayId"], sorted(by_cidr[f"10.70.{i}.0/24"] for i in range(3))),
        "neta-dev-app-us-east-1a": (nat_a, [by_cidr["10.70.10.0/24"]]),
        "neta-dev-app-us-east-1b": (nat_b, [by_cidr["10.70.11.0/24"]]),
        "neta-dev-app-us-east-1c": (nat_a, [by_cidr["10.70.12.0/24"]]),
        "neta-dev-data": (None, sorted(by_cidr[f"10.70.{20 + i}.0/24"] for i in range(3))),
    }

    (endpoint,) = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    assert endpoint["ServiceName"] == "com.amazonaws.us-east-1.s3"
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert sorted(endpoint["RouteTableIds"]) == sorted(rt["RouteTableId"] for rt in rts)

    nacls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}] + owned(OWNER_TAGS_A))[
        "NetworkAcls"
    ]
    nacl_subnets = {tags(n)["tier"]: sorted(a["SubnetId"] for a in n["Associations"]) for n in nacls}
    assert nacl_subnets == {
        tier: sorted(by_cidr[f"10.70.{base + i}.0/24"] for i in range(3))
        for tier, base in (("public", 0), ("private_app", 10), ("private_data", 20))
    }
    data_nacl = next(n for n in nacls if tags(n)["tier"] == "private_data")
    data_rules = {
        (e["Egress"], e["RuleNumber"], e["CidrBlock"]) for e in data_nacl["Entries"] if e["RuleNumber"] < 32767
    }
    assert data_rules == {(False, 100, "10.70.0.0/16"), (True, 100, "10.70.0.0/16")}

    (flow_log,) = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["LogGroupName"] == "/vpc/neta-dev/flow-logs"
    assert flow_log["DeliverLogsPermissionArn"].endswith(":role/neta-dev-vpc-flow-logs")
    logs = boto3_client("logs", env["endpoint"])
    (group,) = logs.describe_log_groups(logGroupNamePrefix="/vpc/neta-dev/flow-logs")["logGroups"]
    assert group["retentionInDays"] == 30
    iam = boto3_client("iam", env["endpoint"])
    trust = iam.get_role(RoleName="neta-dev-vpc-flow-logs")["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    policy = iam.get_role_policy(RoleName="neta-dev-vpc-flow-logs", PolicyName="write-flow-logs")["PolicyDocument"]
    assert all(r.startswith(group["arn"].removesuffix(":*")) for r in policy["Statement"][0]["Resource"])

    # --- stack B: adopted default VPC, two private tiers, no NAT, no VPC of its own
    assert stack_vpcs(ec2, OWNER_TAGS_B) == []
    b_subnets = ec2.describe_subnets(Filters=owned(OWNER_TAGS_B))["Subnets"]
    assert {s["VpcId"] for s in b_subnets} == {env["default_vpc"]["VpcId"]}
    assert sorted((tags(s)["tier"], s["CidrBlock"], s["MapPublicIpOnLaunch"]) for s in b_subnets) == [
        ("private_app", "172.31.160.0/20", False),
        ("private_app", "172.31.176.0/20", False),
        ("private_data", "172.31.192.0/20", False),
        ("private_data", "172.31.208.0/20", False),
    ]
    b_rts = ec2.describe_route_tables(Filters=owned(OWNER_TAGS_B))["RouteTables"]
    assert sorted(tags(rt)["Name"] for rt in b_rts) == ["netb-dev-app", "netb-dev-data"]
    for rt in b_rts:
        assert not [r for r in rt["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    # The default VPC's own internet gateway was found, not created nor re-tagged.
    assert ec2.describe_internet_gateways(Filters=owned(OWNER_TAGS_B))["InternetGateways"] == []
    default_igw = ec2.describe_internet_gateways(InternetGatewayIds=[env["default_igw"]["InternetGatewayId"]])
    assert tags(default_igw["InternetGateways"][0]) == tags(env["default_igw"])

    # --- outputs written for both stacks
    out_a = json.loads((env["outputs"] / f"{A}.json").read_text())
    assert out_a["network"]["vpc_id"] == vpc_id
    assert out_a["network"]["subnet_ids"]["private_app"] == [by_cidr[f"10.70.{10 + i}.0/24"] for i in range(3)]
    assert sorted(out_a["network"]["nat_gateway_ids"]) == sorted([nat_a, nat_b])
    out_b = json.loads((env["outputs"] / f"{B}.json").read_text())
    assert out_b["network"]["vpc_id"] == env["default_vpc"]["VpcId"]
    assert out_b["network"]["vpc_adopted"] is True


def test_second_run_changes_nothing_and_writes_nothing(env, emulator):
    mark = emulator.mark()
    run = site(env)
    assert run.rc == 0, run.failure_messages()
    assert run.changed() == 0, run.changed_tasks()
    assert emulator.writes(since=mark) == [], summarize(emulator.writes(since=mark))


def test_check_diff_on_the_converged_stacks_reports_nothing(env, emulator):
    mark = emulator.mark()
    run = site(env, check=True, diff=True)
    assert run.rc == 0, run.failure_messages()
    assert run.changed() == 0, run.changed_tasks()
    assert emulator.writes(since=mark) == [], summarize(emulator.writes(since=mark))


@pytest.mark.parametrize(
    "extra_vars, variable",
    [
        ({"network_vpc_cidr": "10.70.0.0/33"}, "network_vpc_cidr"),
        ({"network_az_count": 9}, "network_az_count"),
        ({"network_nat_gateways": 4}, "network_nat_gateways"),
        ({"network_tiers": [{"name": "public"}, {"name": "dmz"}]}, "network_tiers"),
    ],
    ids=["malformed-cidr", "too-many-azs", "nat-out-of-range", "unknown-tier"],
)
def test_bad_input_fails_before_any_write_naming_the_variable(env, emulator, extra_vars, variable):
    mark = emulator.mark()
    run = run_playbook(
        "site.yml",
        env["inventory"],
        env["endpoint"],
        limit=A,
        tags="network",
        extra_vars=extra_vars,
        outputs_dir=env["outputs"],
    )
    assert run.rc != 0
    assert variable in run.failure_messages(), run.failure_messages()
    assert emulator.writes(since=mark) == [], summarize(emulator.writes(since=mark))


def test_teardown_removes_what_the_stacks_own_and_nothing_else(env, emulator):
    run = run_playbook(
        "playbooks/teardown.yml", env["inventory"], env["endpoint"], tags="network", outputs_dir=env["outputs"]
    )
    assert run.rc == 0, run.failure_messages()
    ec2 = env["ec2"]
    for owner in (OWNER_TAGS_A, OWNER_TAGS_B):
        f = owned(owner)
        assert ec2.describe_vpcs(Filters=f)["Vpcs"] == []
        assert ec2.describe_subnets(Filters=f)["Subnets"] == []
        assert ec2.describe_route_tables(Filters=f)["RouteTables"] == []
        assert ec2.describe_internet_gateways(Filters=f)["InternetGateways"] == []
        assert ec2.describe_network_acls(Filters=f)["NetworkAcls"] == []
        # Deleted endpoints and NAT gateways stay listed for a while (state deleted), on AWS as here.
        endpoints = ec2.describe_vpc_endpoints(Filters=f)["VpcEndpoints"]
        assert [e["VpcEndpointId"] for e in endpoints if e["State"].lower() not in ("deleted", "deleting")] == []
        assert ec2.describe_addresses(Filters=f)["Addresses"] == []
        assert ec2.describe_flow_logs(Filters=f)["FlowLogs"] == []
        nats = ec2.describe_nat_gateways(Filter=f)["NatGateways"]
        assert [n for n in nats if n["State"] not in ("deleted", "deleting")] == []
    assert boto3_client("logs", env["endpoint"]).describe_log_groups(logGroupNamePrefix="/vpc/neta")["logGroups"] == []
    assert "neta-dev-vpc-flow-logs" not in [
        r["RoleName"] for r in boto3_client("iam", env["endpoint"]).list_roles()["Roles"]
    ]
    # Untouched: the foreign VPC and its subnet, the default VPC, its subnets and its gateway.
    (foreign,) = ec2.describe_vpcs(VpcIds=[env["foreign"]])["Vpcs"]
    assert tags(foreign) == {"Name": "foreign"}
    assert ec2.describe_subnets(SubnetIds=[env["foreign_subnet"]])["Subnets"][0]["VpcId"] == env["foreign"]
    default_vpc_id = env["default_vpc"]["VpcId"]
    assert ec2.describe_vpcs(VpcIds=[default_vpc_id])["Vpcs"][0]["IsDefault"] is True
    left = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc_id]}])["Subnets"]
    assert sorted(s["SubnetId"] for s in left) == env["default_subnets"]
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [default_vpc_id]}])
    assert [i["InternetGatewayId"] for i in igws["InternetGateways"]] == [env["default_igw"]["InternetGatewayId"]]


def test_teardown_again_changes_nothing(env, emulator):
    mark = emulator.mark()
    run = run_playbook(
        "playbooks/teardown.yml", env["inventory"], env["endpoint"], tags="network", outputs_dir=env["outputs"]
    )
    assert run.rc == 0, run.failure_messages()
    assert run.changed() == 0, run.changed_tasks()
    assert emulator.writes(since=mark) == [], summarize(emulator.writes(since=mark))
