"""Latency profile: long-running resources stay in their real transitional state for ``duration * scale`` seconds.

On moto every resource is ready the instant it is created. Here each *latency rule* (one per resource type, listed
by :func:`rules`, each with the real behaviour it models) records when a resource was created and reports the
transitional state (``pending``, ``creating``, ``provisioning``, ``InProgress``, ``IN_PROGRESS``) until
``created + profile[key][phase] * scale``; after that moto's own value shows through. Deletes are modelled where
the rule says so (``deleting`` for the delete duration, with a *tombstone* where moto forgets the object at once).

Configuration (process-wide, like moto's backends; it survives ``/_stacksmith/reset``):

* ``scale``: ``$STACKSMITH_LATENCY_SCALE`` at first use, default 0 (everything instant, as moto).
* profile: ``emulator/profiles/default.json`` (seconds per key and phase: ``create`` / ``update`` / ``delete``),
  overridden by the JSON file named by ``$STACKSMITH_LATENCY_PROFILE`` and by :meth:`LatencyConfig.configure`.

The duration is fixed when the resource is created (a later scale change does not move it). Every timed resource
is recorded in the :data:`TIMELINE` (``GET /_stacksmith/timeline``), cleared by ``/_stacksmith/reset``.

Mechanism: for a moto model class whose attribute holds the state (``NatGateway.state``, ``DBInstance.status``...),
a class-level property replaces the attribute. The setter stores moto's value as before (in the instance
``__dict__`` under the same name, or through moto's own property); the getter returns the transitional value while
the resource's timer runs and moto's value reports it ready. Timers start in wrappers around the backend's create
methods, so only resources the API created are timed. Nothing in site-packages is edited.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCALE_ENV = "STACKSMITH_LATENCY_SCALE"
PROFILE_ENV = "STACKSMITH_LATENCY_PROFILE"
DEFAULT_PROFILE_PATH = Path(__file__).resolve().parent / "profiles" / "default.json"
PHASES = ("create", "update", "delete")
TIMER_ATTR = "_stacksmith_latency"

_lock = threading.RLock()


# -- profile and configuration -----------------------------------------------------------------------------------


def load_profile_file(path: str | Path) -> dict[str, dict[str, Any]]:
    """Entries ``{key: {"create": s, "update": s, "delete": s, "source": "..."}}``; keys starting with ``_`` are
    comments."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: a latency profile is a JSON object")
    return {k: v for k, v in raw.items() if not k.startswith("_")}


def _numbers(entry: dict[str, Any]) -> dict[str, float]:
    return {phase: float(entry[phase]) for phase in PHASES if phase in entry and entry[phase] is not None}


def normalise_overrides(raw: Any, known: set[str] | None = None) -> dict[str, dict[str, float]]:
    """``{"nat_gateway": 5}`` (create only) or ``{"nat_gateway": {"create": 5, "delete": 1}}`` -> numbers per phase.

    Raises ``ValueError`` for unknown keys (when ``known`` is given), unknown phases or negative numbers.
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError("profile overrides are a JSON object {key: seconds | {phase: seconds}}")
    out: dict[str, dict[str, float]] = {}
    for key, value in raw.items():
        if known is not None and key not in known:
            raise ValueError(f"unknown latency profile key {key!r}; known: {sorted(known)}")
        if isinstance(value, bool):
            raise ValueError(f"{key}: seconds must be a number")
        if isinstance(value, int | float):
            value = {"create": value}
        if not isinstance(value, dict):
            raise ValueError(f"{key}: expected seconds or an object of {list(PHASES)}")
        entry: dict[str, float] = {}
        for phase, seconds in value.items():
            if phase in ("source", "comment", "delete_source", "update_source"):
                continue
            if phase not in PHASES:
                raise ValueError(f"{key}: unknown phase {phase!r}; known: {list(PHASES)}")
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                raise ValueError(f"{key}.{phase}: seconds must be a number >= 0, got {seconds!r}")
            entry[phase] = float(seconds)
        out[key] = entry
    return out


def _env_scale() -> float:
    raw = (os.environ.get(SCALE_ENV) or "").strip()
    if not raw:
        return 0.0
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError(f"{SCALE_ENV} must be a number, got {raw!r}") from None
    if scale < 0:
        raise ValueError(f"{SCALE_ENV} must be >= 0, got {raw!r}")
    return scale


class LatencyConfig:
    """Scale and profile (process-wide). ``seconds(key, phase)`` = profile value * scale."""

    def __init__(self, profile_path: str | Path = DEFAULT_PROFILE_PATH) -> None:
        self._lock = threading.RLock()
        self.profile_path = Path(profile_path)
        self._entries = load_profile_file(self.profile_path)
        self._base = {key: _numbers(entry) for key, entry in self._entries.items()}
        self.scale = 0.0
        self.overrides: dict[str, dict[str, float]] = {}
        self.reset()

    def reset(self) -> None:
        """Back to the environment's configuration (``$STACKSMITH_LATENCY_SCALE``, ``$STACKSMITH_LATENCY_PROFILE``)."""
        with self._lock:
            self.scale = _env_scale()
            self.overrides = {}
            extra = (os.environ.get(PROFILE_ENV) or "").strip()
            if extra:
                self._merge(normalise_overrides(load_profile_file(extra), set(self._base)))

    def _merge(self, overrides: dict[str, dict[str, float]]) -> None:
        for key, entry in overrides.items():
            self.overrides.setdefault(key, {}).update(entry)

    def configure(self, scale: float | None = None, profile: Any = None, replace_profile: bool = False) -> None:
        """Set the scale and/or merge profile overrides (``replace_profile``: drop earlier overrides first)."""
        if scale is not None:
            if isinstance(scale, bool) or not isinstance(scale, int | float) or scale < 0:
                raise ValueError(f"scale must be a number >= 0, got {scale!r}")
        overrides = normalise_overrides(profile, set(self._base))
        with self._lock:
            if scale is not None:
                self.scale = float(scale)
            if replace_profile:
                self.overrides = {}
            self._merge(overrides)

    def profile(self) -> dict[str, dict[str, float]]:
        """The effective profile (unscaled seconds per key and phase)."""
        with self._lock:
            merged = {key: dict(entry) for key, entry in self._base.items()}
            for key, entry in self.overrides.items():
                merged.setdefault(key, {}).update(entry)
            return merged

    def base_seconds(self, key: str, phase: str = "create") -> float:
        return float(self.profile().get(key, {}).get(phase, 0.0))

    def seconds(self, key: str, phase: str = "create") -> float:
        """The scaled duration of ``phase`` for ``key`` (0 for an unknown key / phase)."""
        with self._lock:
            return self.base_seconds(key, phase) * self.scale

    def sources(self) -> dict[str, dict[str, str]]:
        return {
            key: {k: str(v) for k, v in entry.items() if k.endswith("source")} for key, entry in self._entries.items()
        }

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "scale": self.scale,
                "profile": self.profile(),
                "overrides": {k: dict(v) for k, v in self.overrides.items()},
                "profile_file": str(self.profile_path),
                "sources": self.sources(),
                "rules": rules(),
            }


_config: LatencyConfig | None = None


def config() -> LatencyConfig:
    """The process-wide configuration (created from the environment at first use)."""
    global _config
    with _lock:
        if _config is None:
            _config = LatencyConfig()
        return _config


# -- timeline ----------------------------------------------------------------------------------------------------


@dataclass
class TimelineRecord:
    """One timed phase of one resource. Epoch seconds; ``ready`` None while not known yet (ACM: before the
    validation record is seen)."""

    kind: str
    id: str
    service: str
    phase: str
    created: float
    ready: float | None
    seconds: float
    deleted: float | None = None
    delete_done: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    seq: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = {
            "seq": self.seq,
            "kind": self.kind,
            "id": self.id,
            "service": self.service,
            "phase": self.phase,
            "created": round(self.created, 6),
            "ready": None if self.ready is None else round(self.ready, 6),
            "seconds": round(self.seconds, 6),
            "deleted": None if self.deleted is None else round(self.deleted, 6),
            "delete_done": None if self.delete_done is None else round(self.delete_done, 6),
        }
        out.update(self.extra)
        return out

    def pending(self, now: float | None = None) -> bool:
        """True while the resource is not ready yet (creation / update still running)."""
        now = time.time() if now is None else now
        return self.ready is None or now < self.ready

    def deleting(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return self.deleted is not None and self.delete_done is not None and now < self.delete_done


class Timeline:
    """Thread-safe list of :class:`TimelineRecord`; tombstones of deleted resources live here too."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._records: list[TimelineRecord] = []
        self._tombstones: dict[str, list[tuple[Any, TimelineRecord, str, str]]] = {}
        self._seq = 0

    def add(
        self,
        kind: str,
        resource_id: str,
        service: str,
        seconds: float,
        phase: str = "create",
        created: float | None = None,
        ready_known: bool = True,
        **extra: Any,
    ) -> TimelineRecord:
        created = time.time() if created is None else created
        record = TimelineRecord(
            kind=kind,
            id=str(resource_id),
            service=service,
            phase=phase,
            created=created,
            ready=created + seconds if ready_known else None,
            seconds=seconds,
            extra=dict(extra),
        )
        with self._lock:
            self._seq += 1
            record.seq = self._seq
            self._records.append(record)
        return record

    def mark_deleted(self, record: TimelineRecord, seconds: float, when: float | None = None) -> None:
        when = time.time() if when is None else when
        with self._lock:
            if record.deleted is None:
                record.deleted = when
                record.delete_done = when + seconds
                record.extra["delete_seconds"] = round(seconds, 6)

    def records(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.to_dict() for r in self._records]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._tombstones.clear()
            self._seq = 0

    # tombstones: objects moto removed at once but AWS still lists (state "deleting") for the delete duration

    def add_tombstone(self, category: str, obj: Any, record: TimelineRecord, account: str, region: str) -> None:
        with self._lock:
            self._tombstones.setdefault(category, []).append((obj, record, account, region))

    def tombstones(self, category: str, account: str, region: str) -> list[Any]:
        """Live tombstones (expired ones are dropped)."""
        now = time.time()
        with self._lock:
            entries = self._tombstones.get(category, [])
            live = [e for e in entries if e[1].deleting(now)]
            self._tombstones[category] = live
            return [obj for obj, _, acc, reg in live if acc == account and reg == region]


TIMELINE = Timeline()


def timeline() -> list[dict[str, Any]]:
    return TIMELINE.records()


def clear_timeline() -> None:
    TIMELINE.clear()


# -- rule registry -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatencyRule:
    name: str
    service: str
    profile_keys: tuple[str, ...]
    real_behaviour: str
    moto_behaviour: str
    emulation: str
    apply: Callable[[], None]

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "service": self.service,
            "profile_keys": list(self.profile_keys),
            "real_behaviour": self.real_behaviour,
            "moto_behaviour": self.moto_behaviour,
            "emulation": self.emulation,
            "applied": self.name in _applied,
        }


_rules: dict[str, LatencyRule] = {}
_applied: set[str] = set()


def latency_rule(
    name: str, service: str, profile_keys: tuple[str, ...], real_behaviour: str, moto_behaviour: str, emulation: str
) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register ``apply`` as the latency rule ``name`` (a shim-like label: what real behaviour it models)."""

    def decorator(fn: Callable[[], None]) -> Callable[[], None]:
        _rules[name] = LatencyRule(
            name=name,
            service=service,
            profile_keys=profile_keys,
            real_behaviour=" ".join(real_behaviour.split()),
            moto_behaviour=" ".join(moto_behaviour.split()),
            emulation=" ".join(emulation.split()),
            apply=fn,
        )
        return fn

    return decorator


def rules() -> list[dict[str, Any]]:
    with _lock:
        return [_rules[name].describe() for name in sorted(_rules)]


def apply_all() -> list[str]:
    """Install every latency rule once per process (idempotent); returns the names applied now."""
    done: list[str] = []
    with _lock:
        config()
        for name in sorted(_rules):
            if name in _applied:
                continue
            _rules[name].apply()
            _applied.add(name)
            done.append(name)
    return done


# -- generic helpers ---------------------------------------------------------------------------------------------

_raw_view: contextvars.ContextVar[bool] = contextvars.ContextVar("stacksmith_latency_raw", default=False)


@contextlib.contextmanager
def raw_view() -> Iterator[None]:
    """Inside, timed properties return moto's own values (for moto's bookkeeping inside backend methods)."""
    token = _raw_view.set(True)
    try:
        yield
    finally:
        _raw_view.reset(token)


def timer_of(obj: Any) -> TimelineRecord | None:
    try:
        return obj.__dict__.get(TIMER_ATTR)
    except AttributeError:
        return None


def start_timer(obj: Any, kind: str, resource_id: str, service: str, key: str, phase: str = "create", **extra: Any):
    """Time ``obj``'s ``phase`` with the profile's ``key`` (at the current scale) and record it in the timeline.

    A create of a resource that is already timed under the same id (an idempotent retry that returned the existing
    object) keeps the running timer; a copy under another id (an RDS read replica) gets its own."""
    existing = timer_of(obj)
    if phase == "create" and existing is not None and existing.phase == "create" and existing.id == str(resource_id):
        return existing
    seconds = config().seconds(key, phase)
    record = TIMELINE.add(kind, resource_id, service, seconds, phase=phase, profile_key=key, **extra)
    obj.__dict__[TIMER_ATTR] = record
    return record


def mark_deleted(obj: Any, key: str, instant: bool = False) -> TimelineRecord | None:
    """Record ``obj``'s deletion: ``delete_done`` = now + the key's delete time * scale (now when ``instant``)."""
    record = timer_of(obj)
    if record is None:
        return None
    TIMELINE.mark_deleted(record, 0.0 if instant else config().seconds(key, "delete"))
    return record


def wrap_delete(owner: type, name: str, find: Callable[..., Any], key: str, instant: bool = False) -> None:
    """Wrap a backend delete method that returns nothing useful: ``find(backend, *args, **kwargs)`` picks the object
    before the call; after a successful call its deletion is recorded."""
    original = getattr(owner, name)
    if getattr(original, "_stacksmith_latency", False):
        return

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            obj = find(self, *args, **kwargs)
        except Exception:  # noqa: BLE001 - moto raises its own error below
            obj = None
        result = original(self, *args, **kwargs)
        if obj is not None:
            mark_deleted(obj, key, instant=instant)
        return result

    wrapper._stacksmith_latency = True  # type: ignore[attr-defined]
    setattr(owner, name, wrapper)


def install_state_property(
    cls: type,
    attr: str,
    transitional: str,
    ready_values: tuple[str, ...],
    delete_transitional: str | None = None,
    delete_values: tuple[str, ...] = (),
) -> None:
    """Replace ``cls.<attr>`` by a property that reports ``transitional`` while the object's timer runs and moto's
    value is one of ``ready_values`` (and ``delete_transitional`` while its delete runs and moto's value is one of
    ``delete_values``). moto's value is kept as before: in ``__dict__[attr]``, or through moto's own property."""
    original = None
    for klass in cls.__mro__:
        if attr in klass.__dict__:
            original = klass.__dict__[attr]
            break
    if isinstance(original, property) and getattr(original.fget, "_stacksmith_latency", False):
        return  # already installed

    if isinstance(original, property):
        prop = original

        def get_raw(self: Any) -> Any:
            return prop.fget(self)  # type: ignore[misc]

        def set_raw(self: Any, value: Any) -> None:
            if prop.fset is None:
                raise AttributeError(attr)
            prop.fset(self, value)

    else:

        def get_raw(self: Any) -> Any:
            try:
                return self.__dict__[attr]
            except KeyError:
                raise AttributeError(attr) from None

        def set_raw(self: Any, value: Any) -> None:
            self.__dict__[attr] = value

    def fget(self: Any) -> Any:
        raw = get_raw(self)
        record = self.__dict__.get(TIMER_ATTR)
        if record is None or _raw_view.get():
            return raw
        now = time.time()
        if record.deleted is not None:
            if delete_transitional is not None and raw in delete_values and record.deleting(now):
                return delete_transitional
            return raw
        if raw in ready_values and record.pending(now):
            return transitional
        return raw

    fget._stacksmith_latency = True  # type: ignore[attr-defined]
    setattr(cls, attr, property(fget, set_raw, doc=f"{attr} (timed by emulator.latency)"))


def wrap_method(owner: type, name: str, after: Callable[..., Any] | None = None, raw: bool = False) -> None:
    """Wrap ``owner.<name>``: ``after(self, result, args, kwargs)`` runs after a successful call and may replace the
    result (if it returns something not None); ``raw``: the call runs inside :func:`raw_view`."""
    original = getattr(owner, name)
    if getattr(original, "_stacksmith_latency", False):
        return

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if raw:
            with raw_view():
                result = original(self, *args, **kwargs)
        else:
            result = original(self, *args, **kwargs)
        if after is not None:
            replaced = after(self, result, args, kwargs)
            if replaced is not None:
                return replaced
        return result

    wrapper._stacksmith_latency = True  # type: ignore[attr-defined]
    setattr(owner, name, wrapper)


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str, default: Any = None) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else default


def _rds_describe_with_tombstones(
    original: Callable[..., Any], category: str, model: type, id_attr: str, id_filter: str, not_found: type
) -> Callable[..., Any]:
    """A ``describe_db_instances`` / ``describe_db_clusters`` that also lists the live tombstones of ``category``,
    filtered by moto's own filter code (identifier or ARN, ``Filters``); moto's dicts are not touched."""
    from moto.rds.utils import merge_filters

    @functools.wraps(original)
    def describe(self: Any, *args: Any, **kwargs: Any) -> Any:
        tombs = TIMELINE.tombstones(category, self.account_id, self.region_name)
        live = {getattr(t, id_attr): t for t in tombs}
        if not live:
            return original(self, *args, **kwargs)
        identifier = args[0] if args else kwargs.get(id_attr)
        filters = args[1] if len(args) > 1 else kwargs.get("filters")
        existing: dict[str, Any] = getattr(self, "databases" if category == "rds_instance" else "clusters")
        live = {k: v for k, v in live.items() if k not in existing}
        merged = filters
        if identifier:
            merged = merge_filters(filters, {id_filter: [identifier]})
        extra = list(self._filter_resources(live, merged, model).values()) if merged else list(live.values())
        try:
            found = list(original(self, *args, **kwargs))
        except not_found:
            if not extra:
                raise
            found = []
        return found + [t for t in extra if t not in found]

    describe._stacksmith_latency = True  # type: ignore[attr-defined]
    return describe


# -- the rules ---------------------------------------------------------------------------------------------------


@latency_rule(
    name="nat_gateway",
    service="ec2",
    profile_keys=("nat_gateway",),
    real_behaviour="A NAT gateway is 'pending' for about 1-2 minutes after CreateNatGateway, then 'available'; "
    "DeleteNatGateway puts it in 'deleting' for about a minute, then 'deleted' (still listed for about an hour).",
    moto_behaviour="'available' in the CreateNatGateway answer; 'deleted' at once after DeleteNatGateway.",
    emulation="NatGateway.state reports 'pending' for nat_gateway.create * scale, and 'deleting' instead of "
    "'deleted' for nat_gateway.delete * scale (DescribeNatGateways state filters see the same values).",
)
def _apply_nat_gateway() -> None:
    from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend

    install_state_property(NatGateway, "state", "pending", ("available",), "deleting", ("deleted",))

    def created(backend: Any, gateway: Any, args: Any, kwargs: Any) -> None:
        start_timer(gateway, "nat_gateway", gateway.id, "ec2", "nat_gateway")

    def deleted(backend: Any, gateway: Any, args: Any, kwargs: Any) -> None:
        if gateway is not None:
            mark_deleted(gateway, "nat_gateway")

    wrap_method(NatGatewayBackend, "create_nat_gateway", created)
    wrap_method(NatGatewayBackend, "delete_nat_gateway", deleted)


@latency_rule(
    name="elbv2_load_balancer",
    service="elbv2",
    profile_keys=("alb",),
    real_behaviour="An application / network load balancer is 'provisioning' for about 2-3 minutes after "
    "CreateLoadBalancer, then 'active'.",
    moto_behaviour="'provisioning' in the CreateLoadBalancer answer, 'active' from the first DescribeLoadBalancers.",
    emulation="State.Code reports 'provisioning' for alb.create * scale (every load balancer type uses the 'alb' "
    "key). DeleteLoadBalancer stays instant (moto forgets it at once; alb.delete, the release of its network "
    "interfaces that blocks deleting its subnets and security groups, is not modelled).",
)
def _apply_elbv2() -> None:
    from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer

    install_state_property(FakeLoadBalancer, "state", "provisioning", ("active",))

    def created(backend: Any, lb: Any, args: Any, kwargs: Any) -> None:
        start_timer(lb, "load_balancer", lb.arn, "elbv2", "alb", name=lb.name, type=lb.type)

    wrap_method(ELBv2Backend, "create_load_balancer", created)
    wrap_delete(
        ELBv2Backend,
        "delete_load_balancer",
        lambda backend, arn, *a, **k: backend.load_balancers.get(arn),
        "alb",
        instant=True,
    )


def _rds_instance_key(db: Any) -> str:
    from moto.rds.models import DBInstanceClustered

    if isinstance(db, DBInstanceClustered):
        return "aurora_instance"
    with raw_view():
        return "rds_instance_multi_az" if getattr(db, "multi_az", False) else "rds_instance"


@latency_rule(
    name="rds_instance",
    service="rds",
    profile_keys=("rds_instance", "rds_instance_multi_az", "aurora_instance"),
    real_behaviour="A new DB instance is 'creating' for several minutes (single-AZ ~5.5, Multi-AZ ~12, an Aurora "
    "instance ~10), then 'available'; a deleted one is listed as 'deleting' for ~5 minutes, then DBInstanceNotFound.",
    moto_behaviour="'available' at once; DeleteDBInstance forgets the instance at once (DBInstanceNotFound).",
    emulation="DBInstance.status reports 'creating' for the profile time (Multi-AZ and Aurora instances have their "
    "own keys; read replicas and restores time as new instances). A deleted instance stays listed by "
    "DescribeDBInstances as 'deleting' (a tombstone) for the key's delete time. Calls moto guards with "
    "'available' (AddRoleToDBInstance, StopDBInstance...) fail while it is 'creating', as on AWS.",
)
def _apply_rds_instance() -> None:
    from moto.rds.models import DBInstance, RDSBackend

    install_state_property(DBInstance, "status", "creating", ("available",))

    def created(backend: Any, db: Any, args: Any, kwargs: Any) -> None:
        start_timer(
            db,
            "db_instance",
            db.db_instance_identifier,
            "rds",
            _rds_instance_key(db),
            arn=db.db_instance_arn,
        )

    def deleted(backend: Any, db: Any, args: Any, kwargs: Any) -> None:
        record = mark_deleted(db, _rds_instance_key(db))
        if record is not None and record.deleting():
            TIMELINE.add_tombstone("rds_instance", db, record, backend.account_id, backend.region_name)

    from moto.rds.exceptions import DBInstanceNotFoundError

    wrap_method(RDSBackend, "create_db_instance", created)
    wrap_method(RDSBackend, "create_db_instance_read_replica", created)
    wrap_method(RDSBackend, "delete_db_instance", deleted)
    if not getattr(RDSBackend.describe_db_instances, "_stacksmith_latency", False):
        RDSBackend.describe_db_instances = _rds_describe_with_tombstones(  # type: ignore[method-assign]
            RDSBackend.describe_db_instances,
            "rds_instance",
            DBInstance,
            "db_instance_identifier",
            "db-instance-id",
            DBInstanceNotFoundError,
        )


@latency_rule(
    name="aurora_cluster",
    service="rds",
    profile_keys=("aurora_cluster",),
    real_behaviour="A new Aurora DB cluster is 'creating' for ~3 minutes, then 'available' (its instances take "
    "longer, see rds_instance); a deleted cluster is listed as 'deleting' for a while.",
    moto_behaviour="'creating' in the CreateDBCluster answer only, 'available' from the next read; DeleteDBCluster "
    "forgets the cluster at once.",
    emulation="DBCluster.status reports 'creating' for aurora_cluster.create * scale; a deleted cluster stays "
    "listed by DescribeDBClusters as 'deleting' for aurora_cluster.delete * scale.",
)
def _apply_aurora_cluster() -> None:
    from moto.rds.models import DBCluster, RDSBackend

    install_state_property(DBCluster, "status", "creating", ("available",))

    def created(backend: Any, cluster: Any, args: Any, kwargs: Any) -> None:
        start_timer(
            cluster, "db_cluster", cluster.db_cluster_identifier, "rds", "aurora_cluster", arn=cluster.db_cluster_arn
        )

    def deleted(backend: Any, cluster: Any, args: Any, kwargs: Any) -> None:
        record = mark_deleted(cluster, "aurora_cluster")
        if record is None:
            return
        cluster.status = "deleting"
        if record.deleting():
            TIMELINE.add_tombstone("rds_cluster", cluster, record, backend.account_id, backend.region_name)

    from moto.rds.exceptions import DBClusterNotFoundError

    wrap_method(RDSBackend, "create_db_cluster", created)
    wrap_method(RDSBackend, "delete_db_cluster", deleted)
    if not getattr(RDSBackend.describe_db_clusters, "_stacksmith_latency", False):
        RDSBackend.describe_db_clusters = _rds_describe_with_tombstones(  # type: ignore[method-assign]
            RDSBackend.describe_db_clusters,
            "rds_cluster",
            DBCluster,
            "db_cluster_identifier",
            "db-cluster-id",
            DBClusterNotFoundError,
        )


@latency_rule(
    name="elasticache_replication_group",
    service="elasticache",
    profile_keys=("elasticache_replication_group",),
    real_behaviour="A replication group is 'creating' for ~9 minutes, then 'available'; a deleted one is "
    "'deleting' for ~5 minutes, then ReplicationGroupNotFoundFault.",
    moto_behaviour="'available' at once; after DeleteReplicationGroup it stays listed as 'deleting' forever.",
    emulation="ReplicationGroup.status reports 'creating' for the create time; a deleted group is 'deleting' for "
    "the delete time, then removed (DescribeReplicationGroups no longer lists it).",
)
def _apply_elasticache() -> None:
    from moto.elasticache.models import ElastiCacheBackend, ReplicationGroup

    install_state_property(ReplicationGroup, "status", "creating", ("available",))

    def created(backend: Any, group: Any, args: Any, kwargs: Any) -> None:
        start_timer(
            group, "replication_group", group.replication_group_id, "elasticache", "elasticache_replication_group"
        )

    def deleted(backend: Any, group: Any, args: Any, kwargs: Any) -> None:
        mark_deleted(group, "elasticache_replication_group")

    original_describe = ElastiCacheBackend.describe_replication_groups

    @functools.wraps(original_describe)
    def describe_replication_groups(self: Any, *args: Any, **kwargs: Any) -> Any:
        now = time.time()
        for group_id, group in list(self.replication_groups.items()):
            record = timer_of(group)
            if record is not None and record.deleted is not None and not record.deleting(now):
                self.replication_groups.pop(group_id, None)
        return original_describe(self, *args, **kwargs)

    describe_replication_groups._stacksmith_latency = True  # type: ignore[attr-defined]
    wrap_method(ElastiCacheBackend, "create_replication_group", created)
    wrap_method(ElastiCacheBackend, "delete_replication_group", deleted)
    if not getattr(ElastiCacheBackend.describe_replication_groups, "_stacksmith_latency", False):
        ElastiCacheBackend.describe_replication_groups = describe_replication_groups  # type: ignore[method-assign]


@latency_rule(
    name="cloudfront_distribution",
    service="cloudfront",
    profile_keys=("cloudfront_distribution",),
    real_behaviour="A distribution is 'InProgress' while its configuration propagates to the edge locations (~3-4 "
    "minutes after a create, ~2 after an update), then 'Deployed'.",
    moto_behaviour="moto's state manager (cloudfront::distribution, default 'manual', times 1) reports 'InProgress' "
    "in the CreateDistribution answer and 'Deployed' from the first GetDistribution / ListDistributions; an update "
    "never goes back to 'InProgress'.",
    emulation="Distribution.status reports 'InProgress' for cloudfront_distribution.create * scale after "
    "CreateDistribution(WithTags) and .update * scale after UpdateDistribution (moto's state manager still "
    "applies around it). DeleteDistribution stays instant (AWS requires a disabled, deployed distribution).",
)
def _apply_cloudfront() -> None:
    from moto.cloudfront.models import CloudFrontBackend, Distribution

    install_state_property(Distribution, "status", "InProgress", ("Deployed",))

    def created(backend: Any, result: Any, args: Any, kwargs: Any) -> None:
        dist = result[0]
        start_timer(dist, "distribution", dist.distribution_id, "cloudfront", "cloudfront_distribution")

    def updated(backend: Any, result: Any, args: Any, kwargs: Any) -> None:
        dist = result[0]
        start_timer(dist, "distribution", dist.distribution_id, "cloudfront", "cloudfront_distribution", phase="update")

    wrap_method(CloudFrontBackend, "create_distribution_with_tags", created)
    wrap_method(CloudFrontBackend, "update_distribution", updated)
    wrap_delete(
        CloudFrontBackend,
        "delete_distribution",
        lambda backend, dist_id, *a, **k: backend.distributions.get(dist_id),
        "cloudfront_distribution",
        instant=True,
    )


def _patch_info_json(cls: type) -> None:
    """EFS models serialise ``__dict__``: report the timed ``life_cycle_state`` instead of moto's raw value."""
    original = cls.info_json
    if getattr(original, "_stacksmith_latency", False):
        return

    @functools.wraps(original)
    def info_json(self: Any) -> dict[str, Any]:
        result = original(self)
        if "LifeCycleState" in result:
            result["LifeCycleState"] = self.life_cycle_state
        return result

    info_json._stacksmith_latency = True  # type: ignore[attr-defined]
    cls.info_json = info_json  # type: ignore[method-assign]


@latency_rule(
    name="efs",
    service="efs",
    profile_keys=("efs_file_system", "efs_mount_target"),
    real_behaviour="A file system is 'creating' for ~10 s, a mount target for ~1.5 minutes, then 'available'. A "
    "deleted mount target is 'deleting' for a while, and DeleteFileSystem fails with FileSystemInUse until no "
    "mount target is left.",
    moto_behaviour="Both 'available' at once; DeleteMountTarget forgets the mount target at once, so the file "
    "system can be deleted right after.",
    emulation="LifeCycleState reports 'creating' for the profile times. A deleted mount target stays listed by "
    "DescribeMountTargets as 'deleting' and counts in NumberOfMountTargets (so DeleteFileSystem answers "
    "FileSystemInUse) for efs_mount_target.delete * scale. DeleteFileSystem stays instant.",
)
def _apply_efs() -> None:
    from moto.efs.exceptions import MountTargetNotFound
    from moto.efs.models import EFSBackend, FileSystem, MountTarget

    install_state_property(FileSystem, "life_cycle_state", "creating", ("available",))
    install_state_property(MountTarget, "life_cycle_state", "creating", ("available",))
    _patch_info_json(FileSystem)
    _patch_info_json(MountTarget)

    def fs_created(backend: Any, fs: Any, args: Any, kwargs: Any) -> None:
        start_timer(fs, "file_system", fs.file_system_id, "efs", "efs_file_system")

    def mt_created(backend: Any, mt: Any, args: Any, kwargs: Any) -> None:
        start_timer(mt, "mount_target", mt.mount_target_id, "efs", "efs_mount_target", file_system_id=mt.file_system_id)

    original_delete_mt = EFSBackend.delete_mount_target

    @functools.wraps(original_delete_mt)
    def delete_mount_target(self: Any, mount_target_id: str) -> None:
        mt = self.mount_targets_by_id.get(mount_target_id)
        original_delete_mt(self, mount_target_id)
        if mt is None:
            return
        record = mark_deleted(mt, "efs_mount_target")
        if record is not None and record.deleting():
            mt.life_cycle_state = "deleting"
            TIMELINE.add_tombstone("efs_mount_target", mt, record, self.account_id, self.region_name)

    delete_mount_target._stacksmith_latency = True  # type: ignore[attr-defined]

    original_describe_mt = EFSBackend.describe_mount_targets

    @functools.wraps(original_describe_mt)
    def describe_mount_targets(self: Any, *args: Any, **kwargs: Any) -> Any:
        tombs = TIMELINE.tombstones("efs_mount_target", self.account_id, self.region_name)
        mount_target_id = _arg(args, kwargs, 2, "mount_target_id")
        file_system_id = _arg(args, kwargs, 1, "file_system_id")
        try:
            marker, targets = original_describe_mt(self, *args, **kwargs)
        except MountTargetNotFound:
            hits = [mt for mt in tombs if mt.mount_target_id == mount_target_id]
            if hits:
                return None, hits
            raise
        if file_system_id:
            targets = list(targets) + [mt for mt in tombs if mt.file_system_id == file_system_id]
        return marker, targets

    describe_mount_targets._stacksmith_latency = True  # type: ignore[attr-defined]

    original_count = FileSystem.number_of_mount_targets
    if not getattr(original_count.fget, "_stacksmith_latency", False):

        def number_of_mount_targets(self: Any) -> int:
            backend = self._context
            deleting = TIMELINE.tombstones("efs_mount_target", backend.account_id, backend.region_name)
            return int(original_count.fget(self)) + sum(
                1 for mt in deleting if mt.file_system_id == self.file_system_id
            )

        number_of_mount_targets._stacksmith_latency = True  # type: ignore[attr-defined]
        FileSystem.number_of_mount_targets = property(number_of_mount_targets)  # type: ignore[assignment]

    wrap_method(EFSBackend, "create_file_system", fs_created)
    wrap_method(EFSBackend, "create_mount_target", mt_created)
    wrap_delete(
        EFSBackend,
        "delete_file_system",
        lambda backend, fs_id, *a, **k: backend.file_systems_by_id.get(fs_id),
        "efs_file_system",
        instant=True,
    )
    for name, fn in (
        ("delete_mount_target", delete_mount_target),
        ("describe_mount_targets", describe_mount_targets),
    ):
        if not getattr(getattr(EFSBackend, name), "_stacksmith_latency", False):
            setattr(EFSBackend, name, fn)


# -- ECS service deployments -------------------------------------------------------------------------------------

_ECS_STATE = "_stacksmith_ecs_deployments"
ECS_FAILING_IMAGES_ENV = "STACKSMITH_ECS_FAILING_IMAGES"
_ecs_failing_images: list[str] | None = None  # None: from $STACKSMITH_ECS_FAILING_IMAGES


def ecs_failing_images() -> list[str]:
    """Image globs (fnmatch) whose deployments fail: the control setting, else ``$STACKSMITH_ECS_FAILING_IMAGES``
    (comma-separated)."""
    with _lock:
        if _ecs_failing_images is not None:
            return list(_ecs_failing_images)
    raw = os.environ.get(ECS_FAILING_IMAGES_ENV) or ""
    return [glob.strip() for glob in raw.split(",") if glob.strip()]


def set_ecs_failing_images(globs: Any) -> dict[str, Any]:
    """Replace the failing-image globs (None: back to the environment)."""
    global _ecs_failing_images
    if globs is not None and (not isinstance(globs, list) or not all(isinstance(g, str) and g.strip() for g in globs)):
        raise ValueError("failing_images is a list of non-empty image globs, e.g. ['*:broken-*']")
    with _lock:
        _ecs_failing_images = None if globs is None else [g.strip() for g in globs]
    return describe_ecs()


def describe_ecs() -> dict[str, Any]:
    return {"failing_images": ecs_failing_images(), "env": ECS_FAILING_IMAGES_ENV}


def _image_fails(images: list[str]) -> str | None:
    import fnmatch

    globs = ecs_failing_images()
    for image in images:
        if any(fnmatch.fnmatchcase(image, g) for g in globs):
            return image
    return None


@dataclass
class _EcsDeployment:
    base: dict[str, Any]
    record: TimelineRecord | None
    task_definition: Any
    first: bool
    failing_image: str | None = None  # the deployment's tasks never get healthy: this image matches a failing glob
    circuit_breaker: bool = False
    rollback: bool = False
    failed: bool = False  # settled: the circuit breaker marked it FAILED
    rollback_of: _EcsDeployment | None = None  # this deployment is the circuit breaker's rollback of that one


def _ecs_settle(service: Any, state: list[_EcsDeployment], now: float) -> None:
    """Once a failing deployment's time is over: circuit breaker -> FAILED, and with rollback a new PRIMARY deployment
    of the last deployment that completed (the service's taskDefinition goes back to it), as ECS does."""
    latest = state[-1]
    if latest.failing_image is None or latest.failed or not latest.circuit_breaker:
        return
    if latest.record is not None and latest.record.pending(now):
        return
    latest.failed = True
    reason = f"tasks failed to start (image {latest.failing_image})"
    events = service.__dict__.setdefault("events", [])
    events.insert(
        0,
        {
            "id": str(mock_uuid()),
            "createdAt": datetime_now(),
            "message": f"(service {service.name}) (deployment {latest.base.get('id')}) deployment failed: {reason}.",
        },
    )
    previous = next((dep for dep in reversed(state[:-1]) if not dep.failed), None)
    if not latest.rollback or previous is None:
        return
    base = dict(latest.base)
    base.update(id=f"ecs-svc/{mock_randint()}", createdAt=datetime_now(), updatedAt=datetime_now())
    state.append(
        _EcsDeployment(
            base=base, record=None, task_definition=previous.task_definition, first=False, rollback_of=latest
        )
    )
    service.__dict__["task_definition"] = previous.task_definition
    events.insert(
        0,
        {
            "id": str(mock_uuid()),
            "createdAt": datetime_now(),
            "message": f"(service {service.name}) rolling back to deployment {base['id']} "
            f"(task definition {previous.task_definition}).",
        },
    )


def mock_uuid() -> Any:
    from moto.moto_api._internal import mock_random

    return mock_random.uuid4()


def mock_randint() -> int:
    from moto.moto_api._internal import mock_random

    return mock_random.randint(0, 32**12)


def datetime_now() -> Any:
    from moto.core.utils import utcnow

    return utcnow()


def _ecs_render(service: Any) -> tuple[list[dict[str, Any]], int, int] | None:
    """(deployments, runningCount, pendingCount) as AWS reports them now, or None when the service is not timed."""
    state: list[_EcsDeployment] | None = service.__dict__.get(_ECS_STATE)
    if not state or _raw_view.get():
        return None
    desired = int(service.__dict__.get("desired_count") or 0)
    now = time.time()
    with _lock:
        _ecs_settle(service, state, now)
    latest = state[-1]

    def render(
        dep: _EcsDeployment, status: str, rollout: str, running: int, pending: int, failed_tasks: int = 0
    ) -> dict[str, Any]:
        out = copy.copy(dep.base)
        if rollout == "FAILED":
            reason = f"ECS deployment circuit breaker: tasks failed to start (image {dep.failing_image})."
        else:
            done = "completed" if rollout == "COMPLETED" else "in progress"
            reason = f"ECS deployment {out.get('id')} {done}."
        out.update(
            status=status,
            rolloutState=rollout,
            rolloutStateReason=reason,
            runningCount=running,
            pendingCount=pending,
            desiredCount=desired,
            failedTasks=failed_tasks,
            taskDefinition=dep.task_definition,
        )
        return out

    failures = max(desired, 1)
    if latest.rollback_of is not None:
        return (
            [
                render(latest, "PRIMARY", "COMPLETED", desired, 0),
                render(latest.rollback_of, "ACTIVE", "FAILED", 0, 0, failures),
            ],
            desired,
            0,
        )
    previous = state[-2] if len(state) > 1 else None
    if latest.failed:  # circuit breaker without rollback (or nothing to roll back to)
        deployments = [render(latest, "PRIMARY", "FAILED", 0, 0, failures)]
        if previous is not None:
            deployments.append(render(previous, "ACTIVE", "COMPLETED", desired, 0))
        return deployments, desired if previous is not None else 0, 0
    pending = latest.record is not None and latest.record.pending(now)
    if latest.failing_image is not None:
        pending = True  # no circuit breaker: ECS keeps trying to start the tasks for ever
    if not pending:
        return [render(latest, "PRIMARY", "COMPLETED", desired, 0)], desired, 0
    deployments = [render(latest, "PRIMARY", "IN_PROGRESS", 0, desired)]
    running = 0
    if previous is not None:
        deployments.append(render(previous, "ACTIVE", "COMPLETED", desired, 0))
        running = desired
    return deployments, running, desired if latest.first else 0


@latency_rule(
    name="ecs_service_deployment",
    service="ecs",
    profile_keys=("ecs_service_deployment",),
    real_behaviour="CreateService (and UpdateService with a new task definition or forceNewDeployment) starts a "
    "deployment that is IN_PROGRESS until the tasks are running and healthy (~70 s), then COMPLETED; during an "
    "update the old deployment is listed as ACTIVE beside the new PRIMARY one; runningCount reaches desiredCount. "
    "A deployment whose tasks never get healthy is marked FAILED by the deployment circuit breaker, which (with "
    "rollback) starts a new PRIMARY deployment of the last completed task definition.",
    moto_behaviour="No task ever runs: runningCount stays 0 (MOTO_ECS_SERVICE_RUNNING) and the deployment stays "
    "IN_PROGRESS for ever when desiredCount > 0; an update never starts a new deployment; nothing ever fails.",
    emulation="deployments, runningCount and pendingCount are reported from a timed deployment per create / update: "
    "IN_PROGRESS (new deployment running 0, pending desired; the previous one ACTIVE) for "
    "ecs_service_deployment.create/update * scale, then a single PRIMARY deployment COMPLETED with runningCount == "
    "desiredCount. No task exists (ListTasks stays empty); the cluster's task counters are moto's. A deployment "
    "whose task definition has an image matching a failing glob ($STACKSMITH_ECS_FAILING_IMAGES or POST "
    '/_stacksmith/ecs {"failing_images": [...]}) is IN_PROGRESS for its time, then (circuit breaker enabled) '
    "FAILED, with rollback a new PRIMARY COMPLETED deployment of the previous task definition (the failed one listed "
    "ACTIVE / FAILED, the service's taskDefinition back to the previous one, two service events); without a circuit "
    "breaker it stays IN_PROGRESS.",
)
def _apply_ecs() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend, Service

    def make_property(attr: str, index: int) -> None:
        existing = Service.__dict__.get(attr)
        if isinstance(existing, property):
            return

        def fget(self: Any) -> Any:
            rendered = _ecs_render(self)
            if rendered is None:
                try:
                    return self.__dict__[attr]
                except KeyError:
                    raise AttributeError(attr) from None
            return rendered[index]

        def fset(self: Any, value: Any) -> None:
            self.__dict__[attr] = value

        setattr(Service, attr, property(fget, fset))

    make_property("deployments", 0)
    make_property("running_count", 1)
    make_property("pending_count", 2)

    def images_of(backend: Any, task_definition: Any) -> list[str]:
        try:
            with raw_view():
                td = backend.describe_task_definition(str(task_definition))
        except Exception:  # noqa: BLE001 - no task definition: nothing can fail
            return []
        return [str(c.get("image") or "") for c in (td.container_definitions or [])]

    def start(backend: Any, service: Any, base: dict[str, Any], phase: str, first: bool) -> None:
        failing = _image_fails(images_of(backend, service.task_definition))
        extra = {"failing_image": failing} if failing else {}
        record = start_timer(
            service,
            "ecs_service_deployment",
            str(base.get("id")),
            "ecs",
            "ecs_service_deployment",
            phase=phase,
            service_arn=service.arn,
            **extra,
        )
        breaker = (service.__dict__.get("deployment_configuration") or {}).get("deploymentCircuitBreaker") or {}
        state = service.__dict__.setdefault(_ECS_STATE, [])
        state.append(
            _EcsDeployment(
                base=base,
                record=record,
                task_definition=service.task_definition,
                first=first,
                failing_image=failing,
                circuit_breaker=bool(breaker.get("enable")),
                rollback=bool(breaker.get("rollback")),
            )
        )
        del state[:-3]

    def created(backend: Any, service: Any, args: Any, kwargs: Any) -> None:
        raw = service.__dict__.get("deployments") or []
        if raw:
            start(backend, service, dict(raw[0]), "create", True)

    original_update = EC2ContainerServiceBackend.update_service

    @functools.wraps(original_update)
    def update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        props = dict(service_properties)
        cluster_str = props.get("cluster", "default")
        service_name = str(props.get("service", "")).split("/")[-1]
        before = None
        with contextlib.suppress(Exception):
            existing = self._get_service(cluster_str, service_name)
            _ecs_render(existing)  # settle a finished failing deployment (rollback) before the update
            with raw_view():
                before = existing.task_definition
        with raw_view():
            service = original_update(self, service_properties)
        state = service.__dict__.get(_ECS_STATE)
        new_task_definition = props.get("task_definition")
        with raw_view():
            after = service.task_definition
        changed = new_task_definition is not None and after != before
        if state and (props.get("force_new_deployment") or changed):
            now = datetime_now()
            base = dict(state[-1].base)
            base.update(id=f"ecs-svc/{mock_randint()}", createdAt=now, updatedAt=now)
            start(self, service, base, "update", False)
        return service

    update_service._stacksmith_latency = True  # type: ignore[attr-defined]

    wrap_method(EC2ContainerServiceBackend, "create_service", created)
    wrap_method(EC2ContainerServiceBackend, "delete_service", None, raw=True)
    if not getattr(EC2ContainerServiceBackend.update_service, "_stacksmith_latency", False):
        EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]


def _install_ecs(middleware: Any) -> None:
    """``/_stacksmith/ecs``: GET / POST {"failing_images": [...]} / DELETE (back to the environment); a reset goes back
    to the environment too."""

    def post(req: Any) -> tuple[int, Any]:
        payload = req.json()
        if not isinstance(payload, dict) or set(payload) - {"failing_images"}:
            raise ValueError("ECS config is a JSON object {'failing_images': [image globs]}")
        return 200, set_ecs_failing_images(payload.get("failing_images", []))

    middleware.add_control_route(
        "/ecs",
        {
            "GET": lambda req: (200, describe_ecs()),
            "POST": post,
            "DELETE": lambda req: (200, set_ecs_failing_images(None)),
        },
    )
    middleware.reset_hooks.append(lambda: set_ecs_failing_images(None))


@latency_rule(
    name="apprunner_service",
    service="apprunner",
    profile_keys=("apprunner_service",),
    real_behaviour="An App Runner service is OPERATION_IN_PROGRESS for ~3 minutes, then RUNNING.",
    moto_behaviour="App Runner is not implemented by moto 5.2.5 (HTML 500 / 404).",
    emulation="None yet: only the profile key exists, for when moto (or a shim) implements the service.",
)
def _apply_apprunner() -> None:
    return None


def acm_validation_seconds() -> float:
    """ACM's DNS-validation delay: profile ``acm_validation.create`` * scale (the ACM shim's env var overrides it)."""
    return config().seconds("acm_validation", "create")


# -- control API -------------------------------------------------------------------------------------------------


def configure_from_payload(payload: Any) -> dict[str, Any]:
    """``{"scale": 0.1, "profile": {...overrides}, "replace_profile": false}`` -> new configuration."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ValueError("latency config is a JSON object {'scale': N, 'profile': {...}}")
    unknown = set(payload) - {"scale", "profile", "replace_profile"}
    if unknown:
        raise ValueError(
            f"unknown latency config key(s) {sorted(unknown)}; known: ['profile', 'replace_profile', 'scale']"
        )
    config().configure(
        scale=payload.get("scale"),
        profile=payload.get("profile"),
        replace_profile=bool(payload.get("replace_profile", False)),
    )
    return config().describe()


def install(middleware: Any) -> None:
    """Serve ``/_stacksmith/latency`` and ``/_stacksmith/timeline``; the timeline is cleared on reset."""

    def reset_config(req: Any) -> tuple[int, Any]:
        config().reset()
        return 200, config().describe()

    middleware.add_control_route(
        "/latency",
        {
            "GET": lambda req: (200, config().describe()),
            "POST": lambda req: (200, configure_from_payload(req.json())),
            "DELETE": reset_config,
        },
    )
    middleware.add_control_route("/timeline", {"GET": lambda req: (200, timeline())})
    middleware.reset_hooks.append(clear_timeline)
    _install_ecs(middleware)
