"""WSGI middleware in front of moto: control API, request log, and the hook point for request interceptors.

Request flow for ``environ``:

1. ``/_stacksmith/*`` -> :meth:`StacksmithMiddleware._control` (never logged).
2. ``/moto-api/*`` and ``/favicon.ico`` -> moto as is (never logged).
3. Anything else is an AWS API request: the form body (if any) is buffered and restored, the request is resolved
   to a botocore service / operation (:mod:`emulator.resolver`), and a :class:`RequestContext` is built.
4. **Hook point**: each interceptor in :attr:`StacksmithMiddleware.interceptors` is called with the context, in
   order. An interceptor may delay (sleep), or return an :class:`InjectedResponse`, which is sent instead of calling
   moto (``commit=True``: after calling moto, whose answer is discarded; ``drop_connection=True``: no answer at all,
   the connection is shut down). An interceptor that sets ``ctx.injected`` labels the request-log record.
   :mod:`emulator.faults` installs the fault injector here (see :func:`emulator.server.build_app`).
5. moto answers; the response body is materialised, one record is appended to the request log *before* the
   response is returned, so a client that reads the log right after its call always sees the call.
6. Each observer in :attr:`StacksmithMiddleware.observers` is called with the context and the final status (the
   fault injector arms its ``after`` rules here).

Control endpoints other than the built-in ones are registered with :meth:`StacksmithMiddleware.add_control_route`;
:attr:`StacksmithMiddleware.reset_hooks` run on ``POST /_stacksmith/reset`` after moto's reset.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from .request_log import RequestLog
from .resolver import OperationResolver, default_resolver, kind_of

CONTROL_PREFIX = "/_stacksmith"
MOTO_PREFIXES = ("/moto-api", "/favicon.ico")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class RequestContext:
    """One AWS API request as seen by the middleware (and by interceptors)."""

    environ: dict[str, Any]
    method: str
    path: str
    service: str
    action: str
    kind: str
    resolved: bool
    started: float = field(default_factory=time.monotonic)
    form_body: str | None = None
    # set by an interceptor that injected something (fault kind): recorded as "injected" in the request log
    injected: str | None = None


@dataclass
class InjectedResponse:
    """A response an interceptor sends in place of moto's.

    ``commit``: moto is called first (its side effects happen) and its answer is discarded.
    ``drop_connection``: nothing is sent; the client's connection is shut down (``status`` is only logged).
    """

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    commit: bool = False
    drop_connection: bool = False


@dataclass
class ControlRequest:
    """A control-API request as handed to a control route handler."""

    method: str
    route: str
    query: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON (None when empty); ``ValueError`` (HTTP 400) when it is not JSON."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"request body is not valid JSON: {exc}") from None

    def since(self) -> int:
        raw = self.query.get("since", "0") or "0"
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"since must be an integer, got {raw!r}") from None


Interceptor = Callable[[RequestContext], "InjectedResponse | None"]
Observer = Callable[[RequestContext, int], None]
ControlHandler = Callable[[ControlRequest], tuple[int, Any]]


class ConnectionDropped(ConnectionResetError):
    """Raised by the middleware after shutting a client connection down (the server treats it as a dropped
    connection and sends nothing)."""


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class StacksmithMiddleware:
    """Wraps moto's WSGI app (``DomainDispatcherApplication``)."""

    def __init__(
        self,
        app: WSGIApp,
        request_log: RequestLog | None = None,
        resolver: OperationResolver | None = None,
        reset_backends: Callable[[], None] | None = None,
        shim_registry: Callable[[], list[dict[str, Any]]] | None = None,
    ) -> None:
        self.app = app
        self.request_log = request_log if request_log is not None else RequestLog()
        self.resolver = resolver if resolver is not None else default_resolver()
        self._reset_backends = reset_backends or _reset_moto
        self._shim_registry = shim_registry or _shim_registry
        # Hook point for latency profiles / fault injection: called in order before moto sees the request.
        self.interceptors: list[Interceptor] = []
        # Called with (context, final status) after each AWS request has been recorded.
        self.observers: list[Observer] = []
        # Called on POST /_stacksmith/reset, after moto's reset and the request log's.
        self.reset_hooks: list[Callable[[], None]] = []
        self._extra_routes: dict[str, dict[str, ControlHandler]] = {}
        self.fault_injector: Any = None  # set by emulator.faults.install

    def add_control_route(self, route: str, handlers: dict[str, ControlHandler]) -> None:
        """Serve ``/_stacksmith<route>`` with ``handlers`` (HTTP method -> handler); replaces an earlier one."""
        if not route.startswith("/"):
            raise ValueError(f"control route must start with '/': {route!r}")
        self._extra_routes[route.rstrip("/") or "/"] = {m.upper(): h for m, h in handlers.items()}

    # -- WSGI entry point ---------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", "") or "")
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            return self._control(environ, start_response)
        if path.startswith(MOTO_PREFIXES):
            return self.app(environ, start_response)
        return self._aws_request(environ, start_response)

    # -- AWS API requests ---------------------------------------------------------------------------------------

    def _aws_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.monotonic()
        wall = time.time()
        form_body = _buffer_form_body(environ)
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", "") or "/")
        try:
            res = self.resolver.resolve(environ, form_body)
            service, action, kind, resolved = res.service, res.action, res.kind, res.resolved
        except Exception:  # noqa: BLE001 - bookkeeping must never break a request
            service, action, kind, resolved = "unknown", f"{method} {path}", kind_of(None, method), False
        ctx = RequestContext(environ, method, path, service, action, kind, resolved, started, form_body)

        captured: dict[str, Any] = {}

        def capture_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"] = status
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body: list[bytes]
        try:
            injected = self._run_interceptors(ctx)
            if injected is not None and injected.drop_connection:
                self._record(ctx, wall, injected.status)
                self._notify(ctx, injected.status)
                _drop_connection(environ)
                raise ConnectionDropped(f"connection dropped by the emulator ({ctx.injected or 'injected'})")
            if injected is not None and injected.commit:
                self._call_app(environ, lambda status, headers, exc_info=None: None)  # the write happens
            if injected is not None:
                headers = list(injected.headers)
                if not any(k.lower() == "content-length" for k, _ in headers):
                    headers.append(("Content-Length", str(len(injected.body))))
                capture_start_response(_status_line(injected.status), headers)
                body = [injected.body]
            else:
                body = self._call_app(environ, capture_start_response)
        except ConnectionDropped:
            raise
        except Exception:
            self._record(ctx, wall, 500)
            self._notify(ctx, 500)
            raise
        status = int(str(captured.get("status", "500")).split(" ", 1)[0])
        self._record(ctx, wall, status)
        self._notify(ctx, status)
        return body

    def _call_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        app_iter = self.app(environ, start_response)
        try:
            return [b"".join(app_iter)]
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()

    def _notify(self, ctx: RequestContext, status: int) -> None:
        for observer in list(self.observers):
            try:
                observer(ctx, status)
            except Exception:  # noqa: BLE001 - bookkeeping must never break a request
                pass

    def _run_interceptors(self, ctx: RequestContext) -> InjectedResponse | None:
        for interceptor in list(self.interceptors):
            response = interceptor(ctx)
            if response is not None:
                return response
        return None

    def _record(self, ctx: RequestContext, wall: float, status: int) -> None:
        record: dict[str, Any] = {
            "ts": round(wall, 6),
            "service": ctx.service,
            "action": ctx.action,
            "kind": ctx.kind,
            "status": status,
            "method": ctx.method,
            "path": ctx.path,
            "duration_ms": round((time.monotonic() - ctx.started) * 1000.0, 3),
        }
        if ctx.injected:
            record["injected"] = ctx.injected
        self.request_log.append(record)

    # -- control API --------------------------------------------------------------------------------------------

    def _control(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        route = str(environ.get("PATH_INFO", "")).rstrip("/")[len(CONTROL_PREFIX) :] or "/"
        query = _parse_query(str(environ.get("QUERY_STRING", "") or ""))
        routes: dict[str, dict[str, ControlHandler]] = {
            "/health": {"GET": lambda req: (200, {"status": "ok"})},
            "/reset": {"POST": lambda req: self._do_reset()},
            "/requests": {
                "GET": lambda req: (200, self.request_log.since(req.since())),
                "DELETE": lambda req: self._clear_requests(),
            },
            "/shims": {"GET": lambda req: (200, self._shim_registry())},
        }
        routes.update(self._extra_routes)
        handlers = routes.get(route)
        if handlers is None:
            status, payload = 404, {"error": f"unknown control endpoint {route!r}", "endpoints": sorted(routes)}
        elif method not in handlers:
            status, payload = 405, {"error": f"{method} not allowed on {route}", "allowed": sorted(handlers)}
        else:
            try:
                request = ControlRequest(method, route, query, _read_body(environ))
                status, payload = handlers[method](request)
            except ValueError as exc:
                status, payload = 400, {"error": str(exc)}
        body = json.dumps(payload).encode("utf-8")
        start_response(
            _status_line(status),
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def _do_reset(self) -> tuple[int, Any]:
        self._reset_backends()
        self.request_log.clear()
        for hook in list(self.reset_hooks):
            hook()
        return 200, {"status": "ok"}

    def _clear_requests(self) -> tuple[int, Any]:
        self.request_log.clear()
        return 200, {"status": "ok"}


def _parse_query(query_string: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query_string, keep_blank_values=True))


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return b""
    if length <= 0:
        return b""
    return bytes(environ["wsgi.input"].read(length))


def _drop_connection(environ: dict[str, Any]) -> None:
    """Shut the client connection down without an answer (werkzeug exposes the socket as ``werkzeug.socket``).

    SO_LINGER 0 turns the close into a TCP reset; the shutdown makes the server side stop reading at once.
    """
    sock = environ.get("werkzeug.socket")
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _buffer_form_body(environ: dict[str, Any]) -> str | None:
    """Read a form-encoded body (query / ec2 protocols) and put it back so moto can read it again."""
    content_type = str(environ.get("CONTENT_TYPE", "") or "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= 0:
        return None
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw.decode("utf-8", "replace")


def _reset_moto() -> None:
    """Reset every moto backend: the same thing ``POST /moto-api/reset`` does."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


def _shim_registry() -> list[dict[str, Any]]:
    from .shims import registry

    return registry()
