"""WSGI middleware in front of moto: control API, request log, and the hook point for request interceptors.

Request flow for ``environ``:

1. ``/_stacksmith/*`` -> :meth:`StacksmithMiddleware._control` (never logged).
2. ``/moto-api/*`` and ``/favicon.ico`` -> moto as is (never logged).
3. Anything else is an AWS API request: the form body (if any) is buffered and restored, the request is resolved
   to a botocore service / operation (:mod:`emulator.resolver`), and a :class:`RequestContext` is built.
4. **Hook point**: each interceptor in :attr:`StacksmithMiddleware.interceptors` is called with the context, in
   order. An interceptor may delay (sleep), or return an :class:`InjectedResponse`, which is sent instead of calling
   moto. Latency profiles and fault injection belong here; none is installed yet.
5. moto answers; the response body is materialised, one record is appended to the request log *before* the
   response is returned, so a client that reads the log right after its call always sees the call.
"""

from __future__ import annotations

import io
import json
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


@dataclass
class InjectedResponse:
    """A response an interceptor sends in place of moto's."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


Interceptor = Callable[[RequestContext], "InjectedResponse | None"]


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
        ctx = RequestContext(environ, method, path, service, action, kind, resolved, started)

        captured: dict[str, Any] = {}

        def capture_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"] = status
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body: list[bytes]
        try:
            injected = self._run_interceptors(ctx)
            if injected is not None:
                headers = list(injected.headers)
                if not any(k.lower() == "content-length" for k, _ in headers):
                    headers.append(("Content-Length", str(len(injected.body))))
                capture_start_response(_status_line(injected.status), headers)
                body = [injected.body]
            else:
                app_iter = self.app(environ, capture_start_response)
                try:
                    body = [b"".join(app_iter)]
                finally:
                    close = getattr(app_iter, "close", None)
                    if close is not None:
                        close()
        except Exception:
            self._record(ctx, wall, 500)
            raise
        status = int(str(captured.get("status", "500")).split(" ", 1)[0])
        self._record(ctx, wall, status)
        return body

    def _run_interceptors(self, ctx: RequestContext) -> InjectedResponse | None:
        for interceptor in list(self.interceptors):
            response = interceptor(ctx)
            if response is not None:
                return response
        return None

    def _record(self, ctx: RequestContext, wall: float, status: int) -> None:
        self.request_log.append(
            {
                "ts": round(wall, 6),
                "service": ctx.service,
                "action": ctx.action,
                "kind": ctx.kind,
                "status": status,
                "method": ctx.method,
                "path": ctx.path,
                "duration_ms": round((time.monotonic() - ctx.started) * 1000.0, 3),
            }
        )

    # -- control API --------------------------------------------------------------------------------------------

    def _control(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        route = str(environ.get("PATH_INFO", "")).rstrip("/")[len(CONTROL_PREFIX) :] or "/"
        query = _parse_query(str(environ.get("QUERY_STRING", "") or ""))
        routes: dict[str, dict[str, Callable[[], tuple[int, Any]]]] = {
            "/health": {"GET": lambda: (200, {"status": "ok"})},
            "/reset": {"POST": self._do_reset},
            "/requests": {
                "GET": lambda: self._get_requests(query),
                "DELETE": self._clear_requests,
            },
            "/shims": {"GET": lambda: (200, self._shim_registry())},
        }
        handlers = routes.get(route)
        if handlers is None:
            status, payload = 404, {"error": f"unknown control endpoint {route!r}", "endpoints": sorted(routes)}
        elif method not in handlers:
            status, payload = 405, {"error": f"{method} not allowed on {route}", "allowed": sorted(handlers)}
        else:
            try:
                status, payload = handlers[method]()
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
        return 200, {"status": "ok"}

    def _get_requests(self, query: dict[str, str]) -> tuple[int, Any]:
        raw = query.get("since", "0") or "0"
        try:
            since = int(raw)
        except ValueError:
            raise ValueError(f"since must be an integer, got {raw!r}") from None
        return 200, self.request_log.since(since)

    def _clear_requests(self) -> tuple[int, Any]:
        self.request_log.clear()
        return 200, {"status": "ok"}


def _parse_query(query_string: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query_string, keep_blank_values=True))


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
