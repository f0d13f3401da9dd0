"""Test harness: run playbooks of this collection against the loopback emulator and read results.

Everything here refuses to talk to anything but a loopback endpoint.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# Host vars of a `fargate_spot_waf` stack that deploys its network only (the network, resilience and latency
# tests use that architecture's group_vars). Its own settings are still validated before any call, so the
# JSON secret's values are given: dummies, never deployed (no secrets component).
NETWORK_ONLY_SPOT_WAF: dict[str, Any] = {
    "stack_components": ["network"],
    "app_secrets": {
        "LANGCHAIN_API_KEY": "unused",
        "REDIS_HOST": "redis.invalid",
        "REDIS_PORT": "6379",
        "REDIS_PASSWORD": "unused",
    },
}


class NotLoopbackError(RuntimeError):
    pass


def require_loopback(endpoint: str) -> str:
    """Return the endpoint if its host is a loopback address, else raise NotLoopbackError."""
    host = urlsplit(endpoint).hostname or ""
    if host == "localhost":
        return endpoint
    try:
        if ipaddress.ip_address(host).is_loopback:
            return endpoint
    except ValueError:
        pass
    raise NotLoopbackError(f"refusing to test against {endpoint!r}: only a loopback emulator endpoint is allowed")


def aws_env(endpoint: str) -> dict[str, str]:
    """Environment for a process that must only reach the emulator."""
    require_loopback(endpoint)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
            "STACKSMITH_ENDPOINT": endpoint,
        }
    )
    return env


def boto3_client(service: str, endpoint: str, region: str = "us-east-1"):
    import boto3

    return boto3.client(
        service,
        region_name=region,
        endpoint_url=require_loopback(endpoint),
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@dataclass
class PlaybookRun:
    rc: int
    stats: dict[str, dict[str, int]]
    plays: list[dict[str, Any]] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""

    def changed(self, host: str | None = None) -> int:
        return sum(s.get("changed", 0) for h, s in self.stats.items() if host in (None, h))

    def failures(self) -> int:
        return sum(s.get("failures", 0) + s.get("unreachable", 0) for s in self.stats.values())

    def task_results(self, host: str):
        for play in self.plays:
            for task in play.get("tasks", []):
                res = task.get("hosts", {}).get(host)
                if res is not None:
                    yield task["task"]["name"], res

    def ran(self, host: str) -> list[str]:
        """The names of the tasks that ran for `host` (not skipped), in order."""
        return [name for name, res in self.task_results(host) if not res.get("skipped")]

    def first_run(self, host: str, role: str, task: str) -> int:
        """Where `role : task` first ran for `host` in ran() (a role's include task may share its first task's name)."""
        matches = [i for i, name in enumerate(self.ran(host)) if name == f"stacksmith.aws.{role} : {task}"]
        assert matches, (role, task)
        return matches[0]

    def positions(self, host: str) -> dict[str, int]:
        """Task name -> the position of its last result for `host` among every task of the run, skipped or not."""
        return {name: i for i, (name, _result) in enumerate(self.task_results(host))}

    def deferred_alb_wait(self, host: str) -> int:
        """The position of the deploy play's load balancer wait (edge wait.yml) among every task, skipped or not (it
        skips when the ALB is active already). Fails unless the wait of the edge's present.yml, before it, was
        skipped: the play deferred it."""
        results = list(self.task_results(host))
        waits = [
            i
            for i, (name, _result) in enumerate(results)
            if name == "stacksmith.aws.edge : Wait for the load balancer to be active"
        ]
        assert len(waits) == 2 and results[waits[0]][1].get("skipped"), waits
        return waits[1]

    def changed_tasks(self, host: str | None = None) -> list[str]:
        out = []
        for play in self.plays:
            for task in play.get("tasks", []):
                for h, res in task.get("hosts", {}).items():
                    if host in (None, h) and res.get("changed"):
                        out.append(f"{h}: {task['task']['name']}")
        return out

    def failure_messages(self) -> str:
        msgs = []
        for play in self.plays:
            for task in play.get("tasks", []):
                for h, res in task.get("hosts", {}).items():
                    if res.get("failed") or res.get("unreachable"):
                        msgs.append(f"{h}: {task['task']['name']}: {res.get('msg', '')}")
                    for item in res.get("results", []) if isinstance(res.get("results"), list) else []:
                        if isinstance(item, dict) and item.get("failed"):
                            msgs.append(f"{h}: {task['task']['name']}: {item.get('msg', '')}")
        return "\n".join(msgs) or self.stderr[-3000:] or self.stdout[-3000:]


def write_inventory(path: Path, endpoint: str, stacks: dict[str, dict[str, dict[str, Any]]]) -> Path:
    """Write an emulator inventory: stacks = {architecture: {stack name: host vars}}."""
    require_loopback(endpoint)
    (path / "group_vars").mkdir(parents=True, exist_ok=True)
    hosts = {"all": {"children": {arch: {"hosts": hs} for arch, hs in stacks.items()}}}
    (path / "hosts.yml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    (path / "group_vars" / "all.yml").write_text(
        yaml.safe_dump(
            {
                "stacksmith_target": "emulator",
                "aws_region": "us-east-1",
                "aws_endpoint_url": endpoint,
                "aws_access_key": "testing",
                "aws_secret_key": "testing",
            }
        )
    )
    return path


def run_playbook(
    playbook: str,
    inventory: Path | str,
    endpoint: str,
    *,
    limit: str | None = None,
    tags: str | None = None,
    check: bool = False,
    diff: bool = False,
    extra_vars: dict[str, Any] | None = None,
    outputs_dir: Path | None = None,
    timeout: int = 900,
) -> PlaybookRun:
    env = aws_env(endpoint)
    env.update(
        {
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_DEPRECATION_WARNINGS": "false",
        }
    )
    if outputs_dir is not None:
        env["STACKSMITH_OUTPUTS_DIR"] = str(outputs_dir)
    cmd = [str(BIN / "ansible-playbook"), "-i", str(inventory), str(REPO / playbook)]
    if limit:
        cmd += ["--limit", limit]
    if tags:
        cmd += ["--tags", tags]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    try:
        data = json.loads(proc.stdout[proc.stdout.index("{") :])
    except ValueError:
        data = {}
    return PlaybookRun(
        rc=proc.returncode,
        stats=data.get("stats", {}),
        plays=data.get("plays", []),
        stdout=proc.stdout,
        stderr=proc.stderr,
    )


def summarize(records: list[dict[str, Any]]) -> str:
    return ", ".join(f"{r['service']}:{r['action']}({r['status']})" for r in records)


# --- reading state back --------------------------------------------------------------------------------------


def tagdict(tags) -> dict[str, str]:
    """Tags as a dict, from any of the AWS shapes: a dict, [{Key, Value}] or [{key, value}]."""
    if isinstance(tags, dict):
        return tags
    return {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in tags or []}


def assert_tagged(tags, expected: dict[str, str], what: str) -> None:
    """Fail naming `what` unless every expected tag is there with its value."""
    got = tagdict(tags)
    missing = {k: v for k, v in expected.items() if got.get(k) != v}
    assert not missing, f"{what}: ownership tags missing or wrong: {missing} (has {got})"


def writes_since(emulator, mark) -> list[dict[str, Any]]:
    """The write calls the emulator received since `mark` (its request log)."""
    return [r for r in emulator.requests(since=mark) if r["kind"] == "write"]


def lingers_after_delete(endpoint: str, arn: str) -> bool:
    """True for what AWS itself still lists, tagged, for a while after a delete (not a leftover)."""
    if ":secretsmanager:" in arn:  # scheduled for deletion (recovery window), no longer listed
        return "DeletedDate" in boto3_client("secretsmanager", endpoint).describe_secret(SecretId=arn)
    if ":natgateway/" in arn:
        ec2 = boto3_client("ec2", endpoint)
        nat = ec2.describe_nat_gateways(NatGatewayIds=[arn.rsplit("/", 1)[1]])["NatGateways"][0]
        return nat["State"] == "deleted"
    if ":ecs:" in arn and ":service/" in arn:
        cluster, service = arn.split(":service/")[1].split("/")
        ecs = boto3_client("ecs", endpoint)
        return ecs.describe_services(cluster=cluster, services=[service])["services"][0]["status"] == "INACTIVE"
    if ":ecs:" in arn and ":cluster/" in arn:
        return boto3_client("ecs", endpoint).describe_clusters(clusters=[arn])["clusters"][0]["status"] == "INACTIVE"
    return False


def stack_leftovers(endpoint: str, stack: str, kept=lambda arn: False) -> list[str]:
    """ARNs still tagged `stack=<stack>` that are neither lingering deletes nor `kept` on purpose."""
    tagging = boto3_client("resourcegroupstaggingapi", endpoint)
    pages = tagging.get_paginator("get_resources").paginate(TagFilters=[{"Key": "stack", "Values": [stack]}])
    arns = [r["ResourceARN"] for page in pages for r in page["ResourceTagMappingList"]]
    return [arn for arn in arns if not kept(arn) and not lingers_after_delete(endpoint, arn)]


def assert_changes_nothing(emulator, run) -> PlaybookRun:
    """Run `run()` (a playbook run) and fail unless it passes with no changed task and no write call."""
    mark = emulator.mark()
    result = run()
    assert result.rc == 0, result.failure_messages()
    assert result.changed_tasks() == []
    writes = writes_since(emulator, mark)
    assert writes == [], summarize(writes)
    return result
