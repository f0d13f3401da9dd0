"""Critical path on small hand-made graphs whose answers are known."""

from __future__ import annotations

import pytest

from bench.critical_path import (
    CycleError,
    GraphError,
    UnknownDependencyError,
    UnknownProfileKeyError,
    critical_path,
    resolve_duration,
    topological_order,
)


def n(duration, *after, calls=1):
    return {"duration": duration, "after": list(after), "calls": calls}


def test_chain_adds_up_and_schedules_each_node_after_the_previous():
    cp = critical_path({"a": n(1), "b": n(2, "a"), "c": n(3, "b")})
    assert cp.total == 6
    assert cp.path == ["a", "b", "c"]
    assert cp.schedule == {"a": (0, 1), "b": (1, 3), "c": (3, 6)}


@pytest.mark.parametrize(
    ("left", "right", "total", "path"),
    [(5, 2, 7, ["top", "left", "bottom"]), (2, 5, 7, ["top", "right", "bottom"]), (3, 3, 5, ["top", "left", "bottom"])],
)
def test_diamond_goes_through_the_longer_side(left, right, total, path):
    nodes = {"top": n(1), "left": n(left, "top"), "right": n(right, "top"), "bottom": n(1, "left", "right")}
    cp = critical_path(nodes)
    assert cp.total == total
    assert cp.path == path
    assert cp.schedule["bottom"][0] == 1 + max(left, right)


def test_parallel_branches_cost_the_longest_branch_not_the_sum():
    nodes = {"a1": n(3), "a2": n(4, "a1"), "b1": n(1), "b2": n(10, "b1"), "c": n(2)}
    cp = critical_path(nodes)
    assert cp.total == 11
    assert cp.path == ["b1", "b2"]


def test_empty_graph():
    cp = critical_path({})
    assert cp.total == 0
    assert cp.path == []


def test_a_cycle_is_an_error_naming_the_cycle():
    nodes = {"d": n(1), "a": n(1, "c"), "b": n(1, "a"), "c": n(1, "b", "d"), "e": n(1, "c")}
    with pytest.raises(CycleError) as err:
        critical_path(nodes)
    cycle = err.value.cycle
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}
    assert "dependency cycle: " in str(err.value)
    assert " -> ".join(cycle) in str(err.value)


def test_a_node_after_itself_is_a_cycle():
    with pytest.raises(CycleError) as err:
        topological_order({"a": n(1, "a")})
    assert err.value.cycle == ["a", "a"]


def test_unknown_dependencies_are_all_named():
    nodes = {"a": n(1), "b": n(1, "a", "vpc"), "c": n(1, "subnet")}
    with pytest.raises(UnknownDependencyError) as err:
        critical_path(nodes)
    assert err.value.missing == [("b", "vpc"), ("c", "subnet")]
    assert "'b' is after unknown node 'vpc'" in str(err.value)


NETWORK = {
    "vpc": n(0),
    "subnet": n(0, "vpc"),
    "nat": n("nat_gateway", "subnet"),
    "rt_app": n(0, "nat"),
    "log_group": n(20),
}


@pytest.mark.parametrize(("scale", "total"), [(1.0, 100.0), (0.1, 10.0), (0.5, 50.0)])
def test_scale_applies_to_profile_durations(scale, total):
    cp = critical_path(NETWORK, {"nat_gateway": 100}, scale=scale)
    assert cp.total == pytest.approx(total)
    assert cp.path == ["vpc", "subnet", "nat", "rt_app"]


def test_scale_applies_to_numbers_too_so_the_winner_can_change():
    nodes = {**NETWORK, "nat": n("nat_gateway", "subnet"), "log_group": n(150)}
    assert critical_path(nodes, {"nat_gateway": 100}, scale=0.1).total == pytest.approx(15.0)
    assert critical_path(nodes, {"nat_gateway": 100}, scale=0.1).path == ["log_group"]


def test_scale_zero_keeps_the_longest_chain_of_zero_cost_steps():
    cp = critical_path(NETWORK, {"nat_gateway": 100}, scale=0)
    assert cp.total == 0
    assert cp.path == ["vpc", "subnet", "nat", "rt_app"]


def test_profile_keys_with_create_and_delete_values():
    profile = {"nat_gateway": {"create": 100, "delete": 60}}
    assert critical_path(NETWORK, profile, scale=0.1).total == pytest.approx(10.0)
    assert critical_path(NETWORK, profile, scale=0.1, phase="delete").total == pytest.approx(6.0)
    explicit = {**NETWORK, "nat": n("nat_gateway.delete", "subnet")}
    assert critical_path(explicit, profile, scale=1.0, phase="create").total == pytest.approx(60.0)


def test_a_phase_the_profile_key_does_not_have_is_an_error():
    with pytest.raises(UnknownProfileKeyError, match="'nat_gateway' has no 'delete' value"):
        critical_path(NETWORK, {"nat_gateway": {"create": 100}}, phase="delete")


def test_an_unknown_profile_key_is_an_error_naming_the_node():
    with pytest.raises(UnknownProfileKeyError, match=r"node 'nat'.*'nat_gateway' is not a key"):
        critical_path(NETWORK, {"alb": 180})


def test_api_floor_costs_each_call_and_can_change_the_winner():
    nodes = {"x": n(1, calls=1), "y": n(0, calls=4)}
    assert critical_path(nodes).path == ["x"]
    cp = critical_path(nodes, api_floor=0.5)
    assert cp.total == pytest.approx(2.0)
    assert cp.path == ["y"]
    chain = {"a": n(0, calls=2), "b": n(0, "a", calls=3)}
    assert critical_path(chain, api_floor=0.25).total == pytest.approx(1.25)


@pytest.mark.parametrize(
    ("duration", "profile", "phase", "seconds"),
    [
        (0, None, "create", 0.0),
        (12.5, None, "create", 12.5),
        ("alb", {"alb": 180}, "create", 180.0),
        ("alb", {"alb": 180}, "delete", 180.0),
        ("alb", {"alb": {"create": 180, "delete": 30}}, "delete", 30.0),
        ("alb.create", {"alb": {"create": 180, "delete": 30}}, "delete", 180.0),
    ],
)
def test_resolve_duration(duration, profile, phase, seconds):
    assert resolve_duration(duration, profile, phase) == seconds


@pytest.mark.parametrize("duration", [-1, True, None, [1], "alb.rebuild"])
def test_invalid_durations_are_refused(duration):
    with pytest.raises(GraphError):
        resolve_duration(duration, {"alb": {"create": 1, "update": 2}})


def test_negative_scale_or_floor_is_refused():
    with pytest.raises(GraphError):
        critical_path(NETWORK, {"nat_gateway": 1}, scale=-0.1)
    with pytest.raises(GraphError):
        critical_path(NETWORK, {"nat_gateway": 1}, api_floor=-1)


def test_after_must_be_a_list():
    with pytest.raises(GraphError, match="'after' must be a list"):
        critical_path({"a": n(1), "b": {"duration": 1, "after": "a"}})


def test_update_phase_of_a_profile_key():
    profile = {"cloudfront_distribution": {"create": 200, "update": 120}}
    nodes = {"dist": n("cloudfront_distribution"), "dist_update": n("cloudfront_distribution.update", "dist")}
    assert critical_path(nodes, profile, scale=0.1).total == pytest.approx(32.0)
