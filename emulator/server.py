"""The embedded AWS emulator: moto's server app behind the Stacksmith middleware, on loopback only.

    server = EmulatorServer(port=0)          # 0: any free port
    server.start()                           # returns once GET /_stacksmith/health answers
    boto3.client("ec2", endpoint_url=server.endpoint, ...)
    server.stop()

The WSGI app is ``StacksmithMiddleware(moto.server.DomainDispatcherApplication(create_backend_app))`` served by a
threaded werkzeug server (with moto's request handler) in a daemon thread. The shims of :mod:`emulator.shims` and the
latency rules of :mod:`emulator.latency` are applied once per process before the first server starts. moto's backends
(and the latency configuration) are process-wide, so every server in one process shares the same AWS state; each
server has its own fault injector (:mod:`emulator.faults`), configured from ``$STACKSMITH_FAULTS`` (JSON) at start.
"""

from __future__ import annotations

import ipaddress
import json
import os
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Self

from .middleware import StacksmithMiddleware
from .request_log import RequestLog

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_loopback_host(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; False for anything else (0.0.0.0, ::, LAN addresses...)."""
    candidate = host.strip()
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    if candidate.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(candidate).is_loopback
    except ValueError:
        return False


def check_loopback_host(host: str) -> str:
    """Return ``host`` unchanged if it is a loopback address, else raise ``ValueError``."""
    if not is_loopback_host(host):
        raise ValueError(
            f"refusing to bind the AWS emulator to {host!r}: only loopback hosts are allowed "
            "(127.0.0.0/8, ::1, 'localhost'); the emulator has no authentication and must not be reachable "
            "from other machines"
        )
    return host


def faults_from_env() -> Any:
    """The fault config in ``$STACKSMITH_FAULTS`` (JSON), None when unset; ``ValueError`` when not JSON."""
    from .faults import FAULTS_ENV

    raw = (os.environ.get(FAULTS_ENV) or "").strip()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{FAULTS_ENV} is not valid JSON: {exc}") from None


def build_app(request_log: RequestLog | None = None, faults: Any = None) -> StacksmithMiddleware:
    """Apply the shims and latency rules (once per process) and build the middleware-wrapped moto WSGI app, with a
    fault injector configured from ``faults`` (else ``$STACKSMITH_FAULTS``) and the control routes for faults,
    latency, timeline and request summaries."""
    from moto.server import DomainDispatcherApplication, create_backend_app

    from . import faults as faults_module
    from . import latency
    from .accounting import summarize
    from .shims import apply_all

    apply_all()
    latency.apply_all()
    app = StacksmithMiddleware(DomainDispatcherApplication(create_backend_app), request_log=request_log)
    injector = faults_module.install(app)
    injector.configure(faults if faults is not None else faults_from_env())
    latency.install(app)
    app.add_control_route("/summary", {"GET": lambda req: (200, summarize(app.request_log.since(req.since())))})
    return app


class EmulatorServer:
    """moto + shims + request log, served on a loopback address in a daemon thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        request_log_path: str | Path | None = None,
        faults: Any = None,
    ) -> None:
        self.host = check_loopback_host(host)
        self.initial_faults = faults
        self._requested_port = int(port)
        self.request_log_path = Path(request_log_path) if request_log_path else None
        self.request_log = RequestLog(self.request_log_path)
        self.app: StacksmithMiddleware | None = None
        self._server: Any = None
        self._bound_port: int | None = None
        self._thread: threading.Thread | None = None

    # -- properties ---------------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._bound_port if self._bound_port is not None else self._requested_port

    @property
    def endpoint(self) -> str:
        host = self.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> Self:
        """Bind, serve in a daemon thread, and return once the health endpoint answers."""
        if self.running:
            return self
        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from werkzeug.serving import make_server

        self.app = build_app(self.request_log, faults=self.initial_faults)
        self._server = make_server(
            self.host,
            self._requested_port,
            self.app,
            threaded=True,
            request_handler=MotoRequestHandler,
        )
        self._bound_port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"stacksmith-emulator-{self.port}", daemon=True
        )
        self._thread.start()
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with opener.open(f"{self.endpoint}/_stacksmith/health", timeout=2) as response:
                    if json.loads(response.read().decode("utf-8")).get("status") == "ok":
                        return
            except (OSError, ValueError) as exc:  # not up yet
                last_error = exc
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"emulator on {self.endpoint} did not become healthy in {timeout:.0f}s: {last_error}")

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        server, thread = self._server, self._thread
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<EmulatorServer {self.endpoint} {state}>"
