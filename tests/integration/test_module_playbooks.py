"""Module integration targets (tests/integration/playbooks/*.yml) run against the emulator.

Each playbook holds the amazon.aws-style sequence for one module (create in check mode -> create ->
re-run unchanged -> check-mode re-run unchanged -> update -> delete -> delete again unchanged) with
its own assertions; here we also check that it fails nothing and leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import REPO, boto3_client, run_playbook

PLAYBOOKS = sorted(p.name for p in (REPO / "tests/integration/playbooks").glob("*.yml"))


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_module_playbook(playbook, emulator, tmp_path: Path):
    emulator.reset()
    run = run_playbook(f"tests/integration/playbooks/{playbook}", "localhost,", emulator.endpoint)
    assert run.rc == 0, run.failure_messages()
    assert run.failures() == 0
    ec2 = boto3_client("ec2", emulator.endpoint)
    assert ec2.describe_flow_logs()["FlowLogs"] == []
    assert ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"] == []
