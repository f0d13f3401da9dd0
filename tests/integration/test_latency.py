"""Under the latency profile the role waits for what AWS makes it wait for, once, and routes only when ready.

Under a latency profile a NAT gateway stays `pending` for its profile time (100 s on AWS); the network role
creates it early, keeps working while it is pending, waits once, and only then routes the private
tiers through it. Teardown waits for `deleting` to end before releasing the Elastic IP.
"""

from __future__ import annotations

import pytest
from harness import NETWORK_ONLY_SPOT_WAF, boto3_client, run_playbook, write_inventory

STACK = "lat-dev"
# Longer than the work the role overlaps with it (route tables, flow logs: ~15 s here), so that the
# wait has something to wait for; AWS's median is 100 s.
NAT_CREATE, NAT_DELETE = 25, 8


@pytest.fixture
def slow_emulator(emulator):
    emulator.reset()
    emulator.set_latency(scale=1, profile={"nat_gateway": {"create": NAT_CREATE, "delete": NAT_DELETE}})
    try:
        yield emulator
    finally:
        emulator.reset_latency()


def task(run, host, name):
    return next(res for task_name, res in run.task_results(host) if task_name.endswith(name))


def test_the_nat_gateway_is_waited_for_once_and_routed_when_available(slow_emulator, tmp_path):
    emulator = slow_emulator
    inventory = write_inventory(
        tmp_path / "inventory",
        emulator.endpoint,
        {"fargate_spot_waf": {STACK: {**NETWORK_ONLY_SPOT_WAF, "stack_project": "lat", "stack_env": "dev"}}},
    )
    run = run_playbook("site.yml", inventory, emulator.endpoint, tags="network", outputs_dir=tmp_path / "out")
    assert run.rc == 0, run.failure_messages()

    (nat,) = [t for t in emulator.timeline() if t["kind"] == "nat_gateway"]
    assert nat["ready"] - nat["created"] == pytest.approx(NAT_CREATE, abs=0.5)
    # The wait saw it pending at least once (the profile works through a module) and slept, then available.
    wait = task(run, STACK, "Wait for the NAT gateways to be available")
    assert wait["waited"]["nat_gateways"] > 0, wait
    assert [n["state"] for n in wait["nat_gateways"]] == ["available"]
    polls = [r["ts"] for r in emulator.requests() if r["action"] == "DescribeNatGateways"]
    assert [ts for ts in polls if nat["created"] < ts < nat["ready"]], "the wait never saw it pending"
    assert [ts for ts in polls if ts >= nat["ready"]], "the wait stopped before the NAT gateway was available"

    # Work that does not need the NAT ran while it was pending: the flow log was created before it was ready.
    writes = emulator.writes()
    flow_log_create = next(r for r in writes if r["action"] == "CreateFlowLogs")
    assert flow_log_create["ts"] < nat["ready"]
    # The private route tables point at it, and were only given that route once it was available.
    ec2 = boto3_client("ec2", emulator.endpoint)
    nat_routes = [
        rt
        for rt in ec2.describe_route_tables(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["RouteTables"]
        if any(r.get("NatGatewayId") == nat["id"] for r in rt["Routes"])
    ]
    assert len(nat_routes) == 2
    route_writes = [r for r in writes if r["action"] == "CreateRoute"]
    assert len([r for r in route_writes if r["ts"] >= nat["ready"]]) == 2

    teardown = run_playbook(
        "playbooks/teardown.yml", inventory, emulator.endpoint, tags="network", outputs_dir=tmp_path / "out"
    )
    assert teardown.rc == 0, teardown.failure_messages()
    deleting = task(teardown, STACK, "Wait for the NAT gateways to be deleted")
    assert deleting["waited"]["nat_gateways"] > 0, deleting
    assert ec2.describe_addresses(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["Addresses"] == []


RDS_CREATE = 5  # seconds in `creating`; the stock module's waiter polls every 60 s


def test_an_rds_instance_is_creating_until_its_delay_and_the_module_waiter_sees_it(emulator):
    emulator.reset()
    emulator.set_latency(scale=1, profile={"rds_instance": {"create": RDS_CREATE, "delete": 1}})
    try:
        run = run_playbook("tests/integration/latency/rds_wait.yml", "localhost,", emulator.endpoint, timeout=300)
    finally:
        emulator.reset_latency()
    assert run.rc == 0, run.failure_messages()
    (db,) = [t for t in emulator.timeline() if t["profile_key"] == "rds_instance"]
    assert db["ready"] - db["created"] == pytest.approx(RDS_CREATE, abs=0.5)
    polls = [r for r in emulator.requests() if r["action"] == "DescribeDBInstances"]
    # The waiter looked while the instance was still creating, kept waiting, and returned after it was ready.
    assert [p for p in polls if db["created"] <= p["ts"] < db["ready"]], "the waiter never saw it creating"
    assert [p for p in polls if p["ts"] >= db["ready"]], "the module stopped waiting before the instance was ready"
    status = next(res for name, res in run.task_results("localhost") if name.startswith("Report"))["msg"]
    assert status == "available"
