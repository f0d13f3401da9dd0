"""Feature detection of the emulator's latency / timeline endpoints, against small stub servers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from bench.emulator_api import REFERENCE_PROFILE, configure_latency, summarize_requests, timeline
from bench.loopback import NotLoopbackError, require_loopback


class Stub:
    """A loopback HTTP server answering /_stacksmith/latency and /timeline like the emulator will (or 404)."""

    def __init__(self, features: bool, profile=None, timeline=None, reported_scale=None):
        self.features = features
        self.state = {"scale": 1.0, "profile": profile if profile is not None else {"nat_gateway": {"create": 100}}}
        self.reported_scale = reported_scale
        self.timeline = timeline or []
        self.posts: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if not stub.features:
                    return self._send(404, {"error": "not found"})
                if self.path == "/_stacksmith/latency":
                    state = dict(stub.state)
                    if stub.reported_scale is not None:
                        state["scale"] = stub.reported_scale
                    return self._send(200, state)
                if self.path == "/_stacksmith/timeline":
                    return self._send(200, stub.timeline)
                return self._send(404, {})

            def do_POST(self):
                if not stub.features or self.path != "/_stacksmith/latency":
                    return self._send(404, {"error": "not found"})
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.posts.append(body)
                stub.state["scale"] = body["scale"]
                return self._send(200, stub.state)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return SimpleNamespace(endpoint=f"http://127.0.0.1:{self.server.server_address[1]}", stub=self)

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_without_the_feature_the_scale_is_zero_and_the_reference_profile_resolves_keys():
    with Stub(features=False) as client:
        latency = configure_latency(client, 0.1)
        assert timeline(client) is None
    assert latency.available is False
    assert latency.scale == 0.0 and latency.requested_scale == 0.1
    assert latency.profile == REFERENCE_PROFILE and latency.source == "reference"
    assert "no latency profile" in latency.note and "404" in latency.note


def test_with_the_feature_the_scale_is_set_and_the_profile_read_back():
    profile = {"nat_gateway": {"create": 100, "delete": 60}, "alb": 180}
    resources = [{"kind": "nat_gateway", "id": "nat-1", "created": 1.0, "ready": 11.0}]
    with Stub(features=True, profile=profile, timeline=resources) as client:
        latency = configure_latency(client, 0.25)
        assert client.stub.posts == [{"scale": 0.25}]
        assert timeline(client) == resources
    assert latency.available and latency.scale == 0.25 and latency.source == "emulator"
    assert latency.profile == profile
    assert latency.note == ""


def test_a_scale_the_emulator_did_not_take_is_reported():
    with Stub(features=True, reported_scale=1.0) as client:
        latency = configure_latency(client, 0.1)
    assert latency.scale == 1.0
    assert "asked for scale 0.1" in latency.note


def test_an_empty_profile_falls_back_to_the_reference_one():
    with Stub(features=True, profile={}) as client:
        latency = configure_latency(client, 0.1)
    assert latency.available and latency.source == "reference" and latency.profile == REFERENCE_PROFILE


def test_client_methods_are_preferred_when_the_client_has_them():
    calls = []
    client = SimpleNamespace(
        endpoint="http://127.0.0.1:1",
        set_latency=lambda scale: calls.append(scale),
        latency=lambda: {"scale": 0.5, "profile": {"alb": 1}},
        timeline=lambda: {"resources": [{"id": "x"}]},
    )
    latency = configure_latency(client, 0.5)
    assert calls == [0.5] and latency.profile == {"alb": 1}
    assert timeline(client) == [{"id": "x"}]


def test_control_calls_refuse_a_non_loopback_endpoint():
    with pytest.raises(NotLoopbackError):
        configure_latency(SimpleNamespace(endpoint="http://10.1.2.3:4566"), 0.1)
    with pytest.raises(NotLoopbackError):
        require_loopback("https://ec2.us-east-1.amazonaws.com")
    assert require_loopback("http://[::1]:4566") == "http://[::1]:4566"


def test_summarize_requests():
    records = [
        {"service": "ec2", "action": "CreateVpc", "kind": "write", "status": 200},
        {"service": "ec2", "action": "DescribeVpcs", "kind": "read", "status": 200},
        {"service": "ec2", "action": "DescribeVpcs", "kind": "read", "status": 200},
        {"service": "iam", "action": "GetRole", "kind": "read", "status": 404},
    ]
    s = summarize_requests(records)
    assert (s["total"], s["reads"], s["writes"], s["errors"]) == (4, 3, 1, 1)
    assert s["by_service"] == {
        "ec2": {"total": 3, "reads": 2, "writes": 1},
        "iam": {"total": 1, "reads": 1, "writes": 0},
    }
    assert list(s["by_action"].items())[0] == ("ec2:DescribeVpcs", 2)


def test_reference_profile_is_read_from_a_profile_file(tmp_path):
    from bench.emulator_api import FALLBACK_PROFILE, load_reference_profile

    good = tmp_path / "p.json"
    good.write_text(json.dumps({"_comment": "x", "nat_gateway": {"create": 5, "delete": 2, "source": "s"}}))
    assert load_reference_profile(good) == {"nat_gateway": {"create": 5.0, "delete": 2.0}}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert load_reference_profile(bad) == FALLBACK_PROFILE
    assert load_reference_profile(tmp_path / "missing.json") == FALLBACK_PROFILE
    assert "nat_gateway" in REFERENCE_PROFILE


def test_a_client_whose_emulator_lacks_the_endpoint_degrades():
    def missing(**kwargs):
        raise RuntimeError("POST /latency -> HTTP 404: {}")

    client = SimpleNamespace(endpoint="http://127.0.0.1:1", set_latency=missing, timeline=lambda: missing())
    assert configure_latency(client, 0.1).available is False
    assert timeline(client) is None


def test_other_client_errors_are_not_hidden():
    def broken(**kwargs):
        raise RuntimeError("POST /latency -> HTTP 400: scale must be a number")

    with pytest.raises(RuntimeError, match="HTTP 400"):
        configure_latency(SimpleNamespace(endpoint="http://127.0.0.1:1", set_latency=broken), 0.1)
