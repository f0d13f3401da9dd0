"""A deploy survives what AWS really does: throttling, 5xx answers, and creates that commit but fail.

One stack (architecture 5's network: public + private tiers over 2 AZs, 1 NAT, VPC flow logs through
our module) is converged with and without faults; the network is compared by its identity (names,
CIDRs, routes, tags), not by ids.
"""

from __future__ import annotations

import pytest
from harness import NETWORK_ONLY_SPOT_WAF, boto3_client, run_playbook, summarize, write_inventory

# The tests of this file share one converged stack (module-scoped fixtures): one xdist worker runs them all,
# in a row (`make integration` uses --dist loadgroup; the other files' tests are spread one by one).
pytestmark = pytest.mark.xdist_group("test_resilience")

STACK = "resil-dev"
OWNER = [{"Name": "tag:stack", "Values": [STACK]}, {"Name": "tag:managed-by", "Values": ["stacksmith"]}]


def tags(resource) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def snapshot(endpoint: str) -> dict:
    """The stack's network by identity: what a second deploy must reproduce exactly."""
    ec2 = boto3_client("ec2", endpoint)
    vpcs = ec2.describe_vpcs(Filters=OWNER)["Vpcs"]
    subnets = ec2.describe_subnets(Filters=OWNER)["Subnets"]
    by_id = {s["SubnetId"]: tags(s)["Name"] for s in subnets}
    nats = [n for n in ec2.describe_nat_gateways(Filter=OWNER)["NatGateways"] if n["State"] != "deleted"]
    nat_names = {n["NatGatewayId"]: tags(n)["Name"] for n in nats}
    gateways = ec2.describe_internet_gateways(Filters=OWNER)["InternetGateways"]
    igws = {i["InternetGatewayId"]: tags(i)["Name"] for i in gateways}
    rts = []  # a list, not a dict by name: a duplicate table must show
    for rt in ec2.describe_route_tables(Filters=OWNER)["RouteTables"]:
        routes = sorted(
            (r.get("DestinationCidrBlock"), nat_names.get(r.get("NatGatewayId")) or igws.get(r.get("GatewayId")))
            for r in rt["Routes"]
            if r.get("Origin") == "CreateRoute"
        )
        assoc = sorted(by_id[a["SubnetId"]] for a in rt["Associations"] if a.get("SubnetId"))
        rts.append((tags(rt)["Name"], routes, assoc))
    flow_logs = ec2.describe_flow_logs(Filters=OWNER)["FlowLogs"]
    return {
        "vpcs": sorted((v["CidrBlock"], tags(v)["Name"]) for v in vpcs),
        "subnets": sorted((tags(s)["Name"], s["CidrBlock"], s["AvailabilityZone"]) for s in subnets),
        "nats": sorted((nat_names[n["NatGatewayId"]], by_id[n["SubnetId"]]) for n in nats),
        "igws": sorted(igws.values()),
        "route_tables": sorted(rts),
        "flow_logs": sorted((f["TrafficType"], f["LogDestinationType"], f.get("LogGroupName")) for f in flow_logs),
        "log_groups": sorted(
            g["logGroupName"]
            for g in boto3_client("logs", endpoint).describe_log_groups(logGroupNamePrefix="/vpc/resil")["logGroups"]
        ),
    }


@pytest.fixture(scope="module")
def inventory(emulator, tmp_path_factory):
    root = tmp_path_factory.mktemp("resilience")
    return write_inventory(
        root / "inventory",
        emulator.endpoint,
        {"fargate_spot_waf": {STACK: {**NETWORK_ONLY_SPOT_WAF, "stack_project": "resil", "stack_env": "dev"}}},
    )


def converge(emulator, inventory, tmp_path, **kwargs):
    return run_playbook(
        "site.yml", inventory, emulator.endpoint, tags="network", outputs_dir=tmp_path / "outputs", **kwargs
    )


@pytest.fixture(scope="module")
def baseline(emulator, inventory, tmp_path_factory):
    """The network converged without any fault."""
    emulator.reset()
    run = converge(emulator, inventory, tmp_path_factory.mktemp("baseline"))
    assert run.rc == 0, run.failure_messages()
    snap = snapshot(emulator.endpoint)
    assert len(snap["subnets"]) == 4 and len(snap["nats"]) == 1 and len(snap["flow_logs"]) == 1
    return snap


def test_a_20_percent_throttle_rate_gives_the_same_network(emulator, inventory, baseline, tmp_path):
    emulator.reset()
    # EC2 carries the stock modules (VPC, subnets, NAT, routes) and ours (flow logs); logs and IAM too.
    emulator.set_faults(
        [
            {"service": "ec2", "action": "*", "rate": 0.2, "kind": "throttle"},
            {"service": "logs", "action": "*", "rate": 0.2, "kind": "throttle"},
            {"service": "iam", "action": "*", "rate": 0.2, "kind": "throttle"},
        ],
        seed=20,
    )
    run = converge(emulator, inventory, tmp_path)
    injected = [r for r in emulator.requests() if r.get("injected")]
    emulator.clear_faults()
    assert run.rc == 0, run.failure_messages()
    assert len(injected) >= 10, "the fault rules did not fire: the test proves nothing"
    assert {r["service"] for r in injected} >= {"ec2"}
    assert snapshot(emulator.endpoint) == baseline
    # ... and the converged stack is a fixed point.
    mark = emulator.mark()
    again = converge(emulator, inventory, tmp_path)
    assert again.rc == 0 and again.changed() == 0, again.changed_tasks()
    assert emulator.writes(since=mark) == [], summarize(emulator.writes(since=mark))


def test_faults_past_the_retry_budget_fail_clearly_and_a_rerun_converges(emulator, inventory, baseline, tmp_path):
    emulator.reset()
    # CloudWatch Logs throttles with the JSON protocol's ThrottlingException, which only botocore's standard
    # mode retries (cloudwatch_log_groups leaves it to botocore, docs/retries.md): its attempts (3 here) are
    # the whole budget between a throttled CreateLogGroup and a failed task.
    emulator.set_faults([{"service": "logs", "action": "CreateLogGroup", "kind": "throttle", "count": 3}], seed=1)
    run = converge(emulator, inventory, tmp_path, extra_vars={"stacksmith_aws_max_attempts": 3})
    emulator.clear_faults()
    assert run.rc != 0
    message = run.failure_messages()
    assert "ThrottlingException" in message or "Rate exceeded" in message, message
    rerun = converge(emulator, inventory, tmp_path)
    assert rerun.rc == 0, rerun.failure_messages()
    assert snapshot(emulator.endpoint) == baseline


@pytest.mark.parametrize(
    "action",
    [
        "CreateSubnet",  # no idempotency token: the retry conflicts, the re-run finds the subnet by CIDR
        "CreateRouteTable",  # token filled in by botocore: the retry returns the first route table
        "CreateFlowLogs",  # our module sends a ClientToken: same
    ],
)
def test_a_create_that_commits_then_fails_leaves_exactly_one_resource(emulator, inventory, baseline, tmp_path, action):
    emulator.reset()
    emulator.set_faults([{"service": "ec2", "action": action, "kind": "commit_then_fail", "count": 1}], seed=1)
    first = converge(emulator, inventory, tmp_path)
    fired = [r for r in emulator.requests() if r.get("injected") == "commit_then_fail"]
    emulator.clear_faults()
    assert [r["action"] for r in fired] == [action]
    rerun = converge(emulator, inventory, tmp_path)
    assert rerun.rc == 0, (first.failure_messages(), rerun.failure_messages())
    assert snapshot(emulator.endpoint) == baseline
