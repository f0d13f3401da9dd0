"""results.md, the goals, the runner's argument handling and graph check, and the Gantt chart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench import run
from bench.graph import parse_graph
from bench.report import COLUMNS, goals, markdown, row, table
from bench.timeline import TaskSpan


def arch_result(name="fargate_spot_waf", converge=34.2, cp=10.0, noop=(16.9, 0, 0, 75), check=(17.6, 0), rc=0):
    return {
        "architecture": name,
        "stack": "ia-comafi-dev",
        "critical_path": {"total": cp, "path": ["vpc", "nat"]},
        "ratio": round(converge / cp, 3) if cp else None,
        "converge": {"rc": rc, "wall": converge, "api": {"total": 115, "writes": 28}, "breakdown": {"wall": converge}},
        "noop": {"rc": 0, "wall": noop[0], "changed": noop[1], "api": {"writes": noop[2], "total": noop[3]}},
        "check": {"rc": 0, "wall": check[0], "api": {"writes": check[1]}},
        "teardown": {"rc": 0, "wall": 23.4},
    }


def test_table_has_the_columns_asked_for_and_one_row_per_architecture():
    text = table({"architectures": [arch_result(), arch_result("ha_multi_az", cp=None)]})
    header, rule, first, second = text.splitlines()
    assert header == (
        "| architecture | cold converge s | critical path s | ratio | no-op s | no-op changed | no-op writes "
        "| no-op API calls | check s | check writes | teardown s |"
    )
    assert rule.count("|") == len(COLUMNS) + 1
    assert first == "| fargate_spot_waf | 34.20 | 10.00 | 3.42 | 16.90 | 0 | 0 | 75 | 17.60 | 0 | 23.40 |"
    assert "| ha_multi_az | 34.20 | n/a | n/a |" in second


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # spot_waf: ratio 1.5, no-op and check 10 s, 186 no-op calls at most
        ({"converge": 15.0, "cp": 10.0, "noop": (10.0, 0, 0, 186), "check": (9.0, 0)}, (True, True, True, True)),
        ({"converge": 15.1, "cp": 10.0, "noop": (10.1, 0, 0, 187), "check": (5.0, 2)}, (False, False, False, False)),
        ({"converge": 12.0, "cp": None, "noop": (5.0, 0, 1, 40), "check": (10.5, 0)}, (None, False, False, True)),
        # alb_efs: 15 s, 300 calls
        ({"name": "fargate_alb_efs", "noop": (14.9, 0, 0, 300), "check": (15.0, 0)}, (False, True, True, True)),
        # an architecture without a baseline: 10 s, API calls not measurable
        ({"name": "ha_multi_az", "noop": (10.5, 0, 0, 9), "check": (1.0, 0)}, (False, False, True, None)),
    ],
)
def test_goals(kwargs, expected):
    g = goals(arch_result(**kwargs))
    assert (
        g["converge_within_ratio"],
        g["noop_within_bound_zero_writes"],
        g["check_within_bound_zero_writes"],
        g["noop_api_calls_not_more"],
    ) == expected


def test_markdown_reports_missing_latency_and_failed_playbooks():
    results = {
        "generated": "now",
        "api_floor": 0.0,
        "host": {"cpus": 2},
        "latency": {"available": False, "scale": 0.0, "requested_scale": 0.1, "note": "no latency profile"},
        "architectures": [arch_result(rc=2)],
    }
    text = markdown(results)
    assert "> Latency: no latency profile" in text
    assert "failed: converge" in text
    assert "`vpc` -> `nat`" in text
    assert row(results["architectures"][0])["noop_api_calls"] == 75


def test_select_takes_the_first_stack_of_each_architecture(tmp_path):
    (tmp_path / "hosts.yml").write_text(
        "all:\n  children:\n    a1:\n      hosts:\n        s1: {}\n        s2: {}\n    a2:\n      hosts:\n        s3:\n"
    )
    chosen, notes = run.select(tmp_path, None)
    assert chosen == [("a1", "s1"), ("a2", "s3")]
    assert notes == ["a1: benchmarking s1; other stacks ignored: s2"]
    assert run.select(tmp_path, ["a2"])[0] == [("a2", "s3")]
    with pytest.raises(KeyError, match="'a3' has no stack"):
        run.select(tmp_path, ["a3"])


def test_defaults():
    args = run.parse_args([])
    assert args.scale == 0.1 and args.api_floor == 0.0 and args.architecture is None
    assert args.out == run.REPO / "bench" / "out" and args.host == "127.0.0.1"


@pytest.mark.parametrize(
    "argv", [["--host", "10.0.0.5"], ["--host", "0.0.0.0"], ["--scale", "-1"], ["--architecture", "nope"]]
)
def test_refused_arguments_exit_2_before_starting_anything(argv, monkeypatch, capsys):
    monkeypatch.setattr(run, "bench_architecture", lambda *a, **k: pytest.fail("must not run"))
    assert run.main(argv) == 2
    assert "python -m bench" in capsys.readouterr().err


def test_a_non_loopback_endpoint_in_the_environment_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://ec2.us-east-1.amazonaws.com")
    monkeypatch.setattr(run, "bench_architecture", lambda *a, **k: pytest.fail("must not run"))
    assert run.main([]) == 2
    assert "AWS_ENDPOINT_URL" in capsys.readouterr().err


def test_graph_check_compares_calls_with_nodes():
    graph = parse_graph(
        {
            "architecture": "g",
            "nodes": {
                "vpc": {"duration": 0, "api": "ec2:CreateVpc", "calls": 2},
                "policy": {"duration": 0, "api": "iam:PutRolePolicy", "after": ["vpc"]},
                "s1": {"duration": 0, "api": "ec2:CreateSubnet", "after": ["vpc"]},
                "s2": {"duration": 0, "api": "ec2:CreateSubnet", "after": ["vpc"]},
            },
        }
    )

    def w(action, service="ec2", status=200):
        return {"service": service, "action": action, "kind": "write", "status": status}

    records = [
        w("CreateVpc"),
        w("ModifyVpcAttribute"),
        w("PutRolePolicy", "iam"),
        w("CreateSubnet"),
        w("CreateSubnet", status=400),
        w("CreateTags"),  # adds to a resource: not a node
        w("CreateInternetGateway"),  # a resource the graph does not have
    ]
    check = run.graph_check(graph, records)
    assert check["notes"] == [
        "ec2:CreateInternetGateway: 1 call(s) in the converge, 0 graph node(s)",
        "ec2:CreateSubnet: 1 call(s) in the converge, 2 graph node(s)",
        "6 successful writes in the converge; the graph's nodes add up to 5",
    ]


def test_gantt_writes_a_png(tmp_path):
    from bench.gantt import plot_run

    t0 = datetime(2026, 11, 25, tzinfo=UTC).timestamp()
    spans = [
        TaskSpan("stacksmith.aws.network : Create the NAT gateways", t0 + 1, t0 + 2, "changed"),
        TaskSpan("stacksmith.aws.network : Wait for the NAT gateways", t0 + 2, t0 + 12, "ok"),
        TaskSpan("skipped", t0 + 12, t0 + 12.1, "skipped"),
    ]
    records = [
        {"ts": t0 + 1.5, "service": "ec2", "action": "CreateNatGateway", "kind": "write", "status": 200},
        {"ts": t0 + 1.4, "service": "ec2", "action": "CreateSubnet", "kind": "write", "status": 200},
        {"ts": t0 + 2.1, "service": "ec2", "action": "DescribeNatGateways", "kind": "read", "status": 200},
        {"ts": t0 + 11.9, "service": "ec2", "action": "DescribeNatGateways", "kind": "read", "status": 200},
    ]
    resources = [
        {"kind": "nat_gateway", "id": "nat-1", "created": t0 + 1.5, "ready": t0 + 11.5},
        {"kind": "alb", "id": "lb-1", "created": t0 + 3, "ready": None},
    ]
    for name, res in (("with.png", resources), ("without.png", None)):
        path = plot_run(tmp_path / name, "t", t0, t0 + 13, spans, records, res, 10.0)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class FakeRun:
    def __init__(self, rc, plays):
        self.rc, self.plays, self.stats = rc, plays, {"s1": {"changed": 1}}

    def changed(self, host=None):
        return 1

    def changed_tasks(self, host=None):
        return ["s1: Create the VPC"]

    def failure_messages(self):
        return "s1: Create the VPC: boom"


class FakeClient:
    endpoint = "http://127.0.0.1:1"

    def __init__(self, records, summary=None):
        self.records, self._summary = records, summary

    def mark(self):
        return 3

    def requests(self, since=0):
        return [r for r in self.records if r["seq"] > since]

    def summary(self, since=0):
        if self._summary is None:
            raise RuntimeError("GET /summary -> HTTP 404")
        return self._summary


def test_run_stage_collects_the_run_the_calls_since_the_mark_and_the_task_spans(tmp_path):
    t = datetime(2026, 11, 25, tzinfo=UTC)
    iso = t.replace(tzinfo=None).isoformat() + "Z"
    plays = [
        {"tasks": [{"task": {"name": "Create the VPC", "duration": {"start": iso, "end": iso}}, "hosts": {"s1": {}}}]}
    ]
    calls = []
    harness = type("H", (), {"run_playbook": staticmethod(lambda *a, **k: calls.append((a, k)) or FakeRun(2, plays))})
    records = [
        {"seq": 3, "ts": 1.0, "service": "ec2", "action": "DescribeVpcs", "kind": "read", "status": 200},
        {"seq": 4, "ts": 2.0, "service": "ec2", "action": "CreateVpc", "kind": "write", "status": 200},
    ]
    client = FakeClient(records, summary={"total": 2, "reads": 1, "writes": 1})
    stage = run.run_stage(harness, client, "converge", "site.yml", tmp_path, "s1", tmp_path, 60, check=True)
    assert calls[0][1]["limit"] == "s1" and calls[0][1]["check"] is True
    assert stage.rc == 2 and stage.failure == "s1: Create the VPC: boom"
    assert [r["seq"] for r in stage.records] == [4]
    assert [s.name for s in stage.spans] == ["Create the VPC"]
    d = stage.as_dict()
    assert d["api"]["writes"] == 1 and d["write_calls"] == ["ec2:CreateVpc"]
    assert d["emulator_summary"] == {"total": 2, "reads": 1, "writes": 1}
    assert "accounting_note" in d  # 2 counted by the emulator, 1 in the request log since the mark
    assert (
        "accounting_note"
        not in run.run_stage(harness, FakeClient(records), "noop", "site.yml", tmp_path, "s1", tmp_path, 60).as_dict()
    )
