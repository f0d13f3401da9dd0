# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.resource_wait.

Every AWS call goes through botocore's Stubber on real clients (request shapes validated against the API models),
wrapped as AnsibleAWSModule wraps them; time is a fake clock that moves only when slept on. A call the test did not
stub fails the test, and the module can make no write call: it is given none.
"""

import json
import time

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import resource_wait as module_under_test
from botocore.stub import Stubber

NAT = "nat-0000000000000000a"
NAT_B = "nat-0000000000000000b"
ALB = "shop-prod-alb"
ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-prod-alb/0123456789abcdef"
DB = "shop-prod-pg"


class FakeTime:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    t = FakeTime()
    monkeypatch.setattr(time, "sleep", t.sleep)
    monkeypatch.setattr(time, "monotonic", t.clock)
    return t


@pytest.fixture
def sequential(monkeypatch):
    """The kinds one after the other (the fake clock is not thread safe); the order is the order of the plans."""

    def one_after_the_other(function, items):
        return [function(item) for item in items]

    monkeypatch.setattr(module_under_test, "run_concurrently", one_after_the_other)


@pytest.fixture
def clients():
    made = {}
    stubbers = {}
    for service in ("ec2", "elbv2", "rds"):
        client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        stubbers[service] = Stubber(client)
        stubbers[service].activate()
        made[service] = RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff())
    yield made, stubbers
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()


def run(monkeypatch, capsys, made, check_mode=False, **args):
    asked = []

    def client(self, service, retry_decorator=None, **kw):
        asked.append(service)
        return made[service]

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args), pytest.raises(SystemExit):
        module_under_test.main()
    result = json.loads(capsys.readouterr().out)
    result["_clients"] = asked
    return result


def nat(state, nat_id=NAT, **extra):
    return {"NatGatewayId": nat_id, "State": state, "VpcId": "vpc-1", "SubnetId": "subnet-a", **extra}


def expect_nats(stubber, ids, *gateways):
    stubber.add_response("describe_nat_gateways", {"NatGateways": list(gateways)}, {"NatGatewayIds": ids})


def alb(state, reason=None):
    code = {"Code": state}
    if reason:
        code["Reason"] = reason
    return {
        "LoadBalancerArn": ALB_ARN,
        "LoadBalancerName": ALB,
        "DNSName": "shop-prod-alb-1.us-east-1.elb.amazonaws.com",
        "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
        "State": code,
    }


def expect_alb(stubber, *balancers, name=ALB):
    stubber.add_response("describe_load_balancers", {"LoadBalancers": list(balancers)}, {"Names": [name]})


def expect_db(stubber, status):
    stubber.add_response(
        "describe_db_instances",
        {"DBInstances": [{"DBInstanceIdentifier": DB, "DBInstanceStatus": status}]},
        {"DBInstanceIdentifier": DB},
    )


# -- NAT gateways ----------------------------------------------------------------------------------------------------


def test_nat_gateways_ready_cost_one_read_no_sleep_and_no_other_client(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    expect_nats(stubbers["ec2"], [NAT, NAT_B], nat("available"), nat("available", NAT_B))

    result = run(monkeypatch, capsys, made, nat_gateway_ids=[NAT, NAT_B])

    assert result["changed"] is False
    assert [g["nat_gateway_id"] for g in result["nat_gateways"]] == [NAT, NAT_B]
    assert fake_time.sleeps == []
    assert result["_clients"] == ["ec2"]
    assert result["waited"] == {"nat_gateways": 0.0}


def test_pending_nat_gateways_are_polled_with_backoff_until_all_are_available(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    expect_nats(stubbers["ec2"], [NAT, NAT_B], nat("pending"), nat("pending", NAT_B))
    expect_nats(stubbers["ec2"], [NAT, NAT_B], nat("available"), nat("pending", NAT_B))
    expect_nats(stubbers["ec2"], [NAT, NAT_B], nat("available"), nat("pending", NAT_B))
    expect_nats(stubbers["ec2"], [NAT, NAT_B], nat("available"), nat("available", NAT_B))

    result = run(monkeypatch, capsys, made, nat_gateway_ids=[NAT, NAT_B], max_delay=2)

    assert [g["state"] for g in result["nat_gateways"]] == ["available", "available"]
    assert fake_time.sleeps == [1.0, 1.5, 2.0]
    assert result["waited"] == {"nat_gateways": 4.5}


def test_a_failed_nat_gateway_ends_the_wait_at_once_with_aws_reason(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    failed = nat("failed", FailureCode="InsufficientFreeAddressesInSubnet", FailureMessage="no free address")
    expect_nats(stubbers["ec2"], [NAT], failed)

    result = run(monkeypatch, capsys, made, nat_gateway_ids=[NAT])

    assert result["failed"] is True
    assert result["msg"] == f"NAT gateway {NAT} failed: InsufficientFreeAddressesInSubnet: no free address"
    assert fake_time.sleeps == []


def test_waiting_for_deleted_counts_a_gateway_aws_no_longer_knows(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    expect_nats(stubbers["ec2"], [NAT, NAT_B], nat("deleting"), nat("deleted", NAT_B))
    stubbers["ec2"].add_client_error("describe_nat_gateways", "NatGatewayNotFound", "gone", 400)
    stubbers["ec2"].add_client_error(
        "describe_nat_gateways", "NatGatewayNotFound", "gone", 400, expected_params={"NatGatewayIds": [NAT]}
    )
    stubbers["ec2"].add_response(
        "describe_nat_gateways", {"NatGateways": [nat("deleted", NAT_B)]}, {"NatGatewayIds": [NAT_B]}
    )

    result = run(monkeypatch, capsys, made, nat_gateway_ids=[NAT, NAT_B], nat_gateway_state="deleted")

    assert result["changed"] is False
    assert [g["nat_gateway_id"] for g in result["nat_gateways"]] == [NAT_B]
    assert fake_time.sleeps == [1.0]


def test_the_timeout_names_each_resource_and_its_last_state(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    for _attempt in range(4):
        expect_nats(stubbers["ec2"], [NAT], nat("pending"))

    result = run(monkeypatch, capsys, made, nat_gateway_ids=[NAT], timeout=4)

    assert result["failed"] is True
    assert result["msg"] == (
        f"Timed out after 4 seconds waiting for NAT gateways to be available: {NAT} (last seen: {NAT} (pending))"
    )
    assert sum(fake_time.sleeps) == pytest.approx(4.0)


# -- load balancers --------------------------------------------------------------------------------------------------


def test_a_provisioning_load_balancer_is_waited_for_and_returned_with_its_listeners(
    monkeypatch, capsys, clients, fake_time
):
    made, stubbers = clients
    expect_alb(stubbers["elbv2"], alb("provisioning"))
    expect_alb(stubbers["elbv2"], alb("active"))
    listener = {"ListenerArn": "arn:listener/1", "Port": 80, "Protocol": "HTTP", "LoadBalancerArn": ALB_ARN}
    stubbers["elbv2"].add_response("describe_listeners", {"Listeners": [listener]}, {"LoadBalancerArn": ALB_ARN})

    result = run(monkeypatch, capsys, made, load_balancers=[ALB], include_listeners=True)

    [balancer] = result["load_balancers"]
    assert balancer["state"] == {"code": "active"}
    assert balancer["dns_name"] == "shop-prod-alb-1.us-east-1.elb.amazonaws.com"
    assert balancer["canonical_hosted_zone_id"] == "Z35SXDOTRQ7X7K"
    assert [(x["port"], x["listener_arn"]) for x in balancer["listeners"]] == [(80, "arn:listener/1")]
    assert fake_time.sleeps == [1.0]
    assert result["_clients"] == ["elbv2"]


def test_a_failed_load_balancer_ends_the_wait(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    expect_alb(stubbers["elbv2"], alb("failed", reason="subnet has no free address"))

    result = run(monkeypatch, capsys, made, load_balancers=[ALB])

    assert result["msg"] == f"load balancer {ALB} failed: subnet has no free address"


def test_a_missing_load_balancer_fails_but_not_in_check_mode_where_a_preview_would_create_it(
    monkeypatch, capsys, clients, fake_time
):
    made, stubbers = clients
    stubbers["elbv2"].add_client_error("describe_load_balancers", "LoadBalancerNotFound", "not found", 400)
    stubbers["elbv2"].add_client_error("describe_load_balancers", "LoadBalancerNotFound", "not found", 400)

    failed = run(monkeypatch, capsys, made, load_balancers=[ALB])
    previewed = run(monkeypatch, capsys, made, check_mode=True, load_balancers=[ALB])

    assert failed["msg"] == f"load balancer {ALB} does not exist"
    assert not previewed.get("failed"), previewed
    assert previewed["load_balancers"] == []
    assert fake_time.sleeps == []


def test_check_mode_reads_once_and_does_not_wait(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    expect_alb(stubbers["elbv2"], alb("provisioning"))

    result = run(monkeypatch, capsys, made, check_mode=True, load_balancers=[ALB])

    assert result["load_balancers"][0]["state"] == {"code": "provisioning"}
    assert fake_time.sleeps == []


def test_wait_false_reads_once_and_returns_what_it_found(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    expect_alb(stubbers["elbv2"], alb("provisioning"))

    result = run(monkeypatch, capsys, made, wait=False, load_balancers=[ALB])

    assert not result.get("failed"), result
    assert result["load_balancers"][0]["state"] == {"code": "provisioning"}
    assert fake_time.sleeps == []


def test_a_load_balancer_given_by_arn_is_read_by_arn(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    stubbers["elbv2"].add_response(
        "describe_load_balancers", {"LoadBalancers": [alb("active")]}, {"LoadBalancerArns": [ALB_ARN]}
    )

    result = run(monkeypatch, capsys, made, load_balancers=[ALB_ARN])

    assert result["load_balancers"][0]["load_balancer_arn"] == ALB_ARN


# -- DB instances ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["incompatible-parameters", "storage-full", "failed"])
def test_a_db_instance_stuck_in_a_terminal_status_fails_at_once(monkeypatch, capsys, clients, fake_time, status):
    made, stubbers = clients
    expect_db(stubbers["rds"], status)

    result = run(monkeypatch, capsys, made, db_instances=[DB])

    assert result["msg"].startswith(f"DB instance {DB} is {status}: it will not become available by itself")
    assert fake_time.sleeps == []


def test_storage_optimization_counts_as_available(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    expect_db(stubbers["rds"], "creating")
    expect_db(stubbers["rds"], "backing-up")
    expect_db(stubbers["rds"], "storage-optimization")

    result = run(monkeypatch, capsys, made, db_instances=[DB])

    assert result["db_instances"][0]["db_instance_status"] == "storage-optimization"
    assert fake_time.sleeps == [1.0, 1.5]


# -- several kinds ---------------------------------------------------------------------------------------------------


def test_every_kind_is_waited_for_in_one_call_each_with_its_own_client(
    monkeypatch, capsys, clients, fake_time, sequential
):
    made, stubbers = clients
    expect_nats(stubbers["ec2"], [NAT], nat("available"))
    expect_alb(stubbers["elbv2"], alb("active"))
    expect_db(stubbers["rds"], "available")

    result = run(monkeypatch, capsys, made, nat_gateway_ids=[NAT], load_balancers=[ALB], db_instances=[DB])

    assert result["_clients"] == ["ec2", "elbv2", "rds"]
    assert set(result["waited"]) == {"nat_gateways", "load_balancers", "db_instances"}
    assert fake_time.sleeps == []


def test_the_kinds_run_through_run_concurrently(monkeypatch, capsys, clients, fake_time):
    made, stubbers = clients
    batches = []

    def recording(function, items):
        items = list(items)
        batches.append([item[0] for item in items])
        return [function(item) for item in items]

    monkeypatch.setattr(module_under_test, "run_concurrently", recording)
    expect_nats(stubbers["ec2"], [NAT], nat("available"))
    expect_db(stubbers["rds"], "available")

    run(monkeypatch, capsys, made, nat_gateway_ids=[NAT], db_instances=[DB])

    assert batches == [["nat_gateways", "db_instances"]]


def test_nothing_to_wait_for_makes_no_client_and_no_call(monkeypatch, capsys, clients, fake_time):
    made, _stubbers = clients

    result = run(monkeypatch, capsys, made)

    assert result["_clients"] == []
    assert result["waited"] == {}


def test_bad_delays_are_refused_before_any_call(monkeypatch, capsys, clients, fake_time):
    made, _stubbers = clients

    result = run(monkeypatch, capsys, made, nat_gateway_ids=[NAT], first_delay=5, max_delay=1)

    assert "max_delay (1.0) >= first_delay" in result["msg"]
    assert result["_clients"] == []
