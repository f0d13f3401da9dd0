# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: resource_wait
version_added: 0.4.0
short_description: Wait for slow AWS resources (NAT gateways, load balancers, DB instances) in one call
description:
  - Waits until every NAT gateway, load balancer and database instance given is in the wanted state (or gone), in
    one task, polling each kind in its own thread from a short first delay with backoff.
  - Replaces C(until:) loops over M(amazon.aws.ec2_vpc_nat_gateway_info), M(amazon.aws.elb_application_lb_info)
    and M(amazon.aws.rds_instance_info). Each retry of such a loop is a new Python process (about 0.5 s) and waits a
    fixed C(delay:) (5 or 10 s), so a resource that became ready just after a poll is noticed one whole delay later;
    the stock modules' own C(wait) options use boto3 waiters with a fixed 15 s delay.
  - Polls again after O(first_delay) seconds, then after a delay growing by half each time up to O(max_delay). The
    first read happens at once, so a resource already in the wanted state costs one read and no sleep.
  - A resource in a state it cannot leave (a C(failed) NAT gateway or load balancer, a DB instance in
    C(incompatible-parameters), ...) ends the wait with an error naming it and AWS's reason, without waiting for the
    timeout.
  - In check mode the module reads once and does not wait; a resource a preview would create (not there yet) is
    not an error then.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  nat_gateway_ids:
    description: The NAT gateways to wait for.
    type: list
    elements: str
    default: []
  nat_gateway_state:
    description:
      - V(available), or V(deleted) (a gateway AWS no longer returns counts as deleted).
    type: str
    choices: ['available', 'deleted']
    default: available
  load_balancers:
    description: The Elastic Load Balancing v2 load balancers to wait for, by name or ARN.
    type: list
    elements: str
    default: []
  load_balancer_state:
    description: V(active), or V(deleted) (no longer returned).
    type: str
    choices: ['active', 'deleted']
    default: active
  include_listeners:
    description: Return the listeners of each load balancer (one C(DescribeListeners) call each, concurrent).
    type: bool
    default: false
  db_instances:
    description: The RDS DB instance identifiers to wait for.
    type: list
    elements: str
    default: []
  db_instance_state:
    description:
      - V(available) (C(storage-optimization) counts, as the instance serves connections then) or V(deleted) (no
        longer returned).
    type: str
    choices: ['available', 'deleted']
    default: available
  wait:
    description:
      - V(false) reads once and returns the resources as they are, without waiting (a failed or missing resource
        still fails, as in check mode it does not).
    type: bool
    default: true
  timeout:
    description: Seconds to wait for all of them before failing.
    type: int
    default: 600
  first_delay:
    description: Seconds between the first read and the second.
    type: float
    default: 1.0
  max_delay:
    description: The longest pause between two reads, in seconds.
    type: float
    default: 5.0
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
notes:
  - The module never writes; it always returns C(changed=false).
seealso:
  - module: amazon.aws.ec2_vpc_nat_gateway_info
  - module: amazon.aws.elb_application_lb_info
  - module: amazon.aws.rds_instance_info
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Wait for the NAT gateways started earlier, just before the private routes need them
  stacksmith.aws.resource_wait:
    nat_gateway_ids: "{{ nats.nat_gateways | map(attribute='nat_gateway_id') | list }}"
    timeout: 600

- name: Wait for the load balancer and the database at once, and read the listeners
  stacksmith.aws.resource_wait:
    load_balancers: [web-prod-alb]
    include_listeners: true
    db_instances: [web-prod-pg]
  register: ready

- name: Teardown, wait until the NAT gateways are gone before releasing their Elastic IPs
  stacksmith.aws.resource_wait:
    nat_gateway_ids: [nat-0123456789abcdef0]
    nat_gateway_state: deleted
"""

RETURN = r"""
nat_gateways:
  description: The NAT gateways as last read (C(DescribeNatGateways), snake_cased), in the order given; a deleted
    gateway AWS no longer returns is left out.
  returned: always
  type: list
  elements: dict
load_balancers:
  description: The load balancers as last read (C(DescribeLoadBalancers), snake_cased), in the order given, with
    their C(listeners) when O(include_listeners=true); one that does not exist is left out.
  returned: always
  type: list
  elements: dict
db_instances:
  description: The DB instances as last read (C(DescribeDBInstances), snake_cased), in the order given; one that
    does not exist is left out.
  returned: always
  type: list
  elements: dict
waited:
  description: Seconds slept between reads, per kind (0 when the first read found the wanted state).
  returned: always
  type: dict
  sample: {"nat_gateways": 12.4, "load_balancers": 0.0, "db_instances": 0.0}
"""

import time

try:
    import botocore  # noqa: F401  (HAS_BOTO3 is checked by AnsibleAWSModule)
except ImportError:
    pass

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import (
    is_boto3_error_code,
    paginated_query_with_retries,
)
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import run_concurrently
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

DB_AVAILABLE = ("available", "storage-optimization")
# Statuses an instance does not leave by itself: waiting longer would only reach the timeout.
DB_STUCK = (
    "failed",
    "incompatible-parameters",
    "incompatible-network",
    "incompatible-option-group",
    "incompatible-restore",
    "inaccessible-encryption-credentials",
    "storage-full",
)


class WaitFailed(Exception):
    pass


# -- reads -----------------------------------------------------------------------------------------------------------


def read_nat_gateways(client, ids):
    """{id: gateway} of the given ids; a gateway AWS no longer knows is left out."""
    try:
        gateways = paginated_query_with_retries(client, "describe_nat_gateways", NatGatewayIds=ids)["NatGateways"]
    except is_boto3_error_code("NatGatewayNotFound"):
        # One unknown id fails the whole call: read them one by one to keep the others.
        gateways = []
        for one in ids:
            try:
                gateways += client.describe_nat_gateways(aws_retry=True, NatGatewayIds=[one])["NatGateways"]
            except is_boto3_error_code("NatGatewayNotFound"):
                continue
    return {g["NatGatewayId"]: g for g in gateways}


def read_load_balancers(client, names):
    """{name or arn as given: load balancer}; one that does not exist is left out."""
    found = {}
    for name in names:
        key = "LoadBalancerArns" if name.startswith("arn:") else "Names"
        try:
            balancers = client.describe_load_balancers(aws_retry=True, **{key: [name]})["LoadBalancers"]
        except is_boto3_error_code("LoadBalancerNotFound"):
            continue
        if balancers:
            found[name] = balancers[0]
    return found


def read_db_instances(client, identifiers):
    found = {}
    for identifier in identifiers:
        try:
            instances = client.describe_db_instances(aws_retry=True, DBInstanceIdentifier=identifier)["DBInstances"]
        except is_boto3_error_code("DBInstanceNotFound"):
            continue
        if instances:
            found[identifier] = instances[0]
    return found


# -- what "done" means -----------------------------------------------------------------------------------------------


def nat_gateways_done(ids, wanted, check_mode):
    def done(found):
        for nat_id in ids:
            gateway = found.get(nat_id)
            state = gateway.get("State") if gateway else "deleted"
            if wanted == "deleted":
                if state != "deleted":
                    return False
                continue
            if gateway is None:
                if check_mode:
                    continue
                raise WaitFailed(f"NAT gateway {nat_id} does not exist")
            if state == "failed":
                raise WaitFailed(
                    f"NAT gateway {nat_id} failed: {gateway.get('FailureCode', 'no code')}: "
                    f"{gateway.get('FailureMessage', 'no message')}"
                )
            if state in ("deleting", "deleted"):
                raise WaitFailed(f"NAT gateway {nat_id} is {state} while waiting for it to be available")
            if state != "available":
                return False
        return True

    return done


def load_balancers_done(names, wanted, check_mode):
    def done(found):
        for name in names:
            balancer = found.get(name)
            if wanted == "deleted":
                if balancer is not None:
                    return False
                continue
            if balancer is None:
                if check_mode:
                    continue
                raise WaitFailed(f"load balancer {name} does not exist")
            state = balancer.get("State") or {}
            if state.get("Code") == "failed":
                raise WaitFailed(f"load balancer {name} failed: {state.get('Reason', 'no reason given')}")
            if state.get("Code") != "active":
                return False
        return True

    return done


def db_instances_done(identifiers, wanted, check_mode):
    def done(found):
        for identifier in identifiers:
            instance = found.get(identifier)
            if wanted == "deleted":
                if instance is not None:
                    return False
                continue
            if instance is None:
                if check_mode:
                    continue
                raise WaitFailed(f"DB instance {identifier} does not exist")
            status = instance.get("DBInstanceStatus")
            if status in DB_STUCK:
                raise WaitFailed(
                    f"DB instance {identifier} is {status}: it will not become available by itself "
                    "(see its events: aws rds describe-events --source-type db-instance)"
                )
            if status == "deleting":
                raise WaitFailed(f"DB instance {identifier} is deleting while waiting for it to be available")
            if status not in DB_AVAILABLE:
                return False
        return True

    return done


def describe_states(kind, found, keys):
    """'name (state)' for the message of a timeout."""
    parts = []
    for key in keys:
        resource = found.get(key) if found else None
        if resource is None:
            state = "not found"
        elif kind == "nat_gateways":
            state = resource.get("State")
        elif kind == "load_balancers":
            state = (resource.get("State") or {}).get("Code")
        else:
            state = resource.get("DBInstanceStatus")
        parts.append(f"{key} ({state})")
    return ", ".join(parts)


# -- the module ------------------------------------------------------------------------------------------------------


class Waiter:
    """One wait per kind; the kinds are waited for concurrently."""

    def __init__(self, module, clients, sleep=None, clock=None):
        self.module = module
        self.clients = clients
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.params = module.params

    def plans(self):
        p, check_mode = self.params, self.module.check_mode
        plans = []
        if p["nat_gateway_ids"]:
            ids = p["nat_gateway_ids"]
            plans.append(
                (
                    "nat_gateways",
                    ids,
                    lambda: read_nat_gateways(self.clients["ec2"], ids),
                    nat_gateways_done(ids, p["nat_gateway_state"], check_mode),
                    f"NAT gateways to be {p['nat_gateway_state']}",
                )
            )
        if p["load_balancers"]:
            names = p["load_balancers"]
            plans.append(
                (
                    "load_balancers",
                    names,
                    lambda: read_load_balancers(self.clients["elbv2"], names),
                    load_balancers_done(names, p["load_balancer_state"], check_mode),
                    f"load balancers to be {p['load_balancer_state']}",
                )
            )
        if p["db_instances"]:
            identifiers = p["db_instances"]
            plans.append(
                (
                    "db_instances",
                    identifiers,
                    lambda: read_db_instances(self.clients["rds"], identifiers),
                    db_instances_done(identifiers, p["db_instance_state"], check_mode),
                    f"DB instances to be {p['db_instance_state']}",
                )
            )
        return plans

    def wait_one(self, plan):
        kind, keys, read, done, what = plan
        slept = []

        def sleep(seconds):
            slept.append(seconds)
            self.sleep(seconds)

        if self.module.check_mode or not self.params["wait"]:
            found = read()
            done(found)  # raises on a failed (or, outside check mode, missing) resource; does not wait
            return kind, keys, found, 0.0
        last = {}

        def reading():
            last["found"] = read()
            return last["found"]

        try:
            found = poll(
                reading,
                done,
                timeout=self.params["timeout"],
                what=f"{what}: {', '.join(keys)}",
                first_delay=self.params["first_delay"],
                max_delay=self.params["max_delay"],
                sleep=sleep,
                clock=self.clock,
            )
        except WaitTimeout as e:
            raise WaitFailed(f"{e} (last seen: {describe_states(kind, e.value, keys)})") from None
        return kind, keys, found, round(sum(slept), 2)

    def listeners(self, balancers):
        client = self.clients["elbv2"]

        def read(balancer):
            arn = balancer["LoadBalancerArn"]
            return paginated_query_with_retries(client, "describe_listeners", LoadBalancerArn=arn)["Listeners"]

        for balancer, listeners in zip(balancers, run_concurrently(read, balancers), strict=True):
            balancer["Listeners"] = listeners

    def run(self):
        result = {"changed": False, "nat_gateways": [], "load_balancers": [], "db_instances": [], "waited": {}}
        for kind, keys, found, waited in run_concurrently(self.wait_one, self.plans()):
            resources = [found[key] for key in keys if key in found]
            if kind == "load_balancers" and self.params["include_listeners"]:
                self.listeners(resources)
            result[kind] = [camel_dict_to_snake_dict(r, ignore_list=["Tags"]) for r in resources]
            result["waited"][kind] = waited
        return result


def main():
    argument_spec = dict(
        nat_gateway_ids=dict(type="list", elements="str", default=[]),
        nat_gateway_state=dict(type="str", choices=["available", "deleted"], default="available"),
        load_balancers=dict(type="list", elements="str", default=[]),
        load_balancer_state=dict(type="str", choices=["active", "deleted"], default="active"),
        include_listeners=dict(type="bool", default=False),
        db_instances=dict(type="list", elements="str", default=[]),
        db_instance_state=dict(type="str", choices=["available", "deleted"], default="available"),
        wait=dict(type="bool", default=True),
        timeout=dict(type="int", default=600),
        first_delay=dict(type="float", default=1.0),
        max_delay=dict(type="float", default=5.0),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    if p["timeout"] < 0 or p["first_delay"] <= 0 or p["max_delay"] < p["first_delay"]:
        module.fail_json(
            msg=f"timeout ({p['timeout']}) must be >= 0, first_delay ({p['first_delay']}) > 0 and max_delay "
            f"({p['max_delay']}) >= first_delay"
        )
    # Clients are made here, in the main thread (making a boto3 client is not thread safe; using one is).
    needed = {"ec2": p["nat_gateway_ids"], "elbv2": p["load_balancers"], "rds": p["db_instances"]}
    clients = {
        service: module.client(service, retry_decorator=AWSRetry.jittered_backoff())
        for service, wanted in needed.items()
        if wanted
    }
    try:
        result = Waiter(module, clients).run()
    except WaitFailed as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="Failed to read the resources to wait for")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
