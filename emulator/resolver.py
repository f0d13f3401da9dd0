"""Resolve an incoming AWS API request to (botocore service name, operation name, kind).

The resolver only reads the request (headers, path, query string and an already buffered form body); it never
touches moto. It works from botocore's own service models, so the names it reports are exactly the names in the
botocore model (``ec2`` / ``CreateVpc``, ``s3`` / ``PutBucketEncryption``, ``efs`` / ``DescribeTags``...).

* Service: the SigV4 credential scope (``Authorization`` header, or ``X-Amz-Credential`` for presigned URLs) gives
  the *signing name* (``elasticfilesystem``, ``monitoring``, ``s3``...). The mapping from signing name to botocore
  model names is built from each model's ``metadata.signingName`` (or ``endpointPrefix``), read cheaply from the
  head of each ``service-2.json(.gz)`` file. When several models share one signing name (``s3`` / ``s3control``,
  ``ses`` / ``sesv2``, ``elasticloadbalancing`` -> ``elb`` / ``elbv2``...), the request itself decides. Without a
  signature the ``Host`` header is tried.
* Operation: ``X-Amz-Target`` (JSON protocols), the ``Action`` parameter (query / ec2 protocols), the Smithy RPCv2
  path ``/service/<Service>/operation/<Op>``, or, for rest-json / rest-xml services, the HTTP method, path and
  query-string keys matched against each operation's ``http.method`` / ``http.requestUri`` (compiled once per
  service and cached).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

READ_PREFIXES: tuple[str, ...] = (
    "Describe",
    "List",
    "Get",
    "Head",
    "Search",
    "Lookup",
    "Query",
    "Scan",
    "Select",
    "Check",
    "Validate",
    "Preview",
    "Test",
    "BatchGet",
)

_CREDENTIAL_RE = re.compile(r"Credential=([^,\s]+)")
_RPC_V2_PATH_RE = re.compile(r"^/service/([^/]+)/operation/([^/]+)/?$")


def kind_of(action: str | None, method: str) -> str:
    """``read`` for operations named like reads (Describe*, List*, Get*...), else ``write``.

    When no operation could be resolved (``action`` is None), GET and HEAD count as reads.
    """
    if action:
        return "read" if action.startswith(READ_PREFIXES) else "write"
    return "read" if method.upper() in ("GET", "HEAD") else "write"


@dataclass(frozen=True)
class Resolution:
    """What a request is, in botocore's terms."""

    service: str
    action: str
    kind: str
    resolved: bool  # False when the action is the "<METHOD> <path>" fallback


@dataclass(frozen=True)
class _RestMatcher:
    operation: str
    method: str
    regex: re.Pattern[str]
    query: tuple[tuple[str, str | None], ...]  # required keys, with a required value or None
    headers: tuple[str, ...]  # required headers (WSGI environ keys), e.g. CopyObject's x-amz-copy-source
    score: tuple[int, int, int, int, int]


@dataclass
class _ServiceInfo:
    name: str
    metadata: dict[str, Any]
    operations: frozenset[str] | None = None
    rest_matchers: list[_RestMatcher] | None = None

    @property
    def protocols(self) -> list[str]:
        protocols = list(self.metadata.get("protocols") or [])
        if self.metadata.get("protocol") and self.metadata["protocol"] not in protocols:
            protocols.append(self.metadata["protocol"])
        return protocols

    @property
    def signing_name(self) -> str:
        return str(self.metadata.get("signingName") or self.metadata.get("endpointPrefix") or self.name)


def _required_http_members(operation_model: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required query-string keys, required headers as WSGI environ keys) of an operation's input."""
    shape = operation_model.input_shape
    if shape is None:
        return (), ()
    required = set(shape.required_members)
    query: list[str] = []
    headers: list[str] = []
    for name, member in shape.members.items():
        if name not in required:
            continue
        location = member.serialization.get("location")
        wire_name = str(member.serialization.get("name") or name)
        if location == "querystring":
            query.append(wire_name)
        elif location == "header":
            header = wire_name.upper().replace("-", "_")
            headers.append(header if header in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + header)
    return tuple(sorted(query)), tuple(sorted(headers))


def _compile_request_uri(
    operation: str,
    method: str,
    request_uri: str,
    headers: tuple[str, ...] = (),
    query_members: tuple[str, ...] = (),
    deprecated: bool = False,
) -> _RestMatcher:
    path, _, query = request_uri.partition("?")
    if len(path) > 1:
        path = path.rstrip("/")
    literal_chars = 0
    greedy = 0
    pattern = ""
    for token in re.split(r"(\{[^}]+\})", path):
        if not token:
            continue
        if token.startswith("{") and token.endswith("}"):
            if token.endswith("+}"):
                pattern += ".+"
                greedy += 1
            else:
                pattern += "[^/]+"
        else:
            pattern += re.escape(token)
            literal_chars += len(token)
    required: list[tuple[str, str | None]] = []
    for part in filter(None, query.split("&")):
        key, eq, value = part.partition("=")
        required.append((key, value if eq and "{" not in value else None))
    for key in query_members:
        if all(key != existing for existing, _ in required):
            required.append((key, None))
    return _RestMatcher(
        operation=operation,
        method=method.upper(),
        regex=re.compile(f"^{pattern}$"),
        query=tuple(required),
        headers=headers,
        score=(len(required), len(headers), literal_chars, -greedy, 0 if deprecated else 1),
    )


class OperationResolver:
    """Thread-safe, cached resolver from WSGI request data to botocore service and operation names."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._services: dict[str, _ServiceInfo] | None = None
        self._by_signing_name: dict[str, list[str]] = {}
        self._by_endpoint_prefix: dict[str, list[str]] = {}
        self._by_target_prefix: dict[str, list[str]] = {}
        self._by_api_version: dict[str, list[str]] = {}
        self._loader: Any = None

    # -- botocore model access ---------------------------------------------------------------------------------

    def _ensure_index(self) -> dict[str, _ServiceInfo]:
        with self._lock:
            if self._services is not None:
                return self._services
            import botocore.session

            session = botocore.session.get_session()
            self._loader = session.get_component("data_loader")
            services: dict[str, _ServiceInfo] = {}
            for name in self._loader.list_available_services("service-2"):
                metadata = self._read_metadata(name)
                if metadata is None:
                    continue
                info = _ServiceInfo(name=name, metadata=metadata)
                services[name] = info
                self._by_signing_name.setdefault(info.signing_name.lower(), []).append(name)
                prefix = str(metadata.get("endpointPrefix") or name).lower()
                self._by_endpoint_prefix.setdefault(prefix, []).append(name)
                if metadata.get("targetPrefix"):
                    self._by_target_prefix.setdefault(str(metadata["targetPrefix"]), []).append(name)
                if {"query", "ec2"} & set(info.protocols):
                    self._by_api_version.setdefault(str(metadata.get("apiVersion", "")), []).append(name)
            self._services = services
            return services

    def _read_metadata(self, name: str) -> dict[str, Any] | None:
        """Read only the ``metadata`` object near the head of a model file (loading all models takes seconds)."""
        from botocore.exceptions import BotoCoreError

        try:
            version = self._loader.determine_latest_version(name, "service-2")
        except BotoCoreError:
            return None
        decoder = json.JSONDecoder()
        for search_path in self._loader.search_paths:
            base = os.path.join(search_path, name, version, "service-2.json")
            for path, opener in ((base + ".gz", gzip.open), (base, open)):
                if not os.path.exists(path):
                    continue
                try:
                    with opener(path, "rb") as handle:  # type: ignore[operator]
                        head = handle.read(32768).decode("utf-8", "replace")
                    start = head.index("{", head.index('"metadata"'))
                    metadata, _ = decoder.raw_decode(head, start)
                    return dict(metadata)
                except (OSError, ValueError):
                    model = self._loader.load_service_model(name, "service-2")
                    return dict(model.get("metadata", {}))
        return None

    def service_metadata(self, name: str) -> dict[str, Any]:
        """The ``metadata`` object of botocore's model for service ``name`` (empty for an unknown service)."""
        info = self._ensure_index().get(name)
        return dict(info.metadata) if info is not None else {}

    def service_protocols(self, name: str) -> list[str]:
        """The wire protocols of ``name``'s model, preferred first (``metadata.protocols``, else ``protocol``)."""
        info = self._ensure_index().get(name)
        return info.protocols if info is not None else []

    def _service_model(self, name: str) -> Any:
        import botocore.session

        return botocore.session.get_session().get_service_model(name)

    def _operations(self, info: _ServiceInfo) -> frozenset[str]:
        with self._lock:
            if info.operations is None:
                info.operations = frozenset(self._service_model(info.name).operation_names)
            return info.operations

    def _rest_matchers(self, info: _ServiceInfo) -> list[_RestMatcher]:
        with self._lock:
            if info.rest_matchers is None:
                model = self._service_model(info.name)
                matchers = []
                for op_name in model.operation_names:
                    op_model = model.operation_model(op_name)
                    http = op_model.http
                    if http.get("method") and http.get("requestUri"):
                        query_members, headers = _required_http_members(op_model)
                        matchers.append(
                            _compile_request_uri(
                                op_name,
                                http["method"],
                                http["requestUri"],
                                headers=headers,
                                query_members=query_members,
                                deprecated=bool(op_model.deprecated),
                            )
                        )
                matchers.sort(key=lambda m: m.score, reverse=True)
                info.rest_matchers = matchers
            return info.rest_matchers

    def candidates_for_signing_name(self, signing_name: str) -> list[str]:
        """botocore model names whose requests are signed with ``signing_name`` (preferred one first)."""
        services = self._ensure_index()
        key = signing_name.lower()
        names = list(self._by_signing_name.get(key, []))
        for extra in self._by_endpoint_prefix.get(key, []) + ([key] if key in services else []):
            if extra not in names:
                names.append(extra)

        def preference(name: str) -> tuple[int, int, str]:
            info = services[name]
            return (
                0 if name == key else 1,
                0 if str(info.metadata.get("endpointPrefix", "")).lower() == key else 1,
                name,
            )

        return sorted(names, key=preference)

    # -- request analysis -----------------------------------------------------------------------------------

    @staticmethod
    def signing_name_from(environ: dict[str, Any], query: dict[str, list[str]]) -> str | None:
        """The service part of a SigV4 credential scope (header or presigned query string), if any."""
        credential = None
        match = _CREDENTIAL_RE.search(environ.get("HTTP_AUTHORIZATION", "") or "")
        if match:
            credential = match.group(1)
        elif query.get("X-Amz-Credential"):
            credential = query["X-Amz-Credential"][0]
        if credential:
            parts = credential.split("/")
            if len(parts) >= 5:
                return parts[-2]
        return None

    def _signing_name_from_host(self, host: str) -> str | None:
        host = host.split(":")[0].lower()
        services = self._ensure_index()
        for label in host.split("."):
            if label in self._by_endpoint_prefix or label in self._by_signing_name or label in services:
                return label
        return None

    def _unsigned_candidates(self, environ: dict[str, Any], params: dict[str, list[str]]) -> list[str]:
        """Services that could have sent an unsigned request (STS AssumeRoleWithWebIdentity, Cognito...)."""
        self._ensure_index()
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return sorted(self._by_target_prefix.get(str(target).rpartition(".")[0], []))
        version = (params.get("Version") or [None])[0]
        action = (params.get("Action") or [None])[0]
        if version and action and self._services:
            names = self._by_api_version.get(str(version), [])
            return [n for n in sorted(names) if action in self._operations(self._services[n])]
        return []

    def resolve(self, environ: dict[str, Any], form_body: str | None = None) -> Resolution:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", "") or "/")
        query = parse_qs(str(environ.get("QUERY_STRING", "") or ""), keep_blank_values=True)
        params = dict(query)
        if form_body:
            for key, values in parse_qs(form_body, keep_blank_values=True).items():
                params.setdefault(key, values)

        signing_name = self.signing_name_from(environ, query)
        if signing_name is None:
            signing_name = self._signing_name_from_host(str(environ.get("HTTP_HOST", "")))
        if signing_name is not None:
            candidates = self.candidates_for_signing_name(signing_name)
        else:
            candidates = self._unsigned_candidates(environ, params)

        s3_path = path
        host = str(environ.get("HTTP_HOST", "")).split(":")[0].lower()
        if signing_name == "s3" and ".s3." in f".{host}" and not host.startswith("s3."):
            # virtual-hosted-style request: the bucket is the first label of the host
            s3_path = "/" + host.split(".s3.")[0] + (path if path != "/" else "")

        best: tuple[tuple[int, ...], str, str] | None = None
        for rank, name in enumerate(candidates):
            info = self._services[name] if self._services else None
            if info is None:
                continue
            found = self._match(info, environ, method, s3_path if name == "s3" else path, query, params)
            if found is None:
                continue
            score, action = found
            key = (*score, -rank)
            if best is None or key > best[0]:
                best = (key, name, action)

        if best is not None:
            _, service, action = best
            return Resolution(service=service, action=action, kind=kind_of(action, method), resolved=True)

        service = candidates[0] if candidates else (signing_name or "unknown")
        target = environ.get("HTTP_X_AMZ_TARGET")
        action_param = (params.get("Action") or [None])[0]
        if target or action_param:
            action = str(target).rsplit(".", 1)[-1] if target else str(action_param)
            return Resolution(service=service, action=action, kind=kind_of(action, method), resolved=True)
        return Resolution(service=service, action=f"{method} {path}", kind=kind_of(None, method), resolved=False)

    def _match(
        self,
        info: _ServiceInfo,
        environ: dict[str, Any],
        method: str,
        path: str,
        query: dict[str, list[str]],
        params: dict[str, list[str]],
    ) -> tuple[tuple[int, ...], str] | None:
        """Score how well one model explains the request; higher tuples are better matches."""
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            prefix, _, operation = str(target).rpartition(".")
            if info.metadata.get("targetPrefix") and prefix == info.metadata["targetPrefix"]:
                return (4, 0, 0), operation
            return None

        action = (params.get("Action") or [None])[0]
        if action and ({"query", "ec2"} & set(info.protocols)):
            version = (params.get("Version") or [None])[0]
            if version and version == info.metadata.get("apiVersion"):
                return (3, 1, 0), str(action)
            if action in self._operations(info):
                return (3, 0, 0), str(action)
            return None

        rpc = _RPC_V2_PATH_RE.match(path)
        if rpc and "smithy-rpc-v2-cbor" in info.protocols:
            if rpc.group(1) == info.metadata.get("targetPrefix") or rpc.group(2) in self._operations(info):
                return (4, 0, 0), rpc.group(2)
            return None

        if not ({"rest-json", "rest-xml"} & set(info.protocols)):
            return None
        norm_path = path.rstrip("/") if len(path) > 1 else path
        for matcher in self._rest_matchers(info):
            if matcher.method != method:
                continue
            if not matcher.regex.match(norm_path):
                continue
            if not all(key in query and (value is None or value in query[key]) for key, value in matcher.query):
                continue
            if all(environ.get(header) for header in matcher.headers):
                return (1, *matcher.score), matcher.operation
        return None


_default_resolver: OperationResolver | None = None
_default_lock = threading.Lock()


def default_resolver() -> OperationResolver:
    """The process-wide resolver (its caches are shared by every server in the process)."""
    global _default_resolver
    with _default_lock:
        if _default_resolver is None:
            _default_resolver = OperationResolver()
        return _default_resolver
