"""The suite and the playbooks only ever talk to a loopback emulator."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from harness import REPO, NotLoopbackError, aws_env, require_loopback


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:4566", "http://127.8.9.10:1", "http://localhost:4566", "http://[::1]:4566"]
)
def test_loopback_endpoints_are_accepted(endpoint):
    assert require_loopback(endpoint) == endpoint
    assert aws_env(endpoint)["AWS_ENDPOINT_URL"] == endpoint


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://10.1.2.3:4566",
        "http://0.0.0.0:4566",
        "https://ec2.us-east-1.amazonaws.com",
        "http://localhost.example.com:4566",
        "http://192.168.1.20:4566",
        "",
    ],
)
def test_other_endpoints_are_refused(endpoint):
    with pytest.raises(NotLoopbackError):
        require_loopback(endpoint)
    with pytest.raises(NotLoopbackError):
        aws_env(endpoint)


def test_pytest_refuses_to_start_with_a_non_loopback_endpoint(tmp_path):
    env = dict(os.environ, STACKSMITH_ENDPOINT="http://10.1.2.3:4566")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/unit/plugins/filter"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "refusing to test against 'http://10.1.2.3:4566'" in proc.stdout + proc.stderr


def test_emulator_inventory_with_a_remote_endpoint_stops_before_any_aws_call(tmp_path):
    # 192.0.2.0/24 is TEST-NET-1: nothing answers there, and the play must not even try.
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    stack = {"x-dev": {"stack_project": "x", "stack_env": "dev"}}
    hosts = {"all": {"children": {"fargate_spot_waf": {"hosts": stack}}}}
    (inventory / "hosts.yml").write_text(yaml.safe_dump(hosts))
    (inventory / "group_vars" / "all.yml").write_text(
        yaml.safe_dump(
            {
                "stacksmith_target": "emulator",
                "aws_region": "us-east-1",
                "aws_endpoint_url": "http://192.0.2.10:4566",
                "aws_access_key": "testing",
                "aws_secret_key": "testing",
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_NOCOLOR="1", STACKSMITH_OUTPUTS_DIR=str(tmp_path))
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(inventory), "site.yml"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "aws_endpoint_url: 'http://192.0.2.10:4566' is not a loopback address" in out
    assert "ok=0" in out and "failed=1" in out
