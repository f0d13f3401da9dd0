"""Command line of the emulator: ``python -m emulator <command>``.

* ``serve [--host 127.0.0.1] [--port P] [--request-log PATH]`` runs in the foreground until SIGTERM / Ctrl-C.
* ``up [--port P] [--state-dir .emulator]`` starts ``serve`` in the background (new session) and writes
  ``<state-dir>/emulator.pid``, ``emulator.log`` (server output) and ``requests.jsonl`` (request log); waits up to
  30 s for health, then prints the endpoint on stdout. Exits 0 if one is already healthy on that port.
* ``down [--state-dir .emulator]`` sends SIGTERM to the pid in the pid file, waits, removes the file (exit 0 also
  when nothing runs).
* ``status [--endpoint URL] [--state-dir .emulator]`` exit 0 if healthy, 1 if not.
* ``reset [--endpoint URL]``, ``requests [--endpoint URL] [--since N] [--writes] [--summary]`` (JSON lines, or one
  summary object), ``shims``.
* ``latency [--scale S] [--profile FILE] [--reset]``: prints the latency configuration (after changing it, if asked).
* ``faults`` (show), ``faults set FILE|-`` (JSON ``{"seed": N, "rules": [...]}``), ``faults clear``.
* ``timeline``: the timed resources as JSON lines.

Defaults: port ``$STACKSMITH_EMULATOR_PORT`` else 4566; endpoint ``$STACKSMITH_ENDPOINT`` else
``http://127.0.0.1:<port default>``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from .client import EmulatorClient, EmulatorError

PACKAGE_PARENT = Path(__file__).resolve().parent.parent
UP_TIMEOUT_SECONDS = 30.0
DOWN_TIMEOUT_SECONDS = 10.0


def default_port() -> int:
    raw = os.environ.get("STACKSMITH_EMULATOR_PORT", "")
    return int(raw) if raw.strip() else 4566


def default_endpoint() -> str:
    return os.environ.get("STACKSMITH_ENDPOINT") or f"http://127.0.0.1:{default_port()}"


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- process helpers ---------------------------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not reaped yet) is not alive
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _pid_is_emulator(pid: int) -> bool:
    """Guard against a recycled pid: the process must be ``... -m emulator serve ...``."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the pid file
    return b"emulator" in argv and b"serve" in argv


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _wait_healthy(client: EmulatorClient, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.is_healthy():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.1)
    return client.is_healthy()


# -- commands ----------------------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import EmulatorServer

    os.environ.setdefault("MOTO_PORT", str(args.port))  # moto calls itself back on this port (e.g. Lambda)
    try:
        server = EmulatorServer(host=args.host, port=args.port, request_log_path=args.request_log)
    except ValueError as exc:
        _err(f"error: {exc}")
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.start()
    print(f"stacksmith emulator listening on {server.endpoint}", flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    print("stacksmith emulator stopped", flush=True)
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    state_dir = Path(args.state_dir).resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    pid_file = state_dir / "emulator.pid"
    endpoint = f"http://127.0.0.1:{args.port}"
    client = EmulatorClient(endpoint, timeout=2)

    if client.is_healthy():
        _err(f"emulator already running at {endpoint}")
        print(endpoint, flush=True)
        return 0
    pid = _read_pid(pid_file)
    if pid is not None and _pid_alive(pid) and _pid_is_emulator(pid):
        # started earlier and maybe still booting
        if _wait_healthy(client, UP_TIMEOUT_SECONDS):
            _err(f"emulator already running at {endpoint} (pid {pid})")
            print(endpoint, flush=True)
            return 0
        _err(f"error: emulator pid {pid} is alive but {endpoint} does not answer; run 'down' first")
        return 1

    log_path = state_dir / "emulator.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH", "")]))
    env["PYTHONUNBUFFERED"] = "1"
    command = [
        sys.executable,
        "-m",
        "emulator",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
        "--request-log",
        str(state_dir / "requests.jsonl"),
    ]
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(PACKAGE_PARENT),
            env=env,
            start_new_session=True,
        )
    pid_file.write_text(f"{proc.pid}\n")
    if _wait_healthy(client, UP_TIMEOUT_SECONDS, proc):
        _err(f"emulator started at {endpoint} (pid {proc.pid}, log {log_path})")
        print(endpoint, flush=True)
        return 0

    exit_code = proc.poll()
    if exit_code is not None:
        reason = f"the server exited with code {exit_code} before answering on {endpoint}"
    else:
        reason = f"{endpoint} did not answer within {UP_TIMEOUT_SECONDS:.0f}s"
        proc.terminate()
        try:
            proc.wait(timeout=DOWN_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    pid_file.unlink(missing_ok=True)
    tail = log_path.read_text(errors="replace").splitlines()[-20:]
    _err(f"error: {reason}; tail of {log_path}:")
    _err("\n".join(tail))
    return 1


def cmd_down(args: argparse.Namespace) -> int:
    pid_file = Path(args.state_dir).resolve() / "emulator.pid"
    pid = _read_pid(pid_file)
    if pid is None:
        _err("emulator not running (no pid file)")
        pid_file.unlink(missing_ok=True)
        return 0
    if not _pid_alive(pid) or not _pid_is_emulator(pid):
        _err(f"emulator not running (stale pid {pid})")
        pid_file.unlink(missing_ok=True)
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + DOWN_TIMEOUT_SECONDS
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _pid_alive(pid):
        _err(f"emulator pid {pid} ignored SIGTERM for {DOWN_TIMEOUT_SECONDS:.0f}s; sending SIGKILL")
        os.kill(pid, signal.SIGKILL)
        while _pid_alive(pid) and time.monotonic() < deadline + 5:
            time.sleep(0.1)
    pid_file.unlink(missing_ok=True)
    _err(f"emulator stopped (pid {pid})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    client = EmulatorClient(args.endpoint, timeout=2)
    pid = _read_pid(Path(args.state_dir).resolve() / "emulator.pid")
    pid_note = f" (pid {pid})" if pid is not None and _pid_alive(pid) else ""
    if client.is_healthy():
        print(f"running {client.endpoint}{pid_note}", flush=True)
        return 0
    print(f"not running {client.endpoint}", flush=True)
    return 1


def cmd_reset(args: argparse.Namespace) -> int:
    print(json.dumps(EmulatorClient(args.endpoint).reset()), flush=True)
    return 0


def cmd_requests(args: argparse.Namespace) -> int:
    client = EmulatorClient(args.endpoint)
    if args.summary:
        if args.writes:
            from .accounting import summarize

            print(json.dumps(summarize(client.writes(args.since)), indent=2), flush=True)
        else:
            print(json.dumps(client.summary(args.since), indent=2), flush=True)
        return 0
    records = client.writes(args.since) if args.writes else client.requests(args.since)
    for record in records:
        print(json.dumps(record), flush=True)
    return 0


def _read_json_arg(source: str) -> object:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{'stdin' if source == '-' else source} is not valid JSON: {exc}") from None


def cmd_latency(args: argparse.Namespace) -> int:
    client = EmulatorClient(args.endpoint)
    if args.reset:
        client.reset_latency()
    profile = None
    if args.profile:
        try:
            raw = _read_json_arg(args.profile)
        except (OSError, ValueError) as exc:
            _err(f"error: {exc}")
            return 2
        if not isinstance(raw, dict):
            _err("error: a latency profile is a JSON object")
            return 2
        profile = {k: v for k, v in raw.items() if not str(k).startswith("_")}
    if args.scale is not None or profile is not None:
        result = client.set_latency(scale=args.scale, profile=profile)
    else:
        result = client.latency()
    if not args.verbose:
        result = {k: result[k] for k in ("scale", "profile", "overrides") if k in result}
    print(json.dumps(result, indent=2), flush=True)
    return 0


def cmd_faults(args: argparse.Namespace) -> int:
    client = EmulatorClient(args.endpoint)
    if args.op == "clear":
        result = client.clear_faults()
    elif args.op == "set":
        if not args.file:
            _err("error: faults set needs FILE (or - for stdin)")
            return 2
        try:
            raw = _read_json_arg(args.file)
        except (OSError, ValueError) as exc:
            _err(f"error: {exc}")
            return 2
        if isinstance(raw, list):
            raw = {"rules": raw}
        if not isinstance(raw, dict):
            _err("error: a fault config is a JSON object {'seed': N, 'rules': [...]}")
            return 2
        seed = raw.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            _err(f"error: seed must be an integer, got {seed!r}")
            return 2
        result = client.set_faults(list(raw.get("rules") or []), seed=seed)
    else:
        result = client.faults()
    print(json.dumps(result, indent=2), flush=True)
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    for record in EmulatorClient(args.endpoint).timeline():
        print(json.dumps(record), flush=True)
    return 0


def cmd_shims(args: argparse.Namespace) -> int:
    for item in EmulatorClient(args.endpoint).shims():
        print(json.dumps(item), flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m emulator", description="Stacksmith's embedded AWS emulator.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the emulator in the foreground")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=default_port(), help="port (default $STACKSMITH_EMULATOR_PORT or 4566)")
    p.add_argument("--request-log", default=None, help="also append request-log records to this JSON-lines file")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("up", help="start the emulator in the background")
    p.add_argument("--port", type=int, default=default_port())
    p.add_argument("--state-dir", default=".emulator")
    p.set_defaults(func=cmd_up)

    p = sub.add_parser("down", help="stop the background emulator")
    p.add_argument("--state-dir", default=".emulator")
    p.set_defaults(func=cmd_down)

    p = sub.add_parser("status", help="exit 0 if the emulator answers, 1 if not")
    p.add_argument("--endpoint", default=default_endpoint())
    p.add_argument("--state-dir", default=".emulator")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("reset", help="reset all AWS state and the request log")
    p.add_argument("--endpoint", default=default_endpoint())
    p.set_defaults(func=cmd_reset)

    p = sub.add_parser("requests", help="print request-log records as JSON lines")
    p.add_argument("--endpoint", default=default_endpoint())
    p.add_argument("--since", type=int, default=0, help="only records with seq > N")
    p.add_argument("--writes", action="store_true", help="only records of kind 'write'")
    p.add_argument("--summary", action="store_true", help="print the accounting summary instead of the records")
    p.set_defaults(func=cmd_requests)

    p = sub.add_parser("latency", help="show or change the latency scale / profile")
    p.add_argument("--endpoint", default=default_endpoint())
    p.add_argument("--scale", type=float, default=None, help="multiply every profile duration by S (0: instant)")
    p.add_argument("--profile", default=None, help="JSON file (or - for stdin) of profile overrides to merge")
    p.add_argument("--reset", action="store_true", help="back to the server's environment defaults first")
    p.add_argument("--verbose", "-v", action="store_true", help="also print sources and the latency rules")
    p.set_defaults(func=cmd_latency)

    p = sub.add_parser("faults", help="show, set or clear fault-injection rules")
    p.add_argument("op", nargs="?", choices=("show", "set", "clear"), default="show")
    p.add_argument("file", nargs="?", help="for 'set': JSON file, or - for stdin")
    p.add_argument("--endpoint", default=default_endpoint())
    p.set_defaults(func=cmd_faults)

    p = sub.add_parser("timeline", help="print the latency timeline as JSON lines")
    p.add_argument("--endpoint", default=default_endpoint())
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("shims", help="print the shims as JSON lines")
    p.add_argument("--endpoint", default=default_endpoint())
    p.set_defaults(func=cmd_shims)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except EmulatorError as exc:
        _err(f"error: {exc}")
        return 1
