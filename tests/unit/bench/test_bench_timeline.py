"""Task spans from the json callback and the breakdown of a run's wall time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.timeline import (
    TaskSpan,
    breakdown,
    create_calls,
    idle_gaps,
    parse_time,
    short_task_name,
    task_spans,
    union_length,
)

T0 = datetime(2026, 11, 25, 0, 0, 0, tzinfo=UTC).timestamp()


def iso(offset: float) -> str:
    return datetime.fromtimestamp(T0 + offset, UTC).replace(tzinfo=None).isoformat() + "Z"


def task(name, start, end, **hosts):
    return {"task": {"name": name, "duration": {"start": iso(start), "end": iso(end)}}, "hosts": hosts}


def test_parse_time_reads_the_callbacks_utc_timestamps():
    assert parse_time("2026-11-25T00:00:01.500000Z") == pytest.approx(T0 + 1.5)
    assert parse_time("2026-11-25T00:00:01.500000") == pytest.approx(T0 + 1.5)
    assert parse_time("2026-11-25T01:00:01.5+01:00") == pytest.approx(T0 + 1.5)


def test_task_spans_per_host_with_status_and_host_duration_first():
    plays = [
        {
            "tasks": [
                task("a", 1, 2, s1={"changed": True, "action": "x.y"}, s2={}),
                task("b", 2, 5, s1={"skipped": True}),
                task("c", 5, 9, s2={}),
                task("d", 9, 12, s1={"failed": True, "duration": {"start": iso(10), "end": iso(11)}}),
                task("e", 12, 13, s1={}),
            ]
        }
    ]
    spans = task_spans(plays, "s1")
    assert [(s.name, s.status) for s in spans] == [("a", "changed"), ("b", "skipped"), ("d", "failed"), ("e", "ok")]
    assert spans[0].action == "x.y"
    assert spans[2].start == pytest.approx(T0 + 10) and spans[2].duration == pytest.approx(1)


@pytest.mark.parametrize(
    ("intervals", "lo", "hi", "total"),
    [
        ([], None, None, 0),
        ([(0, 2), (1, 3), (5, 6)], None, None, 4),
        ([(0, 10), (2, 3)], None, None, 10),
        ([(0, 10)], 2, 4, 2),
        ([(5, 1)], None, None, 0),
    ],
)
def test_union_length(intervals, lo, hi, total):
    assert union_length(intervals, lo, hi) == pytest.approx(total)


def span(name, start, end, status="changed"):
    return TaskSpan(name, T0 + start, T0 + end, status)


def call(ts, action="DescribeVpcs", kind="read", status=200, service="ec2"):
    return {"ts": T0 + ts, "action": action, "kind": kind, "status": status, "service": service, "duration_ms": 10}


def test_breakdown_splits_the_wall_time():
    spans = [
        span("stacksmith.aws.network : Create the VPC", 1, 2),
        span("skipped one", 2.5, 2.7, "skipped"),
        span("stacksmith.aws.network : Converge the route tables", 3, 10),
        span("set a fact", 10, 10.5, "ok"),
    ]
    records = [call(1.5, "CreateVpc", "write"), call(3.5, "CreateRouteTable", "write"), call(4.0), call(9.9)]
    nat = {"kind": "nat_gateway", "id": "nat-1", "created": T0 + 1.5, "ready": T0 + 5.5}
    b = breakdown(T0, T0 + 11, spans, records, [nat], critical_path=4.0)
    assert b["wall"] == pytest.approx(11)
    assert b["startup"] == pytest.approx(1)
    assert b["tail"] == pytest.approx(0.5)
    assert b["between_tasks"] == pytest.approx(0.5 + 0.3)
    assert b["skipped_tasks"] == pytest.approx(0.2)
    assert b["executed_tasks"] == pytest.approx(1 + 7 + 0.5)
    assert b["aws_pending"] == pytest.approx(4)
    assert b["not_waiting_on_aws"] == pytest.approx(7)
    assert b["gap_to_critical_path"] == pytest.approx(7)
    # before the first call: 0.5 (VPC) + 0.5 (route tables) + 0.5 (fact); idle: 4.0 -> 9.9 in the route tables
    assert b["task_before_first_call"] == pytest.approx(1.5)
    assert b["task_idle_gaps"] == pytest.approx(5.9)
    assert b["task_calling_aws"] == pytest.approx(8.5 - 1.5 - 5.9)
    assert b["idle_gaps"][0]["task"] == "network: Converge the route tables"
    assert b["top_tasks"][0] == {
        "name": "network: Converge the route tables",
        "status": "changed",
        "start": 3.0,
        "duration": 7.0,
        "api_calls": 3,
        "writes": 1,
    }


def test_breakdown_without_timeline_or_critical_path_leaves_them_out():
    b = breakdown(T0, T0 + 3, [span("a", 1, 2)], [], None, None)
    assert "aws_pending" not in b and "gap_to_critical_path" not in b
    assert b["task_before_first_call"] == pytest.approx(1)


def test_a_resource_never_ready_is_pending_until_the_end():
    b = breakdown(T0, T0 + 10, [span("a", 0, 10)], [], [{"created": T0 + 4, "ready": None}], None)
    assert b["aws_pending"] == pytest.approx(6)


def test_idle_gaps_need_the_threshold():
    s = span("t", 0, 10)
    records = [call(0.5), call(1.0), call(4.0), call(9.0)]
    assert [(a - T0, b - T0) for a, b in idle_gaps(s, records)] == [(1.0, 4.0), (4.0, 9.0)]
    assert idle_gaps(s, records, threshold=3.5) == [(T0 + 4.0, T0 + 9.0)]
    assert idle_gaps(s, []) == []


def test_create_calls_are_successful_resource_creating_writes():
    records = [
        call(1, "CreateVpc", "write"),
        call(2, "AllocateAddress", "write"),
        call(3, "RunTask", "write", service="ecs"),
        call(4, "RequestCertificate", "write", service="acm"),
        call(5, "CreateSubnet", "write", status=400),
        call(6, "ModifyVpcAttribute", "write"),
        call(7, "DescribeVpcs"),
    ]
    assert [r["action"] for r in create_calls(records)] == [
        "CreateVpc",
        "AllocateAddress",
        "RunTask",
        "RequestCertificate",
    ]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("stacksmith.aws.network : Create the VPC", "network: Create the VPC"),
        ("network : Create the VPC", "network: Create the VPC"),
        ("Check the target", "Check the target"),
    ],
)
def test_short_task_name(name, short):
    assert short_task_name(name) == short


def test_resource_lags_say_how_long_after_ready_the_next_write_came():
    from bench.timeline import resource_lags

    resources = [
        {"kind": "nat_gateway", "id": "nat-2", "created": T0 + 3, "ready": None},
        {"kind": "nat_gateway", "id": "nat-1", "created": T0 + 1, "ready": T0 + 11, "phase": "create"},
    ]
    records = [
        call(1, "CreateNatGateway", "write"),
        call(12, "DescribeNatGateways"),
        call(20.5, "CreateRoute", "write"),
    ]
    assert resource_lags(resources, records, T0) == [
        {
            "kind": "nat_gateway",
            "id": "nat-1",
            "phase": "create",
            "created": 1.0,
            "ready": 11.0,
            "pending": 10.0,
            "next_write_after_ready": 9.5,
        },
        {
            "kind": "nat_gateway",
            "id": "nat-2",
            "phase": "create",
            "created": 3.0,
            "ready": None,
            "pending": None,
            "next_write_after_ready": None,
        },
    ]
