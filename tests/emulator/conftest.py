"""Fixtures for the emulator's own tests: one in-process EmulatorServer per session, reset before each test."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from emulator.client import EmulatorClient  # noqa: E402
from emulator.server import EmulatorServer  # noqa: E402

REGION = "us-east-1"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
UNSET_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_CA_BUNDLE",
    # the emulator's own knobs: its tests start from scale 0, the default profile and no faults
    "STACKSMITH_LATENCY_SCALE",
    "STACKSMITH_LATENCY_PROFILE",
    "STACKSMITH_FAULTS",
    "STACKSMITH_ACM_VALIDATION_SECONDS",
)


@pytest.fixture(scope="session", autouse=True)
def emu_fake_aws_env() -> Iterator[None]:
    """Fake credentials and no profile / endpoint / metadata lookups from the surrounding environment."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in FAKE_ENV.items():
            mp.setenv(key, value)
        for key in UNSET_ENV:
            mp.delenv(key, raising=False)
        mp.setenv("AWS_CONFIG_FILE", os.devnull)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        yield


@pytest.fixture(scope="session")
def emu_request_log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("emulator") / "requests.jsonl"


@pytest.fixture(scope="session")
def emu_server(emu_fake_aws_env: None, emu_request_log_path: Path) -> Iterator[EmulatorServer]:
    server = EmulatorServer(port=0, request_log_path=emu_request_log_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def emu(emu_server: EmulatorServer) -> Iterator[EmulatorClient]:
    """Control-API client for the session server, with AWS state, request log, faults and timeline reset; the
    latency configuration (which survives resets) is put back to the defaults (scale 0) afterwards."""
    client = EmulatorClient(emu_server.endpoint)
    client.reset()
    try:
        yield client
    finally:
        client.reset_latency()
        client.clear_faults()


@pytest.fixture(scope="session")
def emu_boto3_session(emu_fake_aws_env: None) -> Any:
    """One boto3 session for the whole run: botocore loads each service model once per session (EC2's alone takes
    ~0.3 s), so a session per test would make every test pay for it again."""
    import boto3

    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


@pytest.fixture
def aws(emu_server: EmulatorServer, emu: EmulatorClient, emu_boto3_session: Any) -> Callable[..., Any]:
    """``aws("ec2")`` -> a boto3 client for the emulator (explicit endpoint, fake credentials, no retries)."""
    from botocore.config import Config

    session = emu_boto3_session
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)

    def make(service: str, **kwargs: Any) -> Any:
        return session.client(service, endpoint_url=emu_server.endpoint, config=config, **kwargs)

    return make
