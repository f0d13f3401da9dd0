"""Fault injection: throttling, server errors, delays, dropped connections, lost responses and eventual consistency.

A :class:`FaultInjector` is installed as the first interceptor of the middleware (``StacksmithMiddleware.interceptors``)
and as an observer (for ``after``). It holds one rule set::

    {"seed": 1, "rules": [
        {"service": "ec2", "action": "Create*", "rate": 0.2, "kind": "throttle"},
        {"service": "ec2", "action": "DescribeVpcs", "kind": "error_code", "code": "InvalidVpcID.NotFound",
         "status": 400, "count": 2, "after": "CreateVpc"}
    ]}

Rule keys: ``service`` (botocore service name, fnmatch glob, default ``*``), ``action`` (operation name glob, default
``*``), ``kind`` (required), ``rate`` (probability per matching call, default 1.0), ``count`` (at most that many
injections, then the rule is spent), ``after`` (the rule arms only once a matching request succeeded: an action
glob of the same service, or ``service:Action``), ``seconds`` (``delay``), ``status`` / ``code`` / ``message``
(``error`` / ``error_code``).

Kinds:

* ``throttle``: the protocol's own throttling error (EC2 ``RequestLimitExceeded`` 503, query ``Throttling`` 400,
  JSON ``ThrottlingException`` 400, REST-JSON ``ThrottlingException`` 429, S3 ``SlowDown`` 503, RPCv2-CBOR
  ``ThrottlingException`` 400).
* ``error``: a bare server error, ``status`` 500 (``InternalError``) or 503 (``ServiceUnavailable``; EC2:
  ``Unavailable``).
* ``delay``: sleep ``seconds``, then let the request through (later rules still apply).
* ``reset``: the connection is dropped without an answer (botocore: ``ConnectionClosedError``, retried).
* ``commit_then_fail``: moto serves the request (the write happens), the client gets a 500 ``InternalError``.
* ``error_code``: answer ``code`` (``status``, default 400; ``message``) in the protocol's format.

The protocol comes from botocore's model metadata of the resolved service (``protocols`` / ``protocol``); for a
service that speaks several (CloudWatch: smithy-rpc-v2-cbor, json, query) the request's own shape decides.

Randomness: one ``random.Random(seed)`` per rule set; a draw is made only for a matching, armed, unspent rule whose
``rate`` is below 1, so a run with the same seed and the same request sequence injects the same faults.
Every injected response is logged with ``"injected": "<kind>"``. ``POST /_stacksmith/reset`` clears the rules.
"""

from __future__ import annotations

import fnmatch
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from .middleware import InjectedResponse, RequestContext
from .resolver import OperationResolver, default_resolver

KINDS = ("throttle", "error", "delay", "reset", "commit_then_fail", "error_code")
RULE_KEYS = frozenset(
    {"service", "action", "kind", "rate", "count", "after", "seconds", "status", "code", "message", "comment"}
)
FAULTS_ENV = "STACKSMITH_FAULTS"


# -- error bodies, per protocol ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    code: str
    message: str


def throttle_spec(protocol: str, service: str) -> ErrorSpec:
    """The throttling error real AWS sends for ``protocol`` (and service, for S3)."""
    if protocol == "ec2":
        return ErrorSpec(503, "RequestLimitExceeded", "Request limit exceeded.")
    if protocol == "rest-xml" and service in ("s3", "s3control"):
        return ErrorSpec(503, "SlowDown", "Please reduce your request rate.")
    if protocol in ("query", "rest-xml"):
        return ErrorSpec(400, "Throttling", "Rate exceeded")
    if protocol == "rest-json":
        return ErrorSpec(429, "ThrottlingException", "Rate exceeded")
    return ErrorSpec(400, "ThrottlingException", "Rate exceeded")  # json, smithy-rpc-v2-cbor


def server_error_spec(protocol: str, status: int) -> ErrorSpec:
    if status == 503:
        if protocol == "ec2":
            return ErrorSpec(503, "Unavailable", "The server is overloaded and can't handle the request.")
        return ErrorSpec(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")
    return ErrorSpec(status, "InternalError", "An internal error has occurred.")


def _request_id() -> str:
    return str(uuid.uuid4())


def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([(major << 5) | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([(major << 5) | info]) + value.to_bytes(size, "big")
    raise ValueError("value too large for CBOR")


def cbor_encode(value: Any) -> bytes:
    """A minimal CBOR encoder (text strings, ints, booleans, None, lists, maps): enough for an error body."""
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(value, list | tuple):
        return _cbor_head(4, len(value)) + b"".join(cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return _cbor_head(5, len(value)) + b"".join(cbor_encode(str(k)) + cbor_encode(v) for k, v in value.items())
    raise TypeError(f"cannot CBOR-encode {type(value).__name__}")


def error_response(protocol: str, service: str, spec: ErrorSpec, json_version: str = "1.1") -> InjectedResponse:
    """``spec`` rendered the way AWS renders errors for ``protocol`` (so botocore parses ``spec.code``)."""
    rid = _request_id()
    code, message = escape(spec.code), escape(spec.message)
    if protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{rid}</RequestID></Response>"
        )
        return InjectedResponse(spec.status, body.encode(), [("Content-Type", "text/xml;charset=UTF-8")])
    if protocol == "rest-xml" and service in ("s3", "s3control"):
        host_id = uuid.uuid4().hex
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{rid}</RequestId>"
            f"<HostId>{host_id}</HostId></Error>"
        )
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", rid), ("x-amz-id-2", host_id)]
        return InjectedResponse(spec.status, body.encode(), headers)
    if protocol in ("query", "rest-xml"):
        fault = "Sender" if spec.status < 500 else "Receiver"
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<ErrorResponse><Error><Type>{fault}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{rid}</RequestId></ErrorResponse>"
        )
        return InjectedResponse(spec.status, body.encode(), [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)])
    if protocol == "rest-json":
        body = json.dumps({"message": spec.message}).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("x-amzn-ErrorType", spec.code),
            ("x-amzn-RequestId", rid),
        ]
        return InjectedResponse(spec.status, body, headers)
    if protocol == "smithy-rpc-v2-cbor":
        body = cbor_encode({"__type": spec.code, "message": spec.message})
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"), ("x-amzn-RequestId", rid)]
        return InjectedResponse(spec.status, body, headers)
    # json (1.0 / 1.1)
    body = json.dumps({"__type": spec.code, "message": spec.message}).encode()
    headers = [("Content-Type", f"application/x-amz-json-{json_version}"), ("x-amzn-RequestId", rid)]
    return InjectedResponse(spec.status, body, headers)


def request_protocol(ctx: RequestContext, resolver: OperationResolver | None = None) -> tuple[str, str]:
    """(protocol, json version) of the request in ``ctx``: botocore's model metadata, the request deciding when the
    service speaks several protocols."""
    resolver = resolver or default_resolver()
    environ = ctx.environ
    try:
        protocols = resolver.service_protocols(ctx.service)
        metadata = resolver.service_metadata(ctx.service)
    except Exception:  # noqa: BLE001 - fall back to the request's shape
        protocols, metadata = [], {}
    json_version = str(metadata.get("jsonVersion") or "1.1")
    evidence: list[str] = []
    if str(environ.get("HTTP_SMITHY_PROTOCOL", "")).lower() == "rpc-v2-cbor" or ctx.path.startswith("/service/"):
        evidence.append("smithy-rpc-v2-cbor")
    if environ.get("HTTP_X_AMZ_TARGET"):
        evidence.append("json")
    if ctx.form_body is not None and "Action=" in ctx.form_body:
        evidence.extend(["ec2", "query"])
    if len(protocols) == 1:
        return protocols[0], json_version
    for candidate in evidence:
        if not protocols or candidate in protocols:
            return candidate, json_version
    if protocols:
        return protocols[0], json_version
    return "rest-json", json_version


# -- rules -------------------------------------------------------------------------------------------------------


@dataclass
class FaultRule:
    kind: str
    service: str = "*"
    action: str = "*"
    rate: float = 1.0
    count: int | None = None
    after: str | None = None
    seconds: float = 0.0
    status: int | None = None
    code: str | None = None
    message: str | None = None
    comment: str | None = None
    # state
    injected: int = 0
    armed: bool = True
    matched: int = field(default=0)

    @classmethod
    def from_dict(cls, raw: Any, index: int = 0) -> FaultRule:
        where = f"rules[{index}]"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: a rule is a JSON object, got {type(raw).__name__}")
        unknown = set(raw) - RULE_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(RULE_KEYS)}")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{where}: kind must be one of {list(KINDS)}, got {kind!r}")
        rule = cls(kind=kind)
        for key in ("service", "action"):
            value = raw.get(key, "*")
            if not isinstance(value, str) or not value:
                raise ValueError(f"{where}: {key} must be a non-empty string (glob)")
            setattr(rule, key, value)
        rate = raw.get("rate", 1.0)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"{where}: rate must be a number between 0 and 1, got {rate!r}")
        rule.rate = float(rate)
        count = raw.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            raise ValueError(f"{where}: count must be a non-negative integer, got {count!r}")
        rule.count = count
        after = raw.get("after")
        if after is not None and (not isinstance(after, str) or not after):
            raise ValueError(f"{where}: after must be an action glob or 'service:Action', got {after!r}")
        rule.after = after
        rule.armed = after is None
        for key in ("code", "message", "comment"):
            value = raw.get(key)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{where}: {key} must be a string")
            setattr(rule, key, value)
        status = raw.get("status")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
            raise ValueError(f"{where}: status must be an integer")
        if kind == "delay":
            seconds = raw.get("seconds")
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                raise ValueError(f"{where}: a delay needs seconds >= 0, got {seconds!r}")
            rule.seconds = float(seconds)
        elif "seconds" in raw:
            raise ValueError(f"{where}: seconds only applies to kind 'delay'")
        if kind == "error":
            status = 500 if status is None else status
            if status not in (500, 503):
                raise ValueError(f"{where}: an error has status 500 or 503, got {status}")
        elif kind == "error_code":
            if not rule.code:
                raise ValueError(f"{where}: error_code needs a code")
            status = 400 if status is None else status
            if not 400 <= status <= 599:
                raise ValueError(f"{where}: status must be 400-599, got {status}")
        elif status is not None:
            raise ValueError(f"{where}: status only applies to kinds 'error' and 'error_code'")
        rule.status = status
        return rule

    def config(self) -> dict[str, Any]:
        out: dict[str, Any] = {"service": self.service, "action": self.action, "kind": self.kind, "rate": self.rate}
        for key in ("count", "after", "status", "code", "message", "comment"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.kind == "delay":
            out["seconds"] = self.seconds
        return out

    def describe(self) -> dict[str, Any]:
        return {
            **self.config(),
            "matched": self.matched,
            "injected": self.injected,
            "armed": self.armed,
            "spent": self.spent,
        }

    @property
    def spent(self) -> bool:
        return self.count is not None and self.injected >= self.count

    def matches(self, service: str, action: str) -> bool:
        return fnmatch.fnmatchcase(service, self.service) and fnmatch.fnmatchcase(action, self.action)

    def arms_on(self, service: str, action: str) -> bool:
        if self.after is None:
            return False
        if ":" in self.after:
            after_service, after_action = self.after.split(":", 1)
        else:
            after_service, after_action = self.service, self.after
        return fnmatch.fnmatchcase(service, after_service) and fnmatch.fnmatchcase(action, after_action)


def parse_config(raw: Any) -> tuple[int, list[FaultRule]]:
    """Validate ``{"seed": N, "rules": [...]}`` (a bare list of rules is accepted too); ``ValueError`` if invalid."""
    if raw is None:
        return 0, []
    if isinstance(raw, list):
        raw = {"rules": raw}
    if not isinstance(raw, dict):
        raise ValueError("fault config is a JSON object {'seed': N, 'rules': [...]}")
    unknown = set(raw) - {"seed", "rules"}
    if unknown:
        raise ValueError(f"unknown fault config key(s) {sorted(unknown)}; known: ['rules', 'seed']")
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    rules_raw = raw.get("rules", [])
    if not isinstance(rules_raw, list):
        raise ValueError("rules must be a list")
    return seed, [FaultRule.from_dict(item, i) for i, item in enumerate(rules_raw)]


class FaultInjector:
    """The interceptor (``__call__``) and observer (:meth:`observe`) that apply one fault rule set."""

    def __init__(self, resolver: OperationResolver | None = None, sleep: Any = time.sleep) -> None:
        self._lock = threading.RLock()
        self._resolver = resolver
        self._sleep = sleep
        self.seed = 0
        self.rules: list[FaultRule] = []
        self._rng = random.Random(0)

    # -- configuration -----------------------------------------------------------------------------------------

    def configure(self, raw: Any) -> dict[str, Any]:
        """Replace the rule set (state and RNG start afresh)."""
        seed, rules = parse_config(raw)
        with self._lock:
            self.seed = seed
            self.rules = rules
            self._rng = random.Random(seed)
        return self.describe()

    def clear(self) -> dict[str, Any]:
        return self.configure(None)

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {"seed": self.seed, "rules": [rule.describe() for rule in self.rules]}

    # -- middleware hooks --------------------------------------------------------------------------------------

    def __call__(self, ctx: RequestContext) -> InjectedResponse | None:
        if not self.rules:
            return None
        delays = 0.0
        fired: FaultRule | None = None
        with self._lock:
            for rule in self.rules:
                if not rule.armed or rule.spent or not rule.matches(ctx.service, ctx.action):
                    continue
                rule.matched += 1
                if rule.rate < 1.0 and self._rng.random() >= rule.rate:
                    continue
                rule.injected += 1
                if rule.kind == "delay":
                    delays += rule.seconds
                    ctx.injected = "delay"
                    continue
                fired = rule
                break
        if delays:
            self._sleep(delays)
        if fired is None:
            return None
        ctx.injected = fired.kind
        return self._response(fired, ctx)

    def observe(self, ctx: RequestContext, status: int) -> None:
        """Arm the ``after`` rules on a successful matching request."""
        if status >= 400 or not self.rules:
            return
        with self._lock:
            for rule in self.rules:
                if not rule.armed and rule.arms_on(ctx.service, ctx.action):
                    rule.armed = True

    def _response(self, rule: FaultRule, ctx: RequestContext) -> InjectedResponse:
        protocol, json_version = request_protocol(ctx, self._resolver)
        if rule.kind == "throttle":
            spec = throttle_spec(protocol, ctx.service)
            if rule.message:
                spec = ErrorSpec(spec.status, spec.code, rule.message)
            return error_response(protocol, ctx.service, spec, json_version)
        if rule.kind == "reset":
            return InjectedResponse(0, drop_connection=True)
        if rule.kind == "commit_then_fail":
            response = error_response(protocol, ctx.service, server_error_spec(protocol, 500), json_version)
            response.commit = True
            return response
        if rule.kind == "error":
            spec = server_error_spec(protocol, int(rule.status or 500))
            if rule.code or rule.message:
                spec = ErrorSpec(spec.status, rule.code or spec.code, rule.message or spec.message)
            return error_response(protocol, ctx.service, spec, json_version)
        # error_code
        spec = ErrorSpec(int(rule.status or 400), str(rule.code), rule.message or f"{rule.code} (injected)")
        return error_response(protocol, ctx.service, spec, json_version)


def install(middleware: Any, injector: FaultInjector | None = None) -> FaultInjector:
    """Put ``injector`` first among ``middleware``'s interceptors, register it as an observer, serve
    ``/_stacksmith/faults`` and clear it on reset."""
    injector = injector or FaultInjector(resolver=getattr(middleware, "resolver", None))
    middleware.fault_injector = injector
    middleware.interceptors.insert(0, injector)
    middleware.observers.append(injector.observe)
    middleware.reset_hooks.append(injector.clear)
    middleware.add_control_route(
        "/faults",
        {
            "GET": lambda req: (200, injector.describe()),
            "POST": lambda req: (200, injector.configure(req.json())),
            "DELETE": lambda req: (200, injector.clear()),
        },
    )
    return injector
