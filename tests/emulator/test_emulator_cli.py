"""``python -m emulator``: up / status / requests / down on a free port with a temporary state dir."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from emulator.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_cli(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(env_extra or {})
    env.pop("STACKSMITH_ENDPOINT", None)
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_up_status_requests_down(tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    state = tmp_path / "state"
    pid = None
    try:
        up = run_cli("up", "--port", str(port), "--state-dir", str(state))
        assert up.returncode == 0, up.stderr
        assert up.stdout.strip() == endpoint
        pid = int((state / "emulator.pid").read_text())
        assert (state / "emulator.log").exists()

        again = run_cli("up", "--port", str(port), "--state-dir", str(state))
        assert again.returncode == 0 and "already running" in again.stderr
        assert int((state / "emulator.pid").read_text()) == pid

        status = run_cli("status", "--endpoint", endpoint, "--state-dir", str(state))
        assert status.returncode == 0 and status.stdout.startswith("running")

        # one AWS call (unsigned query request, resolved from Action + Version), then the log
        request = urllib.request.Request(
            f"{endpoint}/",
            data=b"Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        requests = run_cli("requests", "--endpoint", endpoint)
        assert requests.returncode == 0, requests.stderr
        records = [json.loads(line) for line in requests.stdout.splitlines()]
        assert [(r["service"], r["action"], r["kind"]) for r in records] == [("sts", "GetCallerIdentity", "read")]
        assert run_cli("requests", "--endpoint", endpoint, "--writes").stdout == ""
        file_records = [json.loads(line) for line in (state / "requests.jsonl").read_text().splitlines()]
        assert file_records == records

        reset = run_cli("reset", "--endpoint", endpoint)
        assert reset.returncode == 0 and json.loads(reset.stdout) == {"status": "ok"}
        assert run_cli("requests", "--endpoint", endpoint).stdout == ""

        down = run_cli("down", "--state-dir", str(state))
        assert down.returncode == 0, down.stderr
        assert not (state / "emulator.pid").exists()
        pid = None
        status = run_cli("status", "--endpoint", endpoint, "--state-dir", str(state))
        assert status.returncode == 1 and status.stdout.startswith("not running")
        # down again: nothing runs, still exit 0
        assert run_cli("down", "--state-dir", str(state)).returncode == 0
    finally:
        if pid is not None:  # the test failed half-way: do not leave our server behind
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass


def test_port_and_endpoint_defaults_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from emulator import cli

    monkeypatch.delenv("STACKSMITH_ENDPOINT", raising=False)
    monkeypatch.delenv("STACKSMITH_EMULATOR_PORT", raising=False)
    assert cli.default_port() == 4566
    assert cli.default_endpoint() == "http://127.0.0.1:4566"
    monkeypatch.setenv("STACKSMITH_EMULATOR_PORT", "4999")
    assert cli.build_parser().parse_args(["up"]).port == 4999
    monkeypatch.setenv("STACKSMITH_ENDPOINT", "http://127.0.0.1:5001")
    assert cli.build_parser().parse_args(["requests"]).endpoint == "http://127.0.0.1:5001"


def test_serve_refuses_a_public_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "loopback" in capsys.readouterr().err


def test_status_of_nothing(tmp_path: Path) -> None:
    port = free_port()
    assert main(["status", "--endpoint", f"http://127.0.0.1:{port}", "--state-dir", str(tmp_path)]) == 1
    assert main(["down", "--state-dir", str(tmp_path)]) == 0
