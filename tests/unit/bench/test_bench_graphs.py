"""The graph files: their format, and that their network nodes are what the network role creates today."""

from __future__ import annotations

import pytest

from bench.critical_path import GraphError, critical_path
from bench.derive import dump_nodes, local_stacks, network_nodes, stack_vars
from bench.emulator_api import REFERENCE_PROFILE
from bench.graph import GRAPHS_DIR, available_graphs, graph_path, load_graph, parse_graph

ARCHITECTURES = ["fargate_alb_efs", "apprunner_cloudfront", "ha_multi_az", "fargate_apigateway", "fargate_spot_waf"]


def test_every_local_architecture_has_a_graph_and_every_graph_a_local_stack():
    assert set(local_stacks()) == set(ARCHITECTURES)
    assert set(available_graphs()) == set(ARCHITECTURES)


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_graph_loads_names_its_local_stack_and_has_a_critical_path(architecture):
    graph = load_graph(graph_path(architecture))
    assert graph.stack in local_stacks()[architecture]
    assert graph.profile_keys() <= set(REFERENCE_PROFILE)
    assert critical_path(graph.nodes, REFERENCE_PROFILE, scale=0.1).total >= 0


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_network_nodes_are_what_the_network_role_creates_for_the_local_stack(architecture):
    graph = load_graph(graph_path(architecture))
    in_file = {name: node for name, node in graph.nodes.items() if node.get("role") == "network"}
    derived = network_nodes(stack_vars(architecture, graph.stack))
    assert list(in_file) == list(derived), f"regenerate with: python -m bench.derive {architecture}"
    for name, node in derived.items():
        assert in_file[name] == node, f"{name}: regenerate with: python -m bench.derive {architecture}"


def test_ha_multi_az_has_one_nat_per_az_and_each_app_route_table_waits_for_its_own():
    nodes = load_graph(graph_path("ha_multi_az")).nodes
    nats = [n for n, node in nodes.items() if node.get("api") == "ec2:CreateNatGateway"]
    assert nats == ["nat-us-east-1a", "nat-us-east-1b", "nat-us-east-1c"]
    for az in ("a", "b", "c"):
        assert f"nat-us-east-1{az}" in nodes[f"rt-app-us-east-1{az}"]["after"]
        assert nodes[f"nat-us-east-1{az}"]["duration"] == "nat_gateway"
        assert f"subnet-public-us-east-1{az}" in nodes[f"nat-us-east-1{az}"]["after"]
    assert {"nacl-public", "nacl-app", "nacl-data", "s3-endpoint", "flow-log"} <= set(nodes)
    assert set(nodes["s3-endpoint"]["after"]) >= {n for n in nodes if n.startswith("rt-")}


def test_fargate_spot_waf_shares_one_nat_between_its_app_route_tables():
    nodes = load_graph(graph_path("fargate_spot_waf")).nodes
    assert [n for n in nodes if n.startswith("nat-")] == ["nat-us-east-1a"]
    assert "nat-us-east-1a" in nodes["rt-app-us-east-1b"]["after"]
    assert not any(n.startswith(("subnet-data", "nacl-", "s3-")) for n in nodes)


def test_apprunner_cloudfront_adopts_the_default_vpc_and_creates_no_gateway():
    nodes = load_graph(graph_path("apprunner_cloudfront")).nodes
    assert not any(n in nodes for n in ("vpc", "igw")) and not any(n.startswith("nat-") for n in nodes)
    assert sorted(nodes) == sorted(
        ["subnet-app-us-east-1a", "subnet-app-us-east-1b", "subnet-data-us-east-1a", "subnet-data-us-east-1b"]
        + ["rt-app", "rt-data"]
    )


def base_vars(**over):
    v = {
        "stack_components": ["network"],
        "network_name": "x-dev",
        "network_vpc_mode": "create",
        "network_vpc_cidr": "10.9.0.0/16",
        "network_az_count": 2,
        "network_azs": [],
        "network_tiers": [
            {"name": "public", "netnum_offset": 0},
            {"name": "private_app", "netnum_offset": 10},
            {"name": "private_data", "netnum_offset": 20},
        ],
        "network_subnet_newbits": 8,
        "network_public_map_public_ip": True,
        "network_nat_gateways": 1,
        "network_flow_logs_enabled": False,
        "network_s3_endpoint": False,
        "network_nacls_enabled": False,
    }
    v.update(over)
    return v


def test_derive_without_nat_routes_the_app_tier_nowhere_and_waits_for_nothing():
    nodes = network_nodes(base_vars(network_nat_gateways=0))
    assert not any(n.startswith(("nat-", "eip-")) for n in nodes)
    assert nodes["rt-app"]["after"] == ["vpc", "subnet-app-us-east-1a", "subnet-app-us-east-1b"]
    assert nodes["rt-app"]["calls"] == 3  # create + two associations, no route


def test_derive_counts_nacl_calls_from_the_role_rules():
    nodes = network_nodes(base_vars(network_nacls_enabled=True))
    # public: 4 ingress + 1 egress rules, 2 subnets; data: 1 + 1 rules, 2 subnets
    assert nodes["nacl-public"]["calls"] == 1 + 5 + 2
    assert nodes["nacl-data"]["calls"] == 1 + 2 + 2


def test_derive_is_empty_when_the_stack_has_no_network():
    assert network_nodes(base_vars(stack_components=["database"])) == {}


def test_stack_vars_template_the_architecture_defaults():
    v = stack_vars("ha_multi_az")
    assert v["network_nat_gateways"] == 3  # "{{ 3 if stack_env == 'prod' else 1 }}" for platamx-prod
    assert v["network_name"] == "platamx-prod"
    assert stack_vars("fargate_spot_waf")["network_nat_gateways"] == 1  # "{{ nat_gateways }}"


def test_dump_nodes_round_trips_through_the_loader():
    nodes = network_nodes(base_vars(network_flow_logs_enabled=True))
    text = "architecture: x\nnodes:\n" + dump_nodes(nodes)
    import yaml

    assert parse_graph(yaml.safe_load(text)).nodes == nodes


def write(tmp_path, name, text):
    path = tmp_path / f"{name}.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("architecture: g\nnodes:\n  a: {duration: 0}\n  a: {duration: 1}\n", "defined twice"),
        ("architecture: g\nnodes:\n  a: {duration: 0, afer: [b]}\n", "unknown keys"),
        ("architecture: g\nnodes:\n  a: {after: []}\n", "'duration' is required"),
        ("architecture: g\nnodes:\n  a: {duration: 0, after: [b]}\n  b: {duration: 0, after: [a]}\n", "cycle"),
        ("architecture: g\nnodes:\n  a: {duration: 0, after: [vpc]}\n", "unknown node 'vpc'"),
        ("architecture: other\nnodes: {}\n", "file is named 'g'"),
        ("architecture: g\nnodes:\n  a: {duration: 0, api: CreateVpc}\n", "'<service>:<Action>'"),
        ("architecture: g\nnodes:\n  a: {duration: -5}\n", "negative"),
        ("architecture: g\nnodes: [a]\n", "mapping of node name"),
        ("architecture: g\nextra: 1\nnodes: {}\n", "unknown top-level keys"),
    ],
)
def test_bad_graph_files_fail_clearly(tmp_path, text, message):
    with pytest.raises(GraphError, match=message):
        load_graph(write(tmp_path, "g", text))


def test_graph_defaults(tmp_path):
    graph = load_graph(write(tmp_path, "g", "architecture: g\nnodes:\n  a: {duration: alb}\n  b: {duration: 0}\n"))
    assert graph.nodes["a"] == {"duration": "alb", "after": [], "calls": 1}
    assert graph.expected_writes() == 2
    assert graph.profile_keys() == {"alb"}


def test_graphs_dir_is_inside_the_package():
    assert GRAPHS_DIR.name == "graphs" and GRAPHS_DIR.parent.name == "bench"


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_every_node_api_is_an_operation_under_the_name_the_request_log_uses(architecture):
    """The graph check counts the converge's calls by `<botocore service>:<operation>` (the request log's names): a
    node named after the IAM prefix (`elasticloadbalancing:`, `elasticfilesystem:`) never matches a call."""
    import botocore.session

    session = botocore.session.get_session()
    services = set(session.get_available_services())
    for name, node in load_graph(graph_path(architecture)).nodes.items():
        if not node.get("api"):
            continue
        service, action = node["api"].split(":", 1)
        assert service in services, f"{architecture}: {name}: {service!r} is not a botocore service name"
        operations = session.get_service_model(service).operation_names
        assert action in operations, f"{architecture}: {name}: {service} has no operation {action!r}"
